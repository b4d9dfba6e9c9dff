package crawl

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/crawl/crawltest"
)

// bigSite serves n pages of size bytes each, every page linking to all.
func bigSite(n, size int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var links strings.Builder
		for i := range n {
			fmt.Fprintf(&links, `<a href="/p%d">%d</a> `, i, i)
		}
		fmt.Fprintf(w, page, "fr", r.URL.Path, "", strings.Repeat("Texte de la clinique. ", size/22), links.String())
	})
}

func TestMaxTotalBytes(t *testing.T) {
	srv := serve(t, bigSite(30, 100<<10))
	cfg := Config{AllowPrivate: true, Rate: -1, MaxTotalBytes: 500 << 10, Concurrency: 2}
	res, pages, dir, _, err := warcCrawl(t, srv.URL+"/", cfg)
	if err != nil {
		t.Fatal(err)
	}
	var total int
	for _, r := range archived(t, dir) {
		total += len(r.Block)
	}
	// The budget is checked before each request and bounds the one in
	// flight; each worker may overshoot by its response's headers.
	if limit := int(cfg.MaxTotalBytes) + cfg.Concurrency*4<<10; total > limit {
		t.Errorf("%d response bytes archived, want at most %d", total, limit)
	}
	if len(pages) < 3 || len(pages) > 6 {
		t.Errorf("%d pages of ~100 KB within 500 KB, want 3 to 6", len(pages))
	}
	if !hasLine(res.Cut, "max-total-bytes 512000 reached", "discovered URLs not fetched") {
		t.Errorf("Cut = %q, want the byte budget reported", res.Cut)
	}
}

// assetSite's entry page shows six in-scope images, one from elsewhere,
// and links to a brochure; /next shows the same logo again.
func assetSite() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		var imgs strings.Builder
		for i := range 6 {
			fmt.Fprintf(&imgs, `<img src="/img/%d.png" alt="photo">`, i)
		}
		fmt.Fprintf(w, page, "fr", "Accueil", "", "Nos résultats en images.",
			imgs.String()+`<img src="https://cdn.elsewhere.example/x.png"><a href="/docs/brochure.PDF">brochure</a><a href="/next">suite</a>`)
	})
	mux.HandleFunc("/next", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, page, "fr", "Suite", "", "Encore.", `<img src="/img/0.png"><img src="/img/9.png">`)
	})
	mux.HandleFunc("/img/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(crawltest.PNG())
	})
	mux.HandleFunc("/docs/brochure.PDF", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4\n%%EOF\n"))
	})
	return mux
}

func TestAssets(t *testing.T) {
	tests := []struct {
		name             string
		cfg              Config
		pages, assets    int
		cut              []string
		brochure, second bool // /docs/brochure.PDF and /img/9.png fetched
	}{
		{
			name:  "images and documents archived, not counted as pages",
			cfg:   Config{MaxPages: 2},
			pages: 2, assets: 8, brochure: true, second: true,
		},
		{
			name:  "per page bound",
			cfg:   Config{MaxAssetsPerPage: 4},
			pages: 2, assets: 5, brochure: true, second: true,
			cut: []string{"max-assets-per-page 4 reached: 3 images and documents not fetched"},
		},
		{
			name:  "crawl bound",
			cfg:   Config{MaxAssets: 2, Concurrency: 1},
			pages: 2, assets: 2, brochure: true,
			cut: []string{"max-assets 2 reached"},
		},
		{
			name:  "none",
			cfg:   Config{MaxAssets: -1},
			pages: 2, assets: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, assetSite())
			cfg := tt.cfg
			cfg.AllowPrivate, cfg.Rate = true, -1
			res, pages, err := crawlSite(t, srv, cfg, &memArchive{})
			if err != nil {
				t.Fatal(err)
			}
			assets := 0
			for u, p := range pages {
				if p.Asset {
					assets++
					if p.Doc != nil || p.Depth != 1 && u != "/img/9.png" {
						t.Errorf("asset %s: doc %v depth %d, want no document, its page's depth + 1", u, p.Doc != nil, p.Depth)
					}
				}
			}
			if res.Fetched != tt.pages || res.Assets != tt.assets || assets != tt.assets {
				t.Errorf("fetched %d pages, %d assets (%d visited), want %d and %d", res.Fetched, res.Assets, assets, tt.pages, tt.assets)
			}
			if got := pages["/docs/brochure.PDF"] != nil; got != tt.brochure {
				t.Errorf("brochure fetched %v, want %v", got, tt.brochure)
			}
			if got := pages["/img/9.png"] != nil; got != tt.second {
				t.Errorf("second page's image fetched %v, want %v", got, tt.second)
			}
			if tt.cut != nil && !hasLine(res.Cut, tt.cut...) {
				t.Errorf("Cut = %q, want a line with %q", res.Cut, tt.cut)
			}
		})
	}
}

func TestFrontierBounded(t *testing.T) {
	srv := serve(t, bigSite(1000, 0))
	res, pages, err := crawlSite(t, srv, Config{AllowPrivate: true, Rate: -1, MaxFrontier: 100, MaxPages: 5}, &memArchive{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 5 || !hasLine(res.Cut, "max-frontier 100 reached", "links dropped") || !hasLine(res.Cut, "max-pages 5 reached") {
		t.Errorf("%d pages, Cut = %q: want 5 pages, the frontier and page bounds reported", len(pages), res.Cut)
	}
}

func TestMaxDuration(t *testing.T) {
	srv := serve(t, crawltest.HostileSite(50*time.Millisecond, 1<<20))
	cfg := Config{AllowPrivate: true, Rate: 20, Timeout: 5 * time.Second, MaxDuration: 1500 * time.Millisecond, Concurrency: 2, MaxBodyBytes: 256 << 10}
	res, _, dir, m, err := warcCrawl(t, srv.URL+"/", cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The crawl ends at MaxDuration; the requests in flight end with it.
	if m.elapsed > cfg.MaxDuration+2*time.Second {
		t.Errorf("crawl took %s, want about %s", m.elapsed, cfg.MaxDuration)
	}
	if !hasLine(res.Cut, "time limit 1.5s reached") {
		t.Errorf("Cut = %q, want the time limit reported", res.Cut)
	}
	archived(t, dir)
}

// TestPolitenessAcrossHosts crawls a site whose French version is on a
// second host: each host gets its own rate, and the two are crawled at
// the same time.
func TestPolitenessAcrossHosts(t *testing.T) {
	var mu sync.Mutex
	hits := map[string][]time.Time{}
	site := func(name, alternate string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			hits[name] = append(hits[name], time.Now())
			mu.Unlock()
			var links strings.Builder
			for i := range 5 {
				fmt.Fprintf(&links, `<a href="/%s/%d">%d</a>`, name, i, i)
			}
			fmt.Fprintf(w, page, name, name, alternate, "Texte.", links.String())
		})
	}
	fr := serve(t, site("fr", ""))
	en := serve(t, site("en", fmt.Sprintf(`<link rel="alternate" hreflang="fr" href="%s/fr/0">`, fr.URL)))
	const rate = 8
	_, pages, err := crawlSite(t, en, Config{AllowPrivate: true, Rate: rate, Concurrency: 4}, &memArchive{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 11 {
		t.Errorf("%d pages, want 6 on one host and 5 on the other", len(pages))
	}
	mu.Lock()
	defer mu.Unlock()
	for host, ts := range hits {
		for i := 1; i < len(ts); i++ {
			// Requests to one host are 1/rate apart; the server sees them
			// with some jitter, but without a limit they would come
			// within a millisecond or two.
			if gap := ts[i].Sub(ts[i-1]); gap < time.Second/rate/2 {
				t.Errorf("%s: requests %d and %d only %s apart, want %s", host, i-1, i, gap, time.Second/rate)
			}
		}
	}
	en0, enN, fr0, frN := hits["en"][0], hits["en"][len(hits["en"])-1], hits["fr"][0], hits["fr"][len(hits["fr"])-1]
	if !fr0.Before(enN) || !en0.Before(frN) {
		t.Errorf("hosts crawled one after the other (en %s–%s, fr %s–%s), want at the same time",
			en0.Format("05.000"), enN.Format("05.000"), fr0.Format("05.000"), frN.Format("05.000"))
	}
}
