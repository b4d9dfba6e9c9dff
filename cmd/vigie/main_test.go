package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/internal/crawl/crawltest"
	"vigie/internal/store"
)

// vigie runs one command line as main would.
func vigie(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestErrorsAreOneLineWithExitCodes(t *testing.T) {
	pdf := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4"))
	}))
	defer pdf.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	data := t.TempDir()
	empty := filepath.Join(t.TempDir(), "empty.html")
	os.WriteFile(empty, []byte("<html><body>  </body></html>"), 0o644)
	badProduct := filepath.Join(t.TempDir(), "product.json")
	os.WriteFile(badProduct, []byte(`{"name": "x", "colour": "red"}`), 0o644)
	binary := filepath.Join(t.TempDir(), "photo.jpg")
	os.WriteFile(binary, []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"), 0o644)

	tests := []struct {
		name string
		args []string
		code int
		want string // in the error line
	}{
		{"missing file", []string{"analyze", "/nonexistent/page.html"}, 2, "no such file"},
		{"directory", []string{"analyze", t.TempDir()}, 2, "is a directory"},
		{"empty document", []string{"analyze", empty}, 2, "empty document"},
		{"binary document", []string{"analyze", binary}, 2, "not an HTML or text document"},
		{"bad format", []string{"analyze", "--format", "xml", empty}, 2, `--format "xml"`},
		{"unknown flag", []string{"analyze", "--colour", empty}, 2, "unknown flag"},
		{"unknown command", []string{"scna"}, 2, "unknown command"},
		{"no argument", []string{"analyze"}, 2, "accepts 1 arg"},
		{"malformed URL", []string{"scan", "--data", data, "ht!tp//clinic"}, 2, "is not a URL to scan"},
		{"relative URL", []string{"scan", "--data", data, "clinic.example"}, 2, "is not a URL to scan"},
		{"unreachable host", []string{"scan", "--data", data, "--allow-private", "--timeout", "3s", closed.URL}, 2, "site unreachable"},
		{"private address refused", []string{"scan", "--data", data, pdf.URL}, 2, "--allow-private"},
		{"non-HTML response", []string{"scan", "--data", data, "--allow-private", pdf.URL}, 2, "not an HTML page"},
		{"unknown classification field", []string{"classify", badProduct}, 2, `unknown field "colour"`},
		{"bad max-pages", []string{"scan", "--data", data, "--max-pages", "0", pdf.URL}, 2, "--max-pages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := vigie(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "vigie: ") || !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want one line containing %q", stderr, tt.want)
			}
			if strings.Contains(stderr, "goroutine") || strings.Contains(stdout, "panic") {
				t.Errorf("a panic escaped: %s%s", stdout, stderr)
			}
		})
	}
}

func TestAnalyzeHeldOutClinicPage(t *testing.T) {
	code, stdout, stderr := vigie(t, "", "analyze", "--format", "json", "--text", "../../internal/claims/testdata/corpus/tuned/fr-clinic-nk.html")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r struct {
		Promotional bool
		Text        string
		Audience    struct {
			FrenchPublic bool `json:"french_public"`
			Signals      []string
		}
		Claims []struct {
			Category, Stance, Quote string
			Start, End              int
		}
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	cats := map[string]bool{}
	for _, c := range r.Claims {
		if r.Text[c.Start:c.End] != c.Quote {
			t.Errorf("quote %q is not text[%d:%d]", c.Quote, c.Start, c.End)
		}
		if c.Stance == "promotional" {
			cats[c.Category] = true
		}
	}
	if !r.Promotional || !r.Audience.FrenchPublic || len(r.Audience.Signals) == 0 || len(cats) < 4 {
		t.Errorf("promotional %v, french_public %v %v, categories %v: want promotional, French, ≥4 categories",
			r.Promotional, r.Audience.FrenchPublic, r.Audience.Signals, cats)
	}
}

func TestAnalyzeNewsFromStdin(t *testing.T) {
	page, err := os.ReadFile("../../internal/claims/testdata/corpus/tuned/fr-news-critique.html")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := vigie(t, string(page), "analyze", "--format", "json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r struct {
		Promotional bool
		Claims      []struct{ Stance string }
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if r.Promotional || len(r.Claims) == 0 {
		t.Errorf("news article: promotional %v with %d claims, want not promotional, claims found", r.Promotional, len(r.Claims))
	}
	for _, c := range r.Claims {
		if c.Stance == "promotional" {
			t.Errorf("news article claim with promotional stance")
		}
	}
}

func TestDemoJSON(t *testing.T) {
	data := t.TempDir()
	code, stdout, stderr := vigie(t, "", "demo", "--format", "json", "--data", data)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Sites []struct {
			URL           string
			Archive       string
			Qualification struct{ Verdict string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("stdout is not one JSON document: %v", err)
	}
	illegal := 0
	for i, s := range out.Sites {
		if s.Qualification.Verdict == "illegal_promotion" {
			illegal++
			if i != 0 {
				t.Errorf("site %d (%s) is illegal_promotion; only the clinic (first) may be", i, s.URL)
			}
		}
		if !strings.HasPrefix(s.Archive, filepath.Join(data, "archives")) {
			t.Errorf("archive %s not under --data", s.Archive)
		}
	}
	if len(out.Sites) != 4 || illegal != 1 {
		t.Errorf("%d sites, %d illegal: want 4 and 1", len(out.Sites), illegal)
	}
	if _, err := os.Stat(filepath.Join(data, "vigie.db")); err != nil || !strings.Contains(stderr, "vigie.db") {
		t.Errorf("database not where the demo says (%v): %q", err, stderr)
	}
}

func TestScanCommandFollowsHreflangAndNamesRecords(t *testing.T) {
	srv := httptest.NewServer(crawltest.MultilingualClinic())
	defer srv.Close()
	data := t.TempDir()
	code, stdout, stderr := vigie(t, "", "scan", "--format", "json", "--allow-private", "--data", data, srv.URL+"/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Sites []struct {
			Pages []struct {
				URL, Lang, Record string
			}
			Claims []struct {
				URL, Record, Quote string
			}
			Qualification struct{ Verdict string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || len(out.Sites) != 1 {
		t.Fatalf("stdout: %v, %d sites", err, len(out.Sites))
	}
	site := out.Sites[0]
	records := map[string]string{}
	french := 0
	for _, p := range site.Pages {
		records[p.Record] = p.URL
		if p.Lang == "fr" {
			french++
		}
	}
	if french != 2 || site.Qualification.Verdict != "illegal_promotion" {
		t.Errorf("%d French pages, verdict %s: want both French pages reached and illegal_promotion", french, site.Qualification.Verdict)
	}
	if len(site.Claims) == 0 {
		t.Fatal("no claims")
	}
	for _, c := range site.Claims {
		if c.URL == "" || records[c.Record] != c.URL {
			t.Errorf("claim %q: url %q record %q does not name its archived page", c.Quote, c.URL, c.Record)
		}
	}
	// Stored, in the background, by the time the command ends.
	st, err := store.Open(context.Background(), filepath.Join(data, "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	scans, err := st.Scans(context.Background(), srv.URL+"/")
	if err != nil || len(scans) != 1 || scans[0].Claims != len(site.Claims) || scans[0].Pages != len(site.Pages) {
		t.Errorf("stored scans %+v (%v), want one of %d pages and %d claims", scans, err, len(site.Pages), len(site.Claims))
	}
}

func TestClassifyFromStdin(t *testing.T) {
	in := `{"name": "dendritic cell therapy", "substances": ["cells"],
	 "cells": {"viable": true, "origin": "autologous", "manipulations": ["separation", "culture", "differentiation", "activation"], "same_essential_function": false},
	 "purposes": ["treat"], "action": "immunological"}`
	code, stdout, stderr := vigie(t, in, "classify", "--format", "json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r struct {
		Class     string
		ATMP      bool
		Medicinal bool
		Grounds   []struct {
			Text     string
			Articles []string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if r.Class != "somatic_cell_therapy" || !r.ATMP || !r.Medicinal || len(r.Grounds) < 2 || r.Grounds[0].Articles[0] != "Règlement (CE) n° 1394/2007, art. 2" {
		t.Errorf("classification = %+v", r)
	}
}

func TestScanResumeWithNothingToResume(t *testing.T) {
	code, _, stderr := vigie(t, "", "scan", "--resume", "--data", t.TempDir(), "http://127.0.0.1:9/")
	if code != 2 || !strings.Contains(stderr, "no interrupted scan to resume") {
		t.Errorf("exit %d, %q: want 2 and the reason", code, stderr)
	}
}
