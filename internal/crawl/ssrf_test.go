package crawl

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestDialRefusesPrivateAddresses(t *testing.T) {
	resolver := fakeResolver{
		"loopback.example":  {"127.0.0.1"},
		"loopback6.example": {"::1"},
		"intranet.example":  {"10.1.2.3"},
		"home.example":      {"192.168.1.1"},
		"docker.example":    {"172.17.0.2"},
		"metadata.example":  {"169.254.169.254"},
		"ula.example":       {"fd00::1"},
		"linklocal.example": {"fe80::1"},
		"cgnat.example":     {"100.64.0.1"},
		"zero.example":      {"0.0.0.0"},
		"multicast.example": {"224.0.0.1"},
		"all.example":       {"10.0.0.1", "127.0.0.1", "::1"},
	}
	tests := []struct{ name, addr string }{
		{"name to loopback", "loopback.example:80"},
		{"name to IPv6 loopback", "loopback6.example:80"},
		{"name to a private network", "intranet.example:443"},
		{"name to a home network", "home.example:80"},
		{"name to a container", "docker.example:80"},
		{"name to cloud metadata", "metadata.example:80"},
		{"name to an IPv6 unique local address", "ula.example:80"},
		{"name to link-local IPv6", "linklocal.example:80"},
		{"name to carrier-grade NAT", "cgnat.example:80"},
		{"name to the unspecified address", "zero.example:80"},
		{"name to multicast", "multicast.example:80"},
		{"every address private", "all.example:80"},
		{"loopback literal", "127.0.0.1:80"},
		{"IPv6 loopback literal", "[::1]:80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &dialer{timeout: time.Second, resolver: resolver}
			conn, err := d.dial(context.Background(), "tcp", tt.addr)
			if conn != nil {
				conn.Close()
			}
			if !errors.Is(err, ErrPrivateAddress) {
				t.Errorf("dial(%s) = %v, want ErrPrivateAddress", tt.addr, err)
			}
		})
	}
}

// TestCrawlRefusesPublicNameResolvingToLoopback: a name that looks
// public but resolves to 127.0.0.1 is refused before any connection;
// allowed, the same name reaches the loopback site (the fake resolver,
// not the system's, answered).
func TestCrawlRefusesPublicNameResolvingToLoopback(t *testing.T) {
	srv := serve(t, site())
	u, _ := url.Parse(srv.URL)
	seed := "http://clinique-publique.example:" + u.Port() + "/"
	resolver := fakeResolver{"clinique-publique.example": {"127.0.0.1"}}

	arch := &memArchive{}
	_, err := Crawl(context.Background(), seed, Config{Resolver: resolver}, arch, func(*Page) error { return nil })
	if !errors.Is(err, ErrUnreachable) || !errors.Is(err, ErrPrivateAddress) || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("err = %v, want unreachable: private address 127.0.0.1", err)
	}
	if len(arch.exs) != 0 {
		t.Errorf("%d exchanges archived from a refused address", len(arch.exs))
	}

	res, err := Crawl(context.Background(), seed, Config{Resolver: resolver, AllowPrivate: true, Rate: -1}, arch, func(*Page) error { return nil })
	if err != nil || res.Fetched < 2 {
		t.Fatalf("allowed: fetched %v, err %v", res, err)
	}
	if ex := arch.exs[0]; ex.IP != "127.0.0.1" || !strings.HasPrefix(ex.URL, "http://clinique-publique.example:") {
		t.Errorf("exchange %s from %s, want the name and the address it resolved to", ex.URL, ex.IP)
	}
}
