package scan_test

import (
	"context"
	"testing"
	"time"

	"vigie/internal/claims"
	"vigie/internal/crawl"
	"vigie/internal/demo"
	"vigie/internal/registry"
	"vigie/internal/scan"
)

func newScanner(t *testing.T) *scan.Scanner {
	t.Helper()
	rules, err := claims.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	return &scan.Scanner{
		Analyzer: &claims.Analyzer{Rules: rules, Registry: reg},
		Registry: reg,
		DataDir:  t.TempDir(),
		Operator: "test",
		Crawl:    crawl.Config{AllowPrivate: true, Rate: -1, Timeout: 10 * time.Second},
	}
}

func TestScanDemoSites(t *testing.T) {
	srv, err := demo.Serve()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	sc := newScanner(t)
	for _, site := range srv.Sites {
		r, err := sc.Scan(context.Background(), site.URL)
		if err != nil {
			t.Fatalf("%s: %v", site.Name, err)
		}
		t.Logf("%s: %s, %d pages, %d claims", site.Name, r.Qualification.Verdict, len(r.Pages), len(r.Claims))
	}
}
