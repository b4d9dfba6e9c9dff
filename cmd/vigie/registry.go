package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"vigie/internal/registry"
)

// registryFolder is where imports live in the data directory.
const registryFolder = "registry"

// openRegistry returns the registry Vigie relies on: the embedded seed
// merged with the latest imports in the data directory.
func openRegistry(dataFlag string) (*registry.Registry, error) {
	dir, err := dataDir(dataFlag)
	if err != nil {
		return nil, err
	}
	reg, err := registry.Load(filepath.Join(dir, registryFolder))
	if err != nil {
		return nil, inputErr(err)
	}
	return reg, nil
}

func registryCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "registry",
		Short: "Look up whether a therapy is authorised; import the EMA's and the BDPM's registers",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErr("unknown command %q for \"vigie registry\": want import or lookup", args[0])
			}
			return cmd.Help()
		},
	}
	c.AddCommand(registryLookupCmd(e), registryImportCmd(e))
	return c
}

func registryLookupCmd(e *env) *cobra.Command {
	var format, at, data string
	c := &cobra.Command{
		Use:   "lookup NAME…",
		Short: "Say whether the products a name (brand, INN, synonym, therapy id) designates are authorised at a date",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			day := time.Now().UTC()
			if at != "" {
				var err error
				if day, err = time.Parse(time.DateOnly, at); err != nil {
					return usageErr("--at %q: want a date YYYY-MM-DD", at)
				}
			}
			reg, err := openRegistry(data)
			if err != nil {
				return err
			}
			ans := reg.Check(strings.Join(args, " "), day)
			if format == "json" {
				return writeJSON(e.stdout, ans)
			}
			printAnswer(e.stdout, ans)
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	c.Flags().StringVar(&at, "at", "", "the date to check, YYYY-MM-DD (default today)")
	c.Flags().StringVar(&data, "data", "", "data directory whose imports complete the embedded registry (default as for scan)")
	return c
}

func registryImportCmd(e *env) *cobra.Command {
	var format, emaFile, bdpmDir, asOf, data string
	c := &cobra.Command{
		Use:   "import --ema FILE | --bdpm DIR",
		Short: "Import the EMA's medicines spreadsheet or the French BDPM files into the data directory",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if emaFile == "" && bdpmDir == "" {
				return usageErr("registry import: give --ema FILE or --bdpm DIR")
			}
			opts := registry.ImportOptions{}
			if asOf != "" {
				t, err := time.Parse(time.DateOnly, asOf)
				if err != nil {
					return usageErr("--as-of %q: want a date YYYY-MM-DD", asOf)
				}
				opts.AsOf = registry.DateOf(t)
			}
			base, err := dataDir(data)
			if err != nil {
				return err
			}
			dir := filepath.Join(base, registryFolder)
			var reports []importReport
			for _, src := range []struct {
				kind, path string
				read       func(string, registry.ImportOptions) (*registry.Import, error)
			}{{registry.KindEMA, emaFile, registry.ReadEMA}, {registry.KindBDPM, bdpmDir, registry.ReadBDPM}} {
				if src.path == "" {
					continue
				}
				rep, err := importOne(dir, src.kind, src.path, src.read, opts)
				if err != nil {
					return err
				}
				reports = append(reports, rep)
			}
			reg, err := registry.Load(dir)
			if err != nil {
				return err
			}
			date, digest := reg.Snapshot()
			out := importOutput{Imports: reports, Snapshot: registry.Snapshot{Date: date, Digest: digest, Parts: reg.Parts()}}
			if format == "json" {
				return writeJSON(e.stdout, out)
			}
			printImports(e.stdout, out)
			return nil
		},
	}
	c.Flags().StringVar(&emaFile, "ema", "", "the EMA's \"Medicines output — European public assessment reports\" spreadsheet (xlsx)")
	c.Flags().StringVar(&bdpmDir, "bdpm", "", "a folder with the BDPM's CIS_bdpm.txt (and CIS_COMPO_bdpm.txt)")
	c.Flags().StringVar(&asOf, "as-of", "", "the date the files were downloaded, YYYY-MM-DD (default today): an end reported without its date is known by then")
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	c.Flags().StringVar(&data, "data", "", "data directory to import into (default as for scan)")
	return c
}

// importOutput is the JSON of `vigie registry import`.
type importOutput struct {
	Imports  []importReport    `json:"imports"`
	Snapshot registry.Snapshot `json:"snapshot"`
}

type importReport struct {
	Kind     string                `json:"kind"`
	Source   string                `json:"source"` // the file or folder read
	Files    []registry.SourceFile `json:"files"`
	Products int                   `json:"products"`
	Matched  int                   `json:"matched"`
	Added    int                   `json:"added"`
	Skipped  []registry.Skip       `json:"skipped"`
	Saved    string                `json:"saved"`
}

// importOne reads one source, checks that it merges, and saves it.
func importOne(dir, kind, path string, read func(string, registry.ImportOptions) (*registry.Import, error), opts registry.ImportOptions) (importReport, error) {
	im, err := read(path, opts)
	if errors.Is(err, fs.ErrNotExist) {
		return importReport{}, inputErr(fmt.Errorf("%s: no such file", path))
	}
	if err != nil {
		return importReport{}, inputErr(err) // the file given is not what it should be
	}
	reg, err := registry.LoadWith(dir, im)
	if err != nil {
		return importReport{}, err
	}
	saved, err := registry.Save(dir, im)
	if err != nil {
		return importReport{}, err
	}
	rep := importReport{Kind: kind, Source: path, Files: im.Files, Products: len(im.Products), Skipped: im.Skipped, Saved: saved}
	for _, info := range reg.Imports() {
		if info.Kind == kind {
			rep.Matched, rep.Added = info.Matched, info.Added
		}
	}
	return rep, nil
}

var kindTitle = map[string]string{
	registry.KindEMA:  "EMA medicines output",
	registry.KindBDPM: "BDPM",
}

// maxRowsShown bounds the row numbers listed per skip reason.
const maxRowsShown = 10

func printImports(w io.Writer, out importOutput) {
	for _, r := range out.Imports {
		fmt.Fprintf(w, "%-11s %s\n", r.Kind, kindTitle[r.Kind]+" "+r.Source)
		for _, f := range r.Files {
			fmt.Fprintf(w, "  read      %s (%d bytes, sha256 %s)\n", f.Name, f.Size, f.SHA256)
		}
		fmt.Fprintf(w, "  products  %d: %d merged into known products, %d new\n", r.Products, r.Matched, r.Added)
		unit := "row" // of a spreadsheet
		if r.Kind == registry.KindBDPM {
			unit = "line"
		}
		n := 0
		for _, s := range r.Skipped {
			n += len(s.Rows)
		}
		fmt.Fprintf(w, "  skipped   %s\n", plural(n, unit))
		for _, s := range r.Skipped {
			fmt.Fprintf(w, "            %s, %s: %s\n", s.File, s.Reason, rowList(unit, s.Rows))
		}
		fmt.Fprintf(w, "  saved     %s\n", r.Saved)
	}
	fmt.Fprintf(w, "%-11s %s %s\n", "registry", out.Snapshot.Date, out.Snapshot.Digest)
}

// rowList says which rows, the first few by number.
func rowList(unit string, rows []int) string {
	if len(rows) != 1 {
		unit += "s"
	}
	var nums []string
	for i, r := range rows {
		if i == maxRowsShown {
			nums = append(nums, fmt.Sprintf("… (%d in all)", len(rows)))
			break
		}
		nums = append(nums, fmt.Sprint(r))
	}
	return unit + " " + strings.Join(nums, ", ")
}

func plural(n int, unit string) string {
	if n != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", n, unit)
}

func printAnswer(w io.Writer, a registry.Answer) {
	fmt.Fprintf(w, "query       %s\n", a.Query)
	fmt.Fprintf(w, "date        %s\n", a.At)
	var authorised []string
	for _, m := range a.Matches {
		state := "not authorised"
		if m.Authorised {
			state = "authorised"
			authorised = append(authorised, m.Name)
		}
		name := m.Name
		if m.INN != "" {
			name += " (" + m.INN + ")"
		}
		fmt.Fprintf(w, "product     %s [%s, %s]\n", name, m.Class, state)
		for _, au := range m.Authorisations {
			fmt.Fprintf(w, "            %s\n", describe(au))
			fmt.Fprintf(w, "              source: %s\n", au.Source)
		}
	}
	switch {
	case len(a.Matches) == 0:
		fmt.Fprintf(w, "result      no authorised product: nothing in the registry is called %q\n", a.Query)
	case len(authorised) == 0:
		fmt.Fprintf(w, "result      no authorised product on %s\n", a.At)
	default:
		fmt.Fprintf(w, "result      authorised on %s: %s\n", a.At, strings.Join(authorised, "; "))
	}
	fmt.Fprintf(w, "registry    %s %s\n", a.Snapshot.Date, a.Snapshot.Digest)
}

// describe says one authorisation in a line.
func describe(a registry.Authorisation) string {
	s := string(a.Route)
	if a.Country != "" {
		s += " (" + a.Country + ")"
	}
	s += ": " + string(a.Status)
	var facts []string
	if a.Status == registry.StatusRefused {
		facts = append(facts, "on "+a.Since.String())
	} else if !a.Since.IsZero() {
		facts = append(facts, "granted "+a.Since.String())
	}
	if !a.Suspended.IsZero() {
		facts = append(facts, "suspended "+a.Suspended.String())
	}
	if !a.Until.IsZero() {
		facts = append(facts, "ended "+a.Until.String())
	}
	if a.Number != "" {
		facts = append(facts, a.Number)
	}
	if len(facts) > 0 {
		s += " (" + strings.Join(facts, ", ") + ")"
	}
	return s
}
