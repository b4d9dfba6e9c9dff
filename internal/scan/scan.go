// Package scan orchestrates one scan of a site: crawl → evidence → extract
// → claims → qualify → store. It is the only package that knows the order of
// the stages; the stages do not call each other sideways.
package scan

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"vigie/internal/claims"
	"vigie/internal/crawl"
	"vigie/internal/evidence"
	"vigie/internal/qualify"
	"vigie/internal/registry"
	"vigie/internal/render"
)

// ErrNotHTML is returned when a site's first page is not an HTML document.
var ErrNotHTML = errors.New("not an HTML page")

// SiteReport is the site report of DESIGN.md (`vigie scan --format json`).
type SiteReport struct {
	ID            string                `json:"id"`
	URL           string                `json:"url"`
	Started       time.Time             `json:"started"`
	Finished      time.Time             `json:"finished"`
	Archive       string                `json:"archive"`
	Ledger        *Ledger               `json:"ledger,omitempty"` // the archive's ledger when the scan ended
	Pages         []Page                `json:"pages"`
	Audience      claims.Audience       `json:"audience"`
	Therapies     []claims.Therapy      `json:"therapies"`
	Claims        []Claim               `json:"claims"`
	Qualification qualify.Qualification `json:"qualification"`
	Cut           []string              `json:"cut,omitempty"`    // bounds the crawl reached
	Errors        []crawl.FetchError    `json:"errors,omitempty"` // pages that could not be fetched

	// PageReports are the page reports of the documents, in the order of
	// Pages, persisted but not printed. Assemble keeps them without their
	// claims, which Claims holds once for the site (a large site's are
	// tens of megabytes): page report i's are
	// Claims[PageClaims[i]:PageClaims[i+1]]. PageReport puts them back.
	// With PageClaims nil, the page reports hold their claims.
	PageReports []*claims.Report `json:"-"`
	PageClaims  []int            `json:"-"`
}

// PageReport returns page report i whole, its claims put back.
func (r *SiteReport) PageReport(i int) *claims.Report {
	pr := r.PageReports[i]
	if r.PageClaims == nil {
		return pr
	}
	whole := *pr
	whole.Claims = make([]claims.Claim, 0, r.PageClaims[i+1]-r.PageClaims[i])
	for _, c := range r.Claims[r.PageClaims[i]:r.PageClaims[i+1]] {
		whole.Claims = append(whole.Claims, c.Claim)
	}
	return &whole
}

// Page is one archived page of a site report.
type Page struct {
	URL         string    `json:"url"`
	Rendered    *Rendered `json:"rendered,omitempty"`
	Status      int       `json:"status"`
	ContentType string    `json:"content_type,omitempty"`
	Lang        string    `json:"lang"`
	Title       string    `json:"title,omitempty"`
	Promotional bool      `json:"promotional"`
	Score       float64   `json:"score"`
	Record      string    `json:"record"`
	SHA256      string    `json:"sha256"` // of the HTTP payload, as in WARC-Payload-Digest
	File        string    `json:"warc_file"`
	Offset      int64     `json:"warc_offset"`
	Truncated   bool      `json:"truncated,omitempty"` // the response was cut short (WARC-Truncated)
}

// Ledger is the state of an archive's ledger: vigie verify reports the same
// head for the archive as long as nothing was cut off.
type Ledger struct {
	Head    string `json:"head"`
	Entries int64  `json:"entries"`
}

// Rendered locates a page's capture through a browser.
type Rendered struct {
	DOMRecord        string `json:"dom_record"`
	ScreenshotRecord string `json:"screenshot_record"`
	Complete         bool   `json:"complete"` // the page finished loading within the render timeout
}

// Claim is a page's claim with the evidence that proves it.
type Claim struct {
	claims.Claim
	URL      string    `json:"url"`
	Record   string    `json:"record"`
	Captured time.Time `json:"captured"`
}

// Store persists scans. store.Store implements it.
type Store interface {
	SaveScan(ctx context.Context, r *SiteReport) error
}

// Scanner runs scans. Its fields are set once; it is safe for concurrent
// use by several scans.
type Scanner struct {
	Analyzer *claims.Analyzer
	Registry *registry.Registry
	Store    Store  // nil: nothing persisted
	DataDir  string // archives go to DataDir/archives/<scan id>
	Operator string
	Crawl    crawl.Config
	Now      func() time.Time // nil: time.Now
	// Renderer, when set, also captures each HTML page through headless
	// Chromium: its DOM after scripts and a screenshot are archived, linked
	// to the response, and the analysis reads the DOM (what a visitor sees,
	// claims inserted by scripts included).
	Renderer *render.Renderer
	Logger   *slog.Logger // nil: no logs
}

func (s *Scanner) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Scanner) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Analysed is one archived response and, for a document, its page report.
type Analysed struct {
	Page   Page
	Ref    evidence.Ref
	Report *claims.Report // nil for responses that are not documents
}

// Scan crawls, archives, analyses, qualifies and stores one site. The
// archive is written and synced before any page is analysed. A site whose
// first page cannot be fetched gives crawl.ErrUnreachable; one whose first
// page is not HTML gives ErrNotHTML (its archive is kept).
func (s *Scanner) Scan(ctx context.Context, seed string) (*SiteReport, error) {
	started := s.now()
	id := newID(started)
	return s.run(ctx, seed, id, started, filepath.Join(s.DataDir, "archives", id), nil)
}

// run crawls seed into the archive dir (new, or an interrupted scan's with
// its stored responses) and makes, saves and returns the site report.
func (s *Scanner) run(ctx context.Context, seed, id string, started time.Time, dir string, stored map[string]*crawl.Stored) (*SiteReport, error) {
	hostname, _ := os.Hostname()
	params := s.Crawl.Parameters()
	params["seed"], params["scan-id"] = seed, id
	w, err := evidence.NewWriter(dir, evidence.Info{
		Software: "vigie/0.1", Operator: s.Operator, Hostname: hostname, Parameters: params,
	})
	if err != nil {
		return nil, fmt.Errorf("open archive: %w", err)
	}
	var mu sync.Mutex
	var seedPage *crawl.Page
	var results []Analysed
	cfg := s.Crawl
	cfg.Stored = stored
	res, crawlErr := crawl.Crawl(ctx, seed, cfg, w, func(p *crawl.Page) error {
		a := Analysed{Ref: p.Ref, Page: Page{
			URL: p.URL, Status: p.Status, ContentType: p.ContentType, Record: p.Ref.RecordID,
			SHA256: p.Ref.PayloadSHA256, File: p.Ref.File, Offset: p.Ref.Offset, Truncated: p.Truncated,
		}}
		if p.Doc != nil {
			doc, ref := p.Doc, p.Ref
			if s.Renderer != nil && p.Doc.HTML && p.Status == 200 {
				r, err := s.render(ctx, w, p)
				var ea errArchive
				switch {
				case errors.As(err, &ea):
					return err
				case err != nil:
					s.logger().Warn("render failed: the page is analysed as served", "url", p.URL, "err", err)
				default:
					a.Page.Rendered = r.rendered
					doc, ref = r.doc, r.dom
				}
			}
			a.Report = s.Analyzer.Analyze(doc, ref.Captured)
			a.Ref = ref
			a.Page.Record, a.Page.SHA256 = p.Ref.RecordID, p.Ref.PayloadSHA256
		}
		mu.Lock()
		defer mu.Unlock()
		if p.Depth == 0 {
			seedPage = p
		}
		results = append(results, a)
		return nil
	})
	if cerr := w.Close(); cerr != nil {
		// Never dropped: a failed sync of the last file is evidence at risk.
		crawlErr = errors.Join(crawlErr, fmt.Errorf("close archive: %w", cerr))
	}
	// After Close: closing the last file adds its entry to the ledger.
	head, entries := w.LedgerHead()
	if crawlErr != nil {
		return nil, crawlErr
	}
	if seedPage != nil && seedPage.Doc == nil && (seedPage.Status < 300 || seedPage.Status >= 400) {
		return nil, fmt.Errorf("%s: %w (status %d, %s); archived in %s", seed, ErrNotHTML, seedPage.Status, orUnknown(seedPage.ContentType), dir)
	}
	rep := s.Assemble(seed, id, started, dir, results)
	rep.Ledger = &Ledger{Head: head, Entries: entries}
	rep.Cut, rep.Errors = res.Cut, res.Errors
	rep.Finished = s.now()
	if s.Store != nil {
		if err := s.Store.SaveScan(ctx, rep); err != nil {
			return rep, fmt.Errorf("save scan: %w", err)
		}
	}
	return rep, nil
}

// Assemble makes the site report of analysed pages: pages in capture
// order, their claims with the records that prove them, the site's
// audience and therapies, and its qualification at date started. Scan uses
// it on a crawl; ingest on WARCs made by other crawlers.
func (s *Scanner) Assemble(seed, id string, started time.Time, archive string, results []Analysed) *SiteReport {
	rep := &SiteReport{ID: id, URL: seed, Started: started, Finished: started, Archive: archive,
		Pages: []Page{}, Claims: []Claim{}, Therapies: []claims.Therapy{}}
	sort.SliceStable(results, func(i, j int) bool {
		a, b := results[i].Ref, results[j].Ref
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Offset < b.Offset
	})
	var audiences []claims.Audience
	therapies := map[string]*qualify.Therapy{}
	var order []string
	n := 0
	for _, r := range results {
		if r.Report != nil {
			n += len(r.Report.Claims)
		}
	}
	rep.Claims = make([]Claim, 0, n)
	qclaims := make([]qualify.Claim, 0, n)
	for _, r := range results {
		if r.Report != nil {
			r.Page.Lang, r.Page.Title = r.Report.Lang, r.Report.Title
			r.Page.Promotional, r.Page.Score = r.Report.Promotional, r.Report.Score
		}
		rep.Pages = append(rep.Pages, r.Page)
		if r.Report == nil {
			continue
		}
		rep.PageReports = append(rep.PageReports, r.Report)
		rep.PageClaims = append(rep.PageClaims, len(rep.Claims))
		audiences = append(audiences, r.Report.Audience)
		for _, t := range r.Report.Therapies {
			if _, ok := therapies[t.ID]; !ok {
				// The site report and its grounds are French documents.
				if n := s.Analyzer.Rules.TherapyName(t.ID, "fr"); n != "" {
					t.Name = n
				}
				therapies[t.ID] = &qualify.Therapy{Therapy: t}
				order = append(order, t.ID)
			}
			therapies[t.ID].Pages++
			if r.Report.Promotional {
				therapies[t.ID].PromotionalPages++
			}
		}
		for _, c := range r.Report.Claims {
			rep.Claims = append(rep.Claims, Claim{Claim: c, URL: r.Page.URL, Record: r.Ref.RecordID, Captured: r.Ref.Captured})
			qclaims = append(qclaims, qualify.Claim{Category: c.Category, Stance: c.Stance, Quote: c.Quote, Match: c.Match, URL: r.Page.URL, PageLang: r.Report.Lang, PagePromotional: r.Report.Promotional})
		}
		r.Report.Claims = nil // held once, in rep.Claims
	}
	rep.PageClaims = append(rep.PageClaims, len(rep.Claims))
	var qtherapies []qualify.Therapy
	for _, id := range order {
		rep.Therapies = append(rep.Therapies, therapies[id].Therapy)
		qtherapies = append(qtherapies, *therapies[id])
	}
	rep.Audience = claims.MergeAudience(audiences)
	date, digest := s.Registry.Snapshot()
	rep.Qualification = qualify.Qualify(qualify.Input{
		Audience: rep.Audience, Therapies: qtherapies, Claims: qclaims, At: started,
		Registry: qualify.Snapshot{Date: date, Digest: digest},
	})
	return rep
}

// newID names a scan: its start time, then random bits so two scans started
// in the same second differ. Sorting ids sorts scans by time.
func newID(t time.Time) string {
	var b [4]byte
	rand.Read(b[:])
	return t.Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

func orUnknown(s string) string {
	if s == "" {
		return "no Content-Type"
	}
	return s
}
