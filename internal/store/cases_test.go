package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/internal/cases"
)

func TestCasesAreAppendOnlyChains(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := time.Date(2026, 11, 30, 9, 0, 0, 123456789, time.UTC)
	st := cases.Stamp{Actor: "inspecteur", At: at}
	open := func(id string) (*cases.Case, error) {
		return cases.Open(id, st, cases.Company{Name: "Klinik", Addresses: []cases.Address{{Text: "Seestraße 1", Country: "DE"}}},
			[]string{"https://k.example/"}, "", nil)
	}
	c1, err := s.CreateCase(ctx, at, open)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := s.CreateCase(ctx, at, open)
	if err != nil {
		t.Fatal(err)
	}
	if c1.ID != "VIG-2026-0001" || c2.ID != "VIG-2026-0002" {
		t.Errorf("ids = %s, %s; want numbered within the year", c1.ID, c2.ID)
	}
	e, err := c1.AttachScan(st, cases.ScanRef{Site: "https://k.example/", Scan: "scan-1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AppendEvents(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendEvents(ctx, e); !errors.Is(err, ErrConflict) {
		t.Errorf("the same event twice: err = %v, want ErrConflict", err)
	}
	got, err := s.Case(ctx, c1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != cases.Investigation || len(got.Events) != 2 || got.Head() != c1.Head() || !got.Opened.Equal(at) {
		t.Errorf("stored case = state %s, %d events, head %s (want %s)", got.State, len(got.Events), got.Head(), c1.Head())
	}
	for _, q := range []string{
		`UPDATE case_events SET actor = 'x' WHERE case_id = 'VIG-2026-0001'`,
		`DELETE FROM case_events WHERE seq = 2`,
		`DELETE FROM cases`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want append-only refusal", q, err)
		}
	}
	ids, err := s.CaseIDs(ctx)
	if err != nil || len(ids) != 2 {
		t.Errorf("CaseIDs = %v, %v", ids, err)
	}
	if _, err := s.Case(ctx, "VIG-1999-0001"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown case: err = %v, want ErrNotFound", err)
	}
}
