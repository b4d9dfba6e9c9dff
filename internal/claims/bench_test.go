package claims

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"vigie/internal/extract"
)

// sentences are the kinds of text a clinic page carries; generated pages
// mix them with the boilerplate of real sites (menus, scripts, styles,
// footers) so that the benchmark reads what a crawl reads.
var benchSentences = []string{
	"Notre vaccin à cellules dendritiques est sans effets secondaires et agit contre tous les cancers.",
	"Nos biologistes isolent vos monocytes puis les cultivent sept jours dans notre laboratoire.",
	"Un taux de réponse de 87 % a été observé chez nos patients traités depuis 2015.",
	"« Ma tumeur a disparu en quatre mois », raconte Martine, de Lyon.",
	"Le cycle complet coûte 12 500 € ; réservez votre consultation par vidéo.",
	"Our therapy is gentle, natural and a real alternative to chemotherapy.",
	"Les essais cliniques menés à ce jour n'ont pas démontré de bénéfice sur la survie.",
	"La clinique affirme que son traitement est « efficace contre tous les cancers ».",
	"Unsere Klinik bietet eine sanfte Behandlung mit Ihren eigenen Zellen an.",
	"Le service d'hématologie accueille les patients du lundi au vendredi de 9 h à 17 h.",
	"Die Behandlung wird ambulant durchgeführt und dauert etwa zwei Stunden.",
	"Pour toute question, adressez-vous à votre médecin traitant ou à votre oncologue.",
}

// benchPage generates a realistic page of about size bytes.
func benchPage(r *rand.Rand, size int) []byte {
	var b bytes.Buffer
	b.WriteString(`<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Clinique – page</title>`)
	b.WriteString(`<link rel="alternate" hreflang="en" href="/en/"><style>`)
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&b, ".c%d{margin:%dpx;padding:%dpx;color:#%06x}", i, r.IntN(40), r.IntN(40), r.IntN(1<<24))
	}
	b.WriteString(`</style><script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}`)
	b.WriteString(strings.Repeat("var x=Math.random()*42;", 80))
	b.WriteString(`</script></head><body><div class="cookie-banner">Nous utilisons des cookies pour mesurer l'audience.</div><header><nav><ul>`)
	for i := 0; i < 80; i++ {
		fmt.Fprintf(&b, `<li class="menu-item"><a href="/fr/page-%d.html">Rubrique %d</a></li>`, i, i)
	}
	b.WriteString(`</ul></nav></header><main><article>`)
	for b.Len() < size-3000 {
		fmt.Fprintf(&b, `<section class="c%d"><h2>Section %d</h2>`, r.IntN(60), r.IntN(100))
		for j := 0; j < 1+r.IntN(4); j++ {
			b.WriteString(`<p>`)
			for k := 0; k < 2+r.IntN(4); k++ {
				b.WriteString(benchSentences[r.IntN(len(benchSentences))])
				b.WriteByte(' ')
			}
			b.WriteString(`</p>`)
		}
		fmt.Fprintf(&b, `<div class="card"><img src="/img/%d.jpg" alt="Illustration du traitement %d"><span class="price">%d €</span></div></section>`, r.IntN(500), r.IntN(50), 500+r.IntN(20000))
	}
	b.WriteString(`</article></main><footer><p>Clinique Exemple, 12 rue des Fleurs, Tél. +33 1 84 00 00 00</p>`)
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, `<a href="/legal/%d">Mentions %d</a> `, i, i)
	}
	b.WriteString(`</footer></body></html>`)
	return b.Bytes()
}

func benchCorpus(n int) [][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	pages := make([][]byte, n)
	for i := range pages {
		pages[i] = benchPage(r, 30<<10+r.IntN(50<<10))
	}
	return pages
}

// tokenizeOnly is the floor: any analysis must at least read the HTML.
func tokenizeOnly(page []byte) {
	z := html.NewTokenizer(bytes.NewReader(page))
	for z.Next() != html.ErrorToken {
	}
}

// BenchmarkAnalysis times the whole analysis of a page (extraction, claims,
// stance, audience, verdict) and, in the same run, a bare x/net/html
// tokenizer pass over the same bytes; it reports the ratio (target ≤ 4),
// pages/s and MB/s per core, and allocations per page.
func BenchmarkAnalysis(b *testing.B) {
	benchAnalysis(b, benchCorpus(40))
}

// BenchmarkAnalysisCorpus does the same over the labelled corpus: pages
// written one by one (6 KB on average), not generated from a dozen
// sentences, so that no speed-up holds only for the generator's text.
func BenchmarkAnalysisCorpus(b *testing.B) {
	files, err := filepath.Glob("testdata/corpus/tuned/*.html")
	if err != nil || len(files) == 0 {
		b.Fatalf("no corpus pages: %v", err)
	}
	var pages [][]byte
	for _, f := range files {
		p, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, p)
	}
	benchAnalysis(b, pages)
}

func benchAnalysis(b *testing.B, pages [][]byte) {
	a := analyzer(b)
	total := 0
	for _, p := range pages {
		total += len(p)
	}
	at := time.Now()
	var tokTime, anTime time.Duration
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rounds := 0
	for b.Loop() {
		for _, p := range pages {
			t0 := time.Now()
			tokenizeOnly(p)
			t1 := time.Now()
			doc, err := extract.Parse(p, "text/html", "", "https://clinique.example/fr/", extract.Options{})
			if err != nil {
				b.Fatal(err)
			}
			a.Analyze(doc, at)
			anTime += time.Since(t1)
			tokTime += t1.Sub(t0)
		}
		rounds++
	}
	runtime.ReadMemStats(&after)
	n := float64(rounds * len(pages))
	b.ReportMetric(anTime.Seconds()/tokTime.Seconds(), "x-tokenizer")
	b.ReportMetric(n/anTime.Seconds(), "pages/s")
	b.ReportMetric(float64(total*rounds)/anTime.Seconds()/1e6, "MB/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/page")
	b.ReportMetric(0, "ns/op") // the wall time of a round mixes both passes: read the metrics above
}
