package store

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/internal/claims"
	"vigie/internal/qualify"
	"vigie/internal/scan"
)

func report(id string, verdict string) *scan.SiteReport {
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	return &scan.SiteReport{
		ID: id, URL: "https://clinic.example/", Started: t0, Finished: t0.Add(9 * time.Second), Archive: "/data/archives/" + id,
		Pages: []scan.Page{{URL: "https://clinic.example/fr/", Status: 200, Lang: "fr", Promotional: true, Score: 0.9, Record: "urn:uuid:1", SHA256: "ab", File: "/x.warc.gz"}},
		Claims: []scan.Claim{{
			Claim: claims.Claim{Category: "safety", Stance: "promotional", Quote: "Sans effets secondaires.", Rule: "fr.safety.no-side-effects", Start: 3, End: 27},
			URL:   "https://clinic.example/fr/", Record: "urn:uuid:1", Captured: t0,
		}},
		Qualification: qualify.Qualification{Verdict: verdict},
		PageReports:   []*claims.Report{{URL: "https://clinic.example/fr/", Lang: "fr"}},
	}
}

func TestStoreScansAreAddedNeverReplaced(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "vigie.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SaveScan(ctx, report("scan-1", "illegal_promotion")); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveScan(ctx, report("scan-2", "no_violation_found")); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveScan(ctx, report("scan-1", "no_violation_found")); err == nil {
		t.Error("a scan with an existing id replaced or duplicated the stored one")
	}
	got, err := s.Scans(ctx, "https://clinic.example/")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "scan-1" || got[0].Verdict != "illegal_promotion" || got[0].Pages != 1 || got[0].Claims != 1 || got[1].ID != "scan-2" {
		t.Errorf("Scans = %+v, want both scans, first one intact", got)
	}
	r, err := s.Report(ctx, "scan-1")
	if err != nil {
		t.Fatal(err)
	}
	if r.Claims[0].Quote != "Sans effets secondaires." || r.Claims[0].Record != "urn:uuid:1" {
		t.Errorf("stored report claim = %+v", r.Claims[0])
	}
	if _, err := s.Report(ctx, "nope"); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("Report(nope) error = %v, want not found", err)
	}
}

func TestStoreEvidenceRowsCannotBeAltered(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SaveScan(ctx, report("scan-1", "illegal_promotion")); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE claims SET quote = 'edited'`,
		`DELETE FROM claims`,
		`UPDATE scans SET verdict = 'no_violation_found'`,
		`DELETE FROM pages`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want refused as append-only", q, err)
		}
	}
}

func TestStoreMigratesOnceAndReopens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vigie.db")
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil || len(files) < 2 {
		t.Fatalf("embedded migrations = %v, %v", files, err)
	}
	want := len(files)
	for i := 0; i < 2; i++ {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		v, err := s.SchemaVersion(ctx)
		if err != nil || v != want {
			t.Errorf("open #%d: schema version %d, %v; want %d", i+1, v, err, want)
		}
		var n int
		s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n)
		if n != want {
			t.Errorf("open #%d: %d migration rows, want %d (each migration once)", i+1, n, want)
		}
		s.Close()
	}
}

func TestStoreReportRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := report("scan-rt", "illegal_promotion")
	r.Claims[0].Match, r.Claims[0].R5122 = "Sans effets secondaires", "2°"
	r.Claims = append(r.Claims, scan.Claim{Claim: claims.Claim{Category: "offer", Stance: "promotional", Quote: "Réservez.", Rule: "fr.offer.booking"},
		URL: "https://clinic.example/fr/", Record: "urn:uuid:1", Captured: r.Started.Add(time.Second)})
	if err := s.SaveScan(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.Report(ctx, "scan-rt")
	if err != nil {
		t.Fatal(err)
	}
	want := *r
	want.PageReports = nil
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("Report after SaveScan (-want +got):\n%s", diff)
	}
	// Page reports made without PageClaims hold their claims, as pages
	// stored before the claims_from column do.
	r2 := report("scan-pr", "illegal_promotion")
	r2.PageReports[0].Claims = []claims.Claim{r2.Claims[0].Claim}
	if err := s.SaveScan(ctx, r2); err != nil {
		t.Fatal(err)
	}
	pr, err := s.PageReport(ctx, "scan-pr", "https://clinic.example/fr/")
	if err != nil || pr.Lang != "fr" || len(pr.Claims) != 1 || pr.Claims[0].Quote != "Sans effets secondaires." {
		t.Errorf("a page report holding its claims: %v, %+v", err, pr)
	}
	var inJSON string
	s.db.QueryRowContext(ctx, `SELECT report FROM scans WHERE id = 'scan-rt'`).Scan(&inJSON)
	if strings.Contains(inJSON, "Réservez.") {
		t.Error("the stored report repeats the claims its rows hold")
	}

	// A report stored before the claims had all their columns keeps its
	// claims in its JSON.
	old := report("scan-old", "illegal_promotion")
	b, _ := json.Marshal(old)
	if _, err := s.db.ExecContext(ctx, `INSERT INTO scans (id, site_id, started, finished, archive, verdict, report)
		VALUES ('scan-old', (SELECT id FROM sites LIMIT 1), ?, ?, '/a', 'illegal_promotion', ?)`,
		formatTime(old.Started), formatTime(old.Finished), string(b)); err != nil {
		t.Fatal(err)
	}
	got, err = s.Report(ctx, "scan-old")
	if err != nil || len(got.Claims) != 1 || got.Claims[0].Quote != "Sans effets secondaires." {
		t.Errorf("an old report: %v, claims %+v", err, got)
	}
}

// Claims are written claimBatch rows to a statement: a scan with two full
// batches and a remainder comes back whole, in order, field for field.
func TestStoreClaimsAcrossBatches(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := report("scan-batches", "illegal_promotion")
	c := r.Claims[0]
	r.Claims = nil
	for i := range 2*claimBatch + 7 {
		c.Start, c.End, c.Quote = i, i+5, fmt.Sprintf("claim %d", i)
		c.Captured = r.Started.Add(time.Duration(i) * time.Second)
		r.Claims = append(r.Claims, c)
	}
	if err := s.SaveScan(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.Report(ctx, "scan-batches")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r.Claims, got.Claims); diff != "" {
		t.Errorf("claims after SaveScan (-want +got):\n%s", diff)
	}
}
