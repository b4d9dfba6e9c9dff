package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations end with a period that does not end a sentence (folded,
// without the period). French, English and German.
var abbreviations = map[string]bool{
	"dr": true, "pr": true, "prof": true, "m": true, "mm": true, "mme": true, "mmes": true,
	"mlle": true, "mr": true, "mrs": true, "ms": true, "st": true, "ste": true, "env": true,
	"cf": true, "etc": true, "ex": true, "vs": true, "no": true, "n°": true, "p": true,
	"ca": true, "bzw": true, "inkl": true, "dipl": true, "approx": true, "fig": true,
	"vol": true, "art": true, "al": true, "eg": true, "ie": true, "z": true, "b": true,
	"u": true, "a": true, "d": true, "h": true, "jr": true, "sr": true, "inc": true,
	"ltd": true, "co": true, "tél": true, "tel": true, "min": true, "max": true,
	"resp": true, "usw": true, "evtl": true, "ggf": true, "nr": true, "str": true,
}

// terminatorBytes start the runes that end sentences: . ! ? and … (E2 80 A6).
const terminatorBytes = ".!?\xe2"

// maxSentence bounds a sentence: longer runs of text (a page of one giant
// line) are cut at a space, so that work per sentence stays local.
const maxSentence = 2000

// segment splits each block of text into sentences. A sentence ends at . ! ?
// or … (with any closing quotes or brackets) followed by white space and a
// capital, a digit or an opening quote — unless the period closes an
// abbreviation or an initial ("Dr.", "env.", "J. Martin").
func segment(text string, blocks []Span) []Span {
	var out []Span
	for _, b := range blocks {
		start := b.Start
		i := b.Start
		// Every byte other than these starts no terminator (… is E2 80
		// A6, and E2 is never inside a rune): the next of each is found
		// with IndexByte, and i jumps to the nearest.
		next := [len(terminatorBytes)]int{-1, -1, -1, -1}
		for i < b.End {
			j := b.End
			for k := range len(terminatorBytes) {
				if next[k] < i {
					next[k] = b.End
					if n := strings.IndexByte(text[i:b.End], terminatorBytes[k]); n >= 0 {
						next[k] = i + n
					}
				}
				j = min(j, next[k])
			}
			if i = j; i >= b.End {
				break
			}
			r, size := utf8.DecodeRuneInString(text[i:b.End])
			if r != '.' && r != '!' && r != '?' && r != '…' {
				i += size
				continue
			}
			end := i + size
			// Runs of terminators and closing quotes belong to this sentence:
			// German quotations close with “ and ‘ („So ist es.“).
			for end < b.End {
				r2, s2 := utf8.DecodeRuneInString(text[end:b.End])
				if strings.ContainsRune(".!?…»”“‘\")]’'", r2) {
					end += s2
					continue
				}
				break
			}
			if end >= b.End {
				break
			}
			next, nextSize := utf8.DecodeRuneInString(text[end:b.End])
			if !unicode.IsSpace(next) {
				i = end
				continue
			}
			k := end + nextSize
			for k < b.End {
				r3, s3 := utf8.DecodeRuneInString(text[k:b.End])
				if !unicode.IsSpace(r3) {
					break
				}
				k += s3
			}
			if k >= b.End {
				break
			}
			first, _ := utf8.DecodeRuneInString(text[k:b.End])
			opener := unicode.IsUpper(first) || unicode.IsDigit(first) || strings.ContainsRune("«“\"„(¿¡‘'", first)
			if !opener || (r == '.' && abbreviationBefore(text, start, i)) {
				i = end
				continue
			}
			out = append(out, Span{start, end})
			start = k
			i = k
		}
		if s := trimSpan(text, Span{start, b.End}); s.End > s.Start {
			out = append(out, s)
		}
	}
	return splitLong(text, out)
}

// splitLong cuts sentences longer than maxSentence at the last space before
// the limit (or at a rune boundary when there is none).
func splitLong(text string, sents []Span) []Span {
	long := false
	for _, s := range sents {
		long = long || s.End-s.Start > maxSentence
	}
	if !long {
		return sents
	}
	var out []Span
	for _, s := range sents {
		for s.End-s.Start > maxSentence {
			cut := s.Start + maxSentence
			for cut > s.Start && !utf8.RuneStart(text[cut]) {
				cut--
			}
			if sp := strings.LastIndexByte(text[s.Start:cut], ' '); sp > maxSentence/2 {
				cut = s.Start + sp
			}
			out = append(out, trimSpan(text, Span{s.Start, cut}))
			s = trimSpan(text, Span{cut, s.End})
		}
		if s.End > s.Start {
			out = append(out, s)
		}
	}
	return out
}

// abbreviationBefore reports whether the word ending at the period at dot
// is an abbreviation or a single-letter initial.
func abbreviationBefore(text string, sentStart, dot int) bool {
	j := dot
	for j > sentStart {
		r, size := utf8.DecodeLastRuneInString(text[sentStart:j])
		if !unicode.IsLetter(r) && r != '°' {
			break
		}
		j -= size
	}
	word := text[j:dot]
	if word == "" {
		return false
	}
	if utf8.RuneCountInString(word) == 1 {
		return true
	}
	// Fold lower-cases ASCII as this does, without allocating.
	var buf [8]byte // longer than any abbreviation
	if len(word) > len(buf) {
		return abbreviations[Fold(word)]
	}
	for i := 0; i < len(word); i++ {
		c := word[i]
		if c >= utf8.RuneSelf {
			return abbreviations[Fold(word)]
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return abbreviations[string(buf[:len(word)])]
}

func trimSpan(text string, s Span) Span {
	for s.Start < s.End {
		r, size := utf8.DecodeRuneInString(text[s.Start:s.End])
		if !unicode.IsSpace(r) {
			break
		}
		s.Start += size
	}
	for s.End > s.Start {
		r, size := utf8.DecodeLastRuneInString(text[s.Start:s.End])
		if !unicode.IsSpace(r) {
			break
		}
		s.End -= size
	}
	return s
}
