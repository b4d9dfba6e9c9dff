package drafting

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"vigie/internal/cases"
	"vigie/internal/claims"
	"vigie/internal/qualify"
)

func draft(t testing.TB, tp *Templates, doc, format string, in Input) string {
	t.Helper()
	b, err := tp.Draft(doc, format, in)
	if err != nil {
		t.Fatalf("Draft(%s, %s): %v", doc, format, err)
	}
	return string(b)
}

// text returns the text an HTML document shows (its body and title),
// failing the test when it holds a script, a resource or an event handler.
func text(t testing.TB, doc string) string {
	t.Helper()
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(*html.Node, bool)
	walk = func(n *html.Node, show bool) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "link", "img", "iframe", "object", "embed", "base":
				t.Errorf("the document has a <%s> element", n.Data)
			case "style":
				show = false
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") || a.Key == "src" {
					t.Errorf("<%s> has attribute %s=%q", n.Data, a.Key, a.Val)
				}
			}
		}
		if n.Type == html.TextNode && show {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, show)
		}
	}
	walk(root, true)
	return b.String()
}

// both drafts doc in both formats and returns the Markdown and the text
// of the HTML.
func both(t testing.TB, tp *Templates, doc string, in Input) map[string]string {
	t.Helper()
	return map[string]string{Markdown: draft(t, tp, doc, Markdown, in), HTML: text(t, draft(t, tp, doc, HTML, in))}
}

func TestDecisionVu(t *testing.T) {
	tp := loadEmbedded(t)
	f := newFixture(t, "")
	for format, doc := range both(t, tp, Decision, f.input(Decision)) {
		for _, want := range []string{
			"Vu le règlement (CE) n°\u00a01394/2007 du Parlement européen et du Conseil du 13 novembre 2007 concernant les médicaments de thérapie innovante",
			"Vu le règlement (CE) n°\u00a0726/2004",
			"Vu le site internet",
			"consulté le 25 novembre 2024",
			"Vu le courrier du 4 novembre 2024 adressé à la société Klinik Sonnenberg GmbH, située Sonnenbergstraße 12, 79100 Freiburg im Breisgau (Allemagne) et Seestrasse 40, 8002 Zürich (Suisse)",
			"au plus tard le 19 novembre 2024",
			"Vu les observations écrites de la société Klinik Sonnenberg GmbH du 12 novembre 2024",
			"Vu les observations écrites de la société Klinik Sonnenberg GmbH du 18 novembre 2024",
			"Vu les observations orales présentées par la société Klinik Sonnenberg GmbH lors de l'audition du 20 novembre 2024",
			"Article 1er",
			"Article 2",
			"Fait à Saint-Denis, le 27 novembre 2024",
			"Marie Exemple",
		} {
			if !strings.Contains(doc, want) {
				t.Errorf("%s: no %q", format, want)
			}
		}
		// The Vu come before the first Considérant, in order.
		prev := -1
		for _, m := range []string{"1394/2007", "726/2004", "code de la santé publique, notamment", "Vu le site", "Vu le courrier", "12 novembre 2024", "18 novembre 2024", "Vu les observations orales", "Considérant"} {
			i := strings.Index(doc, m)
			if i <= prev {
				t.Errorf("%s: %q at %d, not after the previous Vu (%d)", format, m, i, prev)
			}
			prev = i
		}
		if strings.Contains(doc, "PROJET") || strings.Contains(doc, "[signataire]") {
			t.Errorf("%s: a decided case's decision is marked as a draft", format)
		}
	}
}

// markers are phrases of each considérant, in LEGAL.md section 5's order.
var markers = []string{
	"est accessible en langue française",          // 1 french_audience
	"médicament par présentation",                 // 2
	"manipulations substantielles",                // 3 atmp_class
	"médicament par fonction",                     // 4
	"ne bénéficie",                                // 5 no_authorisation
	"par courrier du 12 novembre 2024",            // 6 observations
	"lors de l'audition du 20 novembre 2024, la",  // 6
	"témoignages de patients",                     // 7
	"à se rendre à l'étranger",                    // 8
	"constitue une publicité au sens",             // 9
	"seuls peuvent faire l'objet d'une publicité", // 10
	"soumise à l'obtention préalable d'un visa",   // 11
	"il résulte de tout ce qui précède",           // 12
	"Décide",                                      // then the articles
}

func TestGroundsInLegalOrder(t *testing.T) {
	tp := loadEmbedded(t)
	f := newFixture(t, "")
	in := f.input(Decision)
	docs := both(t, tp, Decision, in)
	for format, doc := range docs {
		prev := -1
		for _, m := range markers {
			i := strings.Index(doc, m)
			if i < 0 {
				t.Errorf("%s: no %q", format, m)
				continue
			}
			if i < prev {
				t.Errorf("%s: %q comes before the considérant that precedes it in LEGAL.md", format, m)
			}
			prev = i
		}
		if strings.Contains(doc, "L.5122-6") {
			t.Errorf("%s: cites public_advertising_prohibited, which does not hold", format)
		}
	}
	// The order is LEGAL.md's, whatever the qualification's.
	ev := in.Evidence[0]
	ev.Qualification.Grounds = slices.Clone(ev.Qualification.Grounds)
	slices.Reverse(ev.Qualification.Grounds)
	in.Evidence = []cases.Evidence{ev}
	if got := draft(t, tp, Decision, Markdown, in); got != docs[Markdown] {
		t.Error("the decision changes with the order of the qualification's grounds")
	}
}

func TestEveryQuoteBetweenGuillemets(t *testing.T) {
	tp := loadEmbedded(t)
	f := newFixture(t, "")
	for _, doc := range []string{Letter, Decision} {
		in := f.input(doc)
		docs := both(t, tp, doc, in)
		ev := in.Evidence[0]
		n := 0
		for _, g := range ev.Qualification.Grounds {
			if !g.Holds {
				continue
			}
			for _, k := range g.Claims {
				n++
				q := trimQuote(ev.Claims[k].Quote)
				if doc == Letter && !strings.Contains(docs[Markdown], q) {
					continue // the letter quotes two per ground
				}
				for format, d := range docs {
					if !strings.Contains(d, "«\u00a0"+q+"\u00a0»") {
						t.Errorf("%s.%s: claim %d of %s not quoted « %s »", doc, format, k, g.ID, q)
					}
				}
			}
		}
		if n < 8 {
			t.Fatalf("%s: only %d claims in the grounds: the fixture lost its claims", doc, n)
		}
	}
	// Quotes are verbatim: the site's own spacing before ":" and "!" is kept.
	d := draft(t, tp, Decision, Markdown, f.input(Decision))
	for _, q := range []string{"parlent d'eux-mêmes : 87 %", "Je revis !\u00a0»"} {
		if !strings.Contains(d, q) {
			t.Errorf("quote altered: no %q", q)
		}
	}
	if strings.Contains(d, "«\u00a0«") || strings.Contains(d, "»\u00a0»") {
		t.Error("a quote's own quotation marks were kept inside the document's")
	}
}

func TestArticlesSorted(t *testing.T) {
	tp := loadEmbedded(t)
	for _, tt := range []struct {
		scope string
		want  string
	}{
		{cases.ScopeAdvertising, "L.5111-1, L.5121-8, L.5122-1, L.5122-3, L.5122-8, L.5122-9, L.5311-1, L.5312-2, L.5312-4 et R.5122-4"},
		{cases.ScopeActivities, "L.4211-1, L.5111-1, L.5121-5, L.5121-8, L.5122-1, L.5122-3, L.5122-8, L.5122-9, L.5311-1, L.5312-2, L.5312-4 et R.5122-4"},
	} {
		f := newFixture(t, tt.scope)
		for format, doc := range both(t, tp, Decision, f.input(Decision)) {
			_, rest, ok := strings.Cut(doc, "notamment ses articles ")
			list, _, _ := strings.Cut(rest, "\u202f;")
			if !ok || list != tt.want {
				t.Errorf("%s, %s: articles %q, want %q", tt.scope, format, list, tt.want)
			}
			var arts []article
			for _, s := range strings.FieldsFunc(strings.ReplaceAll(list, " et ", ", "), func(r rune) bool { return r == ',' || r == ' ' }) {
				a, ok := parseArticle(s)
				if !ok {
					t.Fatalf("%q is not an article", s)
				}
				arts = append(arts, a)
			}
			if !slices.IsSortedFunc(arts, compareArticles) {
				t.Errorf("%s: articles not in code order: %s", format, list)
			}
		}
	}
}

// fr writes expected prose with the documents' typography.
var fr = strings.NewReplacer("« ", "«\u00a0", " »", "\u00a0»", " :", "\u00a0:", " ;", "\u202f;").Replace

func TestScopeActivities(t *testing.T) {
	tp := loadEmbedded(t)
	f := newFixture(t, cases.ScopeActivities)
	docs := map[string]string{}
	for _, doc := range documents {
		docs[doc] = draft(t, tp, doc, Markdown, f.input(doc))
	}
	for doc, want := range map[string][]string{
		Decision: {"portant suspension de toutes les activités relatives au produit",
			"**Article 1er** – Toutes les activités relatives au produit « thérapie cellulaire dendritique » exercées en France par la société Klinik Sonnenberg GmbH, notamment la collecte, la fabrication, l'importation, la distribution, la prescription et l'administration de ce produit",
			"sont suspendues jusqu'à leur mise en conformité", "L.4211-1", "de suspendre ces activités",
			"l'intention de l'Agence de suspendre toutes les activités"},
		Letter: {"envisage de suspendre, jusqu'à leur mise en conformité avec les dispositions du code de la santé publique, toutes les activités de votre société"},
		Notice: {"a suspendu toutes les activités exercées en France par la société"},
	} {
		for _, w := range want {
			if !strings.Contains(docs[doc], fr(w)) {
				t.Errorf("%s with scope activities: no %q", doc, w)
			}
		}
	}
	adv := draft(t, tp, Decision, Markdown, newFixture(t, "").input(Decision))
	for _, absent := range []string{"L.4211-1", "L.5121-5", "Toutes les activités"} {
		if strings.Contains(adv, absent) {
			t.Errorf("decision suspending the advertising has %q", absent)
		}
	}
	if !strings.Contains(adv, fr("**Article 1er** – La publicité en faveur du produit « thérapie cellulaire dendritique » diffusée par la société Klinik Sonnenberg GmbH, notamment sur le site internet <https://klinik-sonnenberg.example/>, est suspendue jusqu'à sa mise en conformité")) {
		t.Error("Article 1er of an advertising decision is not the suspension of the advertising")
	}
}

func TestSinceRemaining(t *testing.T) {
	tp := loadEmbedded(t)
	f := newFixture(t, "")
	in := f.input(Decision)
	if len(f.since.Remaining) == 0 || len(f.since.Removed) != 1 {
		t.Fatalf("fixture: comparison %+v", f.since.Counts())
	}
	with := draft(t, tp, Decision, Markdown, in)
	for _, want := range []string{"que, toutefois, les allégations suivantes demeurent, à ce jour, sur le site\u00a0: «\u00a0Notre immunothérapie",
		"que ces allégations demeurent, à ce jour, sur le site"} {
		if !strings.Contains(with, want) {
			t.Errorf("no %q", want)
		}
	}
	if strings.Contains(with, "sans aucun effet secondaire") {
		t.Error("the claim the company removed is quoted")
	}
	in.Since = nil
	if without := draft(t, tp, Decision, Markdown, in); strings.Contains(without, "demeure") {
		t.Error("without Since, the decision says claims remain")
	}
	// Only the quotes that remain are said to: one of two quoted.
	cmp := f.since
	cmp.Remaining = slices.DeleteFunc(slices.Clone(cmp.Remaining), func(c cases.Claim) bool { return c.Category == "efficacy" })
	in.Since = []cases.Comparison{cmp}
	got := draft(t, tp, Decision, Markdown, in)
	if !strings.Contains(got, "; que l'allégation «\u00a0Nos résultats parlent d'eux-mêmes : 87 % de nos patients voient leur tumeur régresser.\u00a0» demeure, à ce jour, sur le site") {
		t.Error("a ground with one of its quotes remaining does not say which")
	}
}

func TestHTMLIsSelfContainedAndEscaped(t *testing.T) {
	tp := loadEmbedded(t)
	f := newFixture(t, "")
	in := f.input(Decision)
	ev := in.Evidence[0]
	ev.Claims = slices.Clone(ev.Claims)
	hostile := `Guérison <script>alert("x")</script> & <img src=x onerror=alert(1)> assurée`
	ev.Claims[1].Quote = hostile
	in.Evidence = []cases.Evidence{ev}
	c := *in.Case
	c.Company.Name = `Evil <b onclick="x()">Corp</b> & "Co"`
	in.Case = &c
	for _, doc := range documents {
		out := draft(t, tp, doc, HTML, in)
		for _, want := range []string{"<!DOCTYPE html>", `<html lang="fr">`, `<meta charset="utf-8">`, "<style>", "@page", "size: A4", "serif", "text-align: justify"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s.html: no %q", doc, want)
			}
		}
		if strings.Contains(out, "<script") || strings.Contains(out, "<b ") {
			t.Errorf("%s.html: markup from the case or the site was not escaped", doc)
		}
		shown := text(t, out) // fails on a script, a resource, a handler
		if !strings.Contains(shown, `Evil <b onclick="x()">Corp</b> & "Co"`) {
			t.Errorf("%s.html: the company's name is not shown as text", doc)
		}
		if doc == Decision && !strings.Contains(shown, "«\u00a0"+hostile+"\u00a0»") {
			t.Errorf("%s.html: the hostile quote is not shown as text", doc)
		}
	}
}

func TestMarkdownEscaped(t *testing.T) {
	tp := loadEmbedded(t)
	f := newFixture(t, "")
	in := f.input(Decision)
	ev := in.Evidence[0]
	ev.Claims = slices.Clone(ev.Claims)
	ev.Claims[1].Quote = "# Guérison *garantie* _100 %_ [lien](https://x.example) `code` <b>gras</b> &amp;\n- liste"
	in.Evidence = []cases.Evidence{ev}
	c := *in.Case
	c.Company.Name = "1. Klinik *Sonnen*_berg_ [GmbH]"
	in.Case = &c
	out := draft(t, tp, Decision, Markdown, in)
	for _, want := range []string{
		`«` + "\u00a0" + `\# Guérison \*garantie\* \_100 %\_ \[lien\](https://x.example) \` + "`code\\`" + ` \<b\>gras\</b\> \&amp; - liste` + "\u00a0»",
		`société 1\. Klinik \*Sonnen\*\_berg\_ \[GmbH\]`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q", want)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "1. ") {
			t.Errorf("a value starts a Markdown block: %q", line)
		}
	}
}

// TestRealQualification drafts from what qualify itself gives, so that
// drafting keeps up with qualify's ground ids and sentences (the signals).
func TestRealQualification(t *testing.T) {
	tp := loadEmbedded(t)
	f := newFixture(t, "")
	in := f.input(Decision)
	ev := f.ev2
	var qc []qualify.Claim
	for _, c := range ev.Claims {
		qc = append(qc, qualify.Claim{Category: c.Category, Stance: c.Stance, Quote: c.Quote, Match: c.Quote, URL: c.URL, PageLang: "fr", PagePromotional: true})
	}
	ev.Audience = claims.Audience{FrenchPublic: true, Signals: []string{claims.SignalHTMLLang, claims.SignalHreflang, claims.SignalPrice}}
	ev.Qualification = qualify.Qualify(qualify.Input{
		Audience:  ev.Audience,
		Therapies: []qualify.Therapy{{Therapy: ev.Therapies[0], Pages: 5, PromotionalPages: 5}},
		Claims:    qc, At: scan2At, Registry: qualify.Snapshot{Date: "2024-11-25", Digest: "sha256:x"},
	})
	if ev.Qualification.Verdict != qualify.IllegalPromotion {
		t.Fatalf("qualify: verdict %s", ev.Qualification.Verdict)
	}
	for _, g := range ev.Qualification.Grounds {
		if g.Holds && !slices.Contains(groundOrder, g.ID) {
			t.Errorf("qualify's ground %s has no place in groundOrder", g.ID)
		}
	}
	in.Evidence = []cases.Evidence{ev}
	for format, doc := range both(t, tp, Decision, in) {
		for _, want := range []string{"des pages déclarées en langue française, une version française annoncée par les pages elles-mêmes et des prix exprimés en euros",
			"un médicament de thérapie cellulaire somatique au sens", "ne bénéficie, au 25 novembre 2024,"} {
			if !strings.Contains(doc, want) {
				t.Errorf("%s: no %q", format, want)
			}
		}
		if strings.Contains(doc, "signaux relevés") {
			t.Errorf("%s: qualify's own sentence used instead of the template's", format)
		}
	}
}

func TestTwoSites(t *testing.T) {
	tp := loadEmbedded(t)
	f := newFixture(t, "")
	in := f.input(Decision)
	const other = "https://sonnenberg-therapie.example/"
	ev := f.ev2
	ev.Scan, ev.Site = "scan-3", other
	ev.Claims = slices.Clone(ev.Claims)
	for i := range ev.Claims {
		ev.Claims[i].URL = strings.Replace(ev.Claims[i].URL, site, other, 1)
		ev.Claims[i].Quote = "Autre site : " + ev.Claims[i].Quote
	}
	ev.Pages = slices.Clone(ev.Pages)
	for i := range ev.Pages {
		ev.Pages[i].URL = strings.Replace(ev.Pages[i].URL, site, other, 1)
		ev.Pages[i].Title = ""
	}
	down := cases.Unreachable("https://down.example/", "", scan2At, "timeout")
	in.Evidence = append(in.Evidence, ev, down)
	for format, doc := range both(t, tp, Decision, in) {
		for _, want := range []string{
			"les sites internet " + map[string]string{Markdown: "<" + site + "> et <" + other + ">", HTML: site + " et " + other}[format] + " sont accessibles en langue française",
			"présentent le produit", "Vu le site internet " + map[string]string{Markdown: "<" + other + ">", HTML: other}[format],
			"relaient des témoignages",
		} {
			if !strings.Contains(doc, want) {
				t.Errorf("%s: no %q", format, want)
			}
		}
		if strings.Contains(doc, "down.example") {
			t.Errorf("%s: a site that could not be scanned is cited", format)
		}
		// Four quotes per ground over the two sites, French pages first:
		// the English one is left out.
		_, pres, _ := strings.Cut(doc, "comme possédant des propriétés curatives")
		pres, _, _ = strings.Cut(pres, "médicament par présentation")
		if n := strings.Count(pres, "\u00a0» (page"); n != 4 || strings.Contains(pres, "Our dendritic") {
			t.Errorf("%s: %d quotes in the presentation ground, want the 4 French ones:\n%s", format, n, pres)
		}
		if !strings.Contains(pres, "que les allégations «\u00a0Notre immunothérapie") {
			t.Errorf("%s: the quotes of the first site that remain are not named", format)
		}
	}
}
