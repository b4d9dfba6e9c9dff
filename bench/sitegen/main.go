// Command sitegen serves a generated website on loopback for the crawl
// benchmark (bench/crawl.sh): pages of realistic HTML (30–80 KB: styles,
// scripts, a menu, cards, and French text of a clinic or health site, one
// sentence in five a claim) that link to each other, the same for every
// run with the same flags.
//
// Page 0 is /, page i is /p/i. It links to its children /p/(i·L+1) … /p/(i·L+L), so
// that every page is reachable from / within a few links, and to a few
// other pages drawn at random, as real sites cross-link. With -pages 2000
// the site has 2,000 pages; with -pages 100000 -links 50, a crawl capped
// at 2,000 pages discovers 100,000 distinct URLs.
//
// It prints its base URL on the first line of stdout, then serves until
// killed.
package main

import (
	"bufio"
	"bytes"
	_ "embed"
	"flag"
	"fmt"
	"html"
	"image"
	"image/png"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
)

//go:embed sentences.txt
var sentencesFile string

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	pages := flag.Int("pages", 2000, "pages in the site")
	links := flag.Int("links", 20, "child links per page")
	seed := flag.Uint64("seed", 1, "seed of the generated content")
	flag.Parse()
	if *pages < 1 || *links < 1 {
		log.Fatal("sitegen: -pages and -links must be at least 1")
	}
	g := &generator{pages: *pages, links: *links, seed: *seed}
	g.claims, g.neutral = parseSentences(sentencesFile)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("sitegen: %v", err)
	}
	fmt.Printf("http://%s/\n", ln.Addr())
	os.Stdout.Sync()
	log.Fatal(http.Serve(ln, g.handler()))
}

// parseSentences splits the sentence bank into claims and the rest.
func parseSentences(s string) (claims, neutral []string) {
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, "claim: "):
			claims = append(claims, strings.TrimPrefix(l, "claim: "))
		default:
			neutral = append(neutral, l)
		}
	}
	return claims, neutral
}

type generator struct {
	pages, links    int
	seed            uint64
	claims, neutral []string
}

func (g *generator) handler() http.Handler {
	var logo bytes.Buffer
	png.Encode(&logo, image.NewNRGBA(image.Rect(0, 0, 16, 16)))
	mux := http.NewServeMux()
	mux.HandleFunc("/static/logo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(logo.Bytes())
	})
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) { g.page(w, 0) })
	mux.HandleFunc("/p/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.PathValue("n"))
		if err != nil || n < 1 || n >= g.pages || r.PathValue("n") != strconv.Itoa(n) {
			http.NotFound(w, r)
			return
		}
		g.page(w, n)
	})
	return mux
}

// page writes page n: the same bytes for the same flags. Like a real
// site's pages, most of its bytes are markup, styles and scripts; about a
// third is text, one sentence in five a claim.
func (g *generator) page(w http.ResponseWriter, n int) {
	rng := rand.New(rand.NewPCG(g.seed, uint64(n)))
	size := 30_000 + rng.IntN(50_000)
	sentence := func() string {
		if rng.IntN(5) == 0 {
			return g.claims[rng.IntN(len(g.claims))]
		}
		return g.neutral[rng.IntN(len(g.neutral))]
	}
	var b strings.Builder
	b.Grow(size + 8192)
	title := sentence()
	fmt.Fprintf(&b, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>%s — page %d</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="%s">
<link rel="stylesheet" href="/static/site.css"><style>`, html.EscapeString(firstWords(title, 8)), n, html.EscapeString(sentence()))
	for i := range 40 + rng.IntN(80) {
		fmt.Fprintf(&b, ".c%d-%d{margin:%dpx %dpx;padding:%dpx;color:#%06x;font-size:%d.%dem}\n", n%97, i, rng.IntN(40), rng.IntN(40), rng.IntN(20), rng.IntN(1<<24), 1, rng.IntN(10))
	}
	fmt.Fprintf(&b, `</style><script type="application/ld+json">{"@context":"https://schema.org","@type":"MedicalClinic","name":"Clinique","url":"/","telephone":"+33 1 99 00 %02d %02d"}</script>
</head><body class="page page-%d"><header class="site-header"><a class="brand" href="/"><img src="/static/logo.png" alt="Clinique"></a><nav class="menu"><ul>`, n%100, rng.IntN(100), n)
	for i := range min(10, g.pages) {
		fmt.Fprintf(&b, `<li class="menu__item"><a class="menu__link" href="%s">Rubrique %d</a><ul class="menu__sub">`, path(i), i)
		for j := range 4 {
			fmt.Fprintf(&b, `<li><a href="%s">Sous-rubrique %d.%d</a></li>`, path((10+i*4+j)%g.pages), i, j)
		}
		b.WriteString("</ul></li>")
	}
	b.WriteString("</ul></nav></header>\n<main><article class=\"content\">\n")
	fmt.Fprintf(&b, "<h1 class=\"content__title\">%s</h1>\n", html.EscapeString(title))
	var related []int
	for i := 1; i <= g.links; i++ {
		related = append(related, (n*g.links+i)%g.pages)
	}
	for range 5 {
		related = append(related, rng.IntN(g.pages))
	}
	next := 0
	for b.Len() < size-2000 {
		switch rng.IntN(6) {
		case 0, 1, 2: // a paragraph of text
			b.WriteString(`<div class="block block--text"><p>`)
			for range 2 + rng.IntN(4) {
				b.WriteString(html.EscapeString(sentence()))
				b.WriteByte(' ')
			}
			if next < len(related) {
				fmt.Fprintf(&b, `<a class="inline-link" href="%s">Lire aussi</a>`, path(related[next]))
				next++
			}
			b.WriteString("</p></div>\n")
		case 3, 4: // a card with an icon
			fmt.Fprintf(&b, `<div class="card card--%d"><div class="card__icon"><svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"><path d="M%d %dh%dv%dH%dz M%d %d l%d %d"/></svg></div>`+
				`<div class="card__body"><h3 class="card__title">%s</h3><span class="card__meta">%d min de lecture</span></div></div>`+"\n",
				rng.IntN(9), rng.IntN(24), rng.IntN(24), rng.IntN(12), rng.IntN(12), rng.IntN(24), rng.IntN(24), rng.IntN(24), rng.IntN(9), rng.IntN(9),
				html.EscapeString(firstWords(sentence(), 6)), 2+rng.IntN(8))
		default: // a tracking script, as sites inline them
			fmt.Fprintf(&b, "<script>window.dataLayer=window.dataLayer||[];dataLayer.push({event:'view',page:%d,block:%d,ts:%d});</script>\n", n, rng.IntN(1000), rng.Uint64())
		}
	}
	// Links the text had no room for.
	b.WriteString(`<aside class="related"><ul>`)
	for _, r := range related[next:] {
		fmt.Fprintf(&b, `<li><a href="%s">Page %d</a></li>`, path(r), r)
	}
	b.WriteString("</ul></aside></article></main>\n<footer class=\"site-footer\"><p>Clinique — mentions légales — contact</p></footer></body></html>\n")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.Write([]byte(b.String()))
}

// path is the address of page n.
func path(n int) string {
	if n == 0 {
		return "/"
	}
	return "/p/" + strconv.Itoa(n)
}

// firstWords shortens a sentence for a title.
func firstWords(s string, n int) string {
	w := strings.Fields(s)
	return strings.Join(w[:min(n, len(w))], " ")
}
