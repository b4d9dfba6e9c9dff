package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"vigie/internal/claims"
	"vigie/internal/extract"
	"vigie/internal/registry"
)

// maxDocument bounds what analyze reads from a file or stdin.
const maxDocument = 64 << 20

func analyzeCmd(e *env) *cobra.Command {
	var format, pageURL, rulesDir, data string
	var withText bool
	c := &cobra.Command{
		Use:   "analyze FILE|-",
		Short: "Analyse one document (HTML or plain text) offline and print its page report",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			body, err := readInput(e, args[0])
			if err != nil {
				return err
			}
			an, _, err := newAnalyzer(rulesDir, data)
			if err != nil {
				return err
			}
			doc, err := extract.Parse(body, "", "", pageURL, extract.Options{})
			if err != nil {
				return inputErr(fmt.Errorf("%s: %w", args[0], err))
			}
			rep := an.Analyze(doc, time.Now().UTC())
			if withText {
				rep.Text = doc.Text
			}
			if format == "json" {
				return writeJSON(e.stdout, rep)
			}
			printPageReport(e.stdout, rep)
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	c.Flags().StringVar(&pageURL, "url", "", "the address the document was served from (for links and audience signals)")
	c.Flags().BoolVar(&withText, "text", false, "include the extracted text in the report")
	c.Flags().StringVar(&rulesDir, "rules", "", "directory of rule files that add to or replace the embedded ones")
	c.Flags().StringVar(&data, "data", "", "data directory whose registry imports are used (default as for scan)")
	return c
}

// readInput reads a named file, or stdin for "-", bounded.
func readInput(e *env, name string) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, inputErr(fmt.Errorf("%s: no such file", name))
			}
			return nil, inputErr(err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return nil, inputErr(fmt.Errorf("%s is a directory, not a document", name))
		}
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
	if err != nil {
		return nil, inputErr(fmt.Errorf("read %s: %w", name, err))
	}
	if len(b) > maxDocument {
		return nil, inputErr(fmt.Errorf("%s: larger than %d MiB", name, maxDocument>>20))
	}
	return b, nil
}

// newAnalyzer builds the analyzer from the embedded rules (and rulesDir's)
// and the registry of the data directory (see openRegistry), which it also
// returns: the analysis and the qualification rely on one registry.
func newAnalyzer(rulesDir, dataFlag string) (*claims.Analyzer, *registry.Registry, error) {
	var rules *claims.Rules
	var err error
	if rulesDir == "" {
		rules, err = claims.DefaultRules()
	} else {
		rules, err = claims.LoadRulesWithDefaults(rulesDir)
	}
	if err != nil {
		return nil, nil, inputErr(err)
	}
	reg, err := openRegistry(dataFlag)
	if err != nil {
		return nil, nil, err
	}
	return &claims.Analyzer{Rules: rules, Registry: reg}, reg, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
