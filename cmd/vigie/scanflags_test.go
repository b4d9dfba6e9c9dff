package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"vigie/internal/crawl/crawltest"
	"vigie/internal/evidence"
)

// disallowingClinic is the multilingual clinic behind a robots.txt that
// disallows its price page.
func disallowingClinic() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /fr/tarifs\n")
	})
	mux.Handle("/", crawltest.MultilingualClinic())
	return mux
}

func TestScanRobotsFlags(t *testing.T) {
	srv := httptest.NewServer(disallowingClinic())
	defer srv.Close()
	tests := []struct {
		name    string
		args    []string
		code    int
		stderr  string // in the error line
		tarifs  bool   // the disallowed page is in the report
		cut     string // in the report's cut
		warcinf string // in the archive's warcinfo record
	}{
		{name: "ignore without reason", args: []string{"--ignore-robots"}, code: 2, stderr: "--ignore-robots needs --reason"},
		{name: "blank reason", args: []string{"--ignore-robots", "--reason", "  "}, code: 2, stderr: "--ignore-robots needs --reason"},
		{name: "reason without ignore", args: []string{"--reason", "x"}, code: 2, stderr: "--reason is only for --ignore-robots"},
		{name: "robots.txt honoured", cut: "robots.txt disallowed 1 URLs", warcinf: "robots: honoured"},
		{
			name: "robots.txt ignored with a reason", args: []string{"--ignore-robots", "--reason", "mission de contrôle 2026-117"},
			tarifs: true, warcinf: "ignore-robots-reason: mission de contrôle 2026-117",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"scan", "--format", "json", "--allow-private", "--data", t.TempDir()}, tt.args...)
			code, stdout, stderr := vigie(t, "", append(args, srv.URL+"/")...)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			if tt.code != 0 {
				if !strings.Contains(stderr, tt.stderr) || strings.Count(stderr, "\n") != 1 {
					t.Errorf("stderr = %q, want one line with %q", stderr, tt.stderr)
				}
				return
			}
			var out struct {
				Sites []struct {
					Archive string
					Cut     []string
					Pages   []struct{ URL string }
				}
			}
			if err := json.Unmarshal([]byte(stdout), &out); err != nil || len(out.Sites) != 1 {
				t.Fatalf("stdout: %v, %d sites", err, len(out.Sites))
			}
			s := out.Sites[0]
			tarifs := false
			for _, p := range s.Pages {
				tarifs = tarifs || strings.HasSuffix(p.URL, "/fr/tarifs")
			}
			if tarifs != tt.tarifs {
				t.Errorf("/fr/tarifs in the report: %v, want %v", tarifs, tt.tarifs)
			}
			if tt.cut != "" && !strings.Contains(strings.Join(s.Cut, "\n"), tt.cut) {
				t.Errorf("cut = %q, want %q", s.Cut, tt.cut)
			}
			files, _ := filepath.Glob(filepath.Join(s.Archive, "*.warc.gz"))
			var info string
			for _, f := range files {
				evidence.ReadFile(f, func(r *evidence.Record) error {
					if r.Type == "warcinfo" {
						info += string(r.Block)
					}
					return nil
				})
			}
			if !strings.Contains(info, tt.warcinf) {
				t.Errorf("warcinfo = %q, want %q", info, tt.warcinf)
			}
		})
	}
}
