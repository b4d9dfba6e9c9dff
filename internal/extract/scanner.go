package extract

import (
	"bytes"

	"golang.org/x/net/html"
)

// htmlScanner splits a page into the tokens of x/net/html's Tokenizer —
// the same token boundaries, the same text, the same tags and attributes —
// reading the page in place. The Tokenizer copies the page into a buffer
// of its own, reads it a byte at a time and copies every attribute name;
// the scanner jumps between the bytes that matter (bytes.IndexByte), keeps
// spans, and decodes text only when it is read. TestScannerMatchesTokenizer
// and FuzzScanner hold it to the Tokenizer's output.
//
// Its methods follow the Tokenizer's (token.go of x/net/html): Next, and
// the states it calls (readTag, readRawOrRCDATA, readScript, readComment…).
type htmlScanner struct {
	b         []byte
	raw, data span // the current token's bytes, and its text or tag name
	done      bool // the input is exhausted: every next token is scanEOF
	// rawTag is the element whose content the next token is raw text
	// of ("script", "textarea"…), lower case; "" for none.
	rawTag     string
	textIsRaw  bool // the text token's entities are not decoded
	convertNUL bool // the text token's NUL bytes become U+FFFD
	// attrs are the current start tag's attributes as the Tokenizer reads
	// them, empty keys and duplicates included.
	attrs   []attrSpan
	scratch [2][]byte // Text's steps write in turn
	// decoded caches the decoding of entities ("&nbsp;" → "\u00a0"):
	// pages repeat a few of them.
	decoded map[string]string
}

type span struct{ start, end int }

// attrSpan is an attribute's key and value, as offsets in the page. A
// value left out ("<p hidden>") is the empty span after its key.
type attrSpan struct{ key, val span }

type scanToken uint8

const (
	scanEOF scanToken = iota
	scanText
	scanStartTag
	scanSelfClosingTag
	scanEndTag
	scanComment // comments, doctypes, "<?…>" and "</>": read past
)

func newHTMLScanner(b []byte) *htmlScanner {
	return &htmlScanner{b: b}
}

// Raw returns the current token's bytes, as Tokenizer.Raw.
func (z *htmlScanner) Raw() []byte { return z.b[z.raw.start:z.raw.end] }

// Text returns a text token's text, as Tokenizer.Text does: CR LF and CR
// become LF, NUL becomes U+FFFD in raw text, entities are decoded outside
// raw text. It is valid until the next call.
func (z *htmlScanner) Text() []byte {
	s := z.b[z.data.start:z.data.end]
	k := 0 // the scratch buffer the next step writes
	if bytes.IndexByte(s, '\r') >= 0 {
		z.scratch[k] = appendNewlinesConverted(z.scratch[k][:0], s)
		s, k = z.scratch[k], 1-k
	}
	if z.convertNUL && bytes.IndexByte(s, 0) >= 0 {
		z.scratch[k] = appendNULReplaced(z.scratch[k][:0], s)
		s, k = z.scratch[k], 1-k
	}
	if !z.textIsRaw && bytes.IndexByte(s, '&') >= 0 {
		z.scratch[k] = z.appendUnescaped(z.scratch[k][:0], s)
		s = z.scratch[k]
	}
	return s
}

// appendNewlinesConverted appends s with "\r\n" and "\r" as "\n".
func appendNewlinesConverted(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\r' {
			dst = append(dst, c)
			continue
		}
		if i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		dst = append(dst, '\n')
	}
	return dst
}

func appendNULReplaced(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, 0)
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(append(dst, s[:i]...), "\ufffd"...)
		s = s[i+1:]
	}
}

// appendUnescaped appends s with its character references decoded as
// html.UnescapeString decodes them. The Tokenizer decodes a reference
// from its "&" to, at most, the run of letters, digits and "#" that
// follows and one ";"; what follows is copied as it is. So each reference
// is decoded alone, and once per page.
func (z *htmlScanner) appendUnescaped(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '&')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		n := 1
		for n < len(s) && (s[n] == '#' || 'a' <= s[n] && s[n] <= 'z' || 'A' <= s[n] && s[n] <= 'Z' || '0' <= s[n] && s[n] <= '9') {
			n++
		}
		if n < len(s) && s[n] == ';' {
			n++
		}
		// Whether more input follows changes the decoding ("&#5" is a
		// character only before more text): the byte after the reference
		// is decoded with it, as itself, and cut off again.
		ref, more := s[:n], n < len(s)
		if more {
			ref = s[:n+1]
		}
		d, ok := z.decoded[string(ref)]
		if !ok {
			if z.decoded == nil {
				z.decoded = map[string]string{}
			}
			d = html.UnescapeString(string(ref))
			if more {
				d = d[:len(d)-1]
			}
			if len(z.decoded) < 256 {
				z.decoded[string(ref)] = d
			}
		}
		dst = append(dst, d...)
		s = s[n:]
	}
}

// Next scans the next token, as Tokenizer.Next.
func (z *htmlScanner) Next() scanToken {
	z.raw.start = z.raw.end
	z.data = span{z.raw.end, z.raw.end}
	if z.done {
		return scanEOF
	}
	b := z.b
	if z.rawTag != "" {
		if z.rawTag == "plaintext" {
			z.raw.end = len(b)
			z.data.end = len(b)
			z.textIsRaw = true
			z.done = true
		} else {
			z.readRawOrRCDATA()
		}
		if z.data.end > z.data.start {
			z.convertNUL = true
			return scanText
		}
		if z.done {
			return scanEOF
		}
	}
	z.textIsRaw, z.convertNUL = false, false
	for {
		i := bytes.IndexByte(b[z.raw.end:], '<')
		if i < 0 || z.raw.end+i+1 >= len(b) {
			z.raw.end = len(b)
			z.done = true
			break
		}
		p := z.raw.end + i // the '<'
		c := b[p+1]
		var tt scanToken
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			tt = scanStartTag
		case c == '/':
			tt = scanEndTag
		case c == '!' || c == '?':
			tt = scanComment
		default:
			z.raw.end = p + 1 // the '<' is text
			continue
		}
		// Text before the tag is a token of its own.
		if z.raw.start < p {
			z.raw.end, z.data.end = p, p
			return scanText
		}
		z.raw.end = p + 2
		switch tt {
		case scanStartTag:
			return z.readStartTag()
		case scanEndTag:
			if z.raw.end == len(b) {
				z.done = true // "</" at the end is text
				break
			}
			c = b[z.raw.end]
			z.raw.end++
			switch {
			case c == '>':
				return scanComment // "</>" is no token: read past it
			case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
				if !z.readTag(false) {
					return z.eof()
				}
				return scanEndTag
			}
			z.raw.end--
			z.readUntilCloseAngle()
			return scanComment
		default:
			if c == '!' {
				z.readMarkupDeclaration()
				return scanComment
			}
			z.raw.end-- // the '?' starts a bogus comment
			z.readUntilCloseAngle()
			return scanComment
		}
		break
	}
	if z.raw.start < z.raw.end {
		z.data.end = z.raw.end
		return scanText
	}
	return scanEOF
}

// eof ends the scan: a tag cut by the end of the input is no token.
func (z *htmlScanner) eof() scanToken {
	z.raw.end, z.done = len(z.b), true
	return scanEOF
}

// readByte returns the next byte, or false at the end of the input.
func (z *htmlScanner) readByte() (byte, bool) {
	if z.raw.end >= len(z.b) {
		z.done = true
		return 0, false
	}
	c := z.b[z.raw.end]
	z.raw.end++
	return c, true
}

// skipWhiteSpace reads past white space; false at the end of the input.
func (z *htmlScanner) skipWhiteSpace() bool {
	for z.raw.end < len(z.b) {
		switch z.b[z.raw.end] {
		case ' ', '\n', '\r', '\t', '\f':
			z.raw.end++
		default:
			return true
		}
	}
	z.done = true
	return false
}

// readUntilCloseAngle reads past the next '>', or to the end.
func (z *htmlScanner) readUntilCloseAngle() {
	if i := bytes.IndexByte(z.b[z.raw.end:], '>'); i >= 0 {
		z.raw.end += i + 1
		return
	}
	z.raw.end, z.done = len(z.b), true
}

// readMarkupDeclaration reads a token opened by "<!": a comment, or a
// doctype or bogus comment, both of which end at the next '>'.
func (z *htmlScanner) readMarkupDeclaration() {
	if z.raw.end+2 > len(z.b) {
		z.raw.end, z.done = len(z.b), true
		return
	}
	if z.b[z.raw.end] == '-' && z.b[z.raw.end+1] == '-' {
		z.raw.end += 2
		z.readComment()
		return
	}
	z.readUntilCloseAngle()
}

// readComment reads past a comment's end, its "<!--" read: "-->", "--!>",
// or a '>' right after the opening ("<!-->", "<!--->").
func (z *htmlScanner) readComment() {
	dashes := 0
	beginning := true
	for {
		c, ok := z.readByte()
		if !ok {
			return
		}
		switch c {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				return
			}
		case '!':
			if dashes >= 2 {
				c, ok = z.readByte()
				if !ok || c == '>' {
					return
				}
				if c == '-' {
					dashes, beginning = 1, false
					continue
				}
			}
		}
		dashes, beginning = 0, false
	}
}

// rawTextElements are the elements whose content is text up to their end
// tag, as the Tokenizer lists them.
var rawTextElements = []string{"iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "title", "xmp"}

// readStartTag reads a start tag, its "<" and first letter read.
func (z *htmlScanner) readStartTag() scanToken {
	if !z.readTag(true) {
		return z.eof()
	}
	name := z.b[z.data.start:z.data.end]
	if n := len(name); n >= 3 && n <= 9 {
		for _, e := range rawTextElements {
			if len(e) == n && equalFoldASCII(name, e) {
				z.rawTag = e
				break
			}
		}
	}
	if z.b[z.raw.end-2] == '/' && z.slashIsSelfClosing() {
		return scanSelfClosingTag
	}
	return scanStartTag
}

// slashIsSelfClosing reports whether the '/' before a start tag's '>'
// closes it ("<br/>") rather than ending its last attribute's value
// ("<p a=/>"), as the Tokenizer decides: by the last attribute it keeps.
func (z *htmlScanner) slashIsSelfClosing() bool {
	last, found := span{}, false
	z.kept(func(a attrSpan) { last, found = a.val, true })
	return !found || z.raw.end-2 != last.end-1
}

// kept calls f with each attribute of the start tag the Tokenizer keeps,
// in order: empty keys and later duplicates of a key (ASCII letters case
// folded) are dropped.
func (z *htmlScanner) kept(f func(a attrSpan)) {
	var few []span           // the keys kept, while they are few
	var seen map[string]bool // past a few, all of them, lower case
	for _, a := range z.attrs {
		key := z.b[a.key.start:a.key.end]
		if len(key) == 0 {
			continue
		}
		if seen == nil {
			dup := false
			for _, k := range few {
				if equalFoldASCII(z.b[k.start:k.end], string(key)) {
					dup = true
					break
				}
			}
			if dup {
				continue
			}
			if len(few) < 32 {
				few = append(few, a.key)
				f(a)
				continue
			}
			// Hostile tags repeat keys by the thousand.
			seen = map[string]bool{}
			for _, k := range few {
				seen[lowerASCIIString(z.b[k.start:k.end])] = true
			}
		}
		if k := lowerASCIIString(key); !seen[k] {
			seen[k] = true
			f(a)
		}
	}
}

// lowerASCIIString lower-cases the ASCII letters of b, as the Tokenizer
// does for keys.
func lowerASCIIString(b []byte) string {
	s := []byte(string(b))
	for i, c := range s {
		if 'A' <= c && c <= 'Z' {
			s[i] = c + 'a' - 'A'
		}
	}
	return string(s)
}

// equalFoldASCII reports whether b equals s with ASCII letters case folded
// (the Tokenizer lower-cases A to Z only).
func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c, d := b[i], s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

// readTag reads a tag's name and attributes, its "<a" or "</a" read (a
// letter), and past its '>'. It returns false when the input ends first.
// keep: the attributes are kept in z.attrs (start tags).
func (z *htmlScanner) readTag(keep bool) bool {
	z.attrs = z.attrs[:0]
	b := z.b
	// The name: up to white space, '/' or '>'.
	z.data.start = z.raw.end - 1
	for {
		c, ok := z.readByte()
		if !ok {
			return false
		}
		if c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' {
			z.data.end = z.raw.end - 1
			break
		}
		if c == '/' || c == '>' {
			z.raw.end--
			z.data.end = z.raw.end
			break
		}
	}
	if !z.skipWhiteSpace() {
		return false
	}
	for {
		c, ok := z.readByte()
		if !ok {
			return false
		}
		if c == '>' {
			return true
		}
		z.raw.end--
		var a attrSpan
		// The key: up to '=' (but a leading one), white space, '/' or '>'.
		a.key.start = z.raw.end
		for {
			c, ok := z.readByte()
			if !ok {
				a.key.end = z.raw.end
				break
			}
			if c == '=' && a.key.start+1 == z.raw.end {
				continue
			}
			if c == '=' || c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '/' || c == '>' {
				z.raw.end--
				a.key.end = z.raw.end
				break
			}
		}
		// The value.
		a.val = span{z.raw.end, z.raw.end}
		if z.skipWhiteSpace() {
			c, _ := z.readByte()
			switch {
			case c == '/':
			case c != '=':
				z.raw.end--
			case z.skipWhiteSpace():
				q, _ := z.readByte()
				switch q {
				case '>':
					z.raw.end--
				case '\'', '"':
					a.val.start = z.raw.end
					if i := bytes.IndexByte(b[z.raw.end:], q); i >= 0 {
						a.val.end = z.raw.end + i
						z.raw.end += i + 1
					} else {
						z.raw.end, z.done = len(b), true
						a.val.end = z.raw.end
					}
				default:
					a.val.start = z.raw.end - 1
					for {
						c, ok := z.readByte()
						if !ok {
							a.val.end = z.raw.end
							break
						}
						if c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' {
							a.val.end = z.raw.end - 1
							break
						}
						if c == '>' {
							z.raw.end--
							a.val.end = z.raw.end
							break
						}
					}
				}
			}
		}
		if keep {
			z.attrs = append(z.attrs, a)
		}
		if !z.skipWhiteSpace() {
			return false
		}
	}
}

// readRawOrRCDATA reads the text up to the end tag of z.rawTag, leaving
// the end tag to the next token.
func (z *htmlScanner) readRawOrRCDATA() {
	if z.rawTag == "script" {
		z.readScript()
		z.data.end = z.raw.end
		z.textIsRaw = true
		z.rawTag = ""
		return
	}
	for {
		i := bytes.IndexByte(z.b[z.raw.end:], '<')
		if i < 0 {
			z.raw.end, z.done = len(z.b), true
			break
		}
		z.raw.end += i + 1
		c, ok := z.readByte()
		if !ok {
			break
		}
		if c != '/' {
			z.raw.end--
			continue
		}
		if z.readRawEndTag() || z.done {
			break
		}
	}
	z.data.end = z.raw.end
	// A textarea's or title's RCDATA can contain entities.
	z.textIsRaw = z.rawTag != "textarea" && z.rawTag != "title"
	z.rawTag = ""
}

// readRawEndTag reads "</" + z.rawTag and one of white space, '/' or '>',
// its "</" read; when it is there, it backs up to its '<' and returns true.
func (z *htmlScanner) readRawEndTag() bool {
	for i := 0; i < len(z.rawTag); i++ {
		c, ok := z.readByte()
		if !ok {
			return false
		}
		if c != z.rawTag[i] && c != z.rawTag[i]-('a'-'A') {
			z.raw.end--
			return false
		}
	}
	c, ok := z.readByte()
	if !ok {
		return false
	}
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		z.raw.end -= 3 + len(z.rawTag)
		return true
	}
	z.raw.end--
	return false
}

// readScript reads a script's text up to its "</script", following the
// Tokenizer's script data states: inside "<!--", a "<script" hides the
// next "</script>".
func (z *htmlScanner) readScript() {
	var c byte
	var ok bool
	next := func() bool {
		c, ok = z.readByte()
		return ok
	}
scriptData:
	// The only state of most scripts: jump to the next '<'.
	if i := bytes.IndexByte(z.b[z.raw.end:], '<'); i >= 0 {
		z.raw.end += i + 1
	} else {
		z.raw.end, z.done = len(z.b), true
		return
	}
	// scriptDataLessThanSign
	if !next() {
		return
	}
	switch c {
	case '/':
		goto scriptDataEndTagOpen
	case '!':
		goto scriptDataEscapeStart
	}
	z.raw.end--
	goto scriptData

scriptDataEndTagOpen:
	if z.readRawEndTag() || z.done {
		return
	}
	goto scriptData

scriptDataEscapeStart:
	if !next() {
		return
	}
	if c != '-' {
		z.raw.end--
		goto scriptData
	}
	if !next() {
		return
	}
	if c == '-' {
		goto scriptDataEscapedDashDash
	}
	z.raw.end--
	goto scriptData

scriptDataEscaped:
	if !next() {
		return
	}
	switch c {
	case '-':
		goto scriptDataEscapedDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDash:
	if !next() {
		return
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDashDash:
	if !next() {
		return
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataEscaped

scriptDataEscapedLessThanSign:
	if !next() {
		return
	}
	if c == '/' {
		goto scriptDataEscapedEndTagOpen
	}
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
		goto scriptDataDoubleEscapeStart
	}
	z.raw.end--
	goto scriptData

scriptDataEscapedEndTagOpen:
	if z.readRawEndTag() || z.done {
		return
	}
	goto scriptDataEscaped

scriptDataDoubleEscapeStart:
	z.raw.end--
	for i := 0; i < len("script"); i++ {
		if !next() {
			return
		}
		if c != "script"[i] && c != "SCRIPT"[i] {
			z.raw.end--
			goto scriptDataEscaped
		}
	}
	if !next() {
		return
	}
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		goto scriptDataDoubleEscaped
	}
	z.raw.end--
	goto scriptDataEscaped

scriptDataDoubleEscaped:
	if !next() {
		return
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDash:
	if !next() {
		return
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDashDash:
	if !next() {
		return
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedLessThanSign:
	if !next() {
		return
	}
	if c == '/' {
		goto scriptDataDoubleEscapeEnd
	}
	z.raw.end--
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapeEnd:
	if z.readRawEndTag() {
		z.raw.end += len("</script>")
		goto scriptDataEscaped
	}
	if z.done {
		return
	}
	goto scriptDataDoubleEscaped
}
