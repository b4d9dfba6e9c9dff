package extract

import (
	"bufio"
	"embed"
	"strings"
	"sync"
)

//go:embed lexicon/stopwords-*.txt
var stopwordFiles embed.FS

// stopwords maps a folded function word to the languages it belongs to.
// Loaded once from the embedded lists; read-only afterwards.
var stopwords = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	entries, err := stopwordFiles.ReadDir("lexicon")
	if err != nil {
		panic("extract: embedded stopword lists missing: " + err.Error())
	}
	for _, e := range entries {
		lang := strings.TrimSuffix(strings.TrimPrefix(e.Name(), "stopwords-"), ".txt")
		f, err := stopwordFiles.Open("lexicon/" + e.Name())
		if err != nil {
			panic("extract: " + err.Error())
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			w := strings.TrimSpace(sc.Text())
			if w == "" || strings.HasPrefix(w, "#") {
				continue
			}
			m[Fold(w)] = append(m[Fold(w)], lang)
		}
		f.Close()
	}
	return m
})

// detectLanguage returns the language of text by counting function words.
// The declared language is kept unless the text clearly says otherwise: a
// page declared "en" but written in French is French.
func detectLanguage(toks []Token, declared string) string {
	lang, confident := detectTokens(toks)
	if confident || declared == "" {
		if lang != "" {
			return lang
		}
	}
	return declared
}

// DetectLanguage guesses the language of text among those with a stopword
// list (fr, en, de, es, it). confident is false when the text is too short or
// two languages are close.
func DetectLanguage(text string) (lang string, confident bool) {
	return detectTokens(Tokenize(text))
}

func detectTokens(toks []Token) (lang string, confident bool) {
	sw := stopwords()
	counts := map[string]int{}
	if len(toks) > 5000 {
		toks = toks[:5000]
	}
	for _, t := range toks {
		for _, l := range sw[t.Norm] {
			counts[l]++
		}
	}
	best, second := "", ""
	for l, c := range counts {
		switch {
		case best == "" || c > counts[best] || c == counts[best] && l < best:
			best, second = l, best
		case second == "" || c > counts[second] || c == counts[second] && l < second:
			second = l
		}
	}
	if best == "" || counts[best] < 2 {
		return "", false
	}
	return best, counts[best] >= 8 && counts[best] >= 2*counts[second]
}

// minBlockWords is how many words a block needs for a language of its own.
const minBlockWords = 12

// blockLanguages gives each block its language: pages mix them (a French
// testimonial on an English page, an English abstract on a French one).
func blockLanguages(toks []Token, blocks []Span, page string) []string {
	langs := make([]string, len(blocks))
	ti := 0
	for i, b := range blocks {
		for ti < len(toks) && toks[ti].Start < b.Start {
			ti++
		}
		j := ti
		for j < len(toks) && toks[j].End <= b.End {
			j++
		}
		langs[i] = page
		if j-ti >= minBlockWords {
			if l, ok := detectTokens(toks[ti:j]); ok || l != "" && j-ti >= 3*minBlockWords {
				langs[i] = l
			}
		}
		ti = j
	}
	return langs
}
