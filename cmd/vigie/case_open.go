package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"vigie/internal/cases"
	"vigie/internal/crawl"
	"vigie/internal/scan"
	"vigie/internal/store"
)

func caseOpenCmd(e *env) *cobra.Command {
	var sf scanFlags
	var f caseFlags
	var sites, addresses, countries []string
	var company, therapy, source, sourceDate string
	c := &cobra.Command{
		Use:   "open --site URL --company NAME --address \"…\"",
		Short: "Open a case on a company and its sites (scanning each site that has no scan yet); print the case id",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := sf.check(); err != nil {
				return err
			}
			f.format, f.data = sf.format, sf.data
			if len(sites) == 0 || strings.TrimSpace(company) == "" || len(addresses) == 0 {
				return usageErr(`case open needs --site URL, --company NAME and --address "…"`)
			}
			for _, s := range sites {
				if err := checkURL(s); err != nil {
					return err
				}
			}
			if len(countries) > 1 && len(countries) != len(addresses) {
				return usageErr("--country: give one for all addresses, or one per --address (%d addresses, %d countries)", len(addresses), len(countries))
			}
			co := cases.Company{Name: company}
			for i, a := range addresses {
				ad := cases.Address{Text: strings.TrimSpace(a)}
				switch {
				case len(countries) == 1:
					ad.Country = strings.ToUpper(countries[0])
				case len(countries) > 1:
					ad.Country = strings.ToUpper(countries[i])
				}
				co.Addresses = append(co.Addresses, ad)
			}
			var src *cases.Source
			if source != "" || sourceDate != "" {
				src = &cases.Source{Text: source, Date: sourceDate}
			}
			ctx := cmd.Context()
			sc, done, err := newScanner(ctx, &sf)
			if err != nil {
				return err
			}
			defer done()
			sc.Now = e.now
			if therapy != "" && sc.Analyzer.Rules.TherapyName(therapy, "fr") == "" {
				return usageErr("--therapy %q: not a therapy of the lexicon (internal/claims/rules/therapies.yaml, or --rules)", therapy)
			}
			st := sc.Store.(*store.Store)
			stamp := f.stamp(e)
			// The case is recorded before any scan: the signal exists even
			// if a site cannot be reached.
			c, err := st.CreateCase(ctx, stamp.At, func(id string) (*cases.Case, error) {
				return cases.Open(id, stamp, co, sites, therapy, src)
			})
			if err != nil {
				return caseError(err)
			}
			var scanErr error
			for _, site := range sites {
				r, err := latestReport(ctx, st, site)
				if errors.Is(err, store.ErrNotFound) {
					r, err = sc.Scan(ctx, site)
				}
				if err != nil {
					scanErr = errors.Join(scanErr, fmt.Errorf("case %s opened, but %s: %w", c.ID, site, scanError(err)))
					continue
				}
				if err := attach(ctx, st, c, f.stamp(e), r); err != nil {
					return err
				}
			}
			// The id alone in text, for scripts: ID=$(vigie case open …).
			if f.format == "text" {
				fmt.Fprintln(e.stdout, c.ID)
			} else if err := printCase(e, f.format, c); err != nil {
				return err
			}
			return firstExit(scanErr)
		},
	}
	sf.register(c)
	f.register(c, false)
	c.Flags().StringArrayVar(&sites, "site", nil, "a site of the company (repeatable)")
	c.Flags().StringVar(&company, "company", "", "the company's name")
	c.Flags().StringArrayVar(&addresses, "address", nil, "a postal address of the company (repeatable)")
	c.Flags().StringArrayVar(&countries, "country", nil, "ISO country code of the addresses: one for all, or one per --address")
	c.Flags().StringVar(&therapy, "therapy", "", "the therapy's id (default: the one the qualification is about)")
	c.Flags().StringVar(&source, "source", "", `where the signal came from ("alerte du BfArM", "plainte d'un patient"…)`)
	c.Flags().StringVar(&sourceDate, "source-date", "", "the signal's date, YYYY-MM-DD")
	return c
}

// firstExit keeps the exit code of a joined error's first part.
func firstExit(err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return &exitError{ee.code, err}
	}
	return err
}

// latestReport returns the latest stored scan of site.
func latestReport(ctx context.Context, st *store.Store, site string) (*scan.SiteReport, error) {
	scans, err := st.Scans(ctx, site)
	if err != nil {
		return nil, err
	}
	if len(scans) == 0 {
		return nil, fmt.Errorf("site %s: no scan: %w", site, store.ErrNotFound)
	}
	return st.Report(ctx, scans[len(scans)-1].ID)
}

// attach records a scan as evidence of the case, and its therapy when the
// case named none.
func attach(ctx context.Context, st *store.Store, c *cases.Case, stamp cases.Stamp, r *scan.SiteReport) error {
	ev, err := c.AttachScan(stamp, scanRef(r))
	if err != nil {
		return caseError(err)
	}
	return caseError(st.AppendEvents(ctx, ev))
}

// followUpResult is the output of vigie case followup: per site, and all
// sites together under the names the issue gives (removed, remaining, new,
// unreachable).
type followUpResult struct {
	Case        string             `json:"case"`
	Date        string             `json:"date"`
	State       string             `json:"state"`
	Sites       []cases.Comparison `json:"sites"`
	Removed     []cases.Claim      `json:"removed"`
	Remaining   []cases.Claim      `json:"remaining"`
	New         []cases.Claim      `json:"new"`
	Unreachable []cases.Claim      `json:"unreachable"`
}

func caseFollowUpCmd(e *env) *cobra.Command {
	var sf scanFlags
	var f caseFlags
	c := &cobra.Command{
		Use:   "followup ID",
		Short: "Scan the case's sites again and compare their claims with the scans the procedure relies on",
		Long: `Scans every site of the case again and sorts the promotional claims of the scans
relied on (the decision's, else the letter's): removed (the page was served
without them), remaining (still on the site, quoted from the new scan), new, and
unreachable (the page could not be checked: an error, a timeout, a 404, a refusal —
never counted as removed). The follow-up is dated the day of its scans.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := sf.check(); err != nil {
				return err
			}
			f.format, f.data = sf.format, sf.data
			ctx := cmd.Context()
			sc, done, err := newScanner(ctx, &sf)
			if err != nil {
				return err
			}
			defer done()
			sc.Now = e.now
			st := sc.Store.(*store.Store)
			c, err := loadCase(ctx, st, args[0])
			if err != nil {
				return err
			}
			if err := c.CanFollowUp(); err != nil {
				return caseError(err)
			}
			stamp := f.stamp(e)
			res := followUpResult{Case: c.ID, Removed: []cases.Claim{}, Remaining: []cases.Claim{}, New: []cases.Claim{}, Unreachable: []cases.Claim{}}
			relied := map[string]string{}
			for _, id := range c.Relied() {
				for _, s := range c.Scans {
					if s.Scan == id {
						relied[s.Site] = id
					}
				}
			}
			var rec cases.FollowUpRecord
			var refs []cases.ScanRef
			for _, site := range c.Sites {
				var before cases.Evidence
				if id, ok := relied[site]; ok {
					if before, err = evidenceOf(ctx, st, id); err != nil {
						return err
					}
				} else {
					before = cases.Evidence{Site: site}
				}
				after, ref, err := followUpScan(ctx, sc, site, stamp.At)
				if err != nil {
					return err
				}
				if ref != nil {
					refs = append(refs, *ref)
				}
				cmp := cases.Compare(before, after)
				res.Sites = append(res.Sites, cmp)
				res.Removed = append(res.Removed, cmp.Removed...)
				res.Remaining = append(res.Remaining, cmp.Remaining...)
				res.New = append(res.New, cmp.New...)
				res.Unreachable = append(res.Unreachable, cmp.Unreachable...)
				rec.Comparisons = append(rec.Comparisons, cmp.Counts())
			}
			ev, err := c.RecordFollowUp(stamp, rec, refs)
			if err != nil {
				return caseError(err)
			}
			if err := st.AppendEvents(ctx, ev); err != nil {
				return caseError(err)
			}
			res.Date, res.State = c.FollowUps[len(c.FollowUps)-1].Date, c.State
			if f.format == "json" {
				return writeJSON(e.stdout, res)
			}
			printFollowUp(e, &res)
			return nil
		},
	}
	sf.register(c)
	f.register(c, false)
	return c
}

// followUpScan scans site again; a site that cannot be reached gives
// evidence of that, not an error, so that its claims are unreachable,
// never removed; it has no scan to attach (nil).
func followUpScan(ctx context.Context, sc *scan.Scanner, site string, at time.Time) (cases.Evidence, *cases.ScanRef, error) {
	r, err := sc.Scan(ctx, site)
	switch {
	case errors.Is(err, crawl.ErrUnreachable) || errors.Is(err, scan.ErrNotHTML):
		return cases.Unreachable(site, "", at, oneLine(err.Error())), nil, nil
	case err != nil:
		return cases.Evidence{}, nil, scanError(err)
	}
	ref := scanRef(r)
	return reportEvidence(r), &ref, nil
}

func printFollowUp(e *env, r *followUpResult) {
	w := e.stdout
	fmt.Fprintf(w, "case        %s (%s), follow-up of %s\n", r.Case, r.State, r.Date)
	for _, s := range r.Sites {
		scanned := "scan " + s.Scan
		if s.Scan == "" {
			scanned = "unreachable, not scanned"
		}
		fmt.Fprintf(w, "site        %s (%s, compared with %s)\n", s.Site, scanned, orDash(s.Relied))
		fmt.Fprintf(w, "            removed %d, remaining %d, new %d, unreachable %d\n", len(s.Removed), len(s.Remaining), len(s.New), len(s.Unreachable))
		for _, p := range s.UnreachablePages {
			fmt.Fprintf(w, "  unreachable page %s: %s\n", p.URL, p.Reason)
		}
		for _, l := range []struct {
			name string
			cs   []cases.Claim
		}{{"removed", s.Removed}, {"remaining", s.Remaining}, {"new", s.New}, {"unreachable", s.Unreachable}} {
			for _, c := range l.cs {
				fmt.Fprintf(w, "  %-11s %-12s « %s »\n              %s\n", l.name, c.Category, c.Quote, c.URL)
			}
		}
	}
}
