package drafting

import (
	"slices"
	"strings"
	"testing"

	"vigie/internal/cases"
)

func TestTypography(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Décide :", "Décide\u00a0:"},
		{"que ; qui ? quoi !", "que\u202f; qui\u202f? quoi\u202f!"},
		{"« citation »", "«\u00a0citation\u00a0»"},
		{"«", "«\u00a0"}, // before an action
		{"» (page", "\u00a0» (page"},
		{"https://x.example/a?b=c, 10:30", "https://x.example/a?b=c, 10:30"},
		{"n° 1394/2007", "n°\u00a01394/2007"},
		{"«\u00a0déjà\u00a0»", "«\u00a0déjà\u00a0»"},
	} {
		if got := typo(tt.in); got != tt.want {
			t.Errorf("typo(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	src := `<p class="a : b" title="x ; y">Objet : <a href="https://x.example/?a=1">{{.U}}</a> !</p><style>a :hover { b : c; }</style>{{if eq .X " : "}}{{end}}`
	want := `<p class="a : b" title="x ; y">Objet` + "\u00a0" + `: <a href="https://x.example/?a=1">{{.U}}</a>` + "\u202f" + `!</p><style>a :hover { b : c; }</style>{{if eq .X " : "}}{{end}}`
	if got := typeset(src, true); got != want {
		t.Errorf("typeset touched a tag, an attribute, a style or an action:\n got %q\nwant %q", got, want)
	}

	// In the documents: the prose gets the spaces, the quotes and the
	// addresses are left alone.
	tp := loadEmbedded(t)
	f := newFixture(t, "")
	for _, doc := range documents {
		in := f.input(doc)
		for format, out := range both(t, tp, doc, in) {
			if !strings.Contains(out, "https://klinik-sonnenberg.example/") {
				t.Errorf("%s.%s: the site's address was altered", doc, format)
			}
			for _, ev := range in.Evidence {
				for _, c := range ev.Claims {
					out = strings.ReplaceAll(out, trimQuote(c.Quote), "") // verbatim, not typeset
				}
			}
			for _, bad := range []string{" :", " ;", " ?", " !", "« ", " »"} {
				if i := strings.Index(out, bad); i >= 0 {
					t.Errorf("%s.%s: ordinary space in %q: …%s…", doc, format, bad, out[max(0, i-40):min(len(out), i+10)])
				}
			}
		}
	}
	d := draft(t, tp, Decision, Markdown, f.input(Decision))
	if !strings.Contains(d, "Décide\u00a0:") || !strings.Contains(d, "\u202f;\n") {
		t.Error("no no-break spaces in the decision's prose")
	}
}

func TestFrenchHelpers(t *testing.T) {
	for n, want := range []string{"", "a", "a et b", "a, b et c"} {
		if got := joinFR([]string{"a", "b", "c"}[:n]); got != want {
			t.Errorf("joinFR of %d = %q, want %q", n, got, want)
		}
	}
	var arts []article
	for _, s := range []string{"CSP R.5122-4 12°", "CSP L.5122-3", "CSP L.5121-12-1", "CSP L.5111-1", "Règlement (CE) n° 726/2004, art. 3", "CSP L.5121-8", "CSP L.5122-1", "CSP R.5122-4 1°", "CSP L. 5122-10"} {
		if a, ok := cspArticle(s); ok {
			arts = append(arts, a)
		}
	}
	if got, want := articleList(arts), "L.5111-1, L.5121-8, L.5121-12-1, L.5122-1, L.5122-3, L.5122-10 et R.5122-4"; got != want {
		t.Errorf("articleList = %q, want %q", got, want)
	}
	if got := que("elle a retiré"); got != "qu'elle a retiré" {
		t.Errorf("que: %q", got)
	}
	if got := que("son site"); got != "que son site" {
		t.Errorf("que: %q", got)
	}
}

func TestQuotesChosen(t *testing.T) {
	ev := &cases.Evidence{Site: site, Pages: fixturePages}
	mk := func(path, q string) candidate {
		return candidate{ev, cases.Claim{Category: "efficacy", Quote: q, URL: site + path, Captured: scan1At}}
	}
	cands := []candidate{mk("en/treatments", "English one."), mk("fr/", "Une."), mk("fr/", "« Une. »"), mk("de/", "Deutsch."),
		mk("fr/traitements", "Deux."), mk("fr/resultats", "Trois."), mk("fr/procede", "Quatre."), mk("fr/tarifs", "Cinq.")}
	b := &builder{esc: esc{md: true}}
	got := b.render(choose(cands, 4))
	var texts []string
	for _, q := range got {
		texts = append(texts, q.Text)
	}
	if want := []string{"Une.", "Deux.", "Trois.", "Quatre."}; !slices.Equal(texts, want) {
		t.Errorf("chosen %q, want %q (French pages first, no duplicate, at most 4)", texts, want)
	}
	if got[1].Sep != ", " || got[3].Sep != " et " || got[0].Title != "Accueil" || got[0].Captured != "28 octobre 2024" {
		t.Errorf("quote views: %+v", got)
	}
	long := strings.Repeat("mot ", 200)
	if c := clip(long, maxQuoteRunes); len([]rune(c)) > maxQuoteRunes+4 || !strings.HasSuffix(c, "mot […]") {
		t.Errorf("clip: %q", c)
	}
}
