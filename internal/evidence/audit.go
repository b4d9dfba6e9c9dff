package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ErrAltered is wrapped by every error saying that an archive is not as
// it was written: a record changed, removed, added or moved, a file cut,
// replaced or missing, a ledger line edited.
var ErrAltered = errors.New("archive altered")

// AlterationError names the first thing found altered in an archive. It
// wraps ErrAltered.
type AlterationError struct {
	File     string // base name of the WARC file, or LedgerName
	Offset   int64  // byte offset in File; -1 when the whole file is concerned
	RecordID string // the record concerned ("urn:uuid:…"), "" when none
	Line     int    // the ledger line concerned (from 1), 0 when none
	Reason   string // what is wrong, for people
}

// Error names the record (id, file, offset), the ledger line or the file,
// then says what is wrong.
func (e *AlterationError) Error() string {
	var where string
	switch {
	case e.RecordID != "" && e.Offset >= 0:
		where = fmt.Sprintf("record %s (%s at offset %d)", e.RecordID, e.File, e.Offset)
	case e.Line > 0:
		where = fmt.Sprintf("%s line %d (offset %d)", e.File, e.Line, e.Offset)
	case e.Offset >= 0:
		where = fmt.Sprintf("%s at offset %d", e.File, e.Offset)
	default:
		where = e.File
	}
	return fmt.Sprintf("%v: %s: %s", ErrAltered, where, e.Reason)
}

// Unwrap returns ErrAltered.
func (e *AlterationError) Unwrap() error { return ErrAltered }

// Audit is what VerifyArchive checked and found intact.
type Audit struct {
	Dir         string      `json:"archive"`        // absolute path of the archive directory
	Entries     int         `json:"ledger_entries"` // ledger entries checked
	Head        string      `json:"chain_head"`     // hash of the last ledger entry
	Files       []FileAudit `json:"files"`          // WARC files checked, in ledger order
	Records     int         `json:"records"`        // records verified against their digests and the ledger
	LastCapture time.Time   `json:"last_capture"`   // latest WARC-Date among them
	Tails       []Tail      `json:"incomplete_tails"`
}

// FileAudit is one WARC file checked.
type FileAudit struct {
	Name    string `json:"name"`             // base name
	Records int    `json:"records"`          // ledgered records verified in it
	Size    int64  `json:"size"`             // bytes on disk
	Closed  bool   `json:"closed"`           // the ledger holds its close entry (size and SHA-256 then checked)
	SHA256  string `json:"sha256,omitempty"` // of the whole file, when closed
}

// Tail is an incomplete tail: what a writer killed at any moment leaves
// after the last record the ledger lists, in a file the ledger does not
// close (or in a new file it does not list yet, or at the end of the
// ledger itself). It is not evidence, and not an alteration.
type Tail struct {
	File    string       `json:"file"`    // base name of the WARC file, or LedgerName
	Offset  int64        `json:"offset"`  // where the unledgered bytes start
	Bytes   int64        `json:"bytes"`   // how many there are
	Records []TailRecord `json:"records"` // complete records the ledger does not list
	Partial bool         `json:"partial"` // the bytes end in an incomplete record (or ledger line)
}

// TailRecord is a complete record of a Tail.
type TailRecord struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	TargetURI string `json:"url,omitempty"`
}

// Lost says in a few words what the tail holds.
func (t Tail) Lost() string {
	var parts []string
	if n := len(t.Records); n > 0 {
		var ids []string
		for _, r := range t.Records {
			ids = append(ids, r.Type+" "+r.ID)
		}
		parts = append(parts, fmt.Sprintf("%d complete record(s) not in the ledger (%s)", n, strings.Join(ids, ", ")))
	}
	if len(parts) == 0 && !t.Partial {
		return "an empty file"
	}
	if t.Partial {
		what := "an incomplete record"
		if t.File == LedgerName {
			what = "an incomplete ledger line"
		}
		parts = append(parts, what)
	}
	return fmt.Sprintf("%d bytes: %s", t.Bytes, strings.Join(parts, " and "))
}

// filePlan is what the ledger says about one WARC file.
type filePlan struct {
	name    string
	records []*LedgerEntry
	close   *LedgerEntry
}

// VerifyArchive checks an archive directory, or one WARC file of it (then
// with the ledger beside it). It reads the ledger and checks its chain,
// then reads back every record of every WARC file the ledger lists, in
// ledger order, and checks that each record is the one the ledger lists at
// that place (offset, length, id, type, block digest, date) and that its
// block and payload digests hold (VerifyRecord); that closed files have
// the size and SHA-256 the ledger gives; and, for a directory, that it
// holds no WARC file the ledger does not know.
//
// The first problem found is returned as an *AlterationError (wrapping
// ErrAltered) naming the record, file or ledger line. Unledgered bytes at
// the end of a file the ledger does not close, a new file holding at most
// its warcinfo record, and an incomplete last ledger line are what a
// writer killed at any moment leaves behind: they are reported as
// Audit.Tails, not as errors. Cutting a file before the end of the records
// the ledger lists is an alteration. A missing ledger is an alteration of
// the ledger itself. Other errors (path not found, I/O) are returned as is.
func VerifyArchive(path string) (*Audit, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("evidence: verify %s: %w", path, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("evidence: verify: %w", err)
	}
	dir, only := abs, ""
	if !st.IsDir() {
		dir, only = filepath.Dir(abs), filepath.Base(abs)
	}
	if only == LedgerName {
		only = "" // the ledger stands for its whole directory
	}
	lf, err := os.Open(filepath.Join(dir, LedgerName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, &AlterationError{File: LedgerName, Offset: -1,
			Reason: "missing from " + dir + ": without it the order and completeness of the records cannot be checked"}
	}
	if err != nil {
		return nil, fmt.Errorf("evidence: verify: %w", err)
	}
	ledger, err := ReadLedger(lf)
	lf.Close()
	if err != nil {
		return nil, err
	}
	a := &Audit{Dir: dir, Entries: len(ledger.Entries), Head: ledger.Head, Files: []FileAudit{}, Tails: []Tail{}}

	var plans []*filePlan
	byName := map[string]*filePlan{}
	for i := range ledger.Entries {
		e := &ledger.Entries[i]
		if e.Kind == EntryStart {
			continue
		}
		p := byName[e.File]
		if p == nil {
			p = &filePlan{name: e.File}
			byName[e.File] = p
			plans = append(plans, p)
		}
		if e.Kind == EntryRecord {
			p.records = append(p.records, e)
		} else {
			p.close = e
		}
	}
	for _, p := range plans {
		if only != "" && p.name != only {
			continue
		}
		if err := a.verifyFile(dir, p); err != nil {
			return nil, err
		}
	}
	strays, err := strayFiles(dir, byName, only)
	if err != nil {
		return nil, err
	}
	for _, name := range strays {
		if err := a.checkStray(dir, name); err != nil {
			return nil, err
		}
	}
	if ledger.Partial > 0 {
		a.Tails = append(a.Tails, Tail{File: LedgerName, Offset: ledger.PartialOffset, Bytes: ledger.Partial, Records: []TailRecord{}, Partial: true})
	}
	return a, nil
}

// strayFiles lists the WARC files of dir the ledger does not know (only
// only, when it is set).
func strayFiles(dir string, known map[string]*filePlan, only string) ([]string, error) {
	if only != "" {
		if known[only] == nil {
			return []string{only}, nil
		}
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("evidence: verify: %w", err)
	}
	var out []string
	for _, de := range entries {
		n := de.Name()
		if de.Type().IsRegular() && known[n] == nil && (strings.HasSuffix(n, ".warc.gz") || strings.HasSuffix(n, ".warc")) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

// verifyFile checks one file the ledger lists.
func (a *Audit) verifyFile(dir string, p *filePlan) error {
	path := filepath.Join(dir, p.name)
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return &AlterationError{File: p.name, Offset: -1, Reason: fmt.Sprintf("missing: the ledger lists %d records in it", len(p.records))}
	}
	if err != nil {
		return fmt.Errorf("evidence: verify: %w", err)
	}
	fa := FileAudit{Name: p.name, Size: st.Size(), Closed: p.close != nil}
	tail := Tail{File: p.name, Records: []TailRecord{}}
	raw, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("evidence: verify: %w", err)
	}
	defer raw.Close()
	i := 0
	err = ReadFile(path, func(r *Record) error {
		if i == len(p.records) {
			if p.close != nil {
				return &AlterationError{File: p.name, Offset: r.Offset, RecordID: r.ID,
					Reason: fmt.Sprintf("%s record not in the ledger, after the last record of a closed file", r.Type)}
			}
			tail.Records = append(tail.Records, TailRecord{ID: r.ID, Type: r.Type, TargetURI: r.TargetURI})
			return nil
		}
		if err := matchEntry(p.records[i], r); err != nil {
			return err
		}
		if err := matchBytes(p.records[i], raw); err != nil {
			return err
		}
		i++
		fa.Records++
		a.Records++
		if r.Date.After(a.LastCapture) {
			a.LastCapture = r.Date.UTC()
		}
		return nil
	})
	var ae *AlterationError
	var re *ReadError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &re) && i < len(p.records):
		e := p.records[i]
		return &AlterationError{File: p.name, Offset: e.Offset, RecordID: e.RecordID,
			Reason: fmt.Sprintf("unreadable: the file is cut or damaged at offset %d (%v)", re.Offset, re.Err)}
	case errors.As(err, &re) && p.close != nil:
		return &AlterationError{File: p.name, Offset: re.Offset, Reason: fmt.Sprintf("unreadable bytes after the last record of a closed file (%v)", re.Err)}
	case errors.As(err, &re):
		tail.Partial = true
	case err != nil:
		return fmt.Errorf("evidence: verify: %w", err)
	}
	if i < len(p.records) {
		e := p.records[i]
		return &AlterationError{File: p.name, Offset: e.Offset, RecordID: e.RecordID,
			Reason: fmt.Sprintf("missing: the file ends at offset %d, the ledger lists %d more record(s) from here", st.Size(), len(p.records)-i)}
	}
	if p.close != nil {
		if err := checkWholeFile(path, p.close); err != nil {
			return err
		}
		fa.SHA256 = p.close.SHA256
	}
	if len(tail.Records) > 0 || tail.Partial {
		if n := len(p.records); n > 0 {
			tail.Offset = p.records[n-1].Offset + p.records[n-1].Length
		}
		tail.Bytes = st.Size() - tail.Offset
		a.Tails = append(a.Tails, tail)
	}
	a.Files = append(a.Files, fa)
	return nil
}

// matchEntry checks that r is the record e lists, and that its digests
// hold. Digests come before length and date, to say the most useful thing
// about a record whose content was changed.
func matchEntry(e *LedgerEntry, r *Record) error {
	bad := func(format string, a ...any) error {
		return &AlterationError{File: e.File, Offset: e.Offset, RecordID: e.RecordID, Reason: fmt.Sprintf(format, a...)}
	}
	if r.Offset != e.Offset || r.ID != e.RecordID {
		return bad("the ledger lists it here (seq %d); found %s record %s at offset %d instead", e.Seq, r.Type, r.ID, r.Offset)
	}
	if err := VerifyRecord(r); err != nil {
		msg := strings.TrimPrefix(err.Error(), "evidence: record "+r.ID+": ")
		return bad("%s", strings.TrimSuffix(msg, ": "+ErrCorrupt.Error()))
	}
	switch {
	case r.Type != e.Type:
		return bad("type %s, the ledger says %s", r.Type, e.Type)
	case field(r.Header, "WARC-Block-Digest") != e.BlockDigest:
		return bad("WARC-Block-Digest %s, the ledger says %s", field(r.Header, "WARC-Block-Digest"), e.BlockDigest)
	case !r.Date.Equal(e.Captured):
		return bad("WARC-Date %s, the ledger says %s", formatTime(r.Date), formatTime(e.Captured))
	case r.Size != e.Length:
		return bad("%d bytes, the ledger says %d", r.Size, e.Length)
	}
	return nil
}

// matchBytes checks the SHA-256 of the bytes e lists in f: it covers the
// WARC header too, which no WARC digest does.
func matchBytes(e *LedgerEntry, f *os.File) error {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, e.Offset, e.Length)); err != nil {
		return fmt.Errorf("evidence: verify %s: %w", f.Name(), err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != e.SHA256 {
		return &AlterationError{File: e.File, Offset: e.Offset, RecordID: e.RecordID,
			Reason: fmt.Sprintf("its bytes in the file are not those written (SHA-256 %s, the ledger says %s)", sum, e.SHA256)}
	}
	return nil
}

// checkWholeFile compares a closed file with its close entry.
func checkWholeFile(path string, e *LedgerEntry) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("evidence: verify: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("evidence: verify %s: %w", path, err)
	}
	if n != e.Size {
		return &AlterationError{File: e.File, Offset: -1, Reason: fmt.Sprintf("%d bytes, the ledger closed it at %d", n, e.Size)}
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != e.SHA256 {
		return &AlterationError{File: e.File, Offset: -1, Reason: fmt.Sprintf("SHA-256 %s, the ledger closed it with %s", sum, e.SHA256)}
	}
	return nil
}

// checkStray accepts a WARC file the ledger does not list only when it is
// what a writer killed while opening it leaves: nothing, or its warcinfo
// record, complete or not.
func (a *Audit) checkStray(dir, name string) error {
	path := filepath.Join(dir, name)
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("evidence: verify: %s is not in the ledger and does not exist: %w", name, err)
	}
	if err != nil {
		return fmt.Errorf("evidence: verify: %w", err)
	}
	tail := Tail{File: name, Bytes: st.Size(), Records: []TailRecord{}}
	err = ReadFile(path, func(r *Record) error {
		if len(tail.Records) > 0 || r.Type != "warcinfo" {
			return &AlterationError{File: name, Offset: r.Offset, RecordID: r.ID, Reason: fmt.Sprintf("%s record in a file the ledger does not list", r.Type)}
		}
		tail.Records = append(tail.Records, TailRecord{ID: r.ID, Type: r.Type})
		return nil
	})
	var ae *AlterationError
	var re *ReadError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &re):
		tail.Partial = true
	case err != nil:
		return fmt.Errorf("evidence: verify: %w", err)
	}
	a.Tails = append(a.Tails, tail)
	return nil
}
