package evidence

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	warc "github.com/internetarchive/gowarc"
)

// ErrCorrupt is wrapped by errors about evidence that cannot be trusted: a
// digest that does not match, a record or file that cannot be parsed.
var ErrCorrupt = errors.New("evidence: corrupt record")

// Record is one WARC record read back.
type Record struct {
	ID, Type, TargetURI string            // WARC-Record-ID without angle brackets, WARC-Type, WARC-Target-URI
	Date                time.Time         // WARC-Date
	Header              map[string]string // all WARC header fields, names as written
	Block               []byte            // the record block (for a response: the raw HTTP response)
	File                string            // path of the file, as passed to ReadFile
	Offset              int64             // byte offset of the record's gzip member in File
}

// readMu serializes gowarc's ReadRecord across goroutines. In gowarc
// v0.8.101 readUntilDelim returns a slice of a sync.Pool buffer after
// putting the buffer back, so concurrent readers can overwrite each other's
// header lines before they are copied (go test -race shows it). Headers of
// evidence must never be corrupted silently. Remove once gowarc is fixed.
var readMu sync.Mutex

// gzipMagic starts every gzip member (RFC 1952).
const gzipMagic = "\x1f\x8b"

// ReadFile reads the gzip-compressed WARC file at path (one gzip member per
// record, as Writer writes) and calls fn for every record in file order.
// It does not verify digests: see VerifyRecord. A malformed or truncated
// file gives an error wrapping ErrCorrupt that names path and the offset of
// the first bad member, after fn has seen every complete record before it.
// An error from fn stops reading and is returned wrapped.
func ReadFile(path string, fn func(*Record) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("evidence: read warc: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("evidence: read warc: %w", err)
	}
	corrupt := func(off int64, err error) error {
		return fmt.Errorf("evidence: read %s at offset %d: %w: %w", path, off, ErrCorrupt, err)
	}
	if st.Size() == 0 {
		return nil
	}
	var magic [2]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil || string(magic[:]) != gzipMagic {
		return corrupt(0, errors.New("not a gzip-compressed warc file"))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("evidence: read %s: %w", path, err)
	}
	r, err := warc.NewReader(f)
	if err != nil {
		return fmt.Errorf("evidence: read %s: %w", path, err)
	}
	defer r.Close()

	var next int64 // offset of the member being read
	for {
		readMu.Lock()
		wr, err := r.ReadRecord()
		readMu.Unlock()
		// Only a bare io.EOF is the clean end: gowarc also wraps io.EOF in
		// errors about members that end too early.
		if err == io.EOF {
			break
		}
		if err != nil {
			return corrupt(next, err)
		}
		rec, err := convert(wr, path)
		if err != nil {
			return corrupt(next, err)
		}
		next = wr.Offset + wr.Size
		if err := fn(rec); err != nil {
			return fmt.Errorf("evidence: read %s at offset %d: %w", path, rec.Offset, err)
		}
	}
	// gowarc reports io.EOF for an empty gzip member too; records after it
	// would be lost silently, so the whole file must have been consumed.
	if next != st.Size() {
		return corrupt(next, fmt.Errorf("%d bytes left unread", st.Size()-next))
	}
	return nil
}

// convert copies a gowarc record into a Record and closes its content.
func convert(wr *warc.Record, path string) (*Record, error) {
	defer wr.Content.Close()
	if !strings.HasPrefix(wr.Version, "WARC/") {
		return nil, fmt.Errorf("bad version line %q", truncate(wr.Version))
	}
	if _, err := wr.Content.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewind block: %w", err)
	}
	var block bytes.Buffer
	if _, err := block.ReadFrom(wr.Content); err != nil {
		return nil, fmt.Errorf("read block: %w", err)
	}
	rec := &Record{
		Header: make(map[string]string, len(wr.Header)),
		Block:  block.Bytes(),
		File:   path,
		Offset: wr.Offset,
	}
	for k, v := range wr.Header {
		rec.Header[k] = v
	}
	id := wr.Header.Get("WARC-Record-ID")
	if len(id) < 3 || id[0] != '<' || id[len(id)-1] != '>' {
		return nil, fmt.Errorf("bad WARC-Record-ID %q", truncate(id))
	}
	rec.ID = id[1 : len(id)-1]
	rec.Type = wr.Header.Get("WARC-Type")
	if rec.Type == "" {
		return nil, fmt.Errorf("record %s: no WARC-Type", rec.ID)
	}
	rec.TargetURI = wr.Header.Get("WARC-Target-URI")
	date, err := time.Parse(time.RFC3339Nano, wr.Header.Get("WARC-Date"))
	if err != nil {
		return nil, fmt.Errorf("record %s: WARC-Date: %w", rec.ID, err)
	}
	rec.Date = date
	return rec, nil
}

// truncate shortens untrusted text quoted in error messages.
func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
