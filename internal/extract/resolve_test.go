package extract

import (
	"bytes"
	"net/url"
	"testing"
)

var resolveBases = []string{
	"https://clinique.example/fr/", "https://clinique.example/fr/traitement.html", "http://x.example",
	"https://x.example:8443/a/b/c.html?q=1#f", "https://X.Example/a//b/", "https://x.example//a/b",
	"https://u:p@x.example/a/", "https://x.example/a/../b/", "https://x.example/caf%C3%A9/x", "mailto:a@b",
	"https://[::1]:80/a/", "https://xn--caf-dma.example/", "ftp://x.example/a/",
}

// resolveSlow is how resolve reads an href without resolveFast.
func resolveSlow(base *url.URL, href []byte) string {
	href = bytes.TrimSpace(href)
	if len(href) == 0 || href[0] == '#' {
		return ""
	}
	u, err := base.Parse(string(href))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "") {
		return ""
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

func FuzzResolveFast(f *testing.F) {
	for _, h := range []string{"/fr/page-1.html", "page.html", "//other.example/x", "/a/./b", "../x", ".", "..",
		"/", "a/b/", "x:y", "/a//b", "~u/x_y-z.html", "/A/B", "/fr/..", "a/.", "tarifs",
		"/fr/rdv/?utm_source=site&utm_medium=cta", "x.html?", "?a=1", "/a?b?c=d/e:f@g;h,i+j", "a/../b?x", "/p?q=%41", "/p?q#f", "/p?q=a b"} {
		for i := range resolveBases {
			f.Add(i, h)
		}
	}
	f.Fuzz(func(t *testing.T, i int, href string) {
		base, err := url.Parse(resolveBases[uint(i)%uint(len(resolveBases))])
		if err != nil {
			t.Fatal(err)
		}
		got, ok := resolveFast(base, []byte(href))
		if !ok {
			return
		}
		if want := resolveSlow(base, []byte(href)); got != want {
			t.Errorf("resolveFast(%q, %q) = %q, want %q", base, href, got, want)
		}
	})
}
