package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"vigie/internal/evidence"
)

// verifyReport is the JSON output of vigie verify.
type verifyReport struct {
	OK              bool         `json:"ok"`
	Archive         string       `json:"archive"`
	*evidence.Audit              // nil when a problem was found
	Tails           []tailView   `json:"incomplete_tails"`
	Problem         *problemView `json:"problem,omitempty"`
}

type tailView struct {
	evidence.Tail
	Lost string `json:"lost"`
}

type problemView struct {
	File     string `json:"file"`
	Offset   int64  `json:"offset"`           // -1: the whole file
	RecordID string `json:"record,omitempty"` // the record concerned
	Line     int    `json:"line,omitempty"`   // the ledger line concerned
	Reason   string `json:"reason"`
}

func verifyCmd(e *env) *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "verify DIR|FILE",
		Short: "Check an evidence archive; exit 1 and name the first bad record if anything was altered",
		Long: `Re-reads every record of every WARC file of an archive directory (or one WARC
file, with the ledger beside it), checks its block and payload digests, checks
that the records are exactly those the ledger lists (order, ids, offsets,
digests), the ledger's hash chain, and the size and SHA-256 of closed files.
Exits 1 naming the first altered record, file or ledger line. What a capture
killed at any moment leaves unfinished (an incomplete tail) is reported, and
is not an alteration.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			a, err := evidence.VerifyArchive(args[0])
			var ae *evidence.AlterationError
			switch {
			case errors.As(err, &ae):
				if format == "json" {
					abs, _ := filepath.Abs(args[0])
					rep := verifyReport{Archive: abs, Tails: []tailView{},
						Problem: &problemView{File: ae.File, Offset: ae.Offset, RecordID: ae.RecordID, Line: ae.Line, Reason: ae.Reason}}
					if werr := writeJSON(e.stdout, rep); werr != nil {
						return werr
					}
				}
				return &exitError{1, err}
			case errors.Is(err, fs.ErrNotExist):
				return inputErr(fmt.Errorf("%s: no such file or directory", args[0]))
			case err != nil:
				return inputErr(err)
			}
			rep := verifyReport{OK: true, Archive: a.Dir, Audit: a, Tails: []tailView{}}
			for _, t := range a.Tails {
				rep.Tails = append(rep.Tails, tailView{t, t.Lost()})
			}
			if format == "json" {
				return writeJSON(e.stdout, rep)
			}
			printAudit(e.stdout, a)
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return c
}

func printAudit(w io.Writer, a *evidence.Audit) {
	fmt.Fprintf(w, "archive       %s\n", a.Dir)
	fmt.Fprintf(w, "ledger        %d entries, chain head %s\n", a.Entries, a.Head)
	fmt.Fprintf(w, "files         %d\n", len(a.Files))
	for _, f := range a.Files {
		state := "not closed (capture interrupted)"
		if f.Closed {
			state = "closed, sha256 " + f.SHA256
		}
		fmt.Fprintf(w, "  %s  %d records  %d bytes  %s\n", f.Name, f.Records, f.Size, state)
	}
	fmt.Fprintf(w, "records       %d verified: block and payload digests, bytes, order and offsets against the ledger\n", a.Records)
	last := "-"
	if !a.LastCapture.IsZero() {
		last = a.LastCapture.Format(time.RFC3339)
	}
	fmt.Fprintf(w, "last capture  %s\n", last)
	for _, t := range a.Tails {
		fmt.Fprintf(w, "incomplete    %s from offset %d: %s\n", t.File, t.Offset, t.Lost())
	}
	if len(a.Tails) > 0 {
		fmt.Fprintln(w, "result        intact up to the incomplete tail above: a capture was interrupted, what it left unfinished is not evidence")
		return
	}
	fmt.Fprintln(w, "result        intact")
}
