package extract

import (
	"os"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/google/go-cmp/cmp"
)

func parseFile(t *testing.T, name, pageURL string) *Document {
	t.Helper()
	body, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(body, "text/html", "", pageURL, Options{})
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return d
}

func TestParseHTMLLeavesBoilerplateOut(t *testing.T) {
	d := parseFile(t, "clinic-fr.html", "https://clinique.example/fr/traitement.html")
	for _, gone := range []string{"cookies", "Tarifs", "Mentions légales", "tracking", "color:red", "Texte caché"} {
		if strings.Contains(d.Text, gone) {
			t.Errorf("Text contains boilerplate or hidden %q:\n%s", gone, d.Text)
		}
	}
	for _, kept := range []string{"Notre traitement", "sans effets secondaires", "« Mon cancer a disparu »", "Cellules dendritiques au microscope", "Clinique Exemple"} {
		if !strings.Contains(d.Text, kept) {
			t.Errorf("Text lacks %q:\n%s", kept, d.Text)
		}
	}
	if !strings.Contains(d.Boilerplate, "+33 1 84 00 00 00") || !strings.Contains(d.Boilerplate, "cookies") {
		t.Errorf("Boilerplate lacks footer or banner: %q", d.Boilerplate)
	}
	if d.Title != "Clinique Exemple — Traitement" || d.DeclaredLang != "fr" || d.Lang != "fr" {
		t.Errorf("Title, DeclaredLang, Lang = %q, %q, %q", d.Title, d.DeclaredLang, d.Lang)
	}
}

// Page-wide classes ("social", "has-cookie-banner") on <body> or <main>
// mark no boilerplate, and a page whose text all looks like boilerplate
// is read rather than lost.
func TestParseHTMLPageWideClasses(t *testing.T) {
	for name, page := range map[string]string{
		"body class":      `<body class="social cookies-accepted"><nav>Accueil</nav><p>Noé a reçu ses cellules souches au Panama.</p></body>`,
		"main id":         `<body><main id="navigation-root"><p>Noé a reçu ses cellules souches au Panama.</p></main></body>`,
		"all boilerplate": `<body><div class="sidebar"><p>Noé a reçu ses cellules souches au Panama.</p></div></body>`,
	} {
		d, err := Parse([]byte(page), "text/html", "", "", Options{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !strings.Contains(d.Text, "Noé a reçu ses cellules souches au Panama.") {
			t.Errorf("%s: text %q lacks the page's sentence", name, d.Text)
		}
		if name == "body class" && strings.Contains(d.Text, "Accueil") {
			t.Errorf("%s: the menu is in the text: %q", name, d.Text)
		}
	}
	// Consent managers name their banners after themselves.
	d, err := Parse([]byte(`<div class="cmp"><p>Wir und unsere Partner verarbeiten Ihre Daten.</p></div>`+
		`<div id="didomi-host">Accepter</div><p>Exosomen sollen Haare sprießen lassen.</p>`), "text/html", "", "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(d.Text, "Partner") || strings.Contains(d.Text, "Accepter") || !strings.Contains(d.Text, "Exosomen") {
		t.Errorf("consent banners: text %q", d.Text)
	}
}

func TestParseHTMLLinksAndAlternates(t *testing.T) {
	d := parseFile(t, "clinic-fr.html", "https://clinique.example/fr/traitement.html")
	wantAlt := []Alternate{
		{Lang: "en", URL: "https://clinique.example/en/treatment.html"},
		{Lang: "fr", URL: "https://clinique.example/fr/traitement.html"},
		{Lang: "en", URL: "https://clinique.example/index.html"},
	}
	if diff := cmp.Diff(wantAlt, d.Alternates); diff != "" {
		t.Errorf("Alternates (-want +got):\n%s", diff)
	}
	wantLinks := []Link{
		{URL: "https://clinique.example/fr/index.html", Text: "Accueil"},
		{URL: "https://clinique.example/fr/tarifs.html", Text: "Tarifs"},
		{URL: "https://clinique.example/index.html", Text: "English", Lang: "en"},
		{URL: "https://clinique.example/de/", Text: "Deutsch", Lang: "de"},
		{URL: "https://clinique.example/fr/mentions.html", Text: "Mentions légales"},
	}
	if diff := cmp.Diff(wantLinks, d.Links); diff != "" {
		t.Errorf("Links (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"https://clinique.example/fr/a.jpg"}, d.Images); diff != "" {
		t.Errorf("Images (-want +got):\n%s", diff)
	}
}

func TestSentences(t *testing.T) {
	d := parseFile(t, "clinic-fr.html", "")
	var got []string
	for _, s := range d.Sentences {
		got = append(got, d.Text[s.Start:s.End])
	}
	want := []string{
		"Clinique Exemple",
		"Notre traitement",
		"Le Dr. Martin vous reçoit à Berlin.",
		"Notre thérapie est douce, sans effets secondaires !",
		"Elle coûte env. 12 500 € par cycle.",
		"« Mon cancer a disparu », raconte Sophie, de Lyon.",
		"Réservez maintenant.",
		"Cellules dendritiques au microscope",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sentences (-want +got):\n%s", diff)
	}
}

// A German quotation closes with “: „Es wirkt.“ ends its sentence.
func TestSentencesAfterGermanQuotes(t *testing.T) {
	d, err := Parse([]byte(`<p>„Nebenwirkungen haben wir nicht beobachtet.“ Rufen Sie uns an. Er sagte: ‚Gut.‘ Dann ging er.</p>`), "text/html", "", "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range d.Sentences {
		got = append(got, d.Text[s.Start:s.End])
	}
	want := []string{"„Nebenwirkungen haben wir nicht beobachtet.“", "Rufen Sie uns an.", "Er sagte: ‚Gut.‘", "Dann ging er."}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sentences (-want +got):\n%s", diff)
	}
}

func TestParseCharsets(t *testing.T) {
	latin1 := []byte("<html><head><meta charset=\"iso-8859-1\"><title>Th\xe9rapie</title></head><body><p>Th\xe9rapie cellulaire tr\xe8s efficace, sans douleur et sans risque pour vous.</p></body></html>")
	tests := []struct {
		name, contentType string
		body              []byte
	}{
		{"meta charset", "text/html", latin1},
		{"header charset", "text/html; charset=windows-1252", []byte("<p>Th\xe9rapie cellulaire tr\xe8s efficace, sans douleur et sans risque pour vous.</p>")},
		{"utf-8 BOM", "", []byte("\xef\xbb\xbf<p>Thérapie cellulaire très efficace, sans douleur et sans risque pour vous.</p>")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(tt.body, tt.contentType, "", "", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(d.Text, "Thérapie cellulaire très efficace") {
				t.Errorf("Text = %q, want decoded French", d.Text)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, contentType string
		body              []byte
		want              error
	}{
		{"empty", "", nil, ErrEmpty},
		{"only markup", "text/html", []byte("<html><body><script>x()</script></body></html>"), ErrEmpty},
		{"pdf", "", []byte("%PDF-1.7\n..."), ErrNotText},
		{"zip", "application/octet-stream", []byte("PK\x03\x04\x14\x00\x00\x00"), ErrNotText},
		{"png declared as html", "text/html", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrNotText},
		{"image type", "image/jpeg", []byte("not really a jpeg but declared so"), ErrNotText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.body, tt.contentType, "", "", Options{})
			if err != tt.want {
				t.Errorf("Parse error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	d, err := Parse([]byte("Our therapy is safe.\nIt has no side effects and it is the best choice.\n\nBook your consultation today with the team."), "", "", "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.HTML || len(d.Blocks) != 2 || d.Lang != "en" {
		t.Errorf("HTML=%v blocks=%d lang=%q, want false 2 en; text %q", d.HTML, len(d.Blocks), d.Lang, d.Text)
	}
}

func TestTokenizeFoldsAndSplits(t *testing.T) {
	var got []string
	text := "L'efficacité NON-invasive: 87 % — Œuvre, Straße, 12 500 €"
	for _, tok := range Tokenize(text) {
		got = append(got, tok.Norm)
		if tok.Start < 0 || tok.End > len(text) || tok.Start >= tok.End {
			t.Fatalf("bad offsets %+v", tok)
		}
	}
	want := []string{"l", "efficacite", "non", "invasive", "87", "%", "oeuvre", "strasse", "12", "500", "€"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tokenize (-want +got):\n%s", diff)
	}
}

func TestDetectLanguage(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Notre clinique vous propose un traitement sans effets secondaires pour les patients et leurs familles, dans le respect de vos choix.", "fr"},
		{"Our clinic offers you a treatment that has been used for years with the support of your doctor and we are there for you.", "en"},
		{"Unsere Klinik bietet Ihnen eine Behandlung, die sich seit Jahren bewährt hat, und wir sind für Sie da, wenn Sie uns brauchen.", "de"},
	}
	for _, tt := range tests {
		if got, _ := DetectLanguage(tt.text); got != tt.want {
			t.Errorf("DetectLanguage(%.30q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	seed, _ := os.ReadFile("testdata/clinic-fr.html")
	f.Add(seed, "text/html")
	f.Add([]byte("<p>a. B! c? «D» e…</p><br><p>"), "")
	f.Add([]byte("Dr. X. Y. z"), "text/plain")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		d, err := Parse(body, ct, "", "https://x.example/", Options{})
		if err != nil {
			return
		}
		for _, s := range append(append([]Span{}, d.Blocks...), d.Sentences...) {
			if s.Start < 0 || s.End > len(d.Text) || s.Start > s.End {
				t.Fatalf("span %+v out of text of %d bytes", s, len(d.Text))
			}
		}
		for _, tok := range Tokenize(d.Text) {
			if tok.Start < 0 || tok.End > len(d.Text) || tok.Start >= tok.End {
				t.Fatalf("token %+v out of text", tok)
			}
		}
	})
}

func TestFoldLatin1MatchesNormalisation(t *testing.T) {
	// The fast table must agree with NFD-and-drop-marks for every letter it covers.
	for r := rune(0xC0); r <= 0xFF; r++ {
		if latin1[r-0xC0] == '_' {
			continue
		}
		var fast, slow strings.Builder
		foldRune(&fast, r)
		for _, d := range norm.NFD.String(string(unicode.ToLower(r))) {
			if !unicode.Is(unicode.Mn, d) {
				slow.WriteRune(d)
			}
		}
		if want := slow.String(); fast.String() != want && !(r == 'Ø' || r == 'ø') {
			t.Errorf("fold(%q) = %q, want %q", r, fast.String(), want)
		}
	}
}

func TestBlockLanguages(t *testing.T) {
	page := `<html lang="en"><body>
<p>Our clinic offers this treatment to patients from all over Europe, and we are proud of the results that we have seen.</p>
<blockquote>« Je suis venue de Lyon avec mon mari et nous avons été très bien reçus par toute l'équipe de la clinique, merci pour tout. »</blockquote>
<p>Book now.</p></body></html>`
	d, err := Parse([]byte(page), "text/html", "", "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"en", "fr", "en"}, d.BlockLang); diff != "" {
		t.Errorf("BlockLang (-want +got):\n%s", diff)
	}
	// "Book now." is too short to decide: it was given the page's.
	if diff := cmp.Diff([]bool{true, true, false}, d.BlockLangSure); diff != "" {
		t.Errorf("BlockLangSure (-want +got):\n%s", diff)
	}
}

func TestHostileMarkupDoesNotHideText(t *testing.T) {
	tests := []struct{ name, page string }{
		{"head never closed", "<html><head><title>Clinique</title><meta charset=utf-8><body><p>Notre traitement est sans effets secondaires.</p></body></html>"},
		{"no body tag", "<html><head><title>Clinique</title><div><p>Notre traitement est sans effets secondaires.</p></div>"},
		{"NUL bytes in the page", "<html><body>\x00\x00<p>Notre traitement\x00 est sans effets secondaires.</p></body></html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.page), "text/html", "", "", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(d.Text, "sans effets secondaires") {
				t.Errorf("text %q lacks the page's sentence", d.Text)
			}
		})
	}
}

func TestStopwordLookupMatchesMap(t *testing.T) {
	sw := stopwords()
	words := []string{"", "x", "zzzzzzzzzzzzzzzzzzzzzzzzzzzz", "nous", "the", "und", "de"}
	for w := range sw.words {
		words = append(words, w, w+"x", w[:len(w)-1])
	}
	for _, w := range words {
		if got, want := sw.lookup(w), sw.words[w]; got != want {
			t.Errorf("lookup(%q) = %b, want %b", w, got, want)
		}
	}
}

// A stat card's figure and its caption, split by <br> or in elements of
// their own, are one sentence; lines that are not a figure alone stay
// apart, and a figure that ends the page is kept.
func TestFigureLineJoinsItsCaption(t *testing.T) {
	d, err := Parse([]byte(`<div><strong>87 %</strong><br>de nos patients vont mieux.</div><div class="stat"><span class="n">2 sur 3</span><p>retrouvent la marche.</p></div><p>Clinique Exemple<br>12 rue des Fleurs</p><p>2024<br><br>Mentions</p><p>Prix : 1 200 €</p><p>42</p>`), "text/html", "", "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range d.Sentences {
		got = append(got, d.Text[s.Start:s.End])
	}
	want := []string{"87 % de nos patients vont mieux.", "2 sur 3 retrouvent la marche.", "Clinique Exemple", "12 rue des Fleurs", "2024 Mentions", "Prix : 1 200 €", "42"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sentences %q, want %q", got, want)
	}
}
