package scan_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/internal/crawl/crawltest"
	"vigie/internal/evidence"
	"vigie/internal/scan"
)

// fakeStore keeps the reports it is given.
type fakeStore struct {
	mu    sync.Mutex
	saved []*scan.SiteReport
}

func (f *fakeStore) SaveScan(_ context.Context, r *scan.SiteReport) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saved = append(f.saved, r)
	return nil
}

// wgetWARC crawls url with wget and returns the WARC it wrote. It skips
// the test outside CI when wget is not installed.
func wgetWARC(t *testing.T, url string, extra ...string) string {
	t.Helper()
	if _, err := exec.LookPath("wget"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("wget not installed")
		}
		t.Skip("skipping: wget not installed")
	}
	dir := t.TempDir()
	args := append([]string{"--recursive", "--level=2", "--warc-file=" + filepath.Join(dir, "site"), "--no-verbose",
		"--directory-prefix=" + filepath.Join(dir, "files")}, extra...)
	out, err := exec.Command("wget", append(args, url)...).CombinedOutput()
	if err != nil {
		t.Fatalf("wget: %v\n%s", err, out)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "site.warc*"))
	if len(matches) != 1 {
		t.Fatalf("wget wrote %v, want one WARC", matches)
	}
	return matches[0]
}

func TestIngestWgetWARC(t *testing.T) {
	srv := httptest.NewServer(crawltest.MultilingualClinic())
	defer srv.Close()
	for _, tt := range []struct {
		name  string
		extra []string
	}{
		{"gzip", nil},
		{"uncompressed", []string{"--no-warc-compression"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			warc := wgetWARC(t, srv.URL+"/", tt.extra...)
			sc := newScanner(t)
			st := &fakeStore{}
			sc.Store = st
			reports, err := sc.Ingest(context.Background(), []string{warc})
			if err != nil {
				t.Fatalf("Ingest: %v", err)
			}
			if len(reports) != 1 || len(st.saved) != 1 || st.saved[0] != reports[0] {
				t.Fatalf("%d reports, %d saved: want one site, stored", len(reports), len(st.saved))
			}
			r := reports[0]
			if r.URL != srv.URL+"/" || r.Archive != filepath.Dir(warc) || r.ID == "" {
				t.Errorf("site %s archive %s id %q: want %s/, %s and an id", r.URL, r.Archive, r.ID, srv.URL, filepath.Dir(warc))
			}
			var got []string
			for _, p := range r.Pages {
				got = append(got, strings.TrimPrefix(p.URL, srv.URL)+" "+p.Lang)
			}
			// wget follows <link rel=alternate hreflang> as well as <a href>.
			want := []string{"/ de", "/fr/accueil fr", "/fr/tarifs fr"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("pages (-want +got):\n%s", diff)
			}
			if len(r.Claims) < 4 || r.Qualification.Verdict != "illegal_promotion" {
				t.Errorf("%d claims, verdict %s: want the clinic's claims and illegal_promotion", len(r.Claims), r.Qualification.Verdict)
			}
			checkProof(t, r, warc)
		})
	}
}

// checkProof checks that every page and claim of r points to a response
// record of warc that holds that page, at the offset given, with the
// payload digest given.
func checkProof(t *testing.T, r *scan.SiteReport, warc string) {
	t.Helper()
	records := map[string]*evidence.Record{}
	if err := evidence.ReadFile(warc, func(rec *evidence.Record) error {
		records[rec.ID] = rec
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Pages {
		rec := records[p.Record]
		if rec == nil || rec.Type != "response" || rec.TargetURI != p.URL || rec.Offset != p.Offset || p.File != warc {
			t.Errorf("page %s: record %s at %s:%d does not hold it", p.URL, p.Record, p.File, p.Offset)
			continue
		}
		i := bytes.Index(rec.Block, []byte("\r\n\r\n"))
		sum := sha256.Sum256(rec.Block[i+4:])
		if hex.EncodeToString(sum[:]) != p.SHA256 {
			t.Errorf("page %s: sha256 %s is not that of the payload", p.URL, p.SHA256)
		}
	}
	for _, c := range r.Claims {
		rec := records[c.Record]
		if rec == nil || rec.TargetURI != c.URL || !c.Captured.Equal(rec.Date) {
			t.Errorf("claim %q: record %s of %s does not hold it", c.Quote, c.Record, c.URL)
		}
	}
}

func TestIngestGroupsPagesBySite(t *testing.T) {
	dir := t.TempDir()
	w, err := evidence.NewWriter(dir, evidence.Info{Software: "other-crawler/1.0"})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	clinic := `<html lang="fr"><head><title>Clinique</title></head><body><main><p>Notre vaccin à cellules dendritiques est sans effets secondaires. Notre traitement est efficace contre tous les cancers.</p></main></body></html>`
	news := `<html lang="fr"><head><title>Enquête</title></head><body><main><p>Des cliniques affirment que leur vaccin à cellules dendritiques serait « sans effets secondaires ».</p></main></body></html>`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(clinic))
	zw.Close()
	chunked := fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", gz.Len(), gz.String())
	exchanges := []struct{ url, resp string }{
		{"https://www.clinic.example/fr/", "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked},
		{"https://news.example/enquete", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + news},
		{"https://clinic.example/logo.png", "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\x00\x00"},
		{"https://clinic.example/absent", "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<html><body>absent</body></html>"},
		{"https://clinic.example/tarifs", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + strings.Replace(clinic, "Clinique", "Tarifs", 1)},
	}
	for i, ex := range exchanges {
		if _, err := w.WriteExchange(evidence.Exchange{URL: ex.url, Request: []byte("GET / HTTP/1.1\r\n\r\n"), Response: []byte(ex.resp),
			Started: t0.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	warc := w.Files()[0]

	sc := newScanner(t)
	reports, err := sc.Ingest(context.Background(), []string{warc, warc}) // a file given twice is read once
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range reports {
		var pages []string
		for _, p := range r.Pages {
			pages = append(pages, p.URL)
		}
		got = append(got, r.URL+" "+strings.Join(pages, " "))
		checkProof(t, r, warc)
	}
	want := []string{
		"https://www.clinic.example/ https://www.clinic.example/fr/ https://clinic.example/tarifs",
		"https://news.example/ https://news.example/enquete",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("sites and pages (-want +got):\n%s", diff)
	}
	if reports[0].ID == reports[1].ID {
		t.Errorf("two sites share the scan id %s", reports[0].ID)
	}
	if len(reports[0].Claims) == 0 || reports[0].Pages[0].Title != "Clinique" || !reports[0].Pages[0].Promotional {
		t.Errorf("clinic: %d claims, first page %+v: want the gzip+chunked page decoded and analysed", len(reports[0].Claims), reports[0].Pages[0])
	}
	for _, c := range reports[1].Claims {
		if c.Stance == "promotional" {
			t.Errorf("news claim %q is promotional", c.Quote)
		}
	}

	pages, err := scan.Pages(context.Background(), []evidence.WARCPart{{Path: warc}})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, p := range pages {
		titles = append(titles, p.Title)
	}
	if diff := cmp.Diff([]string{"Clinique", "Enquête", "Tarifs"}, titles); diff != "" {
		t.Errorf("Pages titles (-want +got):\n%s", diff)
	}
}

func TestIngestErrors(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.warc.gz")
	os.WriteFile(corrupt, []byte("\x1f\x8bnot really gzip"), 0o644)
	w, err := evidence.NewWriter(filepath.Join(dir, "empty"), evidence.Info{})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	tests := []struct {
		name  string
		files []string
		is    error
	}{
		{"corrupt file", []string{corrupt}, evidence.ErrCorrupt},
		{"missing file", []string{filepath.Join(dir, "nope.warc.gz")}, os.ErrNotExist},
		{"no pages", w.Files(), scan.ErrNoPages},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &fakeStore{}
			sc := newScanner(t)
			sc.Store = st
			_, err := sc.Ingest(context.Background(), tt.files)
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.files[0]) {
				t.Errorf("Ingest() = %v, want %v naming %s", err, tt.is, tt.files[0])
			}
			if len(st.saved) != 0 {
				t.Errorf("%d reports saved after an error", len(st.saved))
			}
		})
	}
}
