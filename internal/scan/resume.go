package scan

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"vigie/internal/crawl"
	"vigie/internal/evidence"
)

// ErrNothingToResume is returned when no interrupted scan of a site exists.
var ErrNothingToResume = errors.New("no interrupted scan to resume")

// Interrupted finds the latest archive of seed under DataDir whose scan was
// never saved (the process was killed, or saving failed). saved reports
// whether a scan id is in the store.
func (s *Scanner) Interrupted(seed string, saved func(id string) bool) (dir string, err error) {
	dirs, err := filepath.Glob(filepath.Join(s.DataDir, "archives", "*"))
	if err != nil {
		return "", err
	}
	sort.Sort(sort.Reverse(sort.StringSlice(dirs))) // scan ids sort by time
	for _, d := range dirs {
		info, err := readWarcinfo(d)
		if err != nil || info.seed != seed || saved(filepath.Base(d)) {
			continue
		}
		return d, nil
	}
	return "", fmt.Errorf("%s: %w", seed, ErrNothingToResume)
}

// Resume completes the interrupted scan archived in dir: the archive is
// verified (an incomplete tail left by the interruption is kept as it is),
// the responses it holds are analysed without being fetched again, the
// crawl goes on from them, new records go to a new file of the same
// archive and ledger, and the report keeps the scan's id and start.
func (s *Scanner) Resume(ctx context.Context, dir string) (*SiteReport, error) {
	audit, err := evidence.VerifyArchive(dir)
	if err != nil {
		return nil, fmt.Errorf("resume %s: %w", dir, err)
	}
	info, err := readWarcinfo(audit.Dir)
	if err != nil {
		return nil, fmt.Errorf("resume %s: %w", dir, err)
	}
	stored := map[string]*crawl.Stored{}
	files, err := filepath.Glob(filepath.Join(audit.Dir, "*.warc.gz"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	// Records past an incomplete tail are not in the ledger: they are not
	// reused (their URLs are fetched again), and stay as they are.
	tails := map[string]int64{}
	for _, t := range audit.Tails {
		tails[t.File] = t.Offset
	}
	maxBody := s.Crawl.MaxBodyBytes
	for _, f := range files {
		tailAt, hasTail := tails[filepath.Base(f)]
		err := evidence.ReadFile(f, func(r *evidence.Record) error {
			if hasTail && r.Offset >= tailAt {
				return nil
			}
			if r.Type != "response" || r.TargetURI == "" {
				return nil
			}
			resp, err := evidence.ParseHTTPResponse(r.Block, maxBody)
			if err != nil {
				return nil // not an HTTP response: nothing to analyse, it is fetched again
			}
			h := resp.Header.Clone()
			h.Del("Content-Encoding") // the body is decoded
			stored[r.TargetURI] = &crawl.Stored{Status: resp.Status, Header: h, Body: resp.Body, Ref: evidence.Ref{
				RecordID: r.ID, File: r.File, Offset: r.Offset, Captured: r.Date,
				BlockDigest:   r.Header["WARC-Block-Digest"],
				PayloadSHA256: strings.TrimPrefix(r.Header["WARC-Payload-Digest"], "sha256:"),
			}}
			return nil
		})
		// The file the interruption cut ends in an incomplete record,
		// which verification accepted as a tail: what precedes it counts.
		if err != nil && !hasTail {
			return nil, fmt.Errorf("resume %s: %w", dir, err)
		}
	}
	return s.run(ctx, info.seed, info.id, info.started, audit.Dir, stored)
}

type warcinfo struct {
	seed, id string
	started  time.Time
}

// readWarcinfo reads the scan parameters of an archive's first file.
func readWarcinfo(dir string) (*warcinfo, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("%s: no WARC file", dir)
	}
	sort.Strings(files)
	var info *warcinfo
	stop := errors.New("stop")
	err = evidence.ReadFile(files[0], func(r *evidence.Record) error {
		if r.Type == "warcinfo" {
			info = &warcinfo{started: r.Date, id: filepath.Base(dir)}
			sc := bufio.NewScanner(bytes.NewReader(r.Block))
			for sc.Scan() {
				k, v, ok := strings.Cut(sc.Text(), ":")
				if ok && strings.TrimSpace(k) == "seed" {
					info.seed = strings.TrimSpace(v)
				}
			}
		}
		return stop
	})
	if err != nil && !errors.Is(err, stop) {
		return nil, err
	}
	if info == nil || info.seed == "" {
		return nil, fmt.Errorf("%s: no scan parameters in its first record", dir)
	}
	return info, nil
}
