package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Token is a word of a text, folded for matching, with the byte offsets of its
// original form.
type Token struct {
	Start, End int    // byte offsets of the original form in the text
	Norm       string // folded form: lower case, no diacritics, œ→oe, ß→ss
}

// symbolTokens are the non-letter characters that carry meaning in claims
// (a percentage, a price) and so become tokens of their own.
const symbolTokens = "%€$£"

// Tokenize splits text into word tokens. Letters and digits make words;
// apostrophes and hyphens split them, so French elision ("l'efficacité") and
// compounds ("non-invasif") give separate tokens. The symbols % € $ £ are
// tokens of their own. It never fails: invalid UTF-8 bytes are skipped.
func Tokenize(text string) []Token {
	return AppendTokens(nil, text, 0)
}

// AppendTokens appends the tokens of text to dst, with offsets shifted by base.
func AppendTokens(dst []Token, text string, base int) []Token {
	if dst == nil {
		dst = make([]Token, 0, len(text)/6+1)
	}
	tz := tokenizer{dst: dst, text: text, base: base, start: -1}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				tz.begin(i)
				// The rest of the run needs no folding: copied at once,
				// or, when the word is not being folded, skipped.
				j := i + 1
				for j < len(text) && ('a' <= text[j] && text[j] <= 'z' || '0' <= text[j] && text[j] <= '9') {
					j++
				}
				if tz.folded {
					tz.b.WriteString(text[i:j])
				}
				i = j
				continue
			case 'A' <= c && c <= 'Z':
				tz.begin(i)
				tz.fold(i)
				tz.b.WriteByte(c + 'a' - 'A')
			case c == '%' || c == '$':
				tz.flush(i)
				tz.dst = append(tz.dst, Token{Start: base + i, End: base + i + 1, Norm: text[i : i+1]})
			default:
				tz.flush(i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			tz.flush(i)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			tz.begin(i)
			tz.fold(i)
			foldRune(&tz.b, r)
		case strings.ContainsRune(symbolTokens, r):
			tz.flush(i)
			tz.dst = append(tz.dst, Token{Start: base + i, End: base + i + size, Norm: text[i : i+size]})
		default:
			tz.flush(i)
		}
		i += size
	}
	tz.flush(len(text))
	return tz.dst
}

// tokenizer is AppendTokens' state. Most words are already folded: their
// Norm is a substring of the text, and b is used only for the others.
type tokenizer struct {
	dst       []Token
	text      string
	base      int
	start     int  // start of the current word, -1 between words
	folded    bool // the current word differs from its folded form, being written in b
	wordStart int  // where the current folded word starts in b
	b         strings.Builder
}

func (tz *tokenizer) begin(i int) {
	if tz.start < 0 {
		tz.start = i
	}
}

// fold switches b on for the current word, copying what came before.
func (tz *tokenizer) fold(i int) {
	if !tz.folded {
		tz.wordStart = tz.b.Len()
		tz.b.WriteString(tz.text[tz.start:i])
		tz.folded = true
	}
}

func (tz *tokenizer) flush(end int) {
	if tz.start < 0 {
		return
	}
	t := Token{Start: tz.base + tz.start, End: tz.base + end}
	if tz.folded {
		// The folded words are written one after another into b, which
		// never changes what it has returned: each is a slice of it, not a
		// string of its own.
		t.Norm = tz.b.String()[tz.wordStart:]
	} else {
		t.Norm = tz.text[tz.start:end]
	}
	// A word of combining marks alone folds to nothing: it is no word
	// (matchers may read a token's first byte).
	if t.Norm != "" {
		tz.dst = append(tz.dst, t)
	}
	tz.start, tz.folded = -1, false
}

// Fold returns s folded as Tokenize folds words: lower case, diacritics
// removed, ligatures expanded. Non-word characters are kept as they are.
func Fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(unicode.ToLower(r))
		default:
			foldRune(&b, r)
		}
	}
	return b.String()
}

// latin1 folds the accented letters of French, German and their
// neighbours without a trip through Unicode normalisation: one byte for
// each of U+00C0 to U+00FF, '_' where the letter needs more (Æ, ß, Þ…).
const latin1 = "aaaaaa_c" + "eeeeiiii" + "_nooooo_" + "ouuuuy__" + "aaaaaa_c" + "eeeeiiii" + "_nooooo_" + "ouuuuy_y"

func foldRune(b *strings.Builder, r rune) {
	if r >= 0xC0 && r <= 0xFF && latin1[r-0xC0] != '_' {
		b.WriteByte(latin1[r-0xC0])
		return
	}
	switch r {
	case 'œ', 'Œ':
		b.WriteString("oe")
		return
	case 'æ', 'Æ':
		b.WriteString("ae")
		return
	case 'ß', 'ẞ':
		b.WriteString("ss")
		return
	}
	if unicode.Is(unicode.Mn, r) {
		return // a combining mark left over from decomposed input
	}
	r = unicode.ToLower(r)
	if r < utf8.RuneSelf {
		b.WriteRune(r)
		return
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	for _, d := range norm.NFD.String(string(buf[:n])) {
		if !unicode.Is(unicode.Mn, d) {
			b.WriteRune(d)
		}
	}
}
