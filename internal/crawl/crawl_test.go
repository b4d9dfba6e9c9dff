package crawl

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/internal/evidence"
)

// memArchive keeps exchanges in memory, as evidence.Writer would on disk.
type memArchive struct {
	mu   sync.Mutex
	exs  []evidence.Exchange
	fail bool
}

func (m *memArchive) WriteExchange(ex evidence.Exchange) (evidence.Ref, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail {
		return evidence.Ref{}, errors.New("disk full")
	}
	m.exs = append(m.exs, ex)
	return evidence.Ref{RecordID: fmt.Sprintf("urn:uuid:%d", len(m.exs))}, nil
}

const page = `<!doctype html><html lang="%s"><head><title>%s</title>%s</head><body><main><p>%s</p>%s</main></body></html>`

// site serves an English entry page whose French version is declared only
// through hreflang, and French pages linking to each other.
func site() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, page, "en", "Home", `<link rel="alternate" hreflang="fr" href="/fr/">`, "Welcome to the clinic.", `<a href="/en/about">About</a> <a href="https://elsewhere.example/">Partner</a>`)
	})
	mux.HandleFunc("/en/about", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, page, "en", "About", "", "About us.", "")
	})
	mux.HandleFunc("/fr/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, page, "fr", "Accueil", "", "Bienvenue à la clinique.", `<a href="/fr/traitement">Traitement</a> <a href="/old">Ancien</a>`)
	})
	mux.HandleFunc("/fr/traitement", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, page, "fr", "Traitement", "", "Notre traitement.", `<a href="/fr/">Accueil</a>`)
	})
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/fr/tarifs", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/fr/tarifs", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4 brochure"))
	})
	return mux
}

func crawlSite(t *testing.T, srv *httptest.Server, cfg Config, arch Archive) (*Result, map[string]*Page, error) {
	t.Helper()
	var mu sync.Mutex
	pages := map[string]*Page{}
	res, err := Crawl(context.Background(), srv.URL+"/", cfg, arch, func(p *Page) error {
		mu.Lock()
		defer mu.Unlock()
		pages[strings.TrimPrefix(p.URL, srv.URL)] = p
		return nil
	})
	return res, pages, err
}

func TestCrawlFollowsHreflangAndArchivesEverything(t *testing.T) {
	srv := httptest.NewServer(site())
	defer srv.Close()
	arch := &memArchive{}
	res, pages, err := crawlSite(t, srv, Config{AllowPrivate: true, Rate: -1}, arch)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for u := range pages {
		got = append(got, u)
	}
	sort.Strings(got)
	want := []string{"/", "/en/about", "/fr/", "/fr/tarifs", "/fr/traitement", "/old"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	// Every page, and robots.txt and /sitemap.xml (both 404 here), are archived.
	if res.Fetched != len(want) || len(arch.exs) != len(want)+2 {
		t.Errorf("fetched %d, archived %d, want %d and %d", res.Fetched, len(arch.exs), len(want), len(want)+2)
	}
	if len(res.Robots) != 1 || res.Robots[0].Status != http.StatusNotFound || len(res.Sitemaps) != 1 {
		t.Errorf("robots %+v, sitemaps %+v: want robots.txt and /sitemap.xml archived", res.Robots, res.Sitemaps)
	}
	if p := pages["/fr/"]; p.Doc == nil || p.Doc.Lang != "fr" {
		t.Errorf("/fr/ page = %+v, want a French document", p)
	}
	if p := pages["/old"]; p.Status != http.StatusMovedPermanently || p.Doc != nil {
		t.Errorf("/old status %d doc %v, want 301 without document", p.Status, p.Doc)
	}
	if p := pages["/fr/tarifs"]; p.Doc != nil || p.ContentType != "application/pdf" {
		t.Errorf("/fr/tarifs = %+v, want an archived PDF, not a document", p)
	}
	for _, ex := range arch.exs {
		if !strings.HasPrefix(string(ex.Request), "GET ") || !strings.HasPrefix(string(ex.Response), "HTTP/1.1 ") {
			t.Errorf("exchange %s is not raw HTTP: %.20q / %.20q", ex.URL, ex.Request, ex.Response)
		}
		if ex.IP != "127.0.0.1" {
			t.Errorf("exchange %s IP = %q", ex.URL, ex.IP)
		}
	}
}

func TestCrawlPrefersFrenchVersionsUnderPageLimit(t *testing.T) {
	srv := httptest.NewServer(site())
	defer srv.Close()
	res, pages, err := crawlSite(t, srv, Config{AllowPrivate: true, Rate: -1, MaxPages: 2, Concurrency: 1}, &memArchive{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := pages["/fr/"]; !ok || len(pages) != 2 {
		t.Errorf("pages %v: want the entry page and its French version", pages)
	}
	if len(res.Cut) == 0 || !strings.Contains(res.Cut[0], "max-pages 2") {
		t.Errorf("Cut = %q, want the page limit reported", res.Cut)
	}
}

func TestCrawlRefusesPrivateAddresses(t *testing.T) {
	srv := httptest.NewServer(site())
	defer srv.Close()
	arch := &memArchive{}
	_, _, err := crawlSite(t, srv, Config{}, arch)
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "--allow-private") {
		t.Errorf("err = %v, want unreachable because the address is private", err)
	}
	if len(arch.exs) != 0 {
		t.Errorf("%d exchanges archived from a refused address", len(arch.exs))
	}
}

func TestCrawlUnreachable(t *testing.T) {
	srv := httptest.NewServer(site())
	url := srv.URL
	srv.Close()
	_, err := Crawl(context.Background(), url, Config{AllowPrivate: true, Timeout: 2 * time.Second}, &memArchive{}, func(*Page) error { return nil })
	if !errors.Is(err, ErrUnreachable) {
		t.Errorf("err = %v, want ErrUnreachable", err)
	}
}

func TestCrawlStopsWhenArchiveFails(t *testing.T) {
	srv := httptest.NewServer(site())
	defer srv.Close()
	visited := 0
	_, err := Crawl(context.Background(), srv.URL, Config{AllowPrivate: true}, &memArchive{fail: true}, func(*Page) error { visited++; return nil })
	if err == nil || !strings.Contains(err.Error(), "disk full") || visited != 0 {
		t.Errorf("err = %v, visited %d: want the archive error and nothing analysed", err, visited)
	}
}

func TestCrawlTruncatesLargeBodies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<p>" + strings.Repeat("a", 1<<20) + "</p>"))
	}))
	defer srv.Close()
	arch := &memArchive{}
	_, pages, err := crawlSite(t, srv, Config{AllowPrivate: true, MaxBodyBytes: 64 << 10}, arch)
	if err != nil {
		t.Fatal(err)
	}
	if p := pages["/"]; !p.Truncated || arch.exs[0].Truncated != "length" || len(arch.exs[0].Response) > 64<<10+256<<10 {
		t.Errorf("truncated=%v warc=%q size=%d, want a bounded, marked record", p.Truncated, arch.exs[0].Truncated, len(arch.exs[0].Response))
	}
}

func TestScope(t *testing.T) {
	s := newScope(mustURL("https://www.clinic.co.uk/en/"))
	for raw, want := range map[string]bool{
		"https://fr.clinic.co.uk/": true,
		"http://clinic.co.uk/x":    true,
		"https://other.co.uk/":     false,
		"https://clinic.com/":      false,
	} {
		if got := s.contains(mustURL(raw)); got != want {
			t.Errorf("contains(%s) = %v, want %v", raw, got, want)
		}
	}
	ip := newScope(mustURL("http://127.0.0.1:8080/"))
	if ip.contains(mustURL("http://127.0.0.1:8081/")) {
		t.Error("a loopback site's scope includes another port")
	}
}

func mustURL(s string) *url.URL {
	u, _ := normalize(s, nil)
	return u
}

func TestCrawlTurnsAPanicIntoAnError(t *testing.T) {
	srv := httptest.NewServer(site())
	defer srv.Close()
	arch := &memArchive{}
	_, err := Crawl(context.Background(), srv.URL+"/", Config{AllowPrivate: true, Rate: -1}, arch, func(p *Page) error {
		if strings.HasSuffix(p.URL, "/fr/") {
			panic("analysis broke on a hostile page")
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "internal error: analysis broke") {
		t.Errorf("err = %v, want the panic as an error", err)
	}
	if len(arch.exs) == 0 {
		t.Error("nothing archived before the panic")
	}
}
