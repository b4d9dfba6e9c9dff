package drafting

import (
	"strings"
	"unicode"
)

const (
	nbsp  = '\u00a0' // no-break space: inside « », before ":"
	nnbsp = '\u202f' // narrow no-break space: before ";", "?", "!"
)

// typo applies French typography to prose (see the package comment): an
// ordinary space before ":" becomes a no-break space, one before ";", "?"
// or "!" a narrow no-break space; « and » get a no-break space inside,
// replacing an ordinary space or added when there is none; "n° " is kept
// with its number. A colon without a space before it ("https://") is left
// as it is. Never apply it to a quote from a site.
func typo(s string) string {
	rs := []rune(s)
	out := make([]rune, 0, len(rs)+8)
	lastIs := func(r rune) bool { return len(out) > 0 && out[len(out)-1] == r }
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch r {
		case ':':
			if lastIs(' ') {
				out[len(out)-1] = nbsp
			}
		case ';', '?', '!':
			if lastIs(' ') {
				out[len(out)-1] = nnbsp
			}
		case '»':
			switch {
			case lastIs(' '):
				out[len(out)-1] = nbsp
			case len(out) == 0 || !unicode.IsSpace(out[len(out)-1]):
				out = append(out, nbsp)
			}
		case '«':
			out = append(out, r)
			switch {
			case i+1 < len(rs) && rs[i+1] == ' ':
				i++
				out = append(out, nbsp)
			case i+1 == len(rs) || !unicode.IsSpace(rs[i+1]):
				out = append(out, nbsp)
			}
			continue
		case ' ':
			if lastIs('°') && len(out) > 1 && out[len(out)-2] == 'n' {
				r = nbsp
			}
		}
		out = append(out, r)
	}
	return string(out)
}

// typeset applies typo to the literal text of a template's source: not
// inside actions ({{…}}), and for HTML not inside tags (their attributes),
// comments, or style and script elements. Text split by an action is
// typeset piece by piece, so "« {{.Quote}} »" gets its two no-break spaces
// while the quote itself, a value, is never touched.
func typeset(src string, html bool) string {
	var out, text strings.Builder
	flush := func() {
		out.WriteString(typo(text.String()))
		text.Reset()
	}
	for i := 0; i < len(src); {
		rest := src[i:]
		n := 0
		switch {
		case strings.HasPrefix(rest, "{{"):
			n = skipPast(rest, "}}", 2)
		case html && strings.HasPrefix(rest, "<!--"):
			n = skipPast(rest, "-->", 4)
		case html && startsElement(rest, "style"):
			n = skipPast(rest, "</style>", 6)
		case html && startsElement(rest, "script"):
			n = skipPast(rest, "</script>", 7)
		case html && len(rest) > 1 && rest[0] == '<' && (isASCIILetter(rest[1]) || rest[1] == '/' || rest[1] == '!'):
			n = skipPast(rest, ">", 1)
		}
		if n == 0 {
			text.WriteByte(src[i])
			i++
			continue
		}
		flush()
		out.WriteString(rest[:n])
		i += n
	}
	flush()
	return out.String()
}

// skipPast returns the length of s up to and including the first end at or
// after from; all of s when there is none (the parser reports it).
func skipPast(s, end string, from int) int {
	j := strings.Index(s[from:], end)
	if j < 0 {
		return len(s)
	}
	return from + j + len(end)
}

func startsElement(s, name string) bool {
	if len(s) < len(name)+2 || s[0] != '<' || !strings.EqualFold(s[1:1+len(name)], name) {
		return false
	}
	c := s[1+len(name)]
	return c == '>' || c == ' ' || c == '\t' || c == '\n' || c == '/'
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// oneLine puts text on one line: line breaks and tabs become spaces (a
// quote is a sentence; in Markdown a line break could start a block).
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' || r == '\v' || r == '\f' || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}

// mdText escapes text for Markdown: every character that could start
// emphasis, code, a link, an HTML tag or an entity is backslash-escaped,
// and so is what would start a block at the beginning of a line (a
// heading, a list, a quotation). The text reads the same once rendered.
func mdText(s string) string {
	s = oneLine(s)
	var b strings.Builder
	digits := true
	for i, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '#', '&', '~', '|':
			b.WriteByte('\\')
		case '-', '+', '=':
			if i == 0 {
				b.WriteByte('\\')
			}
		case '.', ')':
			if digits && i > 0 {
				b.WriteByte('\\')
			}
		}
		digits = digits && r >= '0' && r <= '9'
		b.WriteRune(r)
	}
	return b.String()
}

// mdURL writes an address for Markdown: as an autolink <…>, in which
// Markdown reads nothing, when it can be one; else as escaped text.
func mdURL(u string) string {
	scheme, rest, ok := strings.Cut(u, ":")
	if !ok || len(scheme) < 2 || len(scheme) > 32 || !isASCIILetter(scheme[0]) || rest == "" {
		return mdText(u)
	}
	for i := 0; i < len(scheme); i++ {
		c := scheme[i]
		if !isASCIILetter(c) && (c < '0' || c > '9') && c != '+' && c != '.' && c != '-' {
			return mdText(u)
		}
	}
	for _, r := range rest {
		if r <= ' ' || r == '<' || r == '>' || r == 0x7f || unicode.IsSpace(r) {
			return mdText(u)
		}
	}
	return "<" + u + ">"
}
