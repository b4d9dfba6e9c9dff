package crawl

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"vigie/internal/crawl/crawltest"
	"vigie/internal/evidence"
)

// hostileConfig is small enough for hostile servers to reach every bound
// quickly.
func hostileConfig() Config {
	return Config{
		// The timeout cuts the slow-drip response; it leaves loopback pages
		// time to load on a loaded machine (CI runs packages side by side).
		AllowPrivate: true, Rate: -1, Timeout: 2 * time.Second, MaxDuration: 15 * time.Second,
		MaxBodyBytes: 256 << 10, MaxPages: 1000, MaxDepth: 4, MaxRedirects: 5, Concurrency: 4,
	}
}

// bounds checks what every crawl of a hostile site must keep: it ends in
// time, its memory stays bounded, and its archive is well-formed and
// holds a response for every page visited.
func bounds(t *testing.T, cfg Config, m measure, dir string, pages map[string]*Page) map[string]*evidence.Record {
	t.Helper()
	// The bound the crawl promises: it stops at MaxDuration, with time to
	// close the responses in flight and the archive. (How fast it crawls
	// is for the benchmark, not for a test.)
	if limit := cfg.MaxDuration + cfg.Timeout + 5*time.Second; m.elapsed > limit {
		t.Errorf("crawl took %s, want under %s", m.elapsed, limit)
	}
	// Each request in flight holds its body a few times (raw, decoded,
	// parsed); an unbounded read of an endless body would be gigabytes.
	if limit := uint64(cfg.Concurrency*cfg.MaxBodyBytes*8) + 48<<20; m.peakHeap > limit {
		t.Errorf("peak heap grew by %d MiB, want under %d MiB", m.peakHeap>>20, limit>>20)
	}
	records := archived(t, dir)
	for u := range pages {
		if records[u] == nil {
			t.Errorf("page %s visited but no response record archived", u)
		}
	}
	return records
}

func TestHostileServers(t *testing.T) {
	tests := []struct {
		name    string
		path    string // linked from the entry page; served by handler
		handler http.Handler
		fetched []string          // paths that must have been visited
		cut     []string          // parts of one Result.Cut line
		trunc   map[string]string // path → WARC-Truncated of its response record
		notes   map[string]string // path → part of one of its page notes
		errs    []string          // paths that must be fetch errors
	}{
		{
			name: "redirect loop", path: "/loop/a", handler: crawltest.RedirectLoop(),
			fetched: []string{"/loop/a", "/loop/b"},
		},
		{
			name: "endless redirect chain", path: "/chain/0", handler: crawltest.RedirectLoop(),
			fetched: []string{"/chain/0", "/chain/5"},
			cut:     []string{"max-redirects 5 reached", "/chain/5 → "},
		},
		{
			name: "endless body", path: "/endless", handler: crawltest.EndlessBody(),
			cut:   []string{"size bound reached", "max-body-bytes 262144", "1 responses truncated"},
			trunc: map[string]string{"/endless": "length"},
			notes: map[string]string{"/endless": "body cut at 262144 bytes (max-body-bytes)"},
		},
		{
			name: "slow drip", path: "/drip", handler: crawltest.SlowDrip(20 * time.Millisecond),
			cut:   []string{"timeout 2s reached", "/drip"},
			trunc: map[string]string{"/drip": "time"},
			notes: map[string]string{"/drip": "body cut by the 2s timeout"},
		},
		{
			name: "huge headers", path: "/headers", handler: crawltest.HugeHeaders(),
			cut:   []string{"size bound reached", "max-header-bytes 262144"},
			trunc: map[string]string{"/headers": "length"},
			errs:  []string{"/headers"},
		},
		{
			name: "gzip bomb", path: "/bomb", handler: crawltest.GzipBomb(64 << 20),
			cut:   []string{"reached decompressing", "/bomb"},
			notes: map[string]string{"/bomb": "decoded body cut at 262144 bytes"},
		},
		{
			name: "calendar trap", path: "/calendar/2026/11/22", handler: crawltest.Calendar(),
			fetched: []string{"/calendar/2026/11/22", "/calendar/2026/11/23"},
			cut:     []string{"max-depth 4 reached"},
		},
		{
			name: "malformed HTML", path: "/malformed/un", handler: crawltest.MalformedHTML(),
			fetched: []string{"/malformed/un", "/malformed/next", "/malformed/deux"},
		},
		{
			name: "lying types", path: "/lying/", handler: crawltest.LyingTypes(),
			notes: map[string]string{
				"/lying/png-html": "declared image/png but the content is HTML",
				"/lying/html-png": "declared text/html but the content is image/png",
				"/lying/cp1252":   "declared charset utf-8 but the body is not valid UTF-8",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			links := fmt.Sprintf(`<a href="%s">suite</a>`, tt.path)
			if tt.path == "/lying/" {
				links = `<a href="/lying/png-html">a</a> <a href="/lying/html-png">b</a> <a href="/lying/cp1252">c</a>`
			}
			mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, "<!doctype html><html lang=fr><body><p>Accueil de la clinique.</p>%s</body></html>", links)
			})
			mux.Handle("/robots.txt", http.NotFoundHandler())
			mux.Handle("/sitemap.xml", http.NotFoundHandler())
			mux.Handle("/", tt.handler)
			srv := serve(t, mux)
			cfg := hostileConfig()

			res, pages, dir, m, err := warcCrawl(t, srv.URL+"/", cfg)
			if err != nil {
				t.Fatal(err)
			}
			records := bounds(t, cfg, m, dir, pages)
			for _, p := range tt.fetched {
				if pages[srv.URL+p] == nil {
					t.Errorf("%s not visited", p)
				}
			}
			if tt.cut != nil && !hasLine(res.Cut, tt.cut...) {
				t.Errorf("Cut = %q, want a line with %q", res.Cut, tt.cut)
			}
			if tt.cut == nil && len(res.Cut) > 0 {
				t.Errorf("Cut = %q, want none", res.Cut)
			}
			for p, want := range tt.trunc {
				r := records[srv.URL+p]
				if r == nil {
					t.Errorf("no response record for %s", p)
					continue
				}
				if got := r.Header["WARC-Truncated"]; got != want {
					t.Errorf("%s: WARC-Truncated %q, want %q", p, got, want)
				}
			}
			for p, want := range tt.notes {
				if pg := pages[srv.URL+p]; pg == nil || !hasLine(pg.Notes, want) {
					t.Errorf("%s: notes of %+v, want %q", p, pg, want)
				}
			}
			for _, p := range tt.errs {
				found := false
				for _, e := range res.Errors {
					found = found || e.URL == srv.URL+p
				}
				if !found {
					t.Errorf("Errors = %+v, want %s", res.Errors, p)
				}
			}
		})
	}
}

// TestHostileSite crawls one site that does everything at once, behind a
// robots.txt and a sitemap.
func TestHostileSite(t *testing.T) {
	srv := serve(t, crawltest.HostileSite(20*time.Millisecond, 1<<30))
	cfg := hostileConfig()
	res, pages, dir, m, err := warcCrawl(t, srv.URL+"/", cfg)
	if err != nil {
		t.Fatal(err)
	}
	records := bounds(t, cfg, m, dir, pages)

	for _, want := range [][]string{
		{"max-redirects 5 reached"},
		{"size bound reached"},
		{"timeout 2s reached", "/drip"},
		{"max-depth 4 reached"},
		{"reached decompressing", "/bomb"},
		{"robots.txt disallowed 2 URLs"},
	} {
		if !hasLine(res.Cut, want...) {
			t.Errorf("Cut = %q, want a line with %q", res.Cut, want)
		}
	}
	for _, p := range []string{"/fr/tarifs", "/img/logo.png", "/brochure.pdf", "/lying/png-html", "/malformed/deux"} {
		if pages[srv.URL+p] == nil {
			t.Errorf("%s not visited", p)
		}
	}
	for _, p := range []string{"/img/logo.png", "/brochure.pdf"} {
		if pg := pages[srv.URL+p]; pg != nil && (!pg.Asset || pg.Doc != nil) {
			t.Errorf("%s: asset %v, doc %v: want an asset, not analysed", p, pg.Asset, pg.Doc != nil)
		}
	}
	for _, p := range []string{"/private/dossier", "/private/liste"} {
		if pages[srv.URL+p] != nil || records[srv.URL+p] != nil {
			t.Errorf("%s fetched though robots.txt disallows it", p)
		}
	}
	if records[srv.URL+"/robots.txt"] == nil || records[srv.URL+"/sitemap.xml"] == nil {
		t.Error("robots.txt or sitemap.xml not archived")
	}
	if len(res.Errors) == 0 || !strings.Contains(fmt.Sprint(res.Errors), "/headers") {
		t.Errorf("Errors = %+v, want /headers", res.Errors)
	}
}
