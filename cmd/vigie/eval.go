package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"vigie/internal/claims"
)

func evalCmd(e *env) *cobra.Command {
	var format, rulesDir, data string
	c := &cobra.Command{
		Use:   "eval DIR",
		Short: "Measure claim detection on a labelled corpus (DIR/labels.json): per-category precision and recall, page confusion table",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			an, _, err := newAnalyzer(rulesDir, data)
			if err != nil {
				return err
			}
			ev, err := an.Evaluate(args[0], time.Now().UTC())
			if err != nil {
				return inputErr(err)
			}
			if format == "json" {
				return writeJSON(e.stdout, ev)
			}
			printEvaluation(e.stdout, ev)
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	c.Flags().StringVar(&rulesDir, "rules", "", "directory of rule files that add to or replace the embedded ones")
	c.Flags().StringVar(&data, "data", "", "data directory whose registry imports are used (default as for scan)")
	return c
}

func printEvaluation(w io.Writer, ev *claims.Evaluation) {
	c := ev.Confusion
	fmt.Fprintf(w, "pages            %d\n", ev.Pages)
	fmt.Fprintf(w, "page verdict     accuracy %.3f\n", ev.Accuracy)
	fmt.Fprintf(w, "                 %-22s %s\n", "", "predicted")
	fmt.Fprintf(w, "                 %-22s %-12s %s\n", "labelled", "promotional", "not")
	fmt.Fprintf(w, "                 %-22s %-12d %d\n", "promotional", c.TruePositive, c.FalseNegative)
	fmt.Fprintf(w, "                 %-22s %-12d %d\n", "not promotional", c.FalsePositive, c.TrueNegative)
	fmt.Fprintf(w, "french public    accuracy %.3f\n", ev.Audience)
	fmt.Fprintf(w, "categories       %-13s %9s %9s %5s %5s %5s\n", "(promotional)", "precision", "recall", "tp", "fp", "fn")
	for _, name := range claims.Categories {
		s := ev.Category[name]
		fmt.Fprintf(w, "                 %-13s %9.3f %9.3f %5d %5d %5d\n", name, s.Precision, s.Recall, s.TruePositive, s.FalsePositive, s.FalseNegative)
	}
	p, r := ev.Micro()
	fmt.Fprintf(w, "                 %-13s %9.3f %9.3f\n", "all", p, r)
	if len(ev.Errors) > 0 {
		fmt.Fprintln(w, "errors")
		for _, pe := range ev.Errors {
			fmt.Fprintf(w, "  %s  promotional=%v  missing=%v  extra=%v\n", pe.File, pe.Promotional, pe.Missing, pe.Extra)
		}
	}
}
