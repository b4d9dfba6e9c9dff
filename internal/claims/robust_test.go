package claims

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"vigie/internal/extract"
)

// Hostile or broken pages must be analysed in bounded time and memory. The
// bounds are generous (some 25 times what the analysis needs here): they
// catch quadratic behaviour and runaway memory, not slowness.
func TestPathologicalPages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pages of several megabytes")
	}
	r := rand.New(rand.NewPCG(3, 4))
	var big strings.Builder
	for big.Len() < 10<<20 {
		big.Write(benchPage(r, 60<<10))
	}
	sentence := "notre traitement est sans effets secondaires et efficace contre tous les cancers nous proposons « un taux de réponse de 87 % » selon la clinique "
	tests := []struct {
		name string
		page string
	}{
		{"10 MB page", big.String()},
		{"one giant line of text", "<p>" + strings.Repeat(sentence, (4<<20)/len(sentence)) + "</p>"},
		{"100,000 tiny elements", "<html><body>" + strings.Repeat("<span>sans</span><b>effets</b><i>secondaires</i>", 100_000/3) + "</body></html>"},
		{"100,000 nested elements and stray end tags", strings.Repeat("<div><section>", 100_000) + "Notre traitement est sans risque." + strings.Repeat("</p></li>", 100_000)},
	}
	a := analyzer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			doc, err := extract.Parse([]byte(tt.page), "text/html", "", "https://x.example/", extract.Options{})
			if err != nil {
				t.Fatal(err)
			}
			rep := a.Analyze(doc, captureDate)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			grew := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			t.Logf("%d bytes: %s, heap +%d MB, %d claims", len(tt.page), elapsed, grew>>20, len(rep.Claims))
			// A bound, not a speed (the benchmark measures that): a linear
			// analysis takes seconds even under -race beside other
			// packages on two cores; a quadratic one on these pages would
			// take hours.
			if elapsed > 90*time.Second {
				t.Errorf("analysis took %s", elapsed)
			}
			if grew > 40*int64(len(tt.page))+64<<20 {
				t.Errorf("heap grew by %d MB for a %d MB page", grew>>20, len(tt.page)>>20)
			}
			for _, c := range rep.Claims {
				if doc.Text[c.Start:c.End] != c.Quote || len(c.Quote) > maxQuote+200 {
					t.Fatalf("claim quote out of bounds or not verbatim: %d bytes", len(c.Quote))
				}
			}
		})
	}
}
