package extract

import (
	"bufio"
	"embed"
	"strings"
	"sync"
)

//go:embed lexicon/stopwords-*.txt
var stopwordFiles embed.FS

// languages are those with a stopword list, in a fixed order.
type stopwordTable struct {
	langs  []string         // index → language
	words  map[string]uint8 // folded word → bit set of language indexes
	maxLen int              // the longest word's length

	// slots hold words as an open-addressing hash table, looked up once
	// per token of every page: faster than the map, which builds it.
	slots []stopwordSlot // a power of two, at most a quarter full
	empty uint8          // the set of "" (which marks a free slot)
}

type stopwordSlot struct {
	word string
	set  uint8
}

// fnv1a hashes a word for the slots.
func fnv1a(w string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(w); i++ {
		h = (h ^ uint32(w[i])) * 16777619
	}
	return h
}

// lookup returns the bit set of w's languages, 0 for a word of none.
func (t *stopwordTable) lookup(w string) uint8 {
	if w == "" {
		return t.empty
	}
	if len(w) > t.maxLen {
		return 0
	}
	mask := uint32(len(t.slots) - 1)
	for h := fnv1a(w) & mask; ; h = (h + 1) & mask {
		switch s := &t.slots[h]; s.word {
		case "":
			return 0
		case w:
			return s.set
		}
	}
}

// stopwords maps a folded function word to the languages it belongs to.
// Loaded once from the embedded lists; read-only afterwards.
var stopwords = sync.OnceValue(func() *stopwordTable {
	t := &stopwordTable{words: map[string]uint8{}}
	entries, err := stopwordFiles.ReadDir("lexicon")
	if err != nil {
		panic("extract: embedded stopword lists missing: " + err.Error())
	}
	for _, e := range entries {
		lang := strings.TrimSuffix(strings.TrimPrefix(e.Name(), "stopwords-"), ".txt")
		bit := uint8(1) << len(t.langs)
		t.langs = append(t.langs, lang)
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
			fw := Fold(w)
			t.words[fw] |= bit
			t.maxLen = max(t.maxLen, len(fw))
		}
		f.Close()
	}
	n := 1
	for n < 4*len(t.words) {
		n *= 2
	}
	t.slots = make([]stopwordSlot, n)
	t.empty = t.words[""]
	for w, set := range t.words {
		if w == "" {
			continue
		}
		h := fnv1a(w) & uint32(n-1)
		for t.slots[h].word != "" {
			h = (h + 1) & uint32(n-1)
		}
		t.slots[h] = stopwordSlot{w, set}
	}
	return t
})

// stopwordSets returns, for each token, the bit set of the languages it is
// a function word of: looked up once for the page and each of its blocks.
func stopwordSets(toks []Token) []uint8 {
	sw := stopwords()
	sets := make([]uint8, len(toks))
	for i, t := range toks {
		sets[i] = sw.lookup(t.Norm)
	}
	return sets
}

// detectLanguage returns the language of text by counting function words,
// given the tokens' stopword sets. The declared language is kept unless the
// text clearly says otherwise: a page declared "en" but written in French is
// French.
func detectLanguage(sets []uint8, declared string) string {
	lang, confident := detectSets(sets)
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
	return detectSets(stopwordSets(Tokenize(text)))
}

func detectSets(sets []uint8) (lang string, confident bool) {
	sw := stopwords()
	var counts [8]int
	if len(sets) > 5000 {
		sets = sets[:5000]
	}
	for _, set := range sets {
		if set != 0 {
			for i := range sw.langs {
				if set&(1<<i) != 0 {
					counts[i]++
				}
			}
		}
	}
	best, second := -1, -1
	for i := range sw.langs {
		switch {
		case best < 0 || counts[i] > counts[best]:
			best, second = i, best
		case second < 0 || counts[i] > counts[second]:
			second = i
		}
	}
	if best < 0 || counts[best] < 2 {
		return "", false
	}
	secondCount := 0
	if second >= 0 {
		secondCount = counts[second]
	}
	return sw.langs[best], counts[best] >= 8 && counts[best] >= 2*secondCount
}

// minBlockWords is how many words a block needs for a language of its own.
const minBlockWords = 12

// blockLanguages gives each block its language: pages mix them (a French
// testimonial on an English page, an English abstract on a French one).
// sure[i] is whether block i's own words decided it.
func blockLanguages(toks []Token, sets []uint8, blocks []Span, page string) (langs []string, sure []bool) {
	langs, sure = make([]string, len(blocks)), make([]bool, len(blocks))
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
			if l, ok := detectSets(sets[ti:j]); ok || l != "" && j-ti >= 3*minBlockWords {
				langs[i], sure[i] = l, true
			}
		}
		ti = j
	}
	return langs, sure
}
