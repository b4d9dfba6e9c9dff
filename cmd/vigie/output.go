package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"vigie/internal/claims"
	"vigie/internal/scan"
)

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func printPageReport(w io.Writer, r *claims.Report) {
	fmt.Fprintf(w, "page        %s\n", orDash(r.URL))
	fmt.Fprintf(w, "title       %s\n", orDash(r.Title))
	fmt.Fprintf(w, "language    %s\n", orDash(r.Lang))
	fmt.Fprintf(w, "promotional %s (score %.2f, voice %s)\n", yesNo(r.Promotional), r.Score, r.Voice)
	var feats []string
	for _, f := range r.Features {
		feats = append(feats, fmt.Sprintf("%s=%g×%g", f.Name, f.Value, f.Weight))
	}
	fmt.Fprintf(w, "            %s\n", strings.Join(feats, "  "))
	fmt.Fprintf(w, "audience    French public: %s (%s)\n", yesNo(r.Audience.FrenchPublic), orDash(strings.Join(r.Audience.Signals, ", ")))
	printTherapies(w, r.Therapies)
	printClaims(w, r.Claims, nil)
	if r.Text != "" {
		fmt.Fprintf(w, "\ntext\n%s\n", r.Text)
	}
}

func printTherapies(w io.Writer, ts []claims.Therapy) {
	if len(ts) == 0 {
		fmt.Fprintln(w, "therapies   none named")
		return
	}
	for i, t := range ts {
		label := "therapies  "
		if i > 0 {
			label = "           "
		}
		auth := "not authorised"
		if t.Authorised {
			auth = "authorised"
		}
		fmt.Fprintf(w, "%s %s [%s, %s]\n", label, t.Name, t.Class, auth)
	}
}

// printClaims lists claims; where is an optional label per claim (its page).
func printClaims(w io.Writer, cs []claims.Claim, where func(i int) string) {
	fmt.Fprintf(w, "claims      %d\n", len(cs))
	for i, c := range cs {
		item := ""
		if c.R5122 != "" {
			item = ", R.5122-4 " + c.R5122
		}
		fmt.Fprintf(w, "  [%d] %-12s %-11s %s%s\n", i, c.Category, c.Stance, c.Rule, item)
		fmt.Fprintf(w, "      « %s »\n", c.Quote)
		if where != nil {
			fmt.Fprintf(w, "      %s\n", where(i))
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func printSiteReport(w io.Writer, r *scan.SiteReport) {
	q := r.Qualification
	fmt.Fprintf(w, "site        %s\n", r.URL)
	fmt.Fprintf(w, "scan        %s (%s → %s)\n", r.ID, r.Started.Format(time.RFC3339), r.Finished.Format(time.RFC3339))
	fmt.Fprintf(w, "archive     %s\n", r.Archive)
	fmt.Fprintf(w, "verdict     %s\n", strings.ToUpper(q.Verdict))
	if len(q.Missing) > 0 {
		fmt.Fprintf(w, "            not established: %s\n", strings.Join(q.Missing, ", "))
	}
	promo := 0
	for _, p := range r.Pages {
		if p.Promotional {
			promo++
		}
	}
	fmt.Fprintf(w, "pages       %d archived, %d promotional\n", len(r.Pages), promo)
	for _, p := range r.Pages {
		mark := " "
		if p.Promotional {
			mark = "P"
		}
		fmt.Fprintf(w, "  %s %3d %-2s %s  %s\n", mark, p.Status, orDash(p.Lang), p.URL, p.Record)
	}
	for _, c := range r.Cut {
		fmt.Fprintf(w, "  cut: %s\n", c)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "  not fetched: %s: %s\n", e.URL, e.Err)
	}
	fmt.Fprintf(w, "audience    French public: %s (%s)\n", yesNo(r.Audience.FrenchPublic), orDash(strings.Join(r.Audience.Signals, ", ")))
	printTherapies(w, r.Therapies)
	fmt.Fprintf(w, "registry    snapshot of %s, %s\n", q.Registry.Date, q.Registry.Digest)
	fmt.Fprintln(w, "grounds")
	for _, g := range q.Grounds {
		mark := "[ ]"
		if g.Holds {
			mark = "[x]"
		}
		arts := ""
		if len(g.Articles) > 0 {
			arts = " (" + strings.Join(g.Articles, ", ") + ")"
		}
		fmt.Fprintf(w, "  %s %s%s\n", mark, g.ID, arts)
		fmt.Fprintf(w, "      %s\n", g.Text)
		if len(g.Claims) > 0 {
			var ids []string
			for _, i := range g.Claims {
				ids = append(ids, fmt.Sprint(i))
			}
			fmt.Fprintf(w, "      claims %s\n", strings.Join(ids, ", "))
		}
	}
	if len(q.Violations) > 0 {
		fmt.Fprintln(w, "violations")
		for _, v := range q.Violations {
			fmt.Fprintf(w, "  %s: %s\n", strings.Join(v.Articles, ", "), v.Text)
		}
	}
	cs := make([]claims.Claim, len(r.Claims))
	for i, c := range r.Claims {
		cs[i] = c.Claim
	}
	printClaims(w, cs, func(i int) string {
		return fmt.Sprintf("%s  %s  %s", r.Claims[i].URL, r.Claims[i].Record, r.Claims[i].Captured.Format(time.RFC3339))
	})
}
