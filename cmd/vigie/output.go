package main

import (
	"fmt"
	"io"
	"strings"

	"vigie/internal/claims"
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
