package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/internal/claims"
	"vigie/internal/qualify"
	"vigie/internal/scan"
)

func TestWriteSitesJSONIsWriteJSON(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	full := &scan.SiteReport{
		ID: "s1", URL: "https://k.example/", Started: t0, Finished: t0.Add(time.Second), Archive: "/a",
		Ledger: &scan.Ledger{Head: "abc", Entries: 3},
		Pages: []scan.Page{
			{URL: "https://k.example/", Status: 200, Lang: "fr", Title: `« <b>Accueil</b> » "pages": null`, Record: "urn:uuid:1"},
			{URL: "https://k.example/x", Status: 404, Truncated: true},
		},
		Audience:  claims.Audience{FrenchPublic: true, Signals: []string{"html-lang-fr"}},
		Therapies: []claims.Therapy{{ID: "dc", Name: "thérapie & co", Class: "somatic_cell_therapy"}},
		Claims: []scan.Claim{
			{Claim: claims.Claim{Category: "safety", Stance: "promotional", Quote: "Sans \"claims\": null <script>", Rule: "r", Start: 1, End: 9}, URL: "https://k.example/", Record: "urn:uuid:1", Captured: t0},
			{Claim: claims.Claim{Category: "offer", Stance: "promotional", Quote: "Réservez\n\tici", Rule: "r2"}, URL: "https://k.example/", Captured: t0},
		},
		Qualification: qualify.Qualification{Verdict: "illegal_promotion", Grounds: []qualify.Ground{{ID: "advertising", Holds: true, Articles: []string{"CSP L.5122-1"}, Claims: []int{0, 1}}}},
		Cut:           []string{"max-pages 2 reached"},
	}
	empty := &scan.SiteReport{ID: "s2", URL: "https://e.example/", Pages: []scan.Page{}, Claims: []scan.Claim{}}
	bare := &scan.SiteReport{ID: "s3", URL: "https://n.example/"} // nil lists
	for _, tt := range []struct {
		name    string
		reports []*scan.SiteReport
	}{
		{"one site", []*scan.SiteReport{full}},
		{"several sites", []*scan.SiteReport{full, empty, bare}},
		{"none", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var want, got bytes.Buffer
			reports := tt.reports
			if reports == nil {
				reports = []*scan.SiteReport{}
			}
			if err := writeJSON(&want, map[string]any{"sites": reports}); err != nil {
				t.Fatal(err)
			}
			if err := writeSitesJSON(&got, tt.reports); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.String(), got.String()); diff != "" {
				t.Errorf("writeSitesJSON differs from writeJSON (-want +got):\n%s", diff)
			}
			if tt.name == "one site" && !strings.Contains(got.String(), `"quote": "Sans \"claims\": null <script>"`) {
				t.Error("a quote was not kept verbatim")
			}
		})
	}
}
