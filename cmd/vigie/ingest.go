package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"vigie/internal/evidence"
	"vigie/internal/scan"
	"vigie/internal/store"
)

func ingestCmd(e *env) *cobra.Command {
	var format, data, rulesDir string
	c := &cobra.Command{
		Use:   "ingest FILE.warc[.gz]…",
		Short: "Analyse the pages of WARC files made by any crawler (wget, Heritrix, Vigie…); print and store the site reports",
		Long: `Reads the response records of WARC files (WARC 1.0 or 1.1, gzip-compressed or
not), decodes the HTML pages they hold, analyses them, groups them by site and
qualifies each site, as vigie scan does after a crawl. Each page and claim
points to its record (id, file, offset). The reports are stored under --data,
each with a new scan id, their archive being the directory of the WARC file.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			for _, a := range args {
				st, err := os.Stat(a)
				if err != nil {
					return inputErr(fmt.Errorf("%s: no such file", a))
				}
				if st.IsDir() {
					return inputErr(fmt.Errorf("%s is a directory, not a WARC file", a))
				}
			}
			dir, err := dataDir(data)
			if err != nil {
				return err
			}
			an, reg, err := newAnalyzer(rulesDir, dir)
			if err != nil {
				return err
			}
			st, err := store.Open(cmd.Context(), filepath.Join(dir, "vigie.db"))
			if err != nil {
				return err
			}
			defer st.Close()
			sc := &scan.Scanner{Analyzer: an, Registry: reg, Store: st, DataDir: dir}
			reports, err := sc.Ingest(cmd.Context(), args)
			if errors.Is(err, evidence.ErrCorrupt) || errors.Is(err, scan.ErrNoPages) || errors.Is(err, os.ErrNotExist) {
				return inputErr(err)
			}
			if err != nil {
				return err
			}
			return printSites(e, format, reports)
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	c.Flags().StringVar(&data, "data", "", "directory of the database and archives (default $VIGIE_DATA, else $XDG_DATA_HOME/vigie, else ~/.local/share/vigie)")
	c.Flags().StringVar(&rulesDir, "rules", "", "directory of rule files that add to or replace the embedded ones")
	return c
}
