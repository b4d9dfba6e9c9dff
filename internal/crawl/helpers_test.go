package crawl

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/evidence"
)

// warcCrawl crawls seed into a real evidence.Writer under t.TempDir(),
// measuring the time taken and the peak of the heap above where it
// started. It returns the pages visited by URL.
func warcCrawl(t *testing.T, seed string, cfg Config) (res *Result, pages map[string]*Page, dir string, m measure, err error) {
	t.Helper()
	dir = t.TempDir()
	w, err := evidence.NewWriter(dir, evidence.Info{Software: "vigie-test", Parameters: cfg.Parameters()})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	pages = map[string]*Page{}
	m = measured(func() {
		res, err = Crawl(context.Background(), seed, cfg, w, func(p *Page) error {
			mu.Lock()
			defer mu.Unlock()
			pages[p.URL] = p
			return nil
		})
	})
	if cerr := w.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	return res, pages, dir, m, err
}

// measure is what a crawl cost.
type measure struct {
	elapsed  time.Duration
	peakHeap uint64 // bytes of heap in use above the start, sampled every 5 ms
}

func measured(f func()) measure {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > base {
				peak = max(peak, ms.HeapInuse-base)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	start := time.Now()
	f()
	elapsed := time.Since(start)
	close(stop)
	<-sampled
	return measure{elapsed: elapsed, peakHeap: peak}
}

// archived reads back every record written under dir, checks that each
// one parses and that its digests verify, and returns the response
// records by target URI (the last one for a URI fetched twice).
func archived(t *testing.T, dir string) map[string]*evidence.Record {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no WARC file in %s (%v)", dir, err)
	}
	responses := map[string]*evidence.Record{}
	requests, nresp := 0, 0
	for _, f := range files {
		err := evidence.ReadFile(f, func(r *evidence.Record) error {
			if err := evidence.VerifyRecord(r); err != nil {
				return err
			}
			switch r.Type {
			case "response":
				responses[r.TargetURI] = r
				nresp++
			case "request":
				requests++
			}
			return nil
		})
		if err != nil {
			t.Fatalf("archive not well-formed: %v", err)
		}
	}
	if requests != nresp {
		t.Errorf("%d request records for %d responses", requests, nresp)
	}
	return responses
}

// hasLine reports whether one of lines contains every part.
func hasLine(lines []string, parts ...string) bool {
	for _, l := range lines {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			return true
		}
	}
	return false
}

// fakeResolver answers from a table, as DNS would for a hostile zone.
type fakeResolver map[string][]string

func (f fakeResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	addrs, ok := f[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	var out []net.IPAddr
	for _, a := range addrs {
		out = append(out, net.IPAddr{IP: net.ParseIP(a)})
	}
	return out, nil
}

// serve starts h on loopback for the test.
func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
