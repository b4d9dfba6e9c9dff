package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"vigie/internal/evidence"
	"vigie/internal/store"
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
	var format, data string
	c := &cobra.Command{
		Use:   "verify DIR|FILE",
		Short: "Check an evidence archive; exit 1 and name the first bad record if anything was altered",
		Long: `Re-reads every record of every WARC file of an archive directory (or one WARC
file, with the ledger beside it), checks its block and payload digests, checks
that the records are exactly those the ledger lists (order, ids, offsets,
digests), the ledger's hash chain, and the size and SHA-256 of closed files.
Exits 1 naming the first altered record, file or ledger line. What a capture
killed at any moment leaves unfinished (an incomplete tail) is reported, and
is not an alteration. When the data directory holds the scan the archive
belongs to, the ledger's head must be the one the scan recorded: a ledger cut
together with the last records is an alteration too.`,
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
			if err := checkRecordedHead(cmd.Context(), data, a); err != nil {
				return &exitError{1, err}
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
	c.Flags().StringVar(&data, "data", "", "data directory whose stored scans are checked against the archive (default as for scan)")
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

// checkRecordedHead compares the archive's ledger with the head its scan
// recorded, when the data directory has that scan (named like the archive).
func checkRecordedHead(ctx context.Context, dataFlag string, a *evidence.Audit) error {
	dir, err := dataDir(dataFlag)
	if err != nil {
		return nil
	}
	db := filepath.Join(dir, "vigie.db")
	if _, err := os.Stat(db); err != nil {
		return nil // no store: nothing recorded to compare with (and none created)
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := st.Report(ctx, filepath.Base(a.Dir))
	if errors.Is(err, store.ErrNotFound) || err == nil && (r.Ledger == nil || r.Archive != a.Dir) {
		return nil
	}
	if err != nil {
		return err
	}
	if r.Ledger.Head != a.Head || int64(a.Entries) != r.Ledger.Entries {
		return fmt.Errorf("%s: ledger altered: scan %s recorded %d entries ending in %s, the archive has %d ending in %s",
			a.Dir, r.ID, r.Ledger.Entries, r.Ledger.Head, a.Entries, a.Head)
	}
	return nil
}
