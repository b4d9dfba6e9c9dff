package claims

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"vigie/internal/extract"
)

// inQuotesRef counts the marks of text[from:pos] one kind at a time.
func inQuotesRef(text string, from, pos int) bool {
	if pos-from > quoteLookback {
		from = pos - quoteLookback
	}
	seg := text[from:pos]
	return strings.Count(seg, "«") > strings.Count(seg, "»") ||
		strings.Count(seg, "“") > strings.Count(seg, "”") ||
		strings.Count(seg, "„") > strings.Count(seg, "“") ||
		strings.Count(seg, "\"")%2 == 1
}

func TestQuoteIndexCountsAsScanning(t *testing.T) {
	texts := []string{`« a » “b” „c“ "d" «e «f» g`, `""""«`, ``}
	for _, p := range benchCorpus(3) {
		doc, err := extract.Parse(p, "text/html", "", "", extract.Options{})
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, doc.Text)
	}
	r := rand.New(rand.NewPCG(5, 6))
	for _, text := range texts {
		q := &quotes{text: text}
		for range 2000 {
			from, pos := r.IntN(len(text)+1), r.IntN(len(text)+1)
			if from > pos {
				from, pos = pos, from
			}
			for pos < len(text) && !utf8.RuneStart(text[pos]) {
				pos++
			}
			if got, want := q.inQuotes(from, pos), inQuotesRef(text, from, pos); got != want {
				t.Fatalf("inQuotes(%d, %d) = %v, want %v", from, pos, got, want)
			}
		}
	}
}
