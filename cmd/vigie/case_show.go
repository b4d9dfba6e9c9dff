package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"vigie/internal/cases"
	"vigie/internal/store"
)

// caseView is a case as vigie case show prints it (DESIGN.md: the state,
// the company, the sites, the dates and the events).
type caseView struct {
	ID           string                 `json:"id"`
	State        string                 `json:"state"`
	Company      cases.Company          `json:"company"`
	Sites        []string               `json:"sites"`
	Therapy      string                 `json:"therapy,omitempty"`
	Source       *cases.Source          `json:"source,omitempty"`
	Dates        caseDates              `json:"dates"`
	Scans        []cases.ScanRef        `json:"scans"`
	Letters      []cases.Letter         `json:"letters"`
	Observations []cases.Observation    `json:"observations"`
	Decision     *cases.Decision        `json:"decision,omitempty"`
	Publication  *cases.Publication     `json:"publication,omitempty"`
	FollowUps    []cases.FollowUpRecord `json:"follow_ups"`
	ClosedReason string                 `json:"closed_reason,omitempty"`
	Deadlines    []cases.Deadline       `json:"deadlines"`
	Overdue      bool                   `json:"overdue"`
	Head         string                 `json:"head"` // hash of the last event
	Events       []cases.Event          `json:"events"`
}

// caseDates are the dates of the procedure, YYYY-MM-DD but for opened.
type caseDates struct {
	Opened       time.Time `json:"opened"`
	Signal       string    `json:"signal,omitempty"`
	Letter       string    `json:"letter,omitempty"`
	Deadline     string    `json:"deadline,omitempty"`
	Observations []string  `json:"observations"`
	Decision     string    `json:"decision,omitempty"`
	Publication  string    `json:"publication,omitempty"`
	FollowUp     string    `json:"follow_up,omitempty"`
}

func viewCase(c *cases.Case, today time.Time) caseView {
	v := caseView{ID: c.ID, State: c.State, Company: c.Company, Sites: c.Sites, Therapy: c.Therapy, Source: c.Source,
		Scans: orEmpty(c.Scans), Letters: orEmpty(c.Letters), Observations: orEmpty(c.Observations), Decision: c.Decision,
		Publication: c.Publication, FollowUps: orEmpty(c.FollowUps), ClosedReason: c.ClosedReason,
		Deadlines: orEmpty(c.Deadlines(today)), Overdue: c.Overdue(today), Head: c.Head(), Events: c.Events}
	v.Dates = caseDates{Opened: c.Opened, Observations: []string{}}
	if c.Source != nil {
		v.Dates.Signal = c.Source.Date
	}
	if n := len(c.Letters); n > 0 {
		v.Dates.Letter, v.Dates.Deadline = c.Letters[n-1].Date, c.Letters[n-1].Deadline
	}
	for _, o := range c.Observations {
		v.Dates.Observations = append(v.Dates.Observations, o.Date)
	}
	if c.Decision != nil {
		v.Dates.Decision = c.Decision.Date
	}
	if c.Publication != nil {
		v.Dates.Publication = c.Publication.Date
	}
	if n := len(c.FollowUps); n > 0 {
		v.Dates.FollowUp = c.FollowUps[n-1].Date
	}
	return v
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func printCase(e *env, format string, c *cases.Case) error {
	v := viewCase(c, e.now())
	if format == "json" {
		return writeJSON(e.stdout, v)
	}
	printCaseText(e.stdout, &v)
	return nil
}

func printCaseText(w io.Writer, v *caseView) {
	fmt.Fprintf(w, "case         %s (%s)\n", v.ID, v.State)
	fmt.Fprintf(w, "company      %s\n", v.Company.Name)
	for _, a := range v.Company.Addresses {
		country := ""
		if a.Country != "" {
			country = " (" + a.Country + ")"
		}
		fmt.Fprintf(w, "             %s%s\n", strings.ReplaceAll(strings.TrimSpace(a.Text), "\n", "\n             "), country)
	}
	for i, s := range v.Sites {
		label := "sites       "
		if i > 0 {
			label = "            "
		}
		latest := "no scan"
		for _, r := range v.Scans {
			if r.Site == s {
				latest = fmt.Sprintf("latest scan %s, %s", r.Scan, r.Verdict)
			}
		}
		fmt.Fprintf(w, "%s %s (%s)\n", label, s, latest)
	}
	fmt.Fprintf(w, "therapy      %s\n", orDash(v.Therapy))
	if v.Source != nil {
		fmt.Fprintf(w, "source       %s %s\n", v.Source.Text, v.Source.Date)
	}
	for _, l := range v.Letters {
		signed := ""
		if l.Signatory != "" {
			signed = ", signed " + l.Signatory
		}
		fmt.Fprintf(w, "letter       %s, %s, observations until %s%s (relies on %s)\n", l.Date, l.Scope, l.Deadline, signed, strings.Join(l.Scans, ", "))
	}
	for _, o := range v.Observations {
		late := ""
		if o.Late {
			late = " [late]"
		}
		fmt.Fprintf(w, "observations %s %s%s: %s\n", o.Date, o.Kind, late, o.Summary)
		for _, a := range o.Attachments {
			fmt.Fprintf(w, "             attached %s (%d bytes, sha256:%s)\n", a.Name, a.Bytes, a.SHA256)
		}
	}
	if d := v.Decision; d != nil {
		urgent := ""
		if d.Urgent {
			urgent = ", urgent: " + d.Reason
		}
		fmt.Fprintf(w, "decision     %s, %s, signed %s (relies on %s)%s\n", d.Date, d.Scope, d.Signatory, strings.Join(d.Scans, ", "), urgent)
	}
	if v.Publication != nil {
		fmt.Fprintf(w, "publication  %s\n", v.Publication.Date)
	}
	for _, fu := range v.FollowUps {
		for _, s := range fu.Comparisons {
			fmt.Fprintf(w, "follow-up    %s %s: removed %d, remaining %d, new %d, unreachable %d\n", fu.Date, s.Site, s.Removed, s.Remaining, s.New, s.Unreachable)
		}
	}
	if v.ClosedReason != "" {
		fmt.Fprintf(w, "closed       %s\n", v.ClosedReason)
	}
	for _, d := range v.Deadlines {
		mark := ""
		if d.Overdue {
			mark = " OVERDUE"
		}
		fmt.Fprintf(w, "deadline     %s %s%s: %s\n", d.What, d.Date, mark, d.Action)
	}
	fmt.Fprintf(w, "events       %d, head %s\n", len(v.Events), v.Head)
	for _, ev := range v.Events {
		fmt.Fprintf(w, "  %2d %s %-12s %-11s %s → %s\n", ev.Seq, ev.At.Format(time.RFC3339), ev.Actor, ev.Kind, orDash(ev.Before), ev.After)
	}
}

func caseShowCmd(e *env) *cobra.Command {
	var f caseFlags
	c := &cobra.Command{
		Use:   "show ID",
		Short: "Print a case: state, company, sites, dates, deadlines and its events",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(f.format, "text", "json"); err != nil {
				return err
			}
			st, c, err := openCase(cmd.Context(), f.data, args[0])
			if err != nil {
				return err
			}
			defer st.Close()
			return printCase(e, f.format, c)
		},
	}
	f.register(c, true)
	return c
}

// caseLine is one case of vigie case list.
type caseLine struct {
	ID        string           `json:"id"`
	State     string           `json:"state"`
	Company   string           `json:"company"`
	Sites     []string         `json:"sites"`
	Deadlines []cases.Deadline `json:"deadlines"`
	Overdue   bool             `json:"overdue"`
	Error     string           `json:"error,omitempty"` // the case's log does not verify
}

func caseListCmd(e *env) *cobra.Command {
	var f caseFlags
	var overdueOnly bool
	c := &cobra.Command{
		Use:   "list",
		Short: "List the cases with their state and deadlines; overdue ones are flagged",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(f.format, "text", "json"); err != nil {
				return err
			}
			ctx := cmd.Context()
			st, _, err := openStore(ctx, f.data)
			if err != nil {
				return err
			}
			defer st.Close()
			ids, err := st.CaseIDs(ctx)
			if err != nil {
				return err
			}
			today := e.now()
			lines := []caseLine{}
			var bad error
			for _, id := range ids {
				c, err := st.Case(ctx, id)
				if err != nil {
					// One altered case does not hide the others.
					lines = append(lines, caseLine{ID: id, State: "?", Error: oneLine(err.Error()), Sites: []string{}, Deadlines: []cases.Deadline{}})
					bad = errors.Join(bad, err)
					continue
				}
				l := caseLine{ID: c.ID, State: c.State, Company: c.Company.Name, Sites: c.Sites,
					Deadlines: orEmpty(c.Deadlines(today)), Overdue: c.Overdue(today)}
				if overdueOnly && !l.Overdue {
					continue
				}
				lines = append(lines, l)
			}
			if f.format == "json" {
				if err := writeJSON(e.stdout, map[string]any{"cases": lines}); err != nil {
					return err
				}
			} else {
				for _, l := range lines {
					printCaseLine(e.stdout, &l)
				}
			}
			if bad != nil {
				return &exitError{1, fmt.Errorf("a case's log does not verify: %w", bad)}
			}
			return nil
		},
	}
	f.register(c, true)
	c.Flags().BoolVar(&overdueOnly, "overdue", false, "only the cases with a deadline passed")
	return c
}

func printCaseLine(w io.Writer, l *caseLine) {
	if l.Error != "" {
		fmt.Fprintf(w, "%s  ALTERED  %s\n", l.ID, l.Error)
		return
	}
	next := "-"
	for _, d := range l.Deadlines {
		next = d.What + " " + d.Date
		if d.Overdue {
			next += " OVERDUE"
		}
	}
	fmt.Fprintf(w, "%s  %-13s %-30s %-40s %s\n", l.ID, l.State, l.Company, strings.Join(l.Sites, " "), next)
}

func caseVerifyCmd(e *env) *cobra.Command {
	var f caseFlags
	var head string
	c := &cobra.Command{
		Use:   "verify ID [--head HASH]",
		Short: "Check a case's event log: exit 1 naming the first event edited, removed, added or reordered",
		Long: `Re-computes the hash of every event of the case and checks the chain. The chain
alone cannot show that its last events were removed: --head HASH (the head printed
on a document or in an evidence bundle) checks that the log still reaches it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(f.format, "text", "json"); err != nil {
				return err
			}
			st, _, err := openStore(cmd.Context(), f.data)
			if err != nil {
				return err
			}
			defer st.Close()
			events, err := st.CaseEvents(cmd.Context(), args[0])
			if errors.Is(err, store.ErrNotFound) {
				return inputErr(fmt.Errorf("no case %s", args[0]))
			}
			if err != nil {
				return err
			}
			verr := cases.Verify(args[0], events)
			if verr == nil && head != "" && !slices.ContainsFunc(events, func(ev cases.Event) bool { return ev.Hash == head }) {
				verr = fmt.Errorf("case %s: the log does not reach head %s: events recorded up to it were removed or rewritten: %w", args[0], head, cases.ErrTampered)
			}
			res := map[string]any{"case": args[0], "events": len(events), "ok": verr == nil}
			if verr == nil {
				res["head"] = events[len(events)-1].Hash
			} else {
				res["error"] = oneLine(verr.Error())
			}
			if f.format == "json" {
				if err := writeJSON(e.stdout, res); err != nil {
					return err
				}
			} else if verr == nil {
				fmt.Fprintf(e.stdout, "case %s: %d events, chain intact, head %s\n", args[0], len(events), res["head"])
			}
			if verr != nil {
				return &exitError{1, verr}
			}
			return nil
		},
	}
	f.register(c, true)
	c.Flags().StringVar(&head, "head", "", "a head the log must still reach (printed on the documents and in the bundle's manifest)")
	return c
}
