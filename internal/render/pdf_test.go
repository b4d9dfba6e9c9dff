package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// sentences are those of a short decision of the agency, with what French
// typography puts in one: accents and œ, « guillemets » held by no-break
// spaces (U+00A0), narrow no-break spaces (U+202F) before ; and :, "1er".
var sentences = []string{
	"Décision portant mesure de police sanitaire",
	"Article 1er – La société «\u00a0Cellules Vives\u00a0» cesse la publicité des thérapies géniques non autorisées.",
	"Article 2 – Elle en informe l’Agence\u202f; le délai court à compter de la notification\u202f: quinze jours.",
	"Fait à Saint-Étienne, le 3 décembre 2026, pour le cœur du dossier.",
}

// decision is the document of sentences, with a title, @page margins and a
// background.
var decision = fmt.Sprintf(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Décision n° 2026-042</title>
<style>
@page { margin: 2cm }
body { font-family: "Liberation Serif", serif; font-size: 12pt }
h1 { font-size: 16pt; background: #e8e8e8 }
</style></head>
<body><h1>%s</h1><p>%s</p><p>%s</p><p>%s</p></body></html>`, sentences[0], sentences[1], sentences[2], sentences[3])

func TestPrintPDF(t *testing.T) {
	t.Parallel()
	r := newRenderer(t, Options{Timeout: 10 * time.Second})

	pdf, err := r.PrintPDF(t.Context(), []byte(decision))
	if err != nil {
		t.Fatalf("PrintPDF: %v", err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("PrintPDF returned %q…, want a PDF", pdf[:min(len(pdf), 16)])
	}
	// The text layer has U+0020 for every kind of space (the fonts draw
	// them with one glyph, and a glyph maps back to one character), and
	// breaks lines: compare words.
	text := words(pdfText(t, pdf))
	for _, s := range sentences {
		if !strings.Contains(text, words(s)) {
			t.Errorf("PDF text lacks %q; text:\n%s", s, text)
		}
	}
	info := pdfInfo(t, pdf)
	checkSize(t, info["Page size"], a4)
	if got := info["Tagged"]; got != "yes" {
		t.Errorf("Tagged = %q, want yes", got)
	}
	if got, want := info["Title"], "Décision n° 2026-042"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
}

func TestPrintPDFLayout(t *testing.T) {
	t.Parallel()
	r := newRenderer(t, Options{Timeout: 10 * time.Second})
	tests := []struct {
		name     string
		page     string     // the @page rule
		wantSize [2]float64 // in points
		wantLeft float64    // left edge of the text, in points (1 cm = 28.35 pt)
	}{
		{name: "defaults", page: "", wantSize: a4, wantLeft: 28.35},
		{name: "margins of the document", page: "@page { margin: 3cm 2cm 3cm 4cm }", wantSize: a4, wantLeft: 4 * 28.35},
		{name: "size of the document", page: "@page { size: A5 landscape; margin: 1in }", wantSize: [2]float64{595.28, 419.53}, wantLeft: 72},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>` + tt.page +
				` body { margin: 0; font-family: "Liberation Serif" }</style></head><body><p>Considérant</p></body></html>`
			pdf, err := r.PrintPDF(t.Context(), []byte(doc))
			if err != nil {
				t.Fatalf("PrintPDF: %v", err)
			}
			checkSize(t, pdfInfo(t, pdf)["Page size"], tt.wantSize)
			left := wordLeft(t, pdf, "Considérant")
			if d := left - tt.wantLeft; d < -1 || d > 1 {
				t.Errorf("text starts %.2f pt from the left edge, want %.2f", left, tt.wantLeft)
			}
		})
	}
}

// a4 is the size of an A4 sheet in points.
var a4 = [2]float64{595.28, 841.89}

// checkSize checks pdfinfo's page size ("595.92 x 841.92 pts (A4)")
// against want, within 1 pt: Chromium rounds the paper to its own units.
func checkSize(t *testing.T, got string, want [2]float64) {
	t.Helper()
	var w, h float64
	if _, err := fmt.Sscanf(got, "%g x %g pts", &w, &h); err != nil {
		t.Fatalf("page size %q: %v", got, err)
	}
	if math.Abs(w-want[0]) > 1 || math.Abs(h-want[1]) > 1 {
		t.Errorf("page size = %s, want %g x %g pts", got, want[0], want[1])
	}
}

// words returns s with every run of spaces (no-break ones and line breaks
// included) as one U+0020.
func words(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestPrintPDFNoBreakSpaces checks that no-break spaces hold in the layout:
// across paragraphs of many widths, no line starts with » or ends with «
// (which happens with plain spaces), so a guillemet is never left alone.
func TestPrintPDFNoBreakSpaces(t *testing.T) {
	t.Parallel()
	r := newRenderer(t, Options{Timeout: 10 * time.Second})
	// orphans prints the phrase joined by space at 40 widths and counts
	// lines that begin with » or end with «.
	orphans := func(space string) int {
		phrase := strings.Repeat("l’article «"+space+"dix"+space+"» et ", 12)
		var doc strings.Builder
		doc.WriteString(`<!DOCTYPE html><meta charset="utf-8"><style>p { font: 12pt "Liberation Serif" }</style>`)
		for w := range 40 {
			fmt.Fprintf(&doc, `<p style="width: %.1fem">%s</p>`, 6+0.25*float64(w), phrase)
		}
		pdf, err := r.PrintPDF(t.Context(), []byte(doc.String()))
		if err != nil {
			t.Fatalf("PrintPDF: %v", err)
		}
		n := 0
		for line := range strings.Lines(pdfText(t, pdf)) {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, "»") || strings.HasSuffix(line, "«") {
				n++
			}
		}
		return n
	}
	if n := orphans(" "); n == 0 {
		t.Fatal("with plain spaces no line starts with » or ends with «: the check checks nothing")
	}
	for _, space := range []string{"\u00a0", "\u202f"} {
		if n := orphans(space); n != 0 {
			t.Errorf("with %U, %d lines start with » or end with «, want none", []rune(space)[0], n)
		}
	}
}

// offlineDocument tries every way a static page has to reach base: images,
// style sheets, fonts, frames, objects, prefetch and preconnect, a refresh,
// and scripts (an external one, and one that would write "JS RAN").
const offlineDocument = `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="0; url={{base}}/refresh">
<link rel="preconnect" href="{{base}}/">
<link rel="prefetch" href="{{base}}/prefetch">
<link rel="stylesheet" href="{{base}}/style.css">
<link rel="icon" href="{{base}}/favicon.png">
<style>
@import url("{{base}}/import.css");
@font-face { font-family: Distant; src: url("{{base}}/font.woff2") }
body { font-family: Distant, serif; background: url("{{base}}/background.png") }
</style>
<script src="{{base}}/script.js"></script>
</head><body>
<p>Lettre de mise en demeure</p>
<img src="{{base}}/x.png" alt="">
<img srcset="{{base}}/x2.png 2x" alt="">
<iframe src="{{base}}/frame"></iframe>
<object data="{{base}}/object"></object>
<video poster="{{base}}/poster.png"></video>
<script>document.write("JS RAN")</script>
<noscript>sans script</noscript>
</body></html>`

func TestPrintPDFOffline(t *testing.T) {
	t.Parallel()
	var requests, conns atomic.Int64
	srv := serve(t, map[string]http.HandlerFunc{"/": func(w http.ResponseWriter, req *http.Request) {
		requests.Add(1)
		t.Errorf("the document reached the network: %s %s", req.Method, req.URL)
		http.NotFound(w, req)
	}})
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	r := newRenderer(t, Options{Timeout: 10 * time.Second})
	// A refresh starts after the load event, and an error page in place of
	// the document would take it over a little later: wait, so that the
	// PDF shows it, and so that requests started late are counted.
	r.afterLoad = func() { time.Sleep(500 * time.Millisecond) }

	doc := strings.ReplaceAll(offlineDocument, "{{base}}", srv.URL)
	pdf, err := r.PrintPDF(t.Context(), []byte(doc))
	if err != nil {
		t.Fatalf("PrintPDF: %v", err)
	}
	if n, c := requests.Load(), conns.Load(); n != 0 || c != 0 {
		t.Errorf("the server saw %d requests on %d connections, want none", n, c)
	}
	text := pdfText(t, pdf)
	if !strings.Contains(text, "Lettre de mise en demeure") || !strings.Contains(text, "sans script") {
		t.Errorf("PDF lacks the document's text (did the refresh replace it?):\n%s", text)
	}
	if strings.Contains(text, "JS RAN") {
		t.Errorf("a script ran in the document:\n%s", text)
	}
}

func TestPrintPDFConcurrent(t *testing.T) {
	t.Parallel()
	r := newRenderer(t, Options{Timeout: 10 * time.Second})
	const n = 3
	pdfs := make([][]byte, n)
	errs := make(chan error, n)
	for i := range n {
		go func() {
			var err error
			pdfs[i], err = r.PrintPDF(t.Context(), []byte(fmt.Sprintf("<!DOCTYPE html><meta charset=utf-8><p>Courrier numéro %d", i)))
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatalf("PrintPDF: %v", err)
		}
	}
	for i, pdf := range pdfs {
		if want := fmt.Sprintf("Courrier numéro %d", i); !strings.Contains(pdfText(t, pdf), want) {
			t.Errorf("PDF %d lacks %q", i, want)
		}
	}
}

func TestPrintPDFErrors(t *testing.T) {
	t.Parallel()
	t.Run("too large", func(t *testing.T) {
		r := &Renderer{opts: Options{}.withDefaults()} // refused before the browser is used
		html := bytes.Repeat([]byte("a"), MaxDocumentSize+1)
		if _, err := r.PrintPDF(t.Context(), html); !errors.Is(err, ErrTooLarge) {
			t.Errorf("PrintPDF(%d bytes) = %v, want ErrTooLarge", len(html), err)
		}
	})
	t.Run("not UTF-8", func(t *testing.T) {
		r := &Renderer{opts: Options{}.withDefaults()}
		if _, err := r.PrintPDF(t.Context(), []byte("<p>d\xe9cision</p>")); err == nil {
			t.Error("PrintPDF(Latin-1) = nil error, want an error")
		}
	})
	t.Run("closed", func(t *testing.T) {
		r := newRenderer(t, Options{})
		if err := r.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if _, err := r.PrintPDF(t.Context(), []byte(decision)); !errors.Is(err, ErrClosed) {
			t.Errorf("PrintPDF after Close = %v, want ErrClosed", err)
		}
	})
	hasty := newRenderer(t, Options{Timeout: time.Millisecond})
	t.Run("context canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := hasty.PrintPDF(ctx, []byte(decision)); !errors.Is(err, context.Canceled) {
			t.Errorf("PrintPDF with a canceled context = %v, want context.Canceled", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		start := time.Now()
		_, err := hasty.PrintPDF(t.Context(), []byte(decision))
		if !errors.Is(err, ErrTimeout) {
			t.Errorf("PrintPDF with Timeout 1 ms = %v, want ErrTimeout", err)
		}
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Errorf("PrintPDF took %s with Timeout 1 ms", elapsed)
		}
	})
}

// writePDF writes pdf to a temporary file for the poppler tools, which
// skip (fail in CI) when they are not installed.
func writePDF(t *testing.T, tool string, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		skipOutsideCI(t, "PDF check: "+tool+" (Debian package poppler-utils) not installed")
	}
	path := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// pdfText returns the text of pdf as pdftotext extracts it, in reading
// order (UTF-8).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", writePDF(t, "pdftotext", pdf), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// pdfInfo returns the fields pdfinfo reports about pdf ("Page size",
// "Tagged", "Title"…).
func pdfInfo(t *testing.T, pdf []byte) map[string]string {
	t.Helper()
	out, err := exec.Command("pdfinfo", "-enc", "UTF-8", writePDF(t, "pdfinfo", pdf)).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	info := map[string]string{}
	for line := range strings.Lines(string(out)) {
		if k, v, ok := strings.Cut(line, ":"); ok {
			info[k] = strings.TrimSpace(v)
		}
	}
	return info
}

var wordBox = regexp.MustCompile(`<word xMin="([0-9.]+)"[^>]*>([^<]*)</word>`)

// wordLeft returns the left edge of word on pdf's first page, in points,
// from pdftotext's bounding boxes.
func wordLeft(t *testing.T, pdf []byte, word string) float64 {
	t.Helper()
	out, err := exec.Command("pdftotext", "-bbox", "-enc", "UTF-8", "-f", "1", "-l", "1", writePDF(t, "pdftotext", pdf), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	for _, m := range wordBox.FindAllStringSubmatch(string(out), -1) {
		if m[2] == word {
			x, err := strconv.ParseFloat(m[1], 64)
			if err != nil {
				t.Fatalf("pdftotext -bbox: %v", err)
			}
			return x
		}
	}
	t.Fatalf("no word %q in the PDF:\n%s", word, out)
	return 0
}
