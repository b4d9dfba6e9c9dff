package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"vigie/internal/demo"
	"vigie/internal/scan"
)

func demoCmd(e *env) *cobra.Command {
	var f scanFlags
	c := &cobra.Command{
		Use:   "demo",
		Short: "Serve the bundled demo websites on loopback, scan them and print their reports",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// The demo sites are ours and on loopback: no politeness delay.
			f.allowPrivate, f.rate = true, -1
			if err := f.check(); err != nil {
				return err
			}
			srv, err := demo.Serve()
			if err != nil {
				return err
			}
			defer srv.Close()
			sc, done, err := newScanner(cmd.Context(), &f)
			if err != nil {
				return err
			}
			defer done()
			var reports []*scan.SiteReport
			var unexpected []string
			for _, site := range srv.Sites {
				r, err := sc.Scan(cmd.Context(), site.URL)
				if err != nil {
					return fmt.Errorf("demo site %s: %w", site.Name, err)
				}
				reports = append(reports, r)
				if r.Qualification.Verdict != site.Verdict {
					unexpected = append(unexpected, fmt.Sprintf("%s: %s, expected %s", site.Name, r.Qualification.Verdict, site.Verdict))
				}
			}
			if err := printSites(e, f.format, reports); err != nil {
				return err
			}
			// With --format json, stdout holds one JSON document only.
			out := e.stdout
			if f.format == "json" {
				out = e.stderr
			}
			fmt.Fprintf(out, "\nvigie demo: %d sites scanned; database %s; archives under %s\n",
				len(reports), filepath.Join(sc.DataDir, "vigie.db"), filepath.Join(sc.DataDir, "archives"))
			if len(unexpected) > 0 {
				return &exitError{1, fmt.Errorf("demo verdicts differ from those expected: %v", unexpected)}
			}
			return nil
		},
	}
	f.register(c)
	c.Flags().MarkHidden("allow-private")
	c.Flags().MarkHidden("rate")
	return c
}
