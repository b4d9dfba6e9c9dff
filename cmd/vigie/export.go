package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"vigie/internal/evidence"
	"vigie/internal/scan"
	"vigie/internal/store"
)

// exportSource is what an export bundles: an archive directory and, for a
// stored scan, the scan's pages.
type exportSource struct {
	scanID, title, mainPage string
	dir                     string
	pages                   []evidence.WACZPage // nil: found in the WARC files
	pageFiles               []string            // the WARC files the scan's pages are in
}

// exportResult is the JSON output of vigie export.
type exportResult struct {
	WACZ      string     `json:"wacz"`
	Bytes     int64      `json:"bytes"`
	SHA256    string     `json:"sha256"`
	Scan      string     `json:"scan,omitempty"`
	Archive   string     `json:"archive"`
	Ledger    bool       `json:"ledger"`               // false: a foreign archive, digests checked only
	ChainHead string     `json:"chain_head,omitempty"` // of the ledger bundled
	Verified  int        `json:"records_verified"`
	WARCFiles int        `json:"warc_files"`
	Indexed   int        `json:"indexed"`
	Pages     int        `json:"pages"`
	Digest    string     `json:"datapackage_digest"`
	LeftOut   []tailView `json:"left_out"` // incomplete tails not bundled
}

func exportCmd(e *env) *cobra.Command {
	var format, data, source, out string
	c := &cobra.Command{
		Use:   "export --wacz SCAN|DIR --out FILE.wacz",
		Short: "Bundle the evidence of a scan (or an archive directory) as a WACZ file any web-archive tool can replay",
		Long: `Writes a WACZ 1.1.1 bundle: the WARC files (stored uncompressed), a sorted CDXJ
index, the list of HTML pages, the ledger, datapackage.json with the SHA-256 of
every file, and datapackage-digest.json. SCAN is a scan id stored under --data,
or an archive directory. The archive is verified first (as vigie verify does):
an altered archive is not exported (exit 1); an incomplete tail is left out.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if source == "" || out == "" {
				return usageErr("export needs --wacz SCAN|DIR and --out FILE.wacz")
			}
			src, err := resolveExport(cmd.Context(), source, data)
			if err != nil {
				return err
			}
			res, err := export(cmd.Context(), src, out)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(e.stdout, res)
			}
			printExport(e.stdout, res)
			return nil
		},
	}
	c.Flags().StringVar(&source, "wacz", "", "scan id (stored under --data) or archive directory to bundle as WACZ")
	c.Flags().StringVar(&out, "out", "", "the WACZ file to write (replaced if it exists)")
	c.Flags().StringVar(&data, "data", "", "directory of the database and archives (default $VIGIE_DATA, else $XDG_DATA_HOME/vigie, else ~/.local/share/vigie)")
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return c
}

// resolveExport finds the archive of a scan id, or takes a directory.
func resolveExport(ctx context.Context, source, data string) (*exportSource, error) {
	if st, err := os.Stat(source); err == nil && st.IsDir() {
		abs, err := filepath.Abs(source)
		if err != nil {
			return nil, inputErr(err)
		}
		return &exportSource{dir: abs, title: "Vigie archive " + filepath.Base(abs)}, nil
	}
	dir, err := dataDir(data)
	if err != nil {
		return nil, err
	}
	db := filepath.Join(dir, "vigie.db")
	if _, err := os.Stat(db); err != nil {
		return nil, inputErr(fmt.Errorf("%s: neither a directory nor a scan id (no database %s)", source, db))
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	rep, err := st.Report(ctx, source)
	if errors.Is(err, store.ErrNotFound) {
		return nil, inputErr(fmt.Errorf("%s: neither a directory nor a scan stored in %s", source, db))
	}
	if err != nil {
		return nil, err
	}
	src := &exportSource{scanID: rep.ID, dir: rep.Archive, mainPage: rep.URL, title: "Vigie scan " + rep.ID + " of " + rep.URL,
		pages: []evidence.WACZPage{}}
	seen := map[string]bool{}
	for _, p := range rep.Pages {
		if !seen[p.File] {
			seen[p.File] = true
			src.pageFiles = append(src.pageFiles, p.File)
		}
		if p.Status == 200 && strings.Contains(strings.ToLower(p.ContentType), "html") {
			src.pages = append(src.pages, evidence.WACZPage{URL: p.URL, Title: p.Title, RecordID: p.Record})
		}
	}
	return src, nil
}

// export checks the archive and writes the bundle to out, through a
// temporary file renamed at the end: out is never left half written.
func export(ctx context.Context, src *exportSource, out string) (*exportResult, error) {
	res := &exportResult{Scan: src.scanID, Archive: src.dir, LeftOut: []tailView{}}
	z := evidence.WACZ{Title: src.title, Software: "vigie/0.1", MainPageURL: src.mainPage, Pages: src.pages}
	ledger := filepath.Join(src.dir, evidence.LedgerName)
	if _, err := os.Stat(ledger); err == nil {
		a, err := evidence.VerifyArchive(src.dir)
		if errors.Is(err, evidence.ErrAltered) {
			return nil, &exitError{1, fmt.Errorf("not exported: %w", err)}
		}
		if err != nil {
			return nil, inputErr(err)
		}
		z.Extra = []evidence.ExtraFile{{Path: ledger, Name: evidence.LedgerName}}
		tails := map[string]evidence.Tail{}
		for _, t := range a.Tails {
			if t.File == evidence.LedgerName && t.Offset == 0 {
				z.Extra = nil // not one complete line
			} else if t.File == evidence.LedgerName {
				z.Extra[0].Limit = t.Offset // its complete lines
			}
			tails[t.File] = t
			res.LeftOut = append(res.LeftOut, tailView{t, t.Lost()})
		}
		for _, f := range a.Files {
			part := evidence.WARCPart{Path: filepath.Join(src.dir, f.Name)}
			if t, ok := tails[f.Name]; ok {
				part.Limit = t.Offset
				if part.Limit == 0 {
					continue // nothing verified in it
				}
			}
			z.WARCs = append(z.WARCs, part)
		}
		res.Ledger, res.ChainHead, res.Verified = true, a.Head, a.Records
	} else {
		files, err := foreignWARCs(src)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			n, err := verifyDigests(f)
			if err != nil {
				return nil, err
			}
			res.Verified += n
			z.WARCs = append(z.WARCs, evidence.WARCPart{Path: f})
		}
	}
	if z.Pages == nil {
		pages, err := scan.Pages(ctx, z.WARCs)
		if err != nil {
			return nil, err
		}
		z.Pages = pages
	}

	sum, err := writeAtomically(out, func(w io.Writer) (*evidence.WACZSummary, error) { return evidence.WriteWACZ(w, z) })
	if err != nil {
		return nil, err
	}
	res.WACZ, _ = filepath.Abs(out)
	res.WARCFiles, res.Indexed, res.Pages, res.Digest = len(z.WARCs), sum.Indexed, sum.Pages, sum.Digest
	f, err := os.Open(out)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if res.Bytes, err = io.Copy(h, f); err != nil {
		return nil, err
	}
	res.SHA256 = hex.EncodeToString(h.Sum(nil))
	return res, nil
}

// foreignWARCs lists the WARC files of an archive without a ledger (made
// by another crawler): the files of the scan's pages, else every WARC
// file of the directory.
func foreignWARCs(src *exportSource) ([]string, error) {
	if len(src.pageFiles) > 0 {
		return src.pageFiles, nil
	}
	var files []string
	for _, pattern := range []string{"*.warc", "*.warc.gz"} {
		m, _ := filepath.Glob(filepath.Join(src.dir, pattern))
		files = append(files, m...)
	}
	if len(files) == 0 {
		return nil, inputErr(fmt.Errorf("%s: no WARC file and no ledger", src.dir))
	}
	sort.Strings(files)
	return files, nil
}

// verifyDigests checks every record of a WARC file without a ledger.
func verifyDigests(path string) (int, error) {
	n := 0
	err := evidence.ReadFile(path, func(r *evidence.Record) error {
		n++
		return evidence.VerifyRecord(r)
	})
	if errors.Is(err, evidence.ErrCorrupt) {
		return 0, &exitError{1, fmt.Errorf("not exported: %w", err)}
	}
	if err != nil {
		return 0, inputErr(err)
	}
	return n, nil
}

// writeAtomically writes out through a temporary file in its directory.
func writeAtomically(out string, write func(io.Writer) (*evidence.WACZSummary, error)) (*evidence.WACZSummary, error) {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".vigie-export-*.wacz")
	if err != nil {
		return nil, inputErr(fmt.Errorf("write %s: %w", out, err))
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	sum, err := write(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), out)
	}
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", out, err)
	}
	return sum, nil
}

func printExport(w io.Writer, r *exportResult) {
	fmt.Fprintf(w, "wacz          %s (%d bytes, sha256 %s)\n", r.WACZ, r.Bytes, r.SHA256)
	if r.Scan != "" {
		fmt.Fprintf(w, "scan          %s\n", r.Scan)
	}
	fmt.Fprintf(w, "archive       %s\n", r.Archive)
	if r.Ledger {
		fmt.Fprintf(w, "verified      %d records against the ledger, chain head %s\n", r.Verified, r.ChainHead)
	} else {
		fmt.Fprintf(w, "verified      %d records, digests only: no ledger (another crawler's archive)\n", r.Verified)
	}
	fmt.Fprintf(w, "bundle        %d WARC file(s), %d records indexed, %d pages, datapackage %s\n", r.WARCFiles, r.Indexed, r.Pages, r.Digest)
	for _, t := range r.LeftOut {
		fmt.Fprintf(w, "left out      %s from offset %d: %s (incomplete tail)\n", t.File, t.Offset, t.Lost)
	}
}
