package extract

import (
	"strings"
	"testing"

	"golang.org/x/net/html/atom"
)

// rawTagSeeds are tags whose names and attributes are hard to read; the
// scanner's tests read them (checkScanner).
var rawTagSeeds = []string{
	`<DIV Class="Main-Nav" ID=x class=y>t</Div >`,
	`<a href = 'p q' hreflang=FR>x</a><a href=#f>y</a><A HREF=/x?a=1&amp;b=2>z</A>`,
	`<br/><br /><img src=a.png/><img src="a"/><p a=/>x</p><p/ class=nav>`,
	`<p =x class=nav>y</p><p ==y>z</p><p class= >q</p><p class=>r</p>`,
	"<p class=\"a\r\nb\" style='display:\x00none' aria-hidden=TRUE hidden>x</p>",
	`<p class='nav' class='x' CLASS=y STYLE="Display : None">x</p><p style="DİSPLAY:none">y</p>`,
	`<meta http-equiv=content-language content=de-CH><meta property=og:type content=" Article "><link rel="Alternate  icon" hreflang=en-gb href=/en>`,
	`<script>if (a<b) document.write("</p>")</script><style>p{}</style><title>T &amp; x</title><textarea><p class=nav></textarea>`,
	`<p class="a&nbsp;nav" id="cookie&Banner" src=&#x2F;x&#47;>a</p><p class=unterminated`,
	`<x-custom-element-with-a-very-long-name-beyond-atoms class=nav>x</x-custom-element-with-a-very-long-name-beyond-atoms>`,
	"<p\tclass\t=\tnav\f>x</p\n><p\x00 class=nav>y</p\x00>",
	`<a href="/x?utm_source=a&amp;utm_medium=b&#38;c=&#x26;d&quot;" alt='&lt;b&gt;&nbsp;x&#X2f;&apos;'>x</a><img alt="&#;&#x;&amp" src="a&ampb">`,
	`<a href="/x?a&copy=1&notit;&AMP;&amp">x</a><a href="&#0;&#xD800;&#128;&#99999999;">y</a>`,
	`<!DOCTYPE html><!-- <p class=nav> --><![CDATA[x]]></ p></>` + "<a href='x",
}

func (a *attributes) strings() [16]string {
	return [16]string{string(a.lang), string(a.href), string(a.property), string(a.content), string(a.httpEquiv),
		string(a.rel), string(a.hreflang), string(a.src), string(a.alt), string(a.role), string(a.class),
		string(a.id), string(a.ariaHidden), string(a.style), map[bool]string{true: "hidden"}[a.hidden]}
}

// splitWordsRef is the reference reading of class and id words.
func splitWordsRef(v string) []string {
	var words []string
	var b []rune
	flush := func() {
		if len(b) > 0 {
			words = append(words, string(b))
			b = b[:0]
		}
	}
	prevLower := false
	for _, r := range v {
		switch {
		case r >= 'a' && r <= 'z':
			b = append(b, r)
			prevLower = true
		case r >= 'A' && r <= 'Z':
			if prevLower {
				flush()
			}
			b = append(b, r+'a'-'A')
			prevLower = false
		default:
			flush()
			prevLower = false
		}
	}
	flush()
	return words
}

func FuzzAttributeWords(f *testing.F) {
	for _, s := range []string{"main-nav cookieBanner", "NAVbar", "xnav navx", "é nav", "site-footer\u00a0x", "Display : NONE", "visibility: hidden", "DİSPLAY:none", "ſearch", "NAVIGATION", "TRUE", "breadcrumbsbreadcrumbs-nav", "  a \u0085 b\t\n ", "\xffnav"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := false
		for _, w := range splitWordsRef(s) {
			for _, b := range boilerplateWords {
				want = want || w == b
			}
		}
		if got := hasBoilerplateWord([]byte(s)); got != want {
			t.Errorf("hasBoilerplateWord(%q) = %v, want %v", s, got, want)
		}
		style := strings.ReplaceAll(strings.ToLower(s), " ", "")
		wantHidden := strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden") || strings.EqualFold(s, "true")
		if got := isHidden(&attributes{style: []byte(s), ariaHidden: []byte(s)}); got != wantHidden {
			t.Errorf("isHidden(%q) = %v, want %v", s, got, wantHidden)
		}
		role := strings.ToLower(s)
		wantRole := role == "navigation" || role == "contentinfo" || role == "search"
		if got := new(htmlWalker).isBoilerplate(atom.Div, &attributes{role: []byte(s)}, false); got != wantRole {
			t.Errorf("isBoilerplate(role %q) = %v, want %v", s, got, wantRole)
		}
		if got, want := string(appendCollapsed([]byte("x"), []byte(s))), "x"+collapse(s); got != want {
			t.Errorf("appendCollapsed(%q) = %q, want %q", s, got, want)
		}
	})
}
