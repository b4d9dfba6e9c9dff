package extract

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// scannerSeeds are the Tokenizer's corner cases: raw text elements and
// their end tags, script escapes, comments, doctypes, bogus comments,
// character references, CR and NUL, tags and attributes cut by the end.
var scannerSeeds = []string{
	"",
	"plain text",
	"a < b and c<d <1 <-> <",
	"x</",
	"x</>y</ p>z</1>w",
	"<p>x</p",
	"<p class=\"nav",
	"<p class=nav",
	"<p ",
	"<p",
	"<!",
	"<!-",
	"<!--",
	"<!-->x<!--->y<!---->z",
	"<!-- a -- b --!> c <!-- d --!- e --> f",
	"<!DOCTYPE html><!doctype><!DOCTYP x><!DOC",
	"<?xml version=\"1.0\"?>x<?y",
	"<![CDATA[ a < b ]]>c",
	"<script>if (a<b) x = '</p>'</script>y",
	"<script><!-- <script> </script> --> </script>z",
	"<script><!-- x --></script>",
	"<script><!--<script>a</script>b</script>c",
	"<SCRIPT>x</Script >y</script",
	"<script>a</scripty></script/>b",
	"<script>",
	"<script><!",
	"<script><!-",
	"<script><!--<scr",
	"<style>p > a { x }</style ><title>T &amp; &lt;b&gt;</title>",
	"<title>a<b>c</b></title>",
	"<textarea>\r\n&nbsp;<p>\x00</textarea>",
	"<xmp><p>x</xmp><iframe><p></iframe><noembed></noembed><noframes>x</noframes><noscript><p>y</noscript>",
	"<plaintext><p>x</p></plaintext>",
	"<plaintext>",
	"a&amp;b &ampx &amp &#65; &#x41; &#5 &#5x &# &#x &notit; &notin; &NotANamedRef; & &&amp; &#1114112; &#0;",
	"&#5",
	"&#",
	"&",
	"x &nbsp;€ 12&nbsp;500&nbsp;€&hellip; &eacute;t&eacute;",
	"&#" + strings.Repeat("9", 80) + ";" + "&" + strings.Repeat("a", 80),
	"line\r\nbreak\rcr\n\r\n",
	"nul\x00byte<p>\x00</p><script>\x00</script>",
	"<br/><br /><img src=a.png/><img src=\"a\"/><p a=/>x</p><p/ class=nav>",
	"<p a=1 a=/>x<p a=1 A=2 b/>y<p =a/>z<p ==/>",
	"<p class= >q</p><p class=>r</p><p class = 'a' / >s",
	"<a href='x?a=1&amp;b=2&copy=3' title=\"a&#34;b\">x</a>",
	"<p\tclass\t=\tnav\f>x</p\n><p\x00 class=nav>y</p\x00>",
	"<DIV Class=\"Main-Nav\" ID=x class=y>t</Div >",
	"<a<b>c</a<b>",
	"<p " + strings.Repeat("a ", 40) + "b/>",
	"<p " + strings.Repeat("x=1 ", 40) + "x=/>",
	"<A ==&>",
	"<!--!>0",
}

// The scanner must give the Tokenizer's tokens: types, raw bytes, text,
// and every attribute as TagAttr returns it.
func TestScannerMatchesTokenizer(t *testing.T) {
	for _, s := range append(scannerSeeds, rawTagSeeds...) {
		checkScanner(t, []byte(s))
	}
	pages, _ := filepath.Glob("testdata/*.html")
	more, _ := filepath.Glob("../claims/testdata/corpus/*/*.html")
	demo, _ := filepath.Glob("../demo/sites/*/*.html")
	pages = append(append(pages, more...), demo...)
	if len(pages) < 100 {
		t.Fatalf("%d pages found: the corpus has moved", len(pages))
	}
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		checkScanner(t, b)
	}
}

func FuzzScanner(f *testing.F) {
	for _, s := range append(scannerSeeds, rawTagSeeds...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkScanner(t, b) })
}

// tokenizerType is the scanner's name for a Tokenizer token type.
var tokenizerType = map[html.TokenType]scanToken{
	html.ErrorToken: scanEOF, html.TextToken: scanText, html.StartTagToken: scanStartTag,
	html.SelfClosingTagToken: scanSelfClosingTag, html.EndTagToken: scanEndTag,
	html.CommentToken: scanComment, html.DoctypeToken: scanComment,
}

func checkScanner(t *testing.T, b []byte) {
	t.Helper()
	orig := bytes.Clone(b)
	ref := html.NewTokenizer(bytes.NewReader(b))
	z := newHTMLScanner(b)
	for n := 0; ; n++ {
		want := tokenizerType[ref.Next()]
		got := z.Next()
		short := b
		if len(short) > 200 {
			short = short[:200]
		}
		if got != want {
			t.Fatalf("%q: token %d: type %v, want %v (raw %q, want %q)", short, n, got, want, z.Raw(), ref.Raw())
		}
		if got == scanEOF {
			break
		}
		if !bytes.Equal(z.Raw(), ref.Raw()) {
			t.Fatalf("%q: token %d: raw %q, want %q", short, n, z.Raw(), ref.Raw())
		}
		switch got {
		case scanText:
			if g, w := z.Text(), ref.Text(); !bytes.Equal(g, w) {
				t.Fatalf("%q: token %d: text %q, want %q", short, n, g, w)
			}
		case scanEndTag:
			name, _ := ref.TagName()
			if got, want := tagAtom(z.Raw(), true), atom.Lookup(name); got != want {
				t.Fatalf("%q: token %d %q: atom %v, want %v", short, n, z.Raw(), got, want)
			}
		case scanStartTag, scanSelfClosingTag:
			// What the scanner keeps, before TagName and TagAttr consume
			// the reference's attributes.
			var g []string
			z.kept(func(a attrSpan) {
				k := bytes.ReplaceAll([]byte(lowerASCIIString(b[a.key.start:a.key.end])), []byte{0}, []byte("\ufffd"))
				v := b[a.val.start:a.val.end]
				if bytes.ContainsAny(v, "&\r\x00") {
					v = []byte("(decoded)") // TagAttr decodes it: readAttrs falls back to it
				}
				g = append(g, string(k)+"\x00"+string(v))
			})
			var got attributes
			readAttrs(z, &got)
			name, _ := ref.TagName()
			if a, want := tagAtom(z.Raw(), false), atom.Lookup(name); a != want {
				t.Fatalf("%q: token %d %q: atom %v, want %v", short, n, z.Raw(), a, want)
			}
			var w []string
			var want attributes
			for {
				k, v, more := ref.TagAttr()
				if k == nil && !more {
					break
				}
				if string(k) == "hidden" {
					want.hidden = true
				} else if dst, _ := want.field(k); dst != nil && *dst == nil {
					*dst = v
				}
				w = append(w, string(k)+"\x00"+string(v))
				if !more {
					break
				}
			}
			if got, want := got.strings(), want.strings(); got != want {
				t.Fatalf("%q: token %d %q: attributes read\n%q, want\n%q", short, n, z.Raw(), got, want)
			}
			if len(g) != len(w) {
				t.Fatalf("%q: token %d %q: attributes %q, want %q", short, n, z.Raw(), g, w)
			}
			for i := range g {
				gk, gv, _ := strings.Cut(g[i], "\x00")
				wk, wv, _ := strings.Cut(w[i], "\x00")
				if gk != wk || gv != "(decoded)" && gv != wv {
					t.Fatalf("%q: token %d %q: attributes %q, want %q", short, n, z.Raw(), g, w)
				}
			}
		}
	}
	if !bytes.Equal(b, orig) {
		t.Fatalf("%q: the scanner changed its input", orig)
	}
}
