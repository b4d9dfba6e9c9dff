package scan

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"

	"golang.org/x/net/publicsuffix"

	"vigie/internal/evidence"
	"vigie/internal/extract"
)

// ErrNoPages is returned by Ingest when the WARC files hold no HTML or
// text page to analyse.
var ErrNoPages = errors.New("no HTML page to analyse")

// document is a response record that holds a document.
type document struct {
	rec  *evidence.Record
	resp *evidence.HTTPResponse
	doc  *extract.Document
}

// readDocuments calls fn for every response record of files that holds an
// HTML or text document with status 200 at an http(s) URL. Other records,
// and responses that do not parse, are passed over: WARCs made by other
// crawlers hold images, redirects and robots.txt too. Records beyond a
// part's Limit are left out. A file that cannot be read (before its Limit)
// is an error naming it.
func readDocuments(ctx context.Context, files []evidence.WARCPart, maxBody int, fn func(d document) error) error {
	for _, part := range files {
		err := evidence.ReadFile(part.Path, func(r *evidence.Record) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if part.Limit > 0 && r.Offset+r.Size > part.Limit {
				return nil
			}
			if r.Type != "response" || !strings.HasPrefix(r.TargetURI, "http://") && !strings.HasPrefix(r.TargetURI, "https://") {
				return nil
			}
			resp, err := evidence.ParseHTTPResponse(r.Block, maxBody)
			if err != nil || resp.Status != 200 {
				return nil
			}
			doc, err := extract.Parse(resp.Body, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Language"),
				r.TargetURI, extract.Options{MaxBytes: maxBody})
			if err != nil {
				return nil
			}
			return fn(document{rec: r, resp: resp, doc: doc})
		})
		var re *evidence.ReadError
		if errors.As(err, &re) && part.Limit > 0 && re.Offset >= part.Limit {
			err = nil // in the part left out
		}
		if err != nil {
			return err // evidence's errors name the file
		}
	}
	return nil
}

// Ingest analyses the pages captured in WARC files made by any crawler
// (Vigie, wget, Heritrix, Browsertrix…): every response record holding an
// HTML or text document with status 200 is decoded (chunked transfer and
// gzip or deflate content coding, bounded by s.Crawl.MaxBodyBytes or 10
// MiB), analysed, and its page tied to its record (id, file, offset,
// payload SHA-256). Pages are grouped by site (registrable domain, or host
// and port for an IP address or a single-label host), and each site gets
// its report (see Assemble), in the order sites first appear: a new scan
// id, the site's URL (scheme and host of its first page), Archive the
// directory of the first file holding it. Reports are stored when s.Store
// is set. A file that cannot be read gives an error naming it and nothing
// is stored; files without any page give ErrNoPages.
func (s *Scanner) Ingest(ctx context.Context, files []string) ([]*SiteReport, error) {
	started := s.now()
	maxBody := s.Crawl.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = evidence.DefaultMaxBody
	}
	var abs []evidence.WARCPart
	seen := map[string]bool{}
	for _, f := range files {
		a, err := filepath.Abs(f)
		if err != nil {
			return nil, fmt.Errorf("ingest %s: %w", f, err)
		}
		if !seen[a] {
			seen[a] = true
			abs = append(abs, evidence.WARCPart{Path: a})
		}
	}
	type site struct {
		url, archive string
		results      []Analysed
	}
	var order []string
	sites := map[string]*site{}
	err := readDocuments(ctx, abs, maxBody, func(d document) error {
		u, err := url.Parse(d.rec.TargetURI)
		if err != nil || u.Host == "" {
			return nil
		}
		key := siteKey(u)
		st := sites[key]
		if st == nil {
			st = &site{url: u.Scheme + "://" + u.Host + "/", archive: filepath.Dir(d.rec.File)}
			sites[key] = st
			order = append(order, key)
		}
		payload := d.rec.PayloadSHA256()
		ref := evidence.Ref{RecordID: d.rec.ID, File: d.rec.File, Offset: d.rec.Offset, Captured: d.rec.Date.UTC(),
			BlockDigest: d.rec.Header["WARC-Block-Digest"], PayloadSHA256: payload}
		st.results = append(st.results, Analysed{
			Ref: ref,
			Page: Page{URL: d.rec.TargetURI, Status: d.resp.Status, ContentType: d.resp.Header.Get("Content-Type"),
				Record: d.rec.ID, SHA256: payload, File: d.rec.File, Offset: d.rec.Offset},
			Report: s.Analyzer.Analyze(d.doc, d.rec.Date.UTC()),
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("%s: %w", strings.Join(files, ", "), ErrNoPages)
	}
	var reports []*SiteReport
	for _, key := range order {
		st := sites[key]
		rep := s.Assemble(st.url, newID(started), started, st.archive, st.results)
		rep.Finished = s.now()
		reports = append(reports, rep)
	}
	if s.Store != nil {
		for _, rep := range reports {
			if err := s.Store.SaveScan(ctx, rep); err != nil {
				return reports, fmt.Errorf("save ingest of %s: %w", rep.URL, err)
			}
		}
	}
	return reports, nil
}

// Pages lists the HTML pages (status 200) of WARC files, up to each part's
// Limit, with their titles and records, in file order, for the page list
// of a WACZ bundle. A file that cannot be read is an error naming it.
func Pages(ctx context.Context, files []evidence.WARCPart) ([]evidence.WACZPage, error) {
	var pages []evidence.WACZPage
	err := readDocuments(ctx, files, evidence.DefaultMaxBody, func(d document) error {
		if d.doc.HTML {
			pages = append(pages, evidence.WACZPage{URL: d.rec.TargetURI, Title: d.doc.Title, TS: d.rec.Date, RecordID: d.rec.ID})
		}
		return nil
	})
	return pages, err
}

// siteKey tells sites apart as a crawl's scope does: the registrable
// domain (clinic.example covers www.clinic.example), or the host and port
// of a site served on an IP address or a single-label host.
func siteKey(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	if net.ParseIP(host) != nil || !strings.Contains(host, ".") {
		return strings.ToLower(u.Host)
	}
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}
