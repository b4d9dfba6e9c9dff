package extract

import (
	"bytes"
	"net/url"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/net/html/atom"
)

// Elements whose content is never text a reader sees.
var invisible = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Iframe: true, atom.Object: true, atom.Select: true,
	atom.Head: true, atom.Canvas: true, atom.Math: true,
}

// Elements allowed in <head>.
var inHead = map[atom.Atom]bool{
	atom.Title: true, atom.Meta: true, atom.Link: true, atom.Style: true, atom.Script: true,
	atom.Noscript: true, atom.Base: true, atom.Template: true,
}

// Elements that end a block of text.
var blockLevel = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.Blockquote: true, atom.Figure: true, atom.Figcaption: true, atom.Table: true,
	atom.Tr: true, atom.Td: true, atom.Th: true, atom.Caption: true, atom.Br: true, atom.Hr: true,
	atom.Header: true, atom.Footer: true, atom.Nav: true, atom.Aside: true, atom.Form: true,
	atom.Fieldset: true, atom.Legend: true, atom.Label: true, atom.Button: true, atom.Address: true,
	atom.Pre: true, atom.Summary: true, atom.Details: true, atom.Body: true, atom.Html: true,
	atom.Option: true, atom.Textarea: true,
}

// Inline formatting elements: no decision depends on their attributes,
// which are not read (x/net/html allocates for each one read).
var inlineFormatting = map[atom.Atom]bool{
	atom.B: true, atom.I: true, atom.Em: true, atom.Strong: true, atom.U: true, atom.Small: true,
	atom.Sup: true, atom.Sub: true, atom.Abbr: true, atom.Cite: true, atom.Code: true, atom.Mark: true,
	atom.Q: true, atom.S: true, atom.Time: true, atom.Wbr: true, atom.Br: true, atom.Tbody: true,
	atom.Thead: true, atom.Tr: true, atom.Td: true, atom.Th: true,
}

// Elements with no end tag.
var void = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true,
	atom.Hr: true, atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true,
	atom.Source: true, atom.Track: true, atom.Wbr: true,
}

// Words in class, id or role that mark boilerplate. Matched against the
// folded attribute split on non-letters, so "main-nav" and "cookieBanner"
// both hit.
var boilerplateWords = []string{
	"nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "cookie", "cookies",
	"consent", "gdpr", "rgpd", "footer", "skip", "share", "social", "sharing", "banner",
	"contentinfo", "related", "newsletter", "sidebar",
	// Consent managers' own names.
	"cmp", "onetrust", "didomi", "usercentrics", "cookiebot", "tarteaucitron", "axeptio",
}

// tagKind is the set of the tables above an element is in.
type tagKind uint8

const (
	kindInvisible tagKind = 1 << iota
	kindInHead
	kindBlock
	kindInline
	kindVoid
)

// tagKinds merges the tables: one lookup per tag, not five.
var tagKinds = sync.OnceValue(func() map[atom.Atom]tagKind {
	m := map[atom.Atom]tagKind{}
	for _, t := range []struct {
		set  map[atom.Atom]bool
		kind tagKind
	}{{invisible, kindInvisible}, {inHead, kindInHead}, {blockLevel, kindBlock}, {inlineFormatting, kindInline}, {void, kindVoid}} {
		for a := range t.set {
			m[a] |= t.kind
		}
	}
	return m
})

// maxDepth bounds the stack of open elements.
const maxDepth = 256

type frame struct {
	tag         atom.Atom
	block       bool // the element is block-level
	boilerplate bool // this element opened a boilerplate region
	invisible   bool
	inArticle   bool // inside <article> or <main>
}

type htmlWalker struct {
	d          *Document
	kinds      map[atom.Atom]tagKind // tagKinds()
	heads      int                   // open <head> elements
	base       *url.URL
	stack      []frame
	boilerDeep int // open boilerplate elements
	hidden     int // open invisible elements
	inTitle    bool
	title      strings.Builder
	main       textBuilder
	boiler     textBuilder
	anchor     *Link // the <a> being read
	anchorText []byte
	seenLink   map[string]bool
	seenImg    map[string]bool
	seenAlt    map[string]bool
	scratch    []byte
}

func parseHTML(d *Document, text []byte, base *url.URL) {
	w := &htmlWalker{d: d, kinds: tagKinds(), base: base, seenLink: map[string]bool{}, seenImg: map[string]bool{}, seenAlt: map[string]bool{}}
	z := newHTMLScanner(text)
	var attrs attributes
	for {
		tt := z.Next()
		switch tt {
		case scanEOF:
			w.finish()
			return
		case scanText:
			w.text(z)
		case scanStartTag, scanSelfClosingTag:
			a := tagAtom(z.Raw(), false)
			if w.kinds[a]&kindInline != 0 {
				attrs = attributes{}
			} else {
				readAttrs(z, &attrs)
			}
			w.start(a, &attrs, tt == scanSelfClosingTag)
		case scanEndTag:
			w.end(tagAtom(z.Raw(), true))
		}
	}
}

func (w *htmlWalker) inArticle() bool {
	return len(w.stack) > 0 && w.stack[len(w.stack)-1].inArticle
}

func (w *htmlWalker) start(a atom.Atom, attrs *attributes, selfClosing bool) {
	k := w.kinds[a]
	block := k&kindBlock != 0
	switch a {
	case atom.Html:
		if l := attrs.lang; len(l) > 0 {
			w.d.DeclaredLang = primaryTag(string(l))
		}
	case atom.Title:
		w.inTitle = true
	case atom.Base:
		if h := attrs.href; len(h) > 0 && w.base != nil {
			if u, err := w.base.Parse(string(h)); err == nil {
				w.base = u
			}
		}
	case atom.Meta:
		if bytes.EqualFold(attrs.property, []byte("og:type")) {
			w.d.OGType = strings.ToLower(strings.TrimSpace(string(attrs.content)))
		}
		if bytes.EqualFold(attrs.httpEquiv, []byte("content-language")) && w.d.DeclaredLang == "" {
			w.d.DeclaredLang = primaryTag(string(attrs.content))
		}
	case atom.Link:
		if hasToken(string(attrs.rel), "alternate") && len(attrs.hreflang) > 0 {
			w.alternate(string(attrs.hreflang), attrs.href)
		}
	case atom.A:
		w.closeAnchor()
		if u := w.resolve(attrs.href); u != "" {
			// Only hreflang or a switcher's label declares a language
			// version; a bare lang attribute says what the anchor text is in.
			w.anchor = &Link{URL: u}
			if len(attrs.hreflang) > 0 {
				w.anchor.Lang = strings.ToLower(string(attrs.hreflang))
				w.alternate(string(attrs.hreflang), attrs.href)
			}
		}
	case atom.Img:
		if u := w.resolve(attrs.src); u != "" && !w.seenImg[u] {
			w.seenImg[u] = true
			w.d.Images = append(w.d.Images, u)
		}
		if w.hidden == 0 {
			if w.scratch = appendCollapsed(w.scratch[:0], attrs.alt); len(w.scratch) > 3 {
				w.out().block()
				w.out().write(w.scratch)
				w.out().block()
			}
		}
	}
	// Content that belongs to the body closes a <head> left open: a page
	// without </head> must not hide its whole text.
	if w.heads > 0 && (a == atom.Body || block && k&kindInHead == 0 || a == atom.A || a == atom.Img) {
		w.end(atom.Head)
	}
	if k&kindVoid != 0 || selfClosing && a == 0 {
		if block {
			w.out().block()
		}
		return
	}
	if len(w.stack) >= maxDepth {
		// Hostile nesting: deeper elements are read as text of the
		// deepest one kept, so that closing tags never scan a long stack.
		if block {
			w.out().block()
		}
		return
	}
	f := frame{tag: a, block: block, inArticle: w.inArticle() || a == atom.Article || a == atom.Main}
	if k&kindInvisible != 0 || isHidden(attrs) {
		f.invisible = true
		w.hidden++
	} else if w.isBoilerplate(a, attrs, f.inArticle) {
		f.boilerplate = true
		w.boilerDeep++
	}
	if block {
		w.out().block()
	}
	if a == atom.Head {
		w.heads++
	}
	w.stack = append(w.stack, f)
}

func (w *htmlWalker) end(a atom.Atom) {
	if a == atom.Title {
		w.inTitle = false
	}
	if a == atom.A {
		w.closeAnchor()
	}
	// Pop to the matching open element; a stray end tag closes nothing.
	i := len(w.stack) - 1
	for i >= 0 && w.stack[i].tag != a {
		i--
	}
	if i < 0 {
		if w.kinds[a]&kindBlock != 0 {
			w.out().block()
		}
		return
	}
	for j := len(w.stack) - 1; j >= i; j-- {
		if w.stack[j].block {
			w.out().block()
		}
		if w.stack[j].tag == atom.Head {
			w.heads--
		}
		if w.stack[j].invisible {
			w.hidden--
		}
		if w.stack[j].boilerplate {
			w.boilerDeep--
		}
	}
	w.stack = w.stack[:i]
}

func (w *htmlWalker) text(z *htmlScanner) {
	if w.inTitle {
		w.title.Write(z.Text())
		return
	}
	if w.hidden > 0 {
		return // scripts, styles: never decoded
	}
	s := z.Text()
	if w.anchor != nil {
		w.anchorText = append(w.anchorText, s...)
	}
	w.out().write(s)
}

func (w *htmlWalker) out() *textBuilder {
	if w.boilerDeep > 0 {
		return &w.boiler
	}
	return &w.main
}

func (w *htmlWalker) isBoilerplate(a atom.Atom, attrs *attributes, inArticle bool) bool {
	switch a {
	case atom.Html, atom.Body, atom.Main, atom.Article:
		// Their class and id describe the whole page ("page-social",
		// "cookies-accepted"), never a boilerplate block of it.
		return false
	case atom.Nav:
		return true
	case atom.Footer:
		// An article's own footer (its sources, its author) is content.
		return !inArticle
	}
	var buf [32]byte
	if role := lowerASCII(buf[:0], attrs.role); role != nil {
		if r := string(role); r == "navigation" || r == "contentinfo" || r == "search" {
			return true
		}
	} else if role := strings.ToLower(string(attrs.role)); role == "navigation" || role == "contentinfo" || role == "search" {
		return true
	}
	return hasBoilerplateWord(attrs.class) || hasBoilerplateWord(attrs.id)
}

// hasBoilerplateWord reports whether an attribute such as "main-nav
// cookieBanner" has a boilerplate word among its lower-case words (main,
// nav, cookie, banner). Words break at every byte that is not an ASCII
// letter, and before a capital that follows a small letter.
func hasBoilerplateWord(v []byte) bool {
	var buf [16]byte // longer than any boilerplate word
	n := 0           // length of the current word; > len(buf): too long
	prevLower := false
	flush := func() bool {
		hit := false
		if n > 0 && n <= len(buf) {
			for _, b := range boilerplateWords {
				if string(buf[:n]) == b {
					hit = true
					break
				}
			}
		}
		n = 0
		return hit
	}
	add := func(c byte) {
		if n < len(buf) {
			buf[n] = c
		}
		n++
	}
	for _, c := range v {
		switch {
		case c >= 'a' && c <= 'z':
			add(c)
			prevLower = true
		case c >= 'A' && c <= 'Z':
			if prevLower && flush() {
				return true
			}
			add(c + 'a' - 'A')
			prevLower = false
		default:
			if flush() {
				return true
			}
			prevLower = false
		}
	}
	return flush()
}

// lowerASCII appends s lower-cased to dst, or returns nil when s is not all
// ASCII (strings.ToLower then decides) or empty.
func lowerASCII(dst, s []byte) []byte {
	if len(s) == 0 {
		return nil
	}
	for _, c := range s {
		if c >= utf8.RuneSelf {
			return nil
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func isHidden(attrs *attributes) bool {
	if attrs.hidden {
		return true
	}
	if bytes.EqualFold(attrs.ariaHidden, []byte("true")) {
		return true
	}
	if len(attrs.style) == 0 {
		return false
	}
	var style []byte
	var buf [64]byte
	if l := lowerASCII(buf[:0], attrs.style); l != nil {
		style = l[:0]
		for _, c := range l {
			if c != ' ' {
				style = append(style, c)
			}
		}
	} else {
		style = []byte(strings.ReplaceAll(strings.ToLower(string(attrs.style)), " ", ""))
	}
	return bytes.Contains(style, []byte("display:none")) || bytes.Contains(style, []byte("visibility:hidden"))
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(strings.ToLower(list)) {
		if f == tok {
			return true
		}
	}
	return false
}

func (w *htmlWalker) resolve(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] == '#' {
		return ""
	}
	if u, ok := resolveFast(w.base, raw); ok {
		return u
	}
	href := string(raw)
	var u *url.URL
	var err error
	if w.base != nil {
		u, err = w.base.Parse(href)
	} else {
		u, err = url.Parse(href)
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "") {
		return ""
	}
	u.Fragment = ""
	u.RawFragment = ""
	return u.String()
}

func (w *htmlWalker) alternate(lang string, href []byte) {
	u := w.resolve(href)
	lang = strings.ToLower(strings.TrimSpace(lang))
	if u == "" || lang == "" || w.seenAlt[lang+" "+u] {
		return
	}
	w.seenAlt[lang+" "+u] = true
	w.d.Alternates = append(w.d.Alternates, Alternate{Lang: lang, URL: u})
}

func (w *htmlWalker) closeAnchor() {
	if w.anchor == nil {
		return
	}
	l := *w.anchor
	w.scratch = appendCollapsed(w.scratch[:0], w.anchorText)
	l.Text = string(w.scratch)
	if l.Lang == "" {
		l.Lang = switcherLang(l.Text)
	}
	w.anchor = nil
	w.anchorText = w.anchorText[:0]
	if w.seenLink[l.URL] {
		return
	}
	w.seenLink[l.URL] = true
	w.d.Links = append(w.d.Links, l)
}

func (w *htmlWalker) finish() {
	w.closeAnchor()
	w.main.close()
	w.boiler.close()
	w.d.Title = collapse(w.title.String())
	w.d.Text, w.d.Blocks = w.main.String(), w.main.blocks
	w.d.Boilerplate = w.boiler.String()
	if w.d.Text == "" && w.d.Boilerplate != "" {
		// Everything visible looked like boilerplate: the page's layout
		// fooled the heuristics, and its text is read rather than lost.
		w.d.Text, w.d.Blocks, w.d.Boilerplate = w.d.Boilerplate, w.boiler.blocks, ""
	}
}

// switcherLang reads a language switcher's label: "Français", "FR",
// "Version française" → "fr".
func switcherLang(label string) string {
	label = strings.Trim(label, " []()|/")
	if len(label) > 64 { // folded, still longer than any label below
		return ""
	}
	var buf [64]byte
	folded := lowerASCII(buf[:0], []byte(label)) // Fold, for ASCII
	if folded == nil {
		folded = []byte(Fold(label))
	}
	switch string(folded) {
	case "fr", "francais", "version francaise", "french", "en francais", "fr-fr":
		return "fr"
	case "en", "english", "anglais", "english version", "englisch":
		return "en"
	case "de", "deutsch", "allemand", "german", "deutsche version":
		return "de"
	}
	return ""
}
