package extract

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"
)

// ErrEmpty is returned when a document has no text to analyse.
var ErrEmpty = errors.New("empty document")

// ErrNotText is returned for content that is neither HTML nor plain text
// (images, PDF, archives).
var ErrNotText = errors.New("not an HTML or text document")

// Document is a response reduced to what analysis needs.
type Document struct {
	URL          string // the document's address, "" when unknown
	HTML         bool   // parsed as HTML (false: plain text)
	DeclaredLang string // primary subtag of <html lang> or Content-Language, lower case ("" if none)
	Lang         string // language of the main text: detected, else declared ("" if unknown)
	Title        string
	OGType       string // <meta property="og:type">, lower case

	// Text is the main text: one block per line, boilerplate left out.
	Text      string
	Blocks    []Span   // the lines of Text
	BlockLang []string // the language of each block: detected when it has enough words, else Lang
	// BlockLangSure tells, for each block, whether its own words decided
	// its language (false: too few or too mixed, it was given Lang).
	BlockLangSure []bool
	Sentences     []Span  // sentences of Text; never cross a block
	Tokens        []Token // the words of Text, folded (see Tokenize)

	// Boilerplate is the text left out of Text (navigation, cookie banners,
	// footers), one block per line. Addresses and phone numbers live there.
	Boilerplate string

	Links      []Link      // every <a href>, resolved, in document order, duplicates kept out
	Alternates []Alternate // <link rel="alternate" hreflang> and <a hreflang>
	Images     []string    // every <img src>, resolved, duplicates kept out
}

// Span is a byte range [Start, End) of Document.Text.
type Span struct{ Start, End int }

// Link is a hyperlink of the document.
type Link struct {
	URL  string // absolute, fragment removed
	Text string // anchor text, whitespace collapsed
	Lang string // hreflang, or a language switcher's label ("Français" → "fr"): the link leads to a language version
}

// Alternate is a language version of the document.
type Alternate struct {
	Lang string // BCP 47 tag as written, lower case ("fr", "fr-ch", "x-default")
	URL  string
}

// Options bound the work done on one document.
type Options struct {
	// MaxBytes is the largest input parsed; the rest is ignored. Zero means 16 MiB.
	MaxBytes int
}

func (o Options) maxBytes() int {
	if o.MaxBytes > 0 {
		return o.MaxBytes
	}
	return 16 << 20
}

// Parse reads a document. contentType is the HTTP Content-Type ("" when
// unknown: the content decides); contentLang the Content-Language header;
// pageURL the address links are resolved against ("" for none).
// It returns ErrNotText for binary content and ErrEmpty when no text remains.
func Parse(body []byte, contentType, contentLang, pageURL string, opt Options) (*Document, error) {
	if len(body) > opt.maxBytes() {
		body = body[:opt.maxBytes()]
	}
	kind := sniff(body, contentType)
	if kind == kindBinary {
		return nil, ErrNotText
	}
	text, err := decode(body, contentType, kind)
	if err != nil {
		return nil, err
	}
	var base *url.URL
	if pageURL != "" {
		base, err = url.Parse(pageURL)
		if err != nil {
			return nil, fmt.Errorf("page url %q: %w", pageURL, err)
		}
	}
	d := &Document{URL: pageURL, DeclaredLang: primaryTag(contentLang)}
	if kind == kindHTML {
		d.HTML = true
		parseHTML(d, text, base)
	} else {
		parsePlain(d, string(text))
	}
	if strings.TrimSpace(d.Text) == "" {
		return nil, ErrEmpty
	}
	d.Sentences = segment(d.Text, d.Blocks)
	d.Tokens = Tokenize(d.Text)
	sets := stopwordSets(d.Tokens)
	d.Lang = detectLanguage(sets, d.DeclaredLang)
	d.BlockLang, d.BlockLangSure = blockLanguages(d.Tokens, sets, d.Blocks, d.Lang)
	return d, nil
}

type contentKind int

const (
	kindBinary contentKind = iota
	kindHTML
	kindPlain
)

// sniff decides how to read the body. The declared type is trusted for
// HTML and plain text only when the bytes agree: hostile servers lie.
func sniff(body []byte, contentType string) contentKind {
	head := body
	if len(head) > 1024 {
		head = head[:1024]
	}
	if looksBinary(head) {
		return kindBinary
	}
	ct := strings.ToLower(contentType)
	switch {
	case strings.Contains(ct, "html") || strings.Contains(ct, "xml"):
		return kindHTML
	case strings.HasPrefix(ct, "text/"):
		if looksHTML(head) {
			return kindHTML
		}
		return kindPlain
	case ct != "" && !strings.HasPrefix(ct, "application/octet-stream"):
		return kindBinary
	}
	if looksHTML(head) {
		return kindHTML
	}
	return kindPlain
}

// binarySignatures open files that are never text.
var binarySignatures = [][]byte{
	[]byte("%PDF"), []byte("\x89PNG"), []byte("\xff\xd8\xff"), []byte("GIF8"), []byte("PK\x03\x04"),
	[]byte("\x1f\x8b"), []byte("RIFF"), []byte("\x00\x00\x01\x00"),
}

// looksBinary reports content no charset makes text: a known binary
// signature, or mostly control bytes. A stray NUL in a page does not make
// it binary: browsers show the page, and hostile sites use it to hide.
func looksBinary(head []byte) bool {
	for _, sig := range binarySignatures {
		if bytes.HasPrefix(head, sig) {
			return true
		}
	}
	ctrl := 0
	for _, c := range head {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			ctrl++
		}
	}
	return ctrl*10 > len(head)
}

func looksHTML(head []byte) bool {
	h := bytes.ToLower(bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n"))
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<meta", "<title", "<!--", "<div", "<p>", "<p ", "<h1"} {
		if bytes.HasPrefix(h, []byte(p)) {
			return true
		}
	}
	return bytes.Contains(h, []byte("<html")) || bytes.Contains(h, []byte("<body"))
}

// decode returns the body as UTF-8 (body itself when it is already), using the charset declared in the
// Content-Type, a BOM or a <meta> tag, or guessed; invalid sequences are
// replaced so offsets always fall on valid UTF-8.
func decode(body []byte, contentType string, kind contentKind) ([]byte, error) {
	if utf8.Valid(body) && !declaresOtherCharset(contentType) {
		return bytes.TrimPrefix(body, []byte("\ufeff")), nil
	}
	ct := contentType
	if kind == kindPlain && ct == "" {
		ct = "text/plain"
	}
	enc, _, _ := charset.DetermineEncoding(body, ct)
	out, _, err := transform.Bytes(enc.NewDecoder(), body)
	if err != nil {
		return nil, fmt.Errorf("decode charset: %w", err)
	}
	return bytes.TrimPrefix(bytes.ToValidUTF8(out, []byte("\ufffd")), []byte("\ufeff")), nil
}

func declaresOtherCharset(contentType string) bool {
	ct := strings.ToLower(contentType)
	i := strings.Index(ct, "charset=")
	if i < 0 {
		return false
	}
	cs := strings.Trim(ct[i+len("charset="):], `"' ;`)
	return cs != "" && cs != "utf-8" && cs != "utf8" && cs != "us-ascii"
}

// primaryTag returns the lower-case primary subtag of a language tag:
// "fr-CH" → "fr".
func primaryTag(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, ",; "); i >= 0 {
		tag = tag[:i]
	}
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return strings.ToLower(tag)
}
