package registry

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s as the registry compares names: lower case, without
// accents, ligatures spelt out (œ → oe, ß → ss), and every run of
// punctuation or space turned into one space, trimmed. "Axicabtagène
// Ciloleucel", "axicabtagene-ciloleucel" and "AXICABTAGENE CILOLEUCEL" fold
// alike, as do the claims lexicon's ids ("dendritic-cell-therapy") and the
// names they stand for.
//
// The claims package has its own folding with byte offsets into a page;
// the registry only compares names, so a simpler one suffices here (and
// the registry imports no other Vigie package).
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r < utf8.RuneSelf {
			foldRune(&b, r, &space)
			continue
		}
		// Only non-ASCII runes are decomposed: most names are ASCII, and
		// the registry folds every name it loads.
		for _, d := range norm.NFD.String(string(r)) {
			foldRune(&b, d, &space)
		}
	}
	return b.String()
}

// foldRune writes r folded; space says a separator is pending.
func foldRune(b *strings.Builder, r rune, space *bool) {
	switch {
	case unicode.Is(unicode.Mn, r):
		// a combining accent, split off by NFD
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		if *space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		*space = false
		switch r = unicode.ToLower(r); r {
		case 'œ':
			b.WriteString("oe")
		case 'æ':
			b.WriteString("ae")
		case 'ß':
			b.WriteString("ss")
		case 'ø':
			b.WriteByte('o')
		case 'ł':
			b.WriteByte('l')
		case 'ı':
			b.WriteByte('i')
		default:
			b.WriteRune(r)
		}
	default:
		*space = true
	}
}

// containsWords reports whether the folded text holds the folded words as
// a run of whole words.
func containsWords(text, words string) bool {
	if words == "" {
		return false
	}
	return strings.Contains(" "+text+" ", " "+words+" ")
}
