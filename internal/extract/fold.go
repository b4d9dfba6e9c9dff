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
	var b strings.Builder
	start := -1
	flush := func(end int) {
		if start >= 0 {
			dst = append(dst, Token{Start: base + start, End: base + end, Norm: b.String()})
			b.Reset()
			start = -1
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				if start < 0 {
					start = i
				}
				b.WriteByte(c)
			case 'A' <= c && c <= 'Z':
				if start < 0 {
					start = i
				}
				b.WriteByte(c + 'a' - 'A')
			case c == '%' || c == '$':
				flush(i)
				dst = append(dst, Token{Start: base + i, End: base + i + 1, Norm: string(c)})
			default:
				flush(i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			flush(i)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if start < 0 {
				start = i
			}
			foldRune(&b, r)
		case strings.ContainsRune(symbolTokens, r):
			flush(i)
			dst = append(dst, Token{Start: base + i, End: base + i + size, Norm: string(r)})
		default:
			flush(i)
		}
		i += size
	}
	flush(len(text))
	return dst
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

func foldRune(b *strings.Builder, r rune) {
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
