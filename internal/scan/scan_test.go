package scan_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/internal/claims"
	"vigie/internal/crawl"
	"vigie/internal/crawl/crawltest"
	"vigie/internal/demo"
	"vigie/internal/evidence"
	"vigie/internal/extract"
	"vigie/internal/registry"
	"vigie/internal/scan"
	"vigie/internal/store"
)

func newScanner(t *testing.T) *scan.Scanner {
	t.Helper()
	rules, err := claims.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	return &scan.Scanner{
		Analyzer: &claims.Analyzer{Rules: rules, Registry: reg},
		Registry: reg,
		DataDir:  t.TempDir(),
		Operator: "test",
		Crawl:    crawl.Config{AllowPrivate: true, Rate: -1, Timeout: 10 * time.Second},
	}
}

func TestScanDemoSitesOnlyTheClinicIsIllegal(t *testing.T) {
	srv, err := demo.Serve()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	sc := newScanner(t)
	for _, site := range srv.Sites {
		r, err := sc.Scan(context.Background(), site.URL)
		if err != nil {
			t.Fatalf("%s: %v", site.Name, err)
		}
		if got := r.Qualification.Verdict; got != site.Verdict {
			t.Errorf("%s: verdict %s, want %s", site.Name, got, site.Verdict)
		}
		if site.Name == "clinic" {
			checkClinic(t, r)
		}
	}
}

// checkClinic holds the demo clinic to the foundation issue: its French
// pages reached from an English entry page, claims of many categories.
func checkClinic(t *testing.T, r *scan.SiteReport) {
	t.Helper()
	french := 0
	for _, p := range r.Pages {
		if p.Lang == "fr" && p.Promotional {
			french++
		}
	}
	if french < 5 {
		t.Errorf("clinic: %d promotional French pages, want the 6 French pages", french)
	}
	cats := map[string]bool{}
	for _, c := range r.Claims {
		if c.Stance == claims.Promotional {
			cats[c.Category] = true
		}
	}
	if len(cats) < 10 {
		t.Errorf("clinic: promotional categories %v, want at least 10 of 11", cats)
	}
	if !r.Audience.FrenchPublic || r.Qualification.Class != "somatic_cell_therapy" {
		t.Errorf("clinic: french_public %v class %q", r.Audience.FrenchPublic, r.Qualification.Class)
	}
	// The class comes from the site's own description of its process.
	d := r.Qualification.Derivation
	if d == nil || d.Result.Class != "somatic_cell_therapy" || d.Product.Cells == nil {
		t.Fatalf("clinic: derivation %+v, want a somatic cell therapy derived from the site", d)
	}
	for _, m := range []string{"culture", "differentiation"} {
		if !slices.Contains(d.Product.Cells.Manipulations, m) || len(d.Evidence["cells.manipulations."+m]) == 0 {
			t.Errorf("clinic: manipulation %s not derived with its evidence: %v", m, d.Product.Cells.Manipulations)
		}
	}
	for _, g := range r.Qualification.Grounds {
		if g.ID == "atmp_class" && (!g.Holds || !strings.Contains(g.Text, "Selon la description") || len(g.Claims) == 0) {
			t.Errorf("clinic: atmp_class ground %+v", g)
		}
		for _, i := range g.Claims {
			if i >= len(r.Claims) {
				t.Errorf("ground %s cites claim %d of %d", g.ID, i, len(r.Claims))
			}
		}
	}
}

func TestScanReachesFrenchVersionAndProvesEveryClaim(t *testing.T) {
	srv := httptest.NewServer(crawltest.MultilingualClinic())
	defer srv.Close()
	sc := newScanner(t)
	st, err := store.Open(context.Background(), filepath.Join(sc.DataDir, "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc.Store = st
	r, err := sc.Scan(context.Background(), srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	reached := map[string]bool{}
	for _, p := range r.Pages {
		reached[strings.TrimPrefix(p.URL, srv.URL)] = true
	}
	if !reached["/fr/accueil"] || !reached["/fr/tarifs"] {
		t.Fatalf("pages %v: want the French version reached through hreflang", reached)
	}
	if r.Qualification.Verdict != "illegal_promotion" {
		t.Errorf("verdict %s, want illegal_promotion", r.Qualification.Verdict)
	}

	// Every claim names its page and a response record that exists in the
	// archive, verifies, and holds that page.
	records := map[string]*evidence.Record{}
	files, _ := filepath.Glob(filepath.Join(r.Archive, "*.warc.gz"))
	if len(files) == 0 {
		t.Fatalf("no WARC in %s", r.Archive)
	}
	for _, f := range files {
		if err := evidence.ReadFile(f, func(rec *evidence.Record) error {
			if err := evidence.VerifyRecord(rec); err != nil {
				return err
			}
			records[rec.ID] = rec
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if len(r.Claims) < 4 {
		t.Fatalf("claims = %d, want several", len(r.Claims))
	}
	for _, c := range r.Claims {
		rec, ok := records[c.Record]
		if !ok || c.URL == "" {
			t.Errorf("claim %q: url %q record %q not in the archive", c.Quote, c.URL, c.Record)
			continue
		}
		if rec.Type != "response" || rec.TargetURI != c.URL {
			t.Errorf("claim %q: record is a %s of %s, want the response of %s", c.Quote, rec.Type, rec.TargetURI, c.URL)
		}
	}
	for _, p := range r.Pages {
		rec := records[p.Record]
		if rec == nil {
			t.Errorf("page %s: record %s not in the archive", p.URL, p.Record)
			continue
		}
		// The page's sha256 is that of the payload the archive holds.
		i := bytes.Index(rec.Block, []byte("\r\n\r\n"))
		sum := sha256.Sum256(rec.Block[i+4:])
		if i < 0 || hex.EncodeToString(sum[:]) != p.SHA256 {
			t.Errorf("page %s: sha256 %s is not the archived payload's", p.URL, p.SHA256)
		}
	}

	// The report keeps the ledger's head: what vigie verify finds today.
	audit, err := evidence.VerifyArchive(r.Archive)
	if err != nil {
		t.Fatal(err)
	}
	if r.Ledger == nil || r.Ledger.Head != audit.Head || r.Ledger.Entries != int64(audit.Entries) {
		t.Errorf("report ledger %+v, archive's %s (%d entries)", r.Ledger, audit.Head, audit.Entries)
	}

	// A second scan is added beside the first.
	if _, err := sc.Scan(context.Background(), srv.URL+"/"); err != nil {
		t.Fatal(err)
	}
	scans, err := st.Scans(context.Background(), srv.URL+"/")
	if err != nil || len(scans) != 2 || scans[0].ID != r.ID {
		t.Errorf("stored scans = %+v, %v: want the first kept and a second added", scans, err)
	}
}

func TestScanErrors(t *testing.T) {
	pdf := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4 brochure"))
	}))
	defer pdf.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	sc := newScanner(t)
	if _, err := sc.Scan(context.Background(), pdf.URL); !errors.Is(err, scan.ErrNotHTML) {
		t.Errorf("scan of a PDF: err = %v, want ErrNotHTML", err)
	}
	if _, err := sc.Scan(context.Background(), closed.URL); !errors.Is(err, crawl.ErrUnreachable) {
		t.Errorf("scan of a closed port: err = %v, want ErrUnreachable", err)
	}
}

// A product the registry knows must be recognised on pages, or a page
// naming it is read as naming an unknown therapy: the analysis finds every
// product of the embedded registry by its name, under the registry's id
// and class.
func TestLexiconNamesEveryRegisteredProduct(t *testing.T) {
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	rules, err := claims.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	a := &claims.Analyzer{Rules: rules, Registry: reg}
	if reg.Len() < 20 {
		t.Fatalf("the embedded registry has %d products", reg.Len())
	}
	for _, id := range reg.IDs() {
		p, _ := reg.Product(id)
		doc, err := extract.Parse([]byte("<p>Le patient a reçu "+p.Name+" à l'hôpital.</p>"), "text/html", "", "", extract.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var found *claims.Therapy
		for _, th := range a.Analyze(doc, time.Now()).Therapies {
			if th.ID == id {
				found = &th
			}
		}
		switch {
		case found == nil:
			t.Errorf("registry product %s (%s) is not recognised by the claims lexicon (rules/therapies.yaml)", id, p.Name)
		case found.Class != p.Class || !found.Product:
			t.Errorf("registry product %s: the lexicon says class %s, product %v; the registry says class %s", id, found.Class, found.Product, p.Class)
		}
	}
}

// A site's claims are held once: the page reports lose theirs to the site
// report, and get them back, whole, from it and from the store.
func TestPageReportsKeepTheirClaimsOnce(t *testing.T) {
	sc := newScanner(t)
	pages := []struct{ url, html string }{
		{"https://clinique.example/fr/", `<html lang="fr"><body><p>Notre vaccin dendritique est sans effets secondaires. Réservez votre consultation au 01 84 00 00 00, 9 500 €.</p></body></html>`},
		{"https://clinique.example/fr/contact", `<html lang="fr"><body><p>Écrivez-nous.</p></body></html>`},
		{"https://clinique.example/fr/temoignages", `<html lang="fr"><body><p>« Ma tumeur a disparu », raconte Martine. Nos cellules dendritiques sont cultivées dans notre laboratoire.</p></body></html>`},
	}
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var results []scan.Analysed
	var want []*claims.Report
	for i, p := range pages {
		doc, err := extract.Parse([]byte(p.html), "text/html", "", p.url, extract.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := sc.Analyzer.Analyze(doc, at)
		w := *r
		w.Claims = slices.Clone(r.Claims)
		want = append(want, &w)
		ref := evidence.Ref{RecordID: "urn:uuid:" + strings.Repeat(string(rune('a'+i)), 8), File: "a.warc.gz", Offset: int64(i * 1000), Captured: at}
		results = append(results, scan.Analysed{Ref: ref, Report: r, Page: scan.Page{URL: p.url, Status: 200, Record: ref.RecordID, File: ref.File, Offset: ref.Offset}})
	}
	if len(want[0].Claims) == 0 || len(want[1].Claims) != 0 || len(want[2].Claims) == 0 {
		t.Fatalf("claims per page %d %d %d: the pages must have claims, none, claims", len(want[0].Claims), len(want[1].Claims), len(want[2].Claims))
	}
	rep := sc.Assemble("https://clinique.example/", "scan-once", at, "/a", results)
	for i := range rep.PageReports {
		if rep.PageReports[i].Claims != nil {
			t.Errorf("page report %d keeps %d claims the site report holds", i, len(rep.PageReports[i].Claims))
		}
		if diff := cmp.Diff(want[i], rep.PageReport(i)); diff != "" {
			t.Errorf("PageReport(%d) (-analysed +assembled):\n%s", i, diff)
		}
	}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.SaveScan(context.Background(), rep); err != nil {
		t.Fatal(err)
	}
	for i, p := range pages {
		got, err := st.PageReport(context.Background(), "scan-once", p.url)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want[i], got); diff != "" {
			t.Errorf("stored page report of %s (-analysed +stored):\n%s", p.url, diff)
		}
	}
	if _, err := st.PageReport(context.Background(), "scan-once", "https://clinique.example/nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("page report of a page not scanned: %v, want ErrNotFound", err)
	}
}
