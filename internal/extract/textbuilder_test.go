package extract

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// writeRef is the reference reading of write: one character at a time.
func (t *textBuilder) writeRef(s []byte) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRune(s[i:])
		i += size
		switch {
		case unicode.IsSpace(r):
			if t.open {
				t.pendSpace = true
			}
		case r == utf8.RuneError || unicode.IsControl(r):
		default:
			t.startChar()
			t.b.WriteRune(r)
		}
	}
}

var textBuilderSeeds = []string{
	"Un  texte\n\tordinaire, avec des accents : été, où, Ærø.",
	"12\u00a0500\u00a0€ \u202f: « guillemets » – tiret — fin…",
	" a \u0085b\u0080c\x01d\x7fe \xff f \xc3 g \xe2\x80 h \ufffd i ",
	"mot é \u2003 espace cadratin \u3000 idéographique",
	"x \u200bzero-width\u00ad",
	"  ",
	"é",
}

// write must give what the rune-by-rune reading gives, whatever the
// blocks and the pieces the text comes in.
func TestTextBuilderMatchesReference(t *testing.T) {
	for _, s := range textBuilderSeeds {
		checkTextBuilder(t, s, 3)
	}
}

func FuzzTextBuilder(f *testing.F) {
	for _, s := range textBuilderSeeds {
		f.Add(s, uint8(3))
	}
	f.Fuzz(checkTextBuilder)
}

func checkTextBuilder(t *testing.T, s string, cut uint8) {
	var got, want textBuilder
	// The text comes in pieces, with a block break at every '|'.
	for k, part := range strings.Split(s, "|") {
		if k > 0 {
			got.block()
			want.block()
		}
		b := []byte(part)
		n := int(cut)%(len(b)+1) + 0
		got.write(b[:n])
		got.write(b[n:])
		want.writeRef(b[:n])
		want.writeRef(b[n:])
	}
	got.close()
	want.close()
	if got.String() != want.String() || !equalSpans(got.blocks, want.blocks) {
		t.Fatalf("%q: text %q %v, want %q %v", s, got.String(), got.blocks, want.String(), want.blocks)
	}
	if !utf8.ValidString(got.String()) || bytes.ContainsAny([]byte(got.String()), "\t\r\x00") {
		t.Fatalf("%q: text %q is not clean", s, got.String())
	}
}

func equalSpans(a, b []Span) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
