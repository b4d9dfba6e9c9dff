package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"vigie/internal/claims"
	"vigie/internal/scan"
)

// SaveScan stores a scan with its pages and claims, in one transaction. A
// scan is added, never replaces an earlier one.
func (s *Store) SaveScan(ctx context.Context, r *scan.SiteReport) error {
	// The claims go to their own rows only: the report is stored without
	// them (Report puts them back), so that a site of a hundred thousand
	// claims is not encoded twice.
	shallow := *r
	shallow.Claims = nil
	report, err := json.Marshal(&shallow)
	if err != nil {
		return err
	}
	// Page reports are encoded one at a time, as their rows are written:
	// a large site's reports are never all held as JSON at once. Their
	// claims are the claims rows (see scan.SiteReport.PageClaims).
	byURL := map[string]int{}
	for i, pr := range r.PageReports {
		byURL[pr.URL] = i
	}
	return s.Transact(ctx, func(tx *sql.Tx) error {
		var siteID int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM sites WHERE url = ?`, r.URL).Scan(&siteID)
		if errors.Is(err, sql.ErrNoRows) {
			res, err := tx.ExecContext(ctx, `INSERT INTO sites (url, created) VALUES (?, ?)`, r.URL, formatTime(r.Started))
			if err != nil {
				return fmt.Errorf("insert site: %w", err)
			}
			if siteID, err = res.LastInsertId(); err != nil {
				return err
			}
		} else if err != nil {
			return fmt.Errorf("find site: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO scans (id, site_id, started, finished, archive, verdict, report, claims_in_table)
			VALUES (?, ?, ?, ?, ?, ?, ?, 1)`, r.ID, siteID, formatTime(r.Started), formatTime(r.Finished),
			r.Archive, r.Qualification.Verdict, string(report)); err != nil {
			return fmt.Errorf("insert scan: %w", err)
		}
		// One statement each for the pages and the claims, prepared once: a
		// site of a hundred thousand claims is as many inserts.
		pageStmt, err := tx.PrepareContext(ctx, `INSERT INTO pages (scan_id, url, status, content_type, lang, title,
			promotional, score, record_id, sha256, warc_file, warc_offset, report, claims_from, claims_count)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("prepare page insert: %w", err)
		}
		defer pageStmt.Close()
		// Claims go claimBatch rows to a statement: each statement costs
		// the driver a round of its own, and a site has many claims.
		claimStmt, err := tx.PrepareContext(ctx, claimInsert(1))
		if err != nil {
			return fmt.Errorf("prepare claim insert: %w", err)
		}
		defer claimStmt.Close()
		batchStmt, err := tx.PrepareContext(ctx, claimInsert(claimBatch))
		if err != nil {
			return fmt.Errorf("prepare claim insert: %w", err)
		}
		defer batchStmt.Close()
		// One buffer for all the page reports: the command prints the
		// site's report meanwhile, and garbage raises the peak.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		for _, p := range r.Pages {
			var pr, from, count any
			if i, ok := byURL[p.URL]; ok {
				buf.Reset()
				if err := enc.Encode(r.PageReports[i]); err != nil {
					return err
				}
				pr = string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
				if r.PageClaims != nil {
					from, count = r.PageClaims[i], r.PageClaims[i+1]-r.PageClaims[i]
				}
			}
			if _, err := pageStmt.ExecContext(ctx, r.ID, p.URL, p.Status, p.ContentType, p.Lang, p.Title,
				p.Promotional, p.Score, p.Record, p.SHA256, p.File, p.Offset, pr, from, count); err != nil {
				return fmt.Errorf("insert page: %w", err)
			}
		}
		args := make([]any, 0, claimBatch*claimColumns)
		for i := 0; i < len(r.Claims); {
			stmt, n := batchStmt, claimBatch
			if len(r.Claims)-i < claimBatch {
				stmt, n = claimStmt, 1
			}
			args = args[:0]
			for _, c := range r.Claims[i : i+n] {
				args = append(args, r.ID, i, c.URL, c.Record, c.Category, c.Stance, c.Rule, c.Quote, c.Start, c.End,
					formatTime(c.Captured), c.Match, c.R5122)
				i++
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("insert claim: %w", err)
			}
		}
		return nil
	})
}

// claimBatch is how many claims one insert statement writes.
const claimBatch = 64

const claimColumns = 13

// claimInsert is the statement inserting n claims.
func claimInsert(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO claims (scan_id, seq, page_url, record_id, category, stance,
			rule, quote, start_offset, end_offset, captured, match, r5122_4) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	return b.String()
}

// ScanSummary is one scan of a site.
type ScanSummary struct {
	ID      string
	Verdict string
	Pages   int
	Claims  int
}

// Scans lists the scans of a site, oldest first.
func (s *Store) Scans(ctx context.Context, siteURL string) ([]ScanSummary, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT sc.id, sc.verdict,
		(SELECT COUNT(*) FROM pages p WHERE p.scan_id = sc.id),
		(SELECT COUNT(*) FROM claims c WHERE c.scan_id = sc.id)
		FROM scans sc JOIN sites si ON si.id = sc.site_id WHERE si.url = ? ORDER BY sc.started, sc.id`, siteURL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ScanSummary
	for rows.Next() {
		var s ScanSummary
		if err := rows.Scan(&s.ID, &s.Verdict, &s.Pages, &s.Claims); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Report returns the site report of a scan as it was printed.
func (s *Store) Report(ctx context.Context, scanID string) (*scan.SiteReport, error) {
	var raw string
	var inTable bool
	err := s.db.QueryRowContext(ctx, `SELECT report, claims_in_table FROM scans WHERE id = ?`, scanID).Scan(&raw, &inTable)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("scan %s: %w", scanID, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var r scan.SiteReport
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return nil, fmt.Errorf("scan %s: stored report: %w", scanID, err)
	}
	if inTable {
		if r.Claims, err = s.claims(ctx, scanID); err != nil {
			return nil, fmt.Errorf("scan %s: claims: %w", scanID, err)
		}
	}
	return &r, nil
}

// PageReport returns the page report of url in a scan as the analysis
// made it, its claims included.
func (s *Store) PageReport(ctx context.Context, scanID, url string) (*claims.Report, error) {
	var raw string
	var from, count sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT report, claims_from, claims_count FROM pages
		WHERE scan_id = ? AND url = ? AND report IS NOT NULL ORDER BY id LIMIT 1`, scanID, url).Scan(&raw, &from, &count)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("scan %s: page report of %s: %w", scanID, url, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var r claims.Report
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return nil, fmt.Errorf("scan %s: stored page report of %s: %w", scanID, url, err)
	}
	if !from.Valid {
		return &r, nil // stored with its claims
	}
	cs, err := s.claimRange(ctx, scanID, from.Int64, from.Int64+count.Int64)
	if err != nil {
		return nil, fmt.Errorf("scan %s: claims of %s: %w", scanID, url, err)
	}
	r.Claims = make([]claims.Claim, 0, len(cs))
	for _, c := range cs {
		r.Claims = append(r.Claims, c.Claim)
	}
	return &r, nil
}

// claims reads the claims of a scan in the order of the site report.
func (s *Store) claims(ctx context.Context, scanID string) ([]scan.Claim, error) {
	return s.claimRange(ctx, scanID, 0, math.MaxInt64)
}

// claimRange reads the claims of a scan of seq from to to-1, in order.
func (s *Store) claimRange(ctx context.Context, scanID string, from, to int64) ([]scan.Claim, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT page_url, record_id, category, stance, rule, quote, start_offset,
		end_offset, captured, match, r5122_4 FROM claims WHERE scan_id = ? AND seq >= ? AND seq < ? ORDER BY seq`, scanID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []scan.Claim{}
	for rows.Next() {
		var c scan.Claim
		var captured string
		if err := rows.Scan(&c.URL, &c.Record, &c.Category, &c.Stance, &c.Rule, &c.Quote, &c.Start, &c.End,
			&captured, &c.Match, &c.R5122); err != nil {
			return nil, err
		}
		if c.Captured, err = time.Parse(time.RFC3339Nano, captured); err != nil {
			return nil, fmt.Errorf("claim captured %q: %w", captured, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
