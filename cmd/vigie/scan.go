package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"vigie/internal/crawl"
	"vigie/internal/render"
	"vigie/internal/scan"
	"vigie/internal/store"
)

// scanFlags are the flags scan and demo share.
type scanFlags struct {
	format       string
	data         string
	rulesDir     string
	maxPages     int
	maxDepth     int
	rate         float64
	concurrency  int
	timeout      time.Duration
	allowPrivate bool
	operator     string
	render       bool
	resume       bool
	maxTotal     int64
	maxBody      int
	maxAssets    int
	maxDuration  time.Duration
	ignoreRobots bool
	reason       string
}

func (f *scanFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.format, "format", "text", "output format: text or json")
	c.Flags().StringVar(&f.data, "data", "", "directory of the database and archives (default $VIGIE_DATA, else $XDG_DATA_HOME/vigie, else ~/.local/share/vigie)")
	c.Flags().StringVar(&f.rulesDir, "rules", "", "directory of rule files that add to or replace the embedded ones")
	c.Flags().IntVar(&f.maxPages, "max-pages", 200, "pages fetched per site at most")
	c.Flags().IntVar(&f.maxDepth, "max-depth", 10, "links followed from the entry page at most")
	c.Flags().Float64Var(&f.rate, "rate", 4, "requests per second to one host (negative: no limit)")
	c.Flags().IntVar(&f.concurrency, "concurrency", 4, "requests in flight")
	c.Flags().DurationVar(&f.timeout, "timeout", 30*time.Second, "time allowed for one request")
	c.Flags().BoolVar(&f.allowPrivate, "allow-private", false, "allow scanning loopback and private addresses")
	c.Flags().StringVar(&f.operator, "operator", "", "who runs the scan, recorded in the archive (default: the OS user)")
	c.Flags().Int64Var(&f.maxTotal, "max-total-bytes", 1<<30, "response bytes received per site at most")
	c.Flags().IntVar(&f.maxBody, "max-body-bytes", 10<<20, "bytes kept of one response at most")
	c.Flags().IntVar(&f.maxAssets, "max-assets", 500, "images and PDF documents archived per site at most, besides pages (0: none)")
	c.Flags().DurationVar(&f.maxDuration, "max-duration", 30*time.Minute, "time allowed for one site")
	c.Flags().BoolVar(&f.ignoreRobots, "ignore-robots", false, "fetch pages robots.txt disallows (needs --reason; robots.txt is still archived)")
	c.Flags().StringVar(&f.reason, "reason", "", "why robots.txt is ignored, recorded in the archive")
	c.Flags().BoolVar(&f.resume, "resume", false, "complete the latest interrupted scan of each URL (killed before it was saved) without fetching again what its archive holds")
	c.Flags().BoolVar(&f.render, "render", false, "also capture each HTML page through headless Chromium: DOM after scripts and screenshot archived, the DOM analysed")
}

func (f *scanFlags) check() error {
	if err := checkFormat(f.format, "text", "json"); err != nil {
		return err
	}
	if f.maxPages < 1 || f.maxDepth < 0 || f.concurrency < 1 || f.timeout <= 0 {
		return usageErr("--max-pages and --concurrency must be at least 1, --max-depth at least 0, --timeout positive")
	}
	if f.maxTotal < 1 || f.maxBody < 1 || f.maxDuration <= 0 {
		return usageErr("--max-total-bytes and --max-body-bytes must be at least 1, --max-duration positive")
	}
	switch {
	case f.ignoreRobots && strings.TrimSpace(f.reason) == "":
		return usageErr(`--ignore-robots needs --reason "…": why robots.txt is not honoured, recorded with the evidence`)
	case !f.ignoreRobots && f.reason != "":
		return usageErr("--reason is only for --ignore-robots")
	}
	return nil
}

// dataDir resolves the data directory: the flag, $VIGIE_DATA,
// $XDG_DATA_HOME/vigie, then ~/.local/share/vigie.
func dataDir(flag string) (string, error) {
	switch {
	case flag != "":
		return filepath.Abs(flag)
	case os.Getenv("VIGIE_DATA") != "":
		return filepath.Abs(os.Getenv("VIGIE_DATA"))
	case os.Getenv("XDG_DATA_HOME") != "":
		return filepath.Join(os.Getenv("XDG_DATA_HOME"), "vigie"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", usageErr("no home directory: give --data DIR")
	}
	return filepath.Join(home, ".local", "share", "vigie"), nil
}

func operator(flag string) string {
	if flag != "" {
		return flag
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}

// newScanner wires a scanner, its store and, with --render, a browser;
// the caller calls done to close them.
func newScanner(ctx context.Context, f *scanFlags) (sc *scan.Scanner, done func(), err error) {
	dir, err := dataDir(f.data)
	if err != nil {
		return nil, nil, err
	}
	// One registry for the analysis and the qualification: the one of the
	// scan's own --data, recorded in every qualification.
	an, reg, err := newAnalyzer(f.rulesDir, dir)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, filepath.Join(dir, "vigie.db"))
	if err != nil {
		return nil, nil, err
	}
	var rd *render.Renderer
	if f.render {
		rd, err = render.New(ctx, render.Options{AllowPrivate: f.allowPrivate, Timeout: f.timeout})
		if err != nil {
			st.Close()
			return nil, nil, err
		}
	}
	done = func() {
		if rd != nil {
			rd.Close()
		}
		st.Close()
	}
	maxAssets := f.maxAssets
	if maxAssets == 0 {
		maxAssets = -1 // --max-assets 0: none (the Config's zero is its default)
	}
	return &scan.Scanner{
		Analyzer: an, Registry: reg, Store: st, DataDir: dir, Operator: operator(f.operator),
		Crawl: crawl.Config{
			MaxPages: f.maxPages, MaxDepth: f.maxDepth, Rate: f.rate, Concurrency: f.concurrency,
			Timeout: f.timeout, AllowPrivate: f.allowPrivate,
			MaxTotalBytes: f.maxTotal, MaxBodyBytes: f.maxBody, MaxAssets: maxAssets, MaxDuration: f.maxDuration,
			IgnoreRobots: f.ignoreRobots, IgnoreRobotsReason: f.reason,
		},
		Renderer: rd,
	}, done, nil
}

// checkURL refuses what is not an absolute http(s) URL, before any work.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(raw, " \t\n") {
		return usageErr("%q is not a URL to scan (want http:// or https://…)", raw)
	}
	return nil
}

// scanError turns a scan failure into the exit codes of DESIGN.md.
func scanError(err error) error {
	if errors.Is(err, crawl.ErrUnreachable) || errors.Is(err, scan.ErrNotHTML) || errors.Is(err, crawl.ErrPrivateAddress) {
		return inputErr(err)
	}
	return err
}

func scanCmd(e *env) *cobra.Command {
	var f scanFlags
	c := &cobra.Command{
		Use:   "scan URL…",
		Short: "Crawl, archive, analyse, qualify and store each site; print the site reports",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.check(); err != nil {
				return err
			}
			for _, a := range args {
				if err := checkURL(a); err != nil {
					return err
				}
			}
			sc, done, err := newScanner(cmd.Context(), &f)
			if err != nil {
				return err
			}
			defer done()
			// Each site is stored while the next is scanned and while the
			// reports are printed; the command ends when all are stored.
			st := sc.Store.(*store.Store)
			bg := &backgroundStore{store: st}
			sc.Store = bg
			var reports []*scan.SiteReport
			var firstErr error
			for _, a := range args {
				var r *scan.SiteReport
				var err error
				if f.resume {
					r, err = resume(cmd.Context(), sc, st, a)
				} else {
					r, err = sc.Scan(cmd.Context(), a)
				}
				if err != nil {
					// Report the others; say what failed; fail at the end.
					err = scanError(err)
					if firstErr == nil {
						firstErr = err
					} else {
						fmt.Fprintf(e.stderr, "vigie: %s\n", oneLine(err.Error()))
					}
					continue
				}
				reports = append(reports, r)
			}
			printErr := printSites(e, f.format, reports)
			for _, err := range bg.wait() {
				// A site printed but not stored: its archive is kept, and
				// --resume stores it.
				if firstErr == nil {
					firstErr = err
				} else {
					fmt.Fprintf(e.stderr, "vigie: %s\n", oneLine(err.Error()))
				}
			}
			if printErr != nil {
				return printErr
			}
			return firstErr
		},
	}
	f.register(c)
	return c
}

func printSites(e *env, format string, reports []*scan.SiteReport) error {
	if format == "json" {
		return writeSitesJSON(e.stdout, reports)
	}
	for i, r := range reports {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		printSiteReport(e.stdout, r)
	}
	return nil
}

// resume completes the latest interrupted scan of seed, stored in st.
func resume(ctx context.Context, sc *scan.Scanner, st *store.Store, seed string) (*scan.SiteReport, error) {
	dir, err := sc.Interrupted(seed, func(id string) bool {
		_, err := st.Report(ctx, id)
		return err == nil
	})
	if err != nil {
		return nil, inputErr(err)
	}
	return sc.Resume(ctx, dir)
}

// backgroundStore stores scans in the background, one after the other in
// the order they were made: the command prints a site's report while its
// claims are written (a large site's are a hundred thousand rows, a third
// of the scan's time after its crawl) and scans the next site meanwhile.
// A scan is saved in its own transaction as before; wait returns when all
// are.
type backgroundStore struct {
	store scan.Store
	last  chan struct{} // closed when the latest save ended; nil before the first
	mu    sync.Mutex
	errs  []error
}

// SaveScan starts storing r after the scans before it and returns. r must
// not change until wait returns.
func (b *backgroundStore) SaveScan(ctx context.Context, r *scan.SiteReport) error {
	// The crawl's garbage and the assembly's are dead: collected now, they
	// do not set the heap's goal while the report is stored and printed
	// at once (the collector lets the heap grow to twice what it last
	// found live: 20 MB more at the peak of a 2,000-page scan).
	runtime.GC()
	prev, done := b.last, make(chan struct{})
	b.last = done
	go func() {
		defer close(done)
		if prev != nil {
			<-prev
		}
		if err := b.store.SaveScan(ctx, r); err != nil {
			b.mu.Lock()
			b.errs = append(b.errs, fmt.Errorf("%s: save scan %s: %w (its archive is kept: vigie scan --resume stores it)", r.URL, r.ID, err))
			b.mu.Unlock()
		}
	}()
	return nil
}

// wait waits for every save started and returns their failures.
func (b *backgroundStore) wait() []error {
	if b.last != nil {
		<-b.last
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.errs
}
