package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"vigie/internal/cases"
	"vigie/internal/scan"
	"vigie/internal/store"
)

// caseFlags are the flags every case subcommand has.
type caseFlags struct {
	format string
	data   string
	actor  string
}

func (f *caseFlags) register(c *cobra.Command, withFormat bool) {
	if withFormat {
		c.Flags().StringVar(&f.format, "format", "text", "output format: text or json")
		c.Flags().StringVar(&f.data, "data", "", "directory of the database and archives (default $VIGIE_DATA, else $XDG_DATA_HOME/vigie, else ~/.local/share/vigie)")
	}
	c.Flags().StringVar(&f.actor, "actor", "", "who makes the change, recorded in the case's log (default: the OS user)")
}

func (f *caseFlags) stamp(e *env) cases.Stamp {
	return cases.Stamp{Actor: operator(f.actor), At: e.now().UTC()}
}

func caseCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "case",
		Short: "Open and run cases: letter of intent, observations, decision, publication, follow-up, documents",
		Long: `A case gathers a company, its sites and their scans, the therapy and the signal,
and runs the procedure of LEGAL.md section 6. Every change is an event in an
append-only, hash-chained log (vigie case verify checks it). Impossible moves are
refused with exit code 2: a decision before any letter of intent needs
--urgent --reason "…".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErr("case needs a subcommand: open, letter, observe, decide, publish, followup, close, show, list, verify, draft, export")
		},
	}
	c.AddCommand(caseOpenCmd(e), caseLetterCmd(e), caseObserveCmd(e), caseDecideCmd(e), casePublishCmd(e),
		caseFollowUpCmd(e), caseCloseCmd(e), caseShowCmd(e), caseListCmd(e), caseVerifyCmd(e), caseDraftCmd(e), caseExportCmd(e))
	return c
}

// openStore opens the store of --data.
func openStore(ctx context.Context, data string) (*store.Store, string, error) {
	dir, err := dataDir(data)
	if err != nil {
		return nil, "", err
	}
	st, err := store.Open(ctx, filepath.Join(dir, "vigie.db"))
	if err != nil {
		return nil, "", err
	}
	return st, dir, nil
}

// openCase opens the store of --data and loads case id from it; the caller
// closes the store.
func openCase(ctx context.Context, data, id string) (*store.Store, *cases.Case, error) {
	st, _, err := openStore(ctx, data)
	if err != nil {
		return nil, nil, err
	}
	c, err := loadCase(ctx, st, id)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, c, nil
}

// loadCase loads and verifies a case: an unknown id is bad input, an
// altered log a problem found (exit 1).
func loadCase(ctx context.Context, st *store.Store, id string) (*cases.Case, error) {
	c, err := st.Case(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, inputErr(fmt.Errorf("no case %s (vigie case list shows the cases)", id))
	case errors.Is(err, cases.ErrTampered):
		return nil, &exitError{1, fmt.Errorf("%w; nothing was changed (vigie case verify %s)", err, id)}
	}
	return c, err
}

// caseError turns a refused move into a usage error (exit 2).
func caseError(err error) error {
	if errors.Is(err, cases.ErrRefused) {
		return inputErr(err)
	}
	if errors.Is(err, store.ErrConflict) {
		return &exitError{1, fmt.Errorf("%w: another change of the case was recorded meanwhile; this one was not (scans already made stay stored), try again", err)}
	}
	return err
}

// change runs one command on a stored case and appends its event.
func change(ctx context.Context, e *env, f *caseFlags, id string, move func(*cases.Case, cases.Stamp) (cases.Event, error)) error {
	if err := checkFormat(f.format, "text", "json"); err != nil {
		return err
	}
	st, c, err := openCase(ctx, f.data, id)
	if err != nil {
		return err
	}
	defer st.Close()
	ev, err := move(c, f.stamp(e))
	if err != nil {
		return caseError(err)
	}
	if err := st.AppendEvents(ctx, ev); err != nil {
		return caseError(err)
	}
	return printCase(e, f.format, c)
}

// evidenceOf reads a stored scan as the procedure relies on it.
func evidenceOf(ctx context.Context, st *store.Store, scanID string) (cases.Evidence, error) {
	r, err := st.Report(ctx, scanID)
	if err != nil {
		return cases.Evidence{}, err
	}
	return reportEvidence(r), nil
}

func reportEvidence(r *scan.SiteReport) cases.Evidence {
	ev := cases.Evidence{Scan: r.ID, Site: r.URL, Started: r.Started, Finished: r.Finished, Archive: r.Archive,
		Qualification: r.Qualification, Audience: r.Audience, Therapies: r.Therapies}
	if r.Ledger != nil {
		ev.Ledger = r.Ledger.Head
	}
	for _, p := range r.Pages {
		ev.Pages = append(ev.Pages, cases.Page{URL: p.URL, Status: p.Status, Lang: p.Lang, Title: p.Title, Record: p.Record, Truncated: p.Truncated})
	}
	for _, fe := range r.Errors {
		ev.Failures = append(ev.Failures, cases.PageFailure{URL: fe.URL, Reason: fe.Err})
	}
	for _, c := range r.Claims {
		ev.Claims = append(ev.Claims, cases.Claim{Category: c.Category, Stance: c.Stance, Quote: c.Quote, Rule: c.Rule,
			R5122: c.R5122, URL: c.URL, Record: c.Record, Captured: c.Captured})
	}
	return ev
}

func scanRef(r *scan.SiteReport) cases.ScanRef {
	incomplete := len(r.Errors) > 0
	for _, p := range r.Pages {
		incomplete = incomplete || p.Truncated
	}
	return cases.ScanRef{Site: r.URL, Scan: r.ID, Verdict: r.Qualification.Verdict, Therapy: r.Qualification.Therapy,
		Finished: r.Finished, Incomplete: incomplete}
}
