package main

import (
	"time"

	"github.com/spf13/cobra"
)

func trainCmd(e *env) *cobra.Command {
	var rulesDir, data string
	c := &cobra.Command{
		Use:   "train DIR",
		Short: "Learn the page verdict's weights from a labelled corpus (DIR/labels.json) and print them as rules/verdict.tsv",
		Long: `Learn the page verdict's weights from a labelled corpus (DIR/labels.json) and print
them as a verdict.tsv, to embed (internal/claims/rules/) or to pass in a --rules directory.
The features are those of the rules in use; training is deterministic.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			an, _, err := newAnalyzer(rulesDir, data)
			if err != nil {
				return err
			}
			if err := an.TrainVerdict(args[0], time.Now().UTC(), e.stdout); err != nil {
				return inputErr(err)
			}
			return nil
		},
	}
	c.Flags().StringVar(&rulesDir, "rules", "", "directory of rule files that add to or replace the embedded ones")
	c.Flags().StringVar(&data, "data", "", "data directory whose registry imports are used (default as for scan)")
	return c
}
