package main

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vigie/internal/crawl/crawltest"
	"vigie/internal/evidence"
)

// wgetSite crawls url with the real wget and returns the WARC it wrote.
func wgetSite(t *testing.T, url string) string {
	t.Helper()
	if _, err := exec.LookPath("wget"); err != nil {
		needTool(t, "wget not installed")
	}
	dir := t.TempDir()
	out, err := exec.Command("wget", "--recursive", "--level=2", "--warc-file="+filepath.Join(dir, "site"), "--no-verbose",
		"--directory-prefix="+filepath.Join(dir, "files"), url).CombinedOutput()
	if err != nil {
		t.Fatalf("wget: %v\n%s", err, out)
	}
	return filepath.Join(dir, "site.warc.gz")
}

func TestIngestWgetWARC(t *testing.T) {
	srv := httptest.NewServer(crawltest.MultilingualClinic())
	defer srv.Close()
	warc := wgetSite(t, srv.URL+"/")
	data := t.TempDir()
	code, stdout, stderr := vigie(t, "", "ingest", "--format", "json", "--data", data, warc)
	if code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
	var out struct {
		Sites []struct {
			ID, URL, Archive string
			Pages            []struct {
				URL, Lang, Record string
				Offset            int64  `json:"warc_offset"`
				File              string `json:"warc_file"`
			}
			Claims []struct {
				URL, Record, Quote string
			}
			Qualification struct{ Verdict string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || len(out.Sites) != 1 {
		t.Fatalf("ingest output: %v, %d sites\n%s", err, len(out.Sites), stdout)
	}
	site := out.Sites[0]
	if site.URL != srv.URL+"/" || site.Archive != filepath.Dir(warc) || site.Qualification.Verdict != "illegal_promotion" {
		t.Errorf("site %s archive %s verdict %s", site.URL, site.Archive, site.Qualification.Verdict)
	}
	records := map[string]*evidence.Record{}
	if err := evidence.ReadFile(warc, func(r *evidence.Record) error {
		records[r.ID] = r
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	french := 0
	for _, p := range site.Pages {
		r := records[p.Record]
		if r == nil || r.Type != "response" || r.TargetURI != p.URL || r.Offset != p.Offset || p.File != warc {
			t.Errorf("page %s: record %s at %s:%d is not its response in the WARC", p.URL, p.Record, p.File, p.Offset)
		}
		if p.Lang == "fr" {
			french++
		}
	}
	if french != 2 || len(site.Claims) < 4 {
		t.Errorf("%d French pages, %d claims: want the clinic's two French pages and their claims", french, len(site.Claims))
	}
	for _, c := range site.Claims {
		if r := records[c.Record]; r == nil || r.TargetURI != c.URL {
			t.Errorf("claim %q: record %s is not the response of %s", c.Quote, c.Record, c.URL)
		}
	}

	// The ingest is stored: it can be exported by its id; wget's archive
	// has no ledger, so only digests are checked.
	bundle := filepath.Join(t.TempDir(), "wget.wacz")
	code, stdout, stderr = vigie(t, "", "export", "--data", data, "--wacz", site.ID, "--out", bundle)
	if code != 0 || !strings.Contains(stdout, "digests only") {
		t.Fatalf("export of the ingest: exit %d\n%s%s", code, stdout, stderr)
	}
	u := checkWACZ(t, bundle)
	if len(u.pages(t)) != len(site.Pages) {
		t.Errorf("bundle lists %d pages, the ingest %d", len(u.pages(t)), len(site.Pages))
	}
}

func TestIngestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.warc.gz")
	os.WriteFile(corrupt, []byte("\x1f\x8b\x08 not a gzip member"), 0o644)
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("not a WARC"), 0o644)
	w, err := evidence.NewWriter(filepath.Join(dir, "empty"), evidence.Info{Software: "test"})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing file", []string{filepath.Join(dir, "nope.warc.gz")}, "no such file"},
		{"directory", []string{dir}, "is a directory"},
		{"corrupt file", []string{corrupt}, "corrupt"},
		{"not a WARC", []string{text}, "neither a gzip-compressed nor an uncompressed warc"},
		{"no page", w.Files(), "no HTML page"},
		{"no argument", nil, "requires at least 1 arg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := vigie(t, "", append([]string{"ingest", "--data", t.TempDir()}, tt.args...)...)
			if code != 2 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) || stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %q: want 2 and one line saying %q", code, stderr, stdout, tt.want)
			}
		})
	}
}
