package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"vigie/internal/cases"
	"vigie/internal/drafting"
	"vigie/internal/render"
	"vigie/internal/store"
)

// docFlags are the flags of the commands that draft documents.
type docFlags struct {
	templates, place string
	timeout          time.Duration
}

func (f *docFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.templates, "templates", "", "directory of templates that replace the embedded ones")
	c.Flags().StringVar(&f.place, "place", "", `where the documents are signed (default "Saint-Denis")`)
	c.Flags().DurationVar(&f.timeout, "timeout", 60*time.Second, "time allowed for printing one PDF")
}

// drafter drafts the documents of cases from one store.
type drafter struct {
	st    *store.Store
	tpl   *drafting.Templates
	pdf   pdfPrinter // nil: no PDF
	place string
	now   time.Time
}

// newDrafter loads the templates and, withPDF, starts headless Chromium;
// the caller calls close.
func newDrafter(ctx context.Context, e *env, st *store.Store, f *docFlags, withPDF bool) (*drafter, error) {
	tpl, err := drafting.LoadTemplates(f.templates)
	if err != nil {
		return nil, inputErr(err)
	}
	d := &drafter{st: st, tpl: tpl, place: f.place, now: e.now()}
	if withPDF {
		rd, err := render.New(ctx, render.Options{Timeout: f.timeout})
		if err != nil {
			return nil, fmt.Errorf("pdf needs headless Chromium (Debian package chromium): %w", err)
		}
		d.pdf = rd
	}
	return d, nil
}

func (d *drafter) close() {
	if d.pdf != nil {
		d.pdf.Close()
	}
}

// pdfPrinter prints HTML documents to PDF; render.Renderer is one.
type pdfPrinter interface {
	PrintPDF(ctx context.Context, html []byte) ([]byte, error)
	Close() error
}

func caseDraftCmd(e *env) *cobra.Command {
	var f caseFlags
	var df docFlags
	var out string
	c := &cobra.Command{
		Use:   "draft ID letter|decision|notice --format md|html|pdf --out FILE",
		Short: "Draft the letter of intent, the decision or the public notice, in French, from the case and its evidence",
		Long: `Drafts a document of the case from its templates (embedded; --templates DIR
replaces any of them by a file of the same name: letter.md.tmpl, decision.html.tmpl…).
The grounds quote the claims of the archived pages the document relies on: the
letter's scans for the letter, the decision's (or, before the decision, the latest)
for the decision and the notice. PDF is the HTML printed by headless Chromium.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(f.format, drafting.Markdown, drafting.HTML, "pdf"); err != nil {
				return err
			}
			doc := args[1]
			if doc != drafting.Letter && doc != drafting.Decision && doc != drafting.Notice {
				return usageErr("document %q: want letter, decision or notice", doc)
			}
			if out == "" {
				return usageErr("case draft needs --out FILE")
			}
			ctx := cmd.Context()
			st, c, err := openCase(ctx, f.data, args[0])
			if err != nil {
				return err
			}
			defer st.Close()
			d, err := newDrafter(ctx, e, st, &df, f.format == "pdf")
			if err != nil {
				return err
			}
			defer d.close()
			b, err := d.draft(ctx, c, doc, f.format)
			if err != nil {
				return err
			}
			if err := writeSynced(out, b); err != nil {
				return inputErr(fmt.Errorf("--out: %w", err))
			}
			return nil
		},
	}
	c.Flags().StringVar(&f.format, "format", "md", "md, html or pdf")
	c.Flags().StringVar(&f.data, "data", "", "directory of the database and archives (default $VIGIE_DATA, else $XDG_DATA_HOME/vigie, else ~/.local/share/vigie)")
	c.Flags().StringVar(&out, "out", "", "the file to write")
	df.register(c)
	return c
}

// draft drafts one document of a case in one format.
func (d *drafter) draft(ctx context.Context, c *cases.Case, doc, format string) ([]byte, error) {
	in, err := draftInput(ctx, d.st, c, doc, d.now)
	if err != nil {
		return nil, err
	}
	in.Place = d.place
	if format != "pdf" {
		b, err := d.tpl.Draft(doc, format, in)
		if errors.Is(err, drafting.ErrIncomplete) {
			return nil, inputErr(err)
		}
		return b, err
	}
	html, err := d.tpl.Draft(doc, drafting.HTML, in)
	if errors.Is(err, drafting.ErrIncomplete) {
		return nil, inputErr(err)
	}
	if err != nil {
		return nil, err
	}
	return d.pdf.PrintPDF(ctx, html)
}

// draftInput gathers what a document relies on: for a letter, the scans
// of the latest letter; for a decision or notice, the decision's scans (or,
// before the decision, the latest scan of each site), compared with the
// letter's when they are later, so that the grounds say which claims
// remain to this day.
func draftInput(ctx context.Context, st *store.Store, c *cases.Case, doc string, now time.Time) (drafting.Input, error) {
	in := drafting.Input{Case: c, Date: now.UTC()}
	var ids, letterScans []string
	if n := len(c.Letters); n > 0 {
		letterScans = c.Letters[n-1].Scans
	}
	switch {
	case doc == drafting.Letter && letterScans != nil:
		ids = letterScans
		in.Date = mustDate(c.Letters[len(c.Letters)-1].Date, in.Date)
	case doc != drafting.Letter && c.Decision != nil:
		ids = c.Decision.Scans
		in.Date = mustDate(c.Decision.Date, in.Date)
	case doc != drafting.Letter:
		// A draft decision relies on what the decision would rely on.
		var err error
		if ids, err = c.DecisionScans(); err != nil {
			return in, caseError(err)
		}
	default:
		ids = c.LatestScans()
	}
	if len(ids) == 0 {
		return in, inputErr(fmt.Errorf("case %s has no scan to draft from: scan its sites first", c.ID))
	}
	before := map[string]cases.Evidence{}
	if doc != drafting.Letter {
		for _, id := range letterScans {
			ev, err := evidenceOf(ctx, st, id)
			if err != nil {
				return in, err
			}
			before[ev.Site] = ev
		}
	}
	for _, id := range ids {
		ev, err := evidenceOf(ctx, st, id)
		if err != nil {
			return in, err
		}
		in.Evidence = append(in.Evidence, ev)
		if b, ok := before[ev.Site]; ok && b.Scan != ev.Scan {
			in.Since = append(in.Since, cases.Compare(b, ev))
		}
	}
	return in, nil
}

// mustDate parses a date recorded by the cases package, which checked it.
func mustDate(s string, fallback time.Time) time.Time {
	t, err := cases.ParseDate(s)
	if err != nil {
		return fallback
	}
	return t
}
