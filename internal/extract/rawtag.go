package extract

import (
	"bytes"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// x/net/html's TagName and TagAttr copy every name, key and value they
// return (to replace NUL bytes), some ten thousand allocations for a
// typical page. A tag's raw bytes hold all of it: the functions below read
// the tag name and attributes in place, from the spans the scanner found,
// and fall back to TagAttr where its decoding changes a value (entities,
// CR, NUL).

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

// readAttrs fills a with the attributes of the scanner's start tag; the
// first of duplicates wins, as in the Tokenizer. Values are read in place;
// a tag whose values need decoding (entities, CR, NUL) is read by the
// Tokenizer itself.
func readAttrs(z *htmlScanner, a *attributes) {
	*a = attributes{}
	var seen uint32
	for _, s := range z.attrs {
		key := z.b[s.key.start:s.key.end]
		var buf [16]byte // longer than any key read
		if len(key) == 0 || len(key) > len(buf) {
			continue
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
			continue
		}
		dst, bit := a.field(k)
		if dst == nil || seen&bit != 0 {
			continue
		}
		seen |= bit
		val := z.b[s.val.start:s.val.end]
		for _, c := range val {
			if c == '\r' || c == 0 {
				readAttrsDecoded(z.Raw(), a)
				return
			}
		}
		if bytes.IndexByte(val, '&') >= 0 {
			// "?a=1&amp;b=2": the commonest references are decoded here,
			// as the Tokenizer would; any other, by the Tokenizer.
			var ok bool
			if val, ok = unescapeCommon(val); !ok {
				readAttrsDecoded(z.Raw(), a)
				return
			}
		}
		*dst = val
	}
}

// unescapeCommon decodes an attribute value whose character references
// are all &amp;, &quot;, &apos;, &lt;, &gt;, &nbsp; or numeric, with their
// semicolon: those the Tokenizer decodes in attribute values as
// html.UnescapeString does elsewhere. ok is false for any other "&".
func unescapeCommon(val []byte) (_ []byte, ok bool) {
	for i := 0; i < len(val); i++ {
		if val[i] != '&' {
			continue
		}
		rest := val[i+1:]
		n := 0
		switch {
		case len(rest) > 0 && rest[0] == '#':
			j := 1
			hex := len(rest) > 1 && (rest[1] == 'x' || rest[1] == 'X')
			if hex {
				j++
			}
			k := j
			for k < len(rest) && ('0' <= rest[k] && rest[k] <= '9' || hex && ('a' <= rest[k]|0x20 && rest[k]|0x20 <= 'f')) {
				k++
			}
			if k == j || k == len(rest) || rest[k] != ';' {
				return nil, false
			}
			n = k + 1
		default:
			for _, name := range [...]string{"amp;", "quot;", "apos;", "lt;", "gt;", "nbsp;"} {
				if bytes.HasPrefix(rest, []byte(name)) {
					n = len(name)
					break
				}
			}
			if n == 0 {
				return nil, false
			}
		}
		i += n
	}
	return []byte(html.UnescapeString(string(val))), true
}

// readAttrsDecoded fills a with the attributes of a start tag's raw bytes,
// decoded by the Tokenizer's TagAttr.
func readAttrsDecoded(raw []byte, a *attributes) {
	*a = attributes{}
	t := html.NewTokenizer(bytes.NewReader(raw))
	t.Next()
	for {
		k, v, more := t.TagAttr()
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
