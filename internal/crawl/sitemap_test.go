package crawl

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func gz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestParseSitemap(t *testing.T) {
	const urlset = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://clinique.example/fr/ </loc><lastmod>2026-11-01</lastmod></url>
  <url><loc>https://clinique.example/fr/tarifs?a=1&amp;b=2</loc></url>
  <url><image:image xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"><image:loc>https://clinique.example/i.png</image:loc></image:image></url>
</urlset>`
	tests := []struct {
		name    string
		body    []byte
		want    sitemapLinks
		wantErr bool
	}{
		{
			name: "urlset",
			body: []byte(urlset),
			want: sitemapLinks{pages: []string{"https://clinique.example/fr/", "https://clinique.example/fr/tarifs?a=1&b=2"}},
		},
		{
			name: "gzip-compressed file",
			body: gz(t, urlset),
			want: sitemapLinks{pages: []string{"https://clinique.example/fr/", "https://clinique.example/fr/tarifs?a=1&b=2"}},
		},
		{
			name: "index",
			body: []byte(`<sitemapindex><sitemap><loc>https://clinique.example/s1.xml</loc></sitemap><sitemap><loc>/s2.xml.gz</loc></sitemap></sitemapindex>`),
			want: sitemapLinks{sitemaps: []string{"https://clinique.example/s1.xml", "/s2.xml.gz"}},
		},
		{
			name: "Latin-1 declared",
			body: []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><urlset><url><loc>https://clinique.example/th\xe9rapie</loc></url></urlset>"),
			want: sitemapLinks{pages: []string{"https://clinique.example/thérapie"}},
		},
		{
			name: "malformed after a URL: what came before is kept",
			body: []byte(`<urlset><url><loc>https://clinique.example/a</loc></url><url><loc>https://clinique.example/b</loc></url`),
			want: sitemapLinks{pages: []string{"https://clinique.example/a", "https://clinique.example/b"}, cut: true},
		},
		{
			name: "entities are not expanded",
			body: []byte(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><urlset><url><loc>https://clinique.example/&lol2;</loc></url></urlset>`),
			want: sitemapLinks{pages: []string{"https://clinique.example/&lol2;"}},
		},
		{name: "HTML page instead", body: []byte("<!doctype html><html><body><p>404</p></body></html>"), want: sitemapLinks{}},
		{name: "not XML", body: []byte("\x00\x01garbage<"), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSitemap(tt.body)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseSitemap() error = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(sitemapLinks{})); !tt.wantErr && diff != "" {
				t.Errorf("parseSitemap() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSitemapBoundsURLs(t *testing.T) {
	var b strings.Builder
	b.WriteString("<urlset>")
	for i := range maxSitemapURLs + 10 {
		fmt.Fprintf(&b, "<url><loc>/p%d</loc></url>", i)
	}
	b.WriteString("</urlset>")
	got, err := parseSitemap([]byte(b.String()))
	if err != nil || len(got.pages) != maxSitemapURLs || !got.cut {
		t.Errorf("parseSitemap: %d pages, cut %v, err %v: want %d and cut", len(got.pages), got.cut, err, maxSitemapURLs)
	}
}

func FuzzParseSitemap(f *testing.F) {
	f.Add([]byte(`<urlset><url><loc>https://a.example/</loc></url></urlset>`))
	f.Add([]byte(`<sitemapindex><sitemap><loc>/s.xml</loc></sitemap></sitemapindex>`))
	f.Add(gz(f, `<urlset><url><loc>x</loc></url></urlset>`))
	f.Add([]byte(`<urlset><url><loc><![CDATA[/a]]></loc></url>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := parseSitemap(body)
		if err != nil {
			return
		}
		if n := len(got.pages) + len(got.sitemaps); n > maxSitemapURLs {
			t.Errorf("%d URLs, more than %d", n, maxSitemapURLs)
		}
		for _, u := range append(got.pages, got.sitemaps...) {
			if u == "" || u != strings.TrimSpace(u) {
				t.Errorf("loc %q is empty or not trimmed", u)
			}
		}
	})
}

// sitemapSite has pages no link reaches: only its sitemaps name them,
// through robots.txt, an index and a gzip-compressed file.
func sitemapSite(t *testing.T) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, page, "fr", "Accueil", "", "Bienvenue.", "")
	})
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "User-agent: *\nDisallow: /cache/\nSitemap: http://%s/maps/index.xml\nSitemap: https://elsewhere.example/map.xml\n", r.Host)
	})
	mux.HandleFunc("/maps/index.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<sitemapindex><sitemap><loc>/maps/pages.xml.gz</loc></sitemap>`)
		for i := range 10 {
			fmt.Fprintf(w, `<sitemap><loc>/maps/extra-%d.xml</loc></sitemap>`, i)
		}
		fmt.Fprint(w, `</sitemapindex>`)
	})
	mux.HandleFunc("/maps/pages.xml.gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(gz(t, fmt.Sprintf(`<urlset><url><loc>http://%[1]s/orphan</loc></url><url><loc>http://%[1]s/cache/x</loc></url>`+
			`<url><loc>https://elsewhere.example/out</loc></url><url><loc>http://%[1]s/brochure.pdf</loc></url></urlset>`, r.Host)))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/maps/") {
			fmt.Fprint(w, `<urlset></urlset>`)
			return
		}
		fmt.Fprintf(w, page, "fr", r.URL.Path, "", "Page "+r.URL.Path, "")
	})
	return mux
}

func TestCrawlFollowsSitemaps(t *testing.T) {
	srv := serve(t, sitemapSite(t))
	res, pages, err := crawlSite(t, srv, Config{AllowPrivate: true, Rate: -1, MaxSitemaps: 4}, &memArchive{})
	if err != nil {
		t.Fatal(err)
	}
	if p := pages["/orphan"]; p == nil || p.Doc == nil || p.Depth != 1 {
		t.Errorf("/orphan = %+v, want a page at depth 1 found only through the sitemaps", p)
	}
	if p := pages["/brochure.pdf"]; p == nil || !p.Asset {
		t.Errorf("/brochure.pdf = %+v, want an asset", p)
	}
	if pages["/cache/x"] != nil || len(res.Disallowed) != 1 {
		t.Errorf("/cache/x visited or Disallowed = %q: robots.txt applies to sitemap URLs", res.Disallowed)
	}
	var got []string
	for _, s := range res.Sitemaps {
		got = append(got, strings.TrimPrefix(s.URL, srv.URL))
	}
	// Out-of-scope sitemaps are not fetched; the index's come in its order.
	sort.Strings(got)
	want := []string{"/maps/extra-0.xml", "/maps/index.xml", "/maps/pages.xml.gz", "/sitemap.xml"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sitemaps fetched (-want +got):\n%s", diff)
	}
	if !hasLine(res.Cut, "max-sitemaps 4 reached", "9 sitemaps not fetched") {
		t.Errorf("Cut = %q, want the sitemap bound reported", res.Cut)
	}
}
