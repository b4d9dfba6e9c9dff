package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"vigie/internal/claims"
	"vigie/internal/scan"
)

// BenchmarkSaveScan stores a scan the size of the crawl benchmark's site:
// 2,000 pages and 120,000 claims, the serial tail of a large scan.
func BenchmarkSaveScan(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "vigie.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	base := report("x", "illegal_promotion")
	c := base.Claims[0]
	pages := make([]scan.Page, 2000)
	var cl []scan.Claim
	var reps []*claims.Report
	for i := range pages {
		pages[i] = base.Pages[0]
		pages[i].URL = fmt.Sprintf("https://clinic.example/fr/page-%d.html", i)
		reps = append(reps, &claims.Report{URL: pages[i].URL, Lang: "fr"})
		for j := 0; j < 60; j++ {
			c.URL, c.Start, c.End = pages[i].URL, j*40, j*40+24
			cl = append(cl, c)
		}
	}
	n := 0
	for b.Loop() {
		r := *base
		r.ID = fmt.Sprintf("scan-%d", n)
		n++
		r.Pages, r.Claims, r.PageReports = pages, cl, reps
		if err := s.SaveScan(ctx, &r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(cl)), "claims/op")
}
