package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"vigie/internal/classify"
)

func classifyCmd(e *env) *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "classify FILE|-",
		Short: "Classify a product description (YAML or JSON) under the ATMP definitions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			body, err := readInput(e, args[0])
			if err != nil {
				return err
			}
			p, err := classify.Parse(bytes.NewReader(body))
			if err != nil {
				return inputErr(fmt.Errorf("%s: %w", args[0], err))
			}
			r := classify.Classify(p)
			if format == "json" {
				return writeJSON(e.stdout, r)
			}
			fmt.Fprintf(e.stdout, "product     %s\n", orDash(r.Name))
			fmt.Fprintf(e.stdout, "class       %s\n", r.Class)
			fmt.Fprintf(e.stdout, "atmp        %s\nmedicinal   %s\n", yesNo(r.ATMP), yesNo(r.Medicinal))
			if len(r.Missing) > 0 {
				fmt.Fprintf(e.stdout, "missing     %s\n", strings.Join(r.Missing, ", "))
			}
			fmt.Fprintln(e.stdout, "grounds")
			for _, g := range r.Grounds {
				fmt.Fprintf(e.stdout, "  - %s\n", g.Text)
				if len(g.Articles) > 0 {
					fmt.Fprintf(e.stdout, "    (%s)\n", strings.Join(g.Articles, " ; "))
				}
			}
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return c
}
