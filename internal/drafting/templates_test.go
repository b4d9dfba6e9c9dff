package drafting

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/cases"
	"vigie/internal/qualify"
)

func TestOverrideTemplates(t *testing.T) {
	f := newFixture(t, "")
	embedded := loadEmbedded(t)
	dir := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("notice.md.tmpl", "{{template \"draft\" .}}AVIS : la société {{.Company}} ({{.Date}})\n")
	write("README.txt", "not a template")
	tp, err := LoadTemplates(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := draft(t, tp, Notice, Markdown, f.input(Notice)); got != "AVIS\u00a0: la société Klinik Sonnenberg GmbH (27 novembre 2024)\n" {
		t.Errorf("overridden notice = %q", got)
	}
	for _, doc := range []string{Letter, Decision} {
		if draft(t, tp, doc, Markdown, f.input(doc)) != draft(t, embedded, doc, Markdown, f.input(doc)) {
			t.Errorf("overriding the notice changed the %s", doc)
		}
	}
	if draft(t, tp, Notice, HTML, f.input(Notice)) != draft(t, embedded, Notice, HTML, f.input(Notice)) {
		t.Error("overriding notice.md.tmpl changed notice.html")
	}

	for name, src := range map[string]string{
		"decision.html.tmpl": "<p>{{if .Draft}}</p>",                // does not parse
		"grounds.tmpl":       `{{define "ground"}}{{.Nope}}{{end}}`, // parses, fails on a case
		"decison.md.tmpl":    "misspelt",                            // replaces nothing
	} {
		bad := t.TempDir()
		if err := os.WriteFile(filepath.Join(bad, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadTemplates(bad)
		if err == nil || !strings.Contains(err.Error(), filepath.Join(bad, name)) {
			t.Errorf("LoadTemplates with a bad %s: error %v, want one naming the file", name, err)
		}
	}
	if _, err := LoadTemplates(filepath.Join(dir, "missing")); err == nil {
		t.Error("LoadTemplates of a missing directory: no error")
	}
}

func TestDrafts(t *testing.T) {
	tp := loadEmbedded(t)
	co := cases.Company{Name: "Klinik Sonnenberg GmbH", Addresses: []cases.Address{{Text: "Seestrasse 40, 8002 Zürich", Country: "CH"}}}
	c, err := cases.Open("2024-018", stamp("2024-10-21"), co, []string{site}, "dendritic-cell-therapy", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachScan(stamp("2024-10-28"), cases.ScanRef{Site: site, Scan: "scan-1"}); err != nil {
		t.Fatal(err)
	}
	ev := []cases.Evidence{evidence("scan-1", scan1At, fixtureClaims(scan1At))}
	in := Input{Case: c, Evidence: ev, Date: day("2024-11-04")}

	// A letter before any is recorded: a draft, deadline 15 days later.
	letter := draft(t, tp, Letter, Markdown, in)
	for _, want := range []string{"**PROJET**", "Saint-Denis, le 4 novembre 2024", "vous disposez d'un délai expirant le 19 novembre 2024 pour présenter vos observations écrites ou orales", "la publicité en faveur du produit"} {
		if !strings.Contains(letter, want) {
			t.Errorf("draft letter: no %q", want)
		}
	}
	// A decision needs a letter of intent; a notice needs a date.
	if _, err := tp.Draft(Decision, Markdown, in); !errors.Is(err, ErrIncomplete) {
		t.Errorf("decision without a letter: %v, want ErrIncomplete", err)
	}
	if got := draft(t, tp, Notice, HTML, in); !strings.Contains(got, `<p class="draft">PROJET</p>`) {
		t.Error("notice without a decision is not marked PROJET")
	}
	noDate := in
	noDate.Date = time.Time{}
	for _, doc := range []string{Letter, Notice} {
		if _, err := tp.Draft(doc, Markdown, noDate); !errors.Is(err, ErrIncomplete) {
			t.Errorf("draft %s without a date: %v, want ErrIncomplete", doc, err)
		}
	}

	// After the letter, a draft decision: PROJET, placeholder signatory,
	// no observations once the deadline passed.
	if _, err := c.Letter(stamp("2024-11-04"), cases.Letter{Date: "2024-11-04"}); err != nil {
		t.Fatal(err)
	}
	in.Date = day("2024-11-21")
	in.Place = "Lyon"
	dec := draft(t, tp, Decision, Markdown, in)
	for _, want := range []string{"**PROJET**", "Décision du 21 novembre 2024", "[signataire]", "n'a pas présenté d'observations dans le délai imparti, qui expirait le 19 novembre 2024", "Fait à Lyon, le 21 novembre 2024", "(Suisse)"} {
		if !strings.Contains(dec, want) {
			t.Errorf("draft decision: no %q", want)
		}
	}

	// What the case lacks, or cannot be drafted.
	for name, tt := range map[string]struct {
		doc, format string
		in          Input
	}{
		"unknown document": {"arrêté", Markdown, in},
		"unknown format":   {Decision, "pdf", in},
		"no case":          {Decision, Markdown, Input{Evidence: ev}},
		"no evidence":      {Decision, Markdown, Input{Case: c, Date: in.Date}},
		"no ground holds": {Decision, Markdown, Input{Case: c, Date: in.Date, Evidence: []cases.Evidence{{Scan: "s", Site: site,
			Qualification: qualify.Qualification{Grounds: []qualify.Ground{{ID: qualify.FrenchAudience}}}}}}},
		"bad claim index": {Decision, Markdown, Input{Case: c, Date: in.Date, Evidence: []cases.Evidence{{Scan: "s", Site: site,
			Qualification: qualify.Qualification{Grounds: []qualify.Ground{{ID: qualify.Testimonials, Holds: true, Claims: []int{3}}}}}}}},
	} {
		if _, err := tp.Draft(tt.doc, tt.format, tt.in); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestConcurrentDrafts: Templates are shared by the web server's handlers.
func TestConcurrentDrafts(t *testing.T) {
	tp := loadEmbedded(t)
	f := newFixture(t, "")
	want := draft(t, tp, Decision, HTML, f.input(Decision))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got, err := tp.Draft(Decision, HTML, f.input(Decision)); err != nil || string(got) != want {
				t.Errorf("concurrent draft differs (%v)", err)
			}
		}()
	}
	wg.Wait()
}
