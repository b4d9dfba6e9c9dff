package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// x/net/html's TagName and TagAttr copy every name, key and value they
// return (to replace NUL bytes), some ten thousand allocations for a
// typical page. A tag's raw bytes hold all of it: the functions below read
// the tag name and attributes from html.Tokenizer.Raw as the tokenizer
// itself reads them (readTagName, readTagAttrKey, readTagAttrVal), and fall
// back to TagAttr where its decoding changes a value (entities, CR, NUL).

// tagAtom returns the atom of a start tag's (end false) or end tag's raw
// bytes, as atom.Lookup of TagName would.
func tagAtom(raw []byte, end bool) atom.Atom {
	i := 1 // "<"
	if end {
		i = 2 // "</"
	}
	var buf [32]byte // longer than any atom
	n := 0
	for ; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case ' ', '\n', '\r', '\t', '\f', '/', '>':
			return atom.Lookup(buf[:n])
		}
		if n == len(buf) {
			return 0
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return atom.Lookup(buf[:n])
}

func isTagSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

// rawAttrs calls f with each attribute of a start tag's raw bytes, in order,
// with the tokenizer's spans: key as written (not lower-cased), value as
// written (not unescaped). Empty keys are skipped; duplicates are not.
func rawAttrs(raw []byte, f func(key, val []byte)) {
	p := 2 // "<" and the tag name's first byte
	for p < len(raw) {
		c := raw[p]
		if c == '/' || c == '>' {
			break
		}
		p++
		if isTagSpace(c) {
			break
		}
	}
	skip := func() {
		for p < len(raw) && isTagSpace(raw[p]) {
			p++
		}
	}
	skip()
	for p < len(raw) {
		if raw[p] == '>' {
			return
		}
		ks := p
		for p < len(raw) {
			c := raw[p]
			p++
			if c == '=' && ks+1 == p {
				continue // "=" opening a name belongs to it
			}
			if c == '=' || isTagSpace(c) || c == '/' || c == '>' {
				p--
				break
			}
		}
		ke := p
		vs, ve := p, p
		skip()
		if p < len(raw) {
			c := raw[p]
			p++
			switch {
			case c == '/':
			case c != '=':
				p--
			default:
				skip()
				if p < len(raw) {
					q := raw[p]
					p++
					switch q {
					case '>':
						p--
					case '\'', '"':
						vs = p
						for p < len(raw) && raw[p] != q {
							p++
						}
						ve = p
						if p < len(raw) {
							p++ // the closing quote
						}
					default:
						vs = p - 1
						for p < len(raw) && !isTagSpace(raw[p]) && raw[p] != '>' {
							p++
						}
						ve = p
						if p < len(raw) && raw[p] != '>' {
							p++ // the white space
						}
					}
				}
			}
		}
		if ke > ks {
			f(raw[ks:ke], raw[vs:ve])
		}
		skip()
	}
}

// attributes are the attributes extraction reads, as slices valid until the
// tokenizer's next token; the others are skipped without being copied.
type attributes struct {
	lang, href, property, content, httpEquiv, rel, hreflang, src, alt []byte
	role, class, id, ariaHidden, style                                []byte
	hidden                                                            bool
}

// attrField returns a's field for a lower-cased key, and its bit in a set
// of keys seen; nil for attributes not read.
func (a *attributes) field(key []byte) (*[]byte, uint32) {
	switch string(key) { // no allocation: the compiler compares in place
	case "lang":
		return &a.lang, 1 << 0
	case "href":
		return &a.href, 1 << 1
	case "property":
		return &a.property, 1 << 2
	case "content":
		return &a.content, 1 << 3
	case "http-equiv":
		return &a.httpEquiv, 1 << 4
	case "rel":
		return &a.rel, 1 << 5
	case "hreflang":
		return &a.hreflang, 1 << 6
	case "src":
		return &a.src, 1 << 7
	case "alt":
		return &a.alt, 1 << 8
	case "role":
		return &a.role, 1 << 9
	case "class":
		return &a.class, 1 << 10
	case "id":
		return &a.id, 1 << 11
	case "aria-hidden":
		return &a.ariaHidden, 1 << 12
	case "style":
		return &a.style, 1 << 13
	}
	return nil, 0
}

// readAttrs fills a with the attributes of the current start tag, whose raw
// bytes are raw; the first of duplicates wins, as in the tokenizer.
func readAttrs(z *html.Tokenizer, raw []byte, a *attributes) {
	*a = attributes{}
	var seen uint32
	plain := true
	rawAttrs(raw, func(key, val []byte) {
		var buf [16]byte // longer than any key read
		if !plain || len(key) > len(buf) {
			return
		}
		k := buf[:len(key)]
		for i, c := range key {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			k[i] = c
		}
		if string(k) == "hidden" {
			a.hidden = true
			return
		}
		dst, bit := a.field(k)
		if dst == nil || seen&bit != 0 {
			return
		}
		seen |= bit
		for _, c := range val {
			if c == '&' || c == '\r' || c == 0 {
				plain = false // decoded by TagAttr
				return
			}
		}
		*dst = val
	})
	if plain {
		return
	}
	*a = attributes{}
	for {
		k, v, more := z.TagAttr()
		if string(k) == "hidden" {
			a.hidden = true
		} else if dst, _ := a.field(k); dst != nil && *dst == nil {
			*dst = v
		}
		if !more {
			return
		}
	}
}
