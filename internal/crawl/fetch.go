package crawl

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// ErrPrivateAddress is returned when a host resolves to a loopback,
// private, link-local, multicast or unspecified address and private
// addresses are not allowed.
var ErrPrivateAddress = errors.New("address is not public")

// errCaptureFull stops a connection whose capture reached its limit:
// nothing is read that the archive would not keep.
var errCaptureFull = errors.New("response exceeds the bytes kept of one exchange")

// capture records the raw bytes of one connection. Keep-alive is off, so a
// connection carries exactly one exchange.
type capture struct {
	mu        sync.Mutex
	req, resp bytes.Buffer
	limit     int // bytes of response kept at most
	ip        string
	full      bool
	closed    bool // snapshot taken: later bytes are not the exchange's
}

// writing records bytes before they reach the network: the response can be
// read, and the exchange archived, before the writing goroutine returns.
func (c *capture) writing(p []byte) {
	c.mu.Lock()
	if !c.closed {
		c.req.Write(p)
	}
	c.mu.Unlock()
}

// unsent takes back bytes recorded by writing that the connection refused.
func (c *capture) unsent(n int) {
	c.mu.Lock()
	if !c.closed {
		c.req.Truncate(c.req.Len() - n)
	}
	c.mu.Unlock()
}

// read records bytes received and returns how many it kept: fewer than
// len(p) once the limit is reached.
func (c *capture) read(p []byte) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0
	}
	room := c.limit - c.resp.Len()
	if room < len(p) {
		c.resp.Write(p[:max(room, 0)])
		c.full = true
		return max(room, 0)
	}
	c.resp.Write(p)
	return len(p)
}

// grow makes room for n more bytes of response, within the limit.
func (c *capture) grow(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resp.Grow(max(min(n, c.limit-c.resp.Len()), 0))
}

// snapshot returns the bytes recorded and closes the capture. The slices
// are the capture's own: nothing writes to them afterwards.
func (c *capture) snapshot() (req, resp []byte, full bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return c.req.Bytes(), c.resp.Bytes(), c.full
}

type teeConn struct {
	net.Conn
	c *capture
}

func (t *teeConn) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	if n > 0 {
		if kept := t.c.read(p[:n]); kept < n {
			return kept, errCaptureFull
		}
	}
	return n, err
}

func (t *teeConn) Write(p []byte) (int, error) {
	t.c.writing(p)
	n, err := t.Conn.Write(p)
	if n < len(p) {
		t.c.unsent(len(p) - n)
	}
	return n, err
}

// dialer resolves, checks and dials, recording the connection into its
// capture. One dialer and one transport serve one exchange: Go's transport
// may hand a connection dialed for one request to another, so the capture
// cannot travel in the request's context.
type dialer struct {
	allowPrivate bool
	timeout      time.Duration
	resolver     Resolver
	capt         *capture // nil: no recording (the TCP layer under TLS)
}

func (d *dialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var ips []net.IPAddr
	if ip := net.ParseIP(host); ip != nil {
		ips = []net.IPAddr{{IP: ip}}
	} else if ips, err = d.resolver.LookupIPAddr(ctx, host); err != nil {
		return nil, fmt.Errorf("resolve %s: %w", host, err)
	}
	// Check every address after resolution: a public name may resolve to
	// 127.0.0.1 or to an internal network.
	var lastErr error
	for _, ip := range ips {
		if !d.allowPrivate && !isPublic(ip.IP) {
			lastErr = fmt.Errorf("%s resolves to %s: %w (use --allow-private to scan it)", host, ip.IP, ErrPrivateAddress)
			continue
		}
		nd := net.Dialer{Timeout: d.timeout}
		conn, err := nd.DialContext(ctx, network, net.JoinHostPort(ip.IP.String(), port))
		if err != nil {
			lastErr = err
			continue
		}
		if c := d.capt; c != nil {
			c.mu.Lock()
			c.ip = ip.IP.String()
			c.mu.Unlock()
			return &teeConn{Conn: conn, c: c}, nil
		}
		return conn, nil
	}
	if lastErr == nil {
		lastErr = fmt.Errorf("resolve %s: no address", host)
	}
	return nil, lastErr
}

// dialTLS does the handshake itself so that the capture sees the decrypted
// exchange, as a WARC records it.
func (d *dialer) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	plain := *d
	plain.capt = nil
	raw, err := plain.dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	tc := tls.Client(raw, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
	if err := tc.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, fmt.Errorf("tls handshake with %s: %w", host, err)
	}
	if c := d.capt; c != nil {
		if ta, ok := raw.RemoteAddr().(*net.TCPAddr); ok {
			c.mu.Lock()
			c.ip = ta.IP.String()
			c.mu.Unlock()
		}
		return &teeConn{Conn: tc, c: c}, nil
	}
	return tc, nil
}

func isPublic(ip net.IP) bool {
	return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() ||
		// 100.64.0.0/10 carrier-grade NAT and 0.0.0.0/8 are not the internet either.
		ip4In(ip, 100, 64, 10) || ip4In(ip, 0, 0, 8))
}

func ip4In(ip net.IP, a, b byte, bits int) bool {
	v4 := ip.To4()
	if v4 == nil {
		return false
	}
	_, n, _ := net.ParseCIDR(strconv.Itoa(int(a)) + "." + strconv.Itoa(int(b)) + ".0.0/" + strconv.Itoa(bits))
	return n.Contains(v4)
}

func newTransport(d *dialer, timeout time.Duration) *http.Transport {
	return &http.Transport{
		DialContext:            d.dial,
		DialTLSContext:         d.dialTLS,
		DisableKeepAlives:      true, // one exchange per connection: the capture is exact
		DisableCompression:     true, // we ask for gzip ourselves and keep the encoded bytes
		ResponseHeaderTimeout:  timeout,
		MaxResponseHeaderBytes: maxHeaderBytes,
		Proxy:                  nil,
	}
}
