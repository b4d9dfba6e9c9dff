package crawl

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIsTrap(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"https://clinique.example/fr/traitement", false},
		{"https://clinique.example/calendar/2026/11/22", false},
		{"https://clinique.example/a/b/a/b/a/b", false},
		{"https://clinique.example/a/b/a/b/a/b/a/b", true},
		{"https://clinique.example/img/img/img/img", true},
		{"https://clinique.example/" + strings.Repeat("x/", maxPathSegments) + "y", true},
		{"https://clinique.example/?q=" + strings.Repeat("a", maxURLLength), true},
		{"https://clinique.example//////", false},
	}
	for _, tt := range tests {
		u, key := normalize(tt.url, nil)
		if got := isTrap(u, key); got != tt.want {
			t.Errorf("isTrap(%.80s) = %v, want %v", tt.url, got, tt.want)
		}
	}
}

func TestFrontierOrderAndReadiness(t *testing.T) {
	f := newFrontier(10)
	push := func(raw string, cl class) {
		u, key := normalize(raw, nil)
		f.markSeen(key)
		f.push(newItem(u, key, 1, 0, kindPage), cl)
	}
	push("http://a.example/page", classPage)
	push("http://b.example/page", classPage)
	push("http://a.example/img.png", classAsset)
	push("http://a.example/fr/", classFrench)
	push("http://a.example/sitemap.xml", classSitemap)
	all := [nClasses]bool{true, true, true, true}

	// a.example must wait: the page of b.example goes first.
	it, ok := f.pop(all, func(host string) bool { return host == "b.example" })
	if !ok || it.key != "http://b.example/page" {
		t.Errorf("pop with only b ready = %q, want b's page", it.key)
	}
	var got []string
	for {
		it, ok := f.pop(all, func(string) bool { return false })
		if !ok {
			break
		}
		got = append(got, it.key)
	}
	want := []string{"http://a.example/sitemap.xml", "http://a.example/fr/", "http://a.example/img.png", "http://a.example/page"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if f.waiting != 0 || f.full() {
		t.Errorf("waiting %d after popping all", f.waiting)
	}
	for range 10 {
		push("http://c.example/"+strings.Repeat("x", f.waiting+1), classPage)
	}
	if !f.full() {
		t.Error("frontier of 10 not full with 10 waiting")
	}
	if _, ok := f.pop([nClasses]bool{}, func(string) bool { return true }); ok {
		t.Error("pop from closed classes returned an item")
	}
}
