package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// textBuilder accumulates visible text as blocks, one per line, with
// whitespace collapsed, recording each block's span.
type textBuilder struct {
	b         strings.Builder
	blocks    []Span
	open      bool // a block has text not yet closed
	start     int  // start of the open block
	pendSpace bool // whitespace seen since the last character
}

func (t *textBuilder) write(s []byte) {
	for i := 0; i < len(s); {
		c, size := s[i], 1
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
				if t.open {
					t.pendSpace = true
				}
				i++
				continue
			case c < 0x20 || c == 0x7f:
				i++
				continue
			}
		} else {
			var r rune
			if r, size = utf8.DecodeRune(s[i:]); !visibleRune(r) {
				if unicode.IsSpace(r) && t.open { // includes no-break spaces
					t.pendSpace = true
				}
				i += size
				continue
			}
		}
		t.startChar()
		// Copy the run of visible characters at once, with the single
		// spaces between words: the loop would write them as they are.
		j := i + size
		for j < len(s) {
			if c := s[j]; c > ' ' && c < 0x7f {
				j++
			} else if c == ' ' && j+1 < len(s) && s[j+1] > ' ' && s[j+1] != 0x7f {
				j++ // the next byte is visible ASCII, or starts a rune the loop reads
			} else if c >= utf8.RuneSelf {
				r, size := utf8.DecodeRune(s[j:])
				if !visibleRune(r) {
					break
				}
				j += size
			} else {
				break
			}
		}
		// A space the run ended on is the next character's pending space.
		if s[j-1] == ' ' {
			t.b.Write(s[i : j-1])
			t.pendSpace = true
		} else {
			t.b.Write(s[i:j])
		}
		i = j
	}
}

// visibleRune reports whether a decoded non-ASCII rune is written as it
// is: not white space, not a control, not U+FFFD (an invalid byte, or a
// NUL the tokenizer replaced).
func visibleRune(r rune) bool {
	if r < 0x100 {
		return r > 0xa0 // C1 controls, NEL and NBSP are not
	}
	return r != utf8.RuneError && !unicode.IsSpace(r) && !unicode.IsControl(r)
}

// startChar opens a block or writes the pending space before a character.
func (t *textBuilder) startChar() {
	if !t.open {
		if t.b.Len() > 0 {
			t.b.WriteByte('\n')
		}
		t.start = t.b.Len()
		t.open = true
	} else if t.pendSpace {
		t.b.WriteByte(' ')
	}
	t.pendSpace = false
}

// maxFigure bounds a block read as a figure: "87 %", "2 in 3", "– 5,4 ans", "8,000+".
const maxFigure = 12

// figure reports whether the open block is only a figure so far: short,
// with a digit.
func (t *textBuilder) figure() bool {
	if !t.open || t.b.Len()-t.start > maxFigure {
		return false
	}
	return strings.ContainsAny(t.b.String()[t.start:], "0123456789")
}

// space separates what comes next from the open block's text by a space.
func (t *textBuilder) space() {
	if t.open {
		t.pendSpace = true
	}
}

// block closes the open block, if any. A block that is only a figure so
// far ("87 %" in a stat card's own element) stays open: the caption after
// it is the rest of the statement.
func (t *textBuilder) block() {
	if t.figure() {
		t.space()
		return
	}
	t.close()
}

// close closes the open block, if any, figure or not: the end of the text.
func (t *textBuilder) close() {
	if t.open {
		t.blocks = append(t.blocks, Span{t.start, t.b.Len()})
	}
	t.open = false
	t.pendSpace = false
}

func (t *textBuilder) String() string { return t.b.String() }

// collapse trims s and folds its runs of white space to one space.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// appendCollapsed appends s to dst as collapse would return it.
func appendCollapsed(dst, s []byte) []byte {
	start := len(dst)
	space := false // a space is due before the next field
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(s[i:])
		}
		if unicode.IsSpace(r) {
			space = len(dst) > start
		} else {
			if space {
				dst = append(dst, ' ')
				space = false
			}
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}

func parsePlain(d *Document, text string) {
	var t textBuilder
	// A blank line ends a paragraph; single newlines are wrapped lines.
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		t.write([]byte(para))
		t.block()
	}
	t.close()
	d.Text, d.Blocks = t.String(), t.blocks
	for _, line := range strings.Split(d.Text, "\n") {
		if line != "" {
			d.Title = truncate(line, 120)
			break
		}
	}
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
