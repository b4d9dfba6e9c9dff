package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"vigie/internal/store"
)

// copyTree copies the demo clinic into a directory the test may edit.
func copyTree(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	err := filepath.Walk(from, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

// ok runs a command that must succeed.
func ok(t *testing.T, args ...string) string {
	t.Helper()
	return okAt(t, time.Time{}, args...)
}

// okAt runs a command that must succeed on a clock set to at (the zero
// time: the real clock). A case records the past: its scans must come
// before the letters quoting them.
func okAt(t *testing.T, at time.Time, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, now: time.Now}
	if !at.IsZero() {
		e.now = func() time.Time { return at }
	}
	if code := runEnv(context.Background(), e, args); code != 0 {
		t.Fatalf("vigie %s: exit %d: %s", strings.Join(args, " "), code, errOut.String())
	}
	return out.String()
}

// day is 10:00 UTC on date.
func day(t *testing.T, date string) time.Time {
	d, err := time.Parse("2006-01-02", date)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(10 * time.Hour)
}

type caseJSON struct {
	ID     string `json:"id"`
	State  string `json:"state"`
	Sites  []string
	Dates  struct{ Letter, Deadline, Decision, Publication string }
	Events []struct {
		Seq                        int
		Kind, Actor, Before, After string
	}
	Overdue bool
}

type claimJSON struct{ Category, Quote, URL string }

type followUpJSON struct {
	Removed, Remaining, New, Unreachable []claimJSON
	Sites                                []struct {
		UnreachablePages []struct{ URL, Reason string } `json:"unreachable_pages"`
	}
}

func TestCaseProcedureFromTheCommandLine(t *testing.T) {
	root := copyTree(t, "../../internal/demo/sites/clinic")
	srv := httptest.NewServer(http.FileServer(http.Dir(root)))
	defer srv.Close()
	data := t.TempDir()
	site := srv.URL + "/"
	d := []string{"--data", data, "--actor", "inspectrice.durand"}
	with := func(args ...string) []string { return append(args, d...) }

	var opened caseJSON
	out := okAt(t, day(t, "2024-11-02"), with("case", "open", "--format", "json", "--allow-private", "--site", site, "--company", "Klinik Sonnenberg GmbH",
		"--address", "Bergstraße 4, 87561 Oberstdorf", "--country", "DE", "--address", "Rue du Rhône 20, 1204 Genève", "--country", "CH",
		"--source", "alerte de l'autorité allemande", "--source-date", "2024-10-28")...)
	if err := json.Unmarshal([]byte(out), &opened); err != nil || !strings.HasPrefix(opened.ID, "VIG-") {
		t.Fatalf("case open printed %q (%v), want an object whose id is the case id", out, err)
	}
	id := opened.ID
	if opened.State != "investigation" || len(opened.Events) != 2 || opened.Events[0].Kind != "opened" || opened.Events[1].Kind != "scan" {
		t.Errorf("opened case: state %s, events %+v; want the site scanned and attached", opened.State, opened.Events)
	}

	// A decision before any letter is refused, and without --urgent only.
	code, _, stderr := vigie(t, "", with("case", "decide", id, "--signatory", "Jeanne Martin, directrice générale")...)
	if code != 2 || !strings.Contains(stderr, "--urgent") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("decision before a letter: exit %d, stderr %q; want exit 2 naming --urgent", code, stderr)
	}

	ok(t, with("case", "letter", id, "--date", "2024-11-04", "--deadline", "2024-11-19")...)
	ok(t, with("case", "observe", id, "--date", "2024-11-12", "--kind", "written", "--summary", "la clinique se borne à informer les patients")...)
	ok(t, with("case", "observe", id, "--date", "2024-11-18", "--kind", "written", "--summary", "la version française s'adresse aux patients suisses")...)
	ok(t, with("case", "observe", id, "--date", "2024-11-20", "--kind", "oral", "--summary", "la société indique avoir retiré les allégations")...)
	ok(t, with("case", "decide", id, "--date", "2024-11-27", "--signatory", "Jeanne Martin, directrice générale")...)
	ok(t, with("case", "publish", id, "--date", "2024-11-28")...)

	var shown caseJSON
	if err := json.Unmarshal([]byte(ok(t, with("case", "show", id, "--format", "json")...)), &shown); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range shown.Events {
		kinds = append(kinds, e.Kind)
		if e.Actor != "inspectrice.durand" {
			t.Errorf("event %d by %q, want the --actor", e.Seq, e.Actor)
		}
	}
	if got := strings.Join(kinds, " "); got != "opened scan letter observation observation observation decision publication" ||
		shown.State != "published" || shown.Dates.Decision != "2024-11-27" || shown.Dates.Deadline != "2024-11-19" {
		t.Errorf("case show: state %s, dates %+v, events %s", shown.State, shown.Dates, got)
	}
	// Published on 28 November 2024, the follow-up was due 30 days later.
	if list := ok(t, with("case", "list")...); !strings.Contains(list, id) || !strings.Contains(list, "follow_up 2024-12-28 OVERDUE") {
		t.Errorf("case list = %q, want the case flagged overdue for its follow-up", list)
	}

	t.Run("documents", func(t *testing.T) { checkDocuments(t, data, id) })

	// Remove some claims from the site: exactly those are reported removed.
	victims, promotional := removeClaims(t, data, root, srv.URL, site)
	var fu followUpJSON
	if err := json.Unmarshal([]byte(okAt(t, day(t, "2024-12-09"), with("case", "followup", id, "--format", "json", "--allow-private")...)), &fu); err != nil {
		t.Fatal(err)
	}
	var removed []string
	for _, c := range fu.Removed {
		removed = append(removed, c.Quote)
	}
	var want []string
	for q := range victims {
		want = append(want, q)
	}
	sort.Strings(removed)
	sort.Strings(want)
	if strings.Join(removed, "\n") != strings.Join(want, "\n") {
		t.Errorf("removed:\n%s\nwant exactly the claims taken off the page:\n%s", strings.Join(removed, "\n"), strings.Join(want, "\n"))
	}
	if len(fu.Remaining) != promotional-len(victims) || len(fu.Unreachable) != 0 || len(fu.New) != 0 {
		t.Errorf("remaining %d (want %d), unreachable %d, new %d (want 0)", len(fu.Remaining), promotional-len(victims), len(fu.Unreachable), len(fu.New))
	}
	for _, c := range fu.Remaining {
		if c.Quote == "" || !strings.HasPrefix(c.URL, srv.URL) {
			t.Errorf("remaining claim without quote or url: %+v", c)
		}
	}

	// The site is down: its pages are unreachable, never removed (the
	// comparison is still with the scan the decision relied on).
	srv.Close()
	fu = followUpJSON{}
	if err := json.Unmarshal([]byte(okAt(t, day(t, "2024-12-10"), with("case", "followup", id, "--format", "json", "--allow-private", "--timeout", "3s")...)), &fu); err != nil {
		t.Fatal(err)
	}
	if len(fu.Removed) != 0 || len(fu.Remaining) != 0 || len(fu.Unreachable) != promotional {
		t.Errorf("site down: removed %d, remaining %d, unreachable %d; want every claim unreachable (%d)",
			len(fu.Removed), len(fu.Remaining), len(fu.Unreachable), promotional)
	}
	if len(fu.Sites) != 1 || len(fu.Sites[0].UnreachablePages) == 0 || fu.Sites[0].UnreachablePages[0].Reason == "" {
		t.Errorf("site down: unreachable pages %+v, want each named with its reason", fu.Sites)
	}

	t.Run("export", func(t *testing.T) { checkCaseExport(t, data, id) })
	t.Run("verify", func(t *testing.T) { checkCaseVerify(t, data, id) })
}

// removeClaims edits the French home page of the site served from root:
// up to three of the promotional claims the latest scan found there (each
// found once on the site, verbatim in the HTML) are replaced by a neutral
// sentence. It returns their quotes and the number of promotional claims
// the scan had.
func removeClaims(t *testing.T, data, root, base, site string) (victims map[string]bool, promotional int) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(data, "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := latestReport(context.Background(), st, site)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	// http.FileServer serves fr/index.html as /fr/.
	index := filepath.Join(root, "fr", "index.html")
	page, _ := os.ReadFile(index)
	count := map[string]int{}
	for _, c := range rep.Claims {
		if c.Stance == "promotional" {
			count[c.Category+"\x00"+c.Quote]++
			promotional++
		}
	}
	victims = map[string]bool{}
	html := string(page)
	for _, c := range rep.Claims {
		if c.Stance == "promotional" && (c.URL == base+"/fr/" || c.URL == base+"/fr/index.html") && count[c.Category+"\x00"+c.Quote] == 1 &&
			strings.Count(html, c.Quote) == 1 && len(victims) < 3 {
			victims[c.Quote] = true
			html = strings.Replace(html, c.Quote, "Horaires d'ouverture du secrétariat.", 1)
		}
	}
	if len(victims) < 2 {
		t.Fatalf("found %d claims to remove from fr/index.html, want at least 2", len(victims))
	}
	if err := os.WriteFile(index, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	return victims, promotional
}

// A decision taken after the company said it removed the claims relies on
// a new scan: its grounds quote that scan, and say the claims found in the
// letter's scan still there "demeurent, à ce jour".
func TestCaseDecisionAfterAFollowUpQuotesTheLatestScan(t *testing.T) {
	root := copyTree(t, "../../internal/demo/sites/clinic")
	srv := httptest.NewServer(http.FileServer(http.Dir(root)))
	defer srv.Close()
	data := t.TempDir()
	site := srv.URL + "/"
	d := []string{"--data", data}
	with := func(args ...string) []string { return append(args, d...) }
	id := strings.TrimSpace(okAt(t, day(t, "2024-11-02"), with("case", "open", "--allow-private", "--site", site, "--company", "Klinik Sonnenberg GmbH",
		"--address", "Bergstraße 4, 87561 Oberstdorf", "--country", "DE")...))
	if !strings.HasPrefix(id, "VIG-") || strings.Contains(id, "\n") {
		t.Fatalf("case open printed %q, want the case id alone", id)
	}
	ok(t, with("case", "letter", id, "--date", "2024-11-04", "--deadline", "2024-11-19", "--signatory", "Paul Durand, directeur de l'inspection")...)
	ok(t, with("case", "observe", id, "--date", "2024-11-12", "--kind", "written", "--summary", "la société indique avoir retiré les allégations de son site")...)
	victims, _ := removeClaims(t, data, root, srv.URL, site)
	var fu followUpJSON
	if err := json.Unmarshal([]byte(okAt(t, day(t, "2024-11-22"), with("case", "followup", id, "--format", "json", "--allow-private")...)), &fu); err != nil {
		t.Fatal(err)
	}
	if len(fu.Removed) != len(victims) || len(fu.Remaining) == 0 {
		t.Fatalf("follow-up before the decision: removed %d (want %d), remaining %d", len(fu.Removed), len(victims), len(fu.Remaining))
	}
	var shown caseJSON
	json.Unmarshal([]byte(ok(t, with("case", "show", id, "--format", "json")...)), &shown)
	if shown.State != "observations" {
		t.Errorf("a follow-up before the decision moved the case to %s, want it still awaiting the decision (observations)", shown.State)
	}
	ok(t, with("case", "decide", id, "--date", "2024-11-27", "--signatory", "Jeanne Martin, directrice générale")...)
	out := filepath.Join(t.TempDir(), "decision.md")
	ok(t, with("case", "draft", id, "decision", "--format", "md", "--out", out)...)
	b, _ := os.ReadFile(out)
	doc := string(b)
	if !strings.Contains(doc, "demeurent, à ce jour") {
		t.Error("the decision does not say which claims remain on the site to this day")
	}
	for q := range victims {
		if strings.Contains(doc, q) {
			t.Errorf("the decision quotes %q, which the latest scan no longer found", q)
		}
	}
	letter := filepath.Join(t.TempDir(), "letter.md")
	ok(t, with("case", "draft", id, "letter", "--format", "md", "--out", letter)...)
	if b, _ := os.ReadFile(letter); !strings.Contains(string(b), "Paul Durand") {
		t.Error("the letter does not carry the signatory it was recorded with")
	}
}

func checkDocuments(t *testing.T, data, id string) {
	dir := t.TempDir()
	for _, doc := range []string{"letter", "decision", "notice"} {
		for _, format := range []string{"md", "html"} {
			ok(t, "case", "draft", id, doc, "--format", format, "--out", filepath.Join(dir, doc+"."+format), "--data", data)
		}
	}
	decision, _ := os.ReadFile(filepath.Join(dir, "decision.md"))
	text := string(decision)
	for _, want := range []string{"Vu", "4 novembre 2024", "12 novembre 2024", "18 novembre 2024", "20 novembre 2024",
		"Klinik Sonnenberg GmbH", "Oberstdorf", "Genève", "Considérant", "Article 1er", "Article 2", "27 novembre 2024", "Jeanne Martin"} {
		if !strings.Contains(text, want) {
			t.Errorf("decision.md lacks %q", want)
		}
	}
	if !strings.Contains(text, "Dossier "+id+" – journal ") {
		t.Error("decision.md does not name the case and the head of its log (what vigie case verify --head checks)")
	}
	if !strings.Contains(text, "orales") || !strings.Contains(text, "écrites") {
		t.Error("decision.md does not give the form of the observations (écrites, orales)")
	}
	if i, j := strings.Index(text, "Vu "), strings.Index(text, "Considérant"); i < 0 || j < i {
		t.Error("decision.md: the Vu list does not come before the Considérant")
	}
	if a, b := strings.Index(text, "Article 1er"), strings.Index(text, "Article 2"); a < 0 || b < a {
		t.Error("decision.md: Article 1er does not come before Article 2")
	}
	// Quotes of the archived pages, in guillemets.
	if strings.Count(text, "«") < 5 {
		t.Errorf("decision.md quotes %d passages in « », want the claims of the grounds", strings.Count(text, "«"))
	}
	for _, doc := range []string{"letter.md", "notice.md", "decision.html", "letter.html", "notice.html"} {
		if b, err := os.ReadFile(filepath.Join(dir, doc)); err != nil || len(b) < 200 {
			t.Errorf("%s: %d bytes, %v", doc, len(b), err)
		}
	}

	if _, err := exec.LookPath("chromium"); err != nil {
		needTool(t, "chromium is not installed: PDF documents are printed by headless Chromium")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		needTool(t, "pdftotext (poppler-utils) is not installed: the PDF's text is checked with it")
	}
	pdf := filepath.Join(dir, "decision.pdf")
	ok(t, "case", "draft", id, "decision", "--format", "pdf", "--out", pdf, "--data", data)
	b, _ := os.ReadFile(pdf)
	if !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("decision.pdf starts %q, want a PDF", b[:min(len(b), 8)])
	}
	txt, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(txt)), " ")
	for _, want := range []string{"Article 1er", "20 novembre 2024", "Klinik Sonnenberg GmbH", "Considérant"} {
		if !strings.Contains(flat, want) {
			t.Errorf("decision.pdf's text lacks %q", want)
		}
	}
}

func checkCaseExport(t *testing.T, data, id string) {
	if _, err := exec.LookPath("chromium"); err != nil {
		needTool(t, "chromium is not installed: the bundle's PDF documents are printed by headless Chromium")
	}
	out := filepath.Join(t.TempDir(), "bundle")
	ok(t, "case", "export", id, "--out", out, "--data", data)
	for _, want := range []string{"documents/decision.pdf", "documents/letter.md", "documents/notice.html", "case.json", "manifest.json", "SHA256SUMS"} {
		if _, err := os.Stat(filepath.Join(out, want)); err != nil {
			t.Errorf("bundle lacks %s", want)
		}
	}
	var m caseManifest
	b, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	waczs := 0
	for _, f := range m.Files {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(f.Path)))
		sum := sha256.Sum256(b)
		if err != nil || hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(b)) != f.Bytes {
			t.Errorf("manifest: %s does not match its digest or size", f.Path)
		}
		if strings.HasSuffix(f.Path, ".wacz") {
			waczs++
			checkWACZ(t, filepath.Join(out, filepath.FromSlash(f.Path)))
		}
	}
	if waczs != 2 || len(m.Registry) != 2 || m.Registry[0].Digest == "" {
		t.Errorf("bundle: %d WACZ, registry %+v; want the two scans of the case (the unreachable follow-up has none)", waczs, m.Registry)
	}
	sums, _ := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
	sc := bufio.NewScanner(strings.NewReader(string(sums)))
	n := 0
	for sc.Scan() {
		n++
	}
	if n != len(m.Files) || n < 8 {
		t.Errorf("SHA256SUMS has %d lines for %d files", n, len(m.Files))
	}
	if code, _, stderr := vigie(t, "", "case", "export", id, "--out", out, "--data", data); code != 2 || !strings.Contains(stderr, "not empty") {
		t.Errorf("export into a full directory: exit %d, %q", code, stderr)
	}
}

func checkCaseVerify(t *testing.T, data, id string) {
	out := ok(t, "case", "verify", id, "--data", data)
	if !strings.Contains(out, "chain intact") {
		t.Errorf("verify = %q", out)
	}
	// Vigie refuses to edit an event; an edit made around it is detected.
	db, err := sql.Open("sqlite", filepath.Join(data, "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE case_events SET actor = 'x' WHERE case_id = ?`, id); err == nil {
		t.Fatal("the store let an event be edited")
	}
	// The chain alone cannot tell its last event was removed; the head a
	// document carries can.
	head := strings.Fields(out)[len(strings.Fields(out))-1]
	if _, err := db.Exec(`DROP TRIGGER case_events_append_only_d`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM case_events WHERE case_id = ? AND seq = (SELECT MAX(seq) FROM case_events WHERE case_id = ?)`, id, id); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := vigie(t, "", "case", "verify", id, "--head", head, "--data", data); code != 1 || !strings.Contains(stderr, "does not reach head") {
		t.Errorf("verify --head after the last event was removed: exit %d, %q; want exit 1", code, stderr)
	}
	for _, q := range []string{
		`DROP TRIGGER case_events_append_only_u`,
		`UPDATE case_events SET data = replace(data, 'retiré', 'maintenu') WHERE case_id = '` + id + `' AND seq = 6`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := vigie(t, "", "case", "verify", id, "--data", data)
	if code != 1 || !strings.Contains(stderr, "event 6 (observation") {
		t.Errorf("verify after an edit: exit %d, %q; want exit 1 naming event 6", code, stderr)
	}
	if code, _, stderr := vigie(t, "", "case", "show", id, "--data", data); code != 1 || !strings.Contains(stderr, "altered") {
		t.Errorf("show after an edit: exit %d, %q; want refused as altered", code, stderr)
	}
}

func TestCaseCommandErrors(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", []string{"case"}, 2, "needs a subcommand"},
		{"unknown case", []string{"case", "show", "VIG-2024-0042"}, 2, "no case VIG-2024-0042"},
		{"open without address", []string{"case", "open", "--site", "https://k.example/", "--company", "K"}, 2, "--address"},
		{"open with a bad URL", []string{"case", "open", "--site", "k.example", "--company", "K", "--address", "a"}, 2, "is not a URL"},
		{"countries and addresses", []string{"case", "open", "--site", "https://k.example/", "--company", "K", "--address", "a", "--address", "b", "--country", "DE", "--country", "CH", "--country", "FR"}, 2, "--country"},
		{"unknown therapy", []string{"case", "open", "--site", "https://k.example/", "--company", "K", "--address", "a", "--therapy", "unicorn-cells"}, 2, `--therapy "unicorn-cells"`},
		{"observe without kind", []string{"case", "observe", "VIG-2024-0001", "--date", "2024-11-12", "--summary", "s"}, 2, "--kind"},
		{"observe a missing attachment", []string{"case", "observe", "VIG-2024-0001", "--date", "2024-11-12", "--kind", "written", "--summary", "s", "--attach", "/nonexistent/letter.pdf"}, 2, "no such file"},
		{"draft an unknown document", []string{"case", "draft", "VIG-2024-0001", "memo", "--out", "x"}, 2, `document "memo"`},
		{"draft without out", []string{"case", "draft", "VIG-2024-0001", "decision"}, 2, "--out"},
		{"draft in docx", []string{"case", "draft", "VIG-2024-0001", "decision", "--format", "docx", "--out", "x"}, 2, `--format "docx"`},
		{"export without out", []string{"case", "export", "VIG-2024-0001"}, 2, "--out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if len(args) > 1 {
				args = append(args, "--data", data)
			}
			code, _, stderr := vigie(t, "", args...)
			if code != tt.code || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and one line containing %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}
