package evidence

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
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
	ID, Type, TargetURI string            // WARC-Record-ID without angle brackets, WARC-Type, WARC-Target-URI (WARC 1.0's "<uri>" form unwrapped)
	Date                time.Time         // WARC-Date
	Header              map[string]string // all WARC header fields, names as written
	Block               []byte            // the record block (for a response: the raw HTTP response)
	File                string            // path of the file, as passed to ReadFile
	Offset              int64             // byte offset of the record in File: of its gzip member in a compressed file
	Size                int64             // bytes the record takes in File: its gzip member, or header, block and the two CRLFs after it
}

// ReadError says where a WARC file stops being readable. It wraps
// ErrCorrupt and the cause.
type ReadError struct {
	Path   string // the file, as passed to ReadFile
	Offset int64  // byte offset of the first record (gzip member) that could not be read
	Err    error  // the cause
}

// Error names the file and the offset.
func (e *ReadError) Error() string {
	return fmt.Sprintf("evidence: read %s at offset %d: %v: %v", e.Path, e.Offset, ErrCorrupt, e.Err)
}

// Unwrap returns ErrCorrupt and the cause.
func (e *ReadError) Unwrap() []error { return []error{ErrCorrupt, e.Err} }

// readMu serializes gowarc's ReadRecord across goroutines. In gowarc
// v0.8.101 readUntilDelim returns a slice of a sync.Pool buffer after
// putting the buffer back, so concurrent readers can overwrite each other's
// header lines before they are copied (go test -race shows it). Headers of
// evidence must never be corrupted silently. Remove once gowarc is fixed.
var readMu sync.Mutex

// gzipMagic starts every gzip member (RFC 1952).
const gzipMagic = "\x1f\x8b"

// ReadFile reads the WARC file at path and calls fn for every record in
// file order. The file is either gzip-compressed with one gzip member per
// record (as Writer, wget and most crawlers write it) or uncompressed; WARC
// 1.0 and 1.1 are read alike. It does not verify digests: see VerifyRecord.
// A malformed or truncated file gives a *ReadError (wrapping ErrCorrupt)
// naming path and the offset of the first bad record, after fn has seen
// every complete record before it. An error from fn stops reading and is
// returned wrapped.
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
	if st.IsDir() {
		return fmt.Errorf("evidence: read warc: %s is a directory", path)
	}
	if st.Size() == 0 {
		return nil
	}
	var magic [5]byte
	n, _ := io.ReadFull(f, magic[:])
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("evidence: read %s: %w", path, err)
	}
	switch {
	case n >= 2 && string(magic[:2]) == gzipMagic:
		return readGzip(f, path, st.Size(), fn)
	case n == 5 && string(magic[:]) == "WARC/":
		return readPlain(f, path, st.Size(), fn)
	}
	return &ReadError{path, 0, errors.New("neither a gzip-compressed nor an uncompressed warc file")}
}

// readGzip reads a file of gzip members, one record each, through gowarc.
func readGzip(f *os.File, path string, size int64, fn func(*Record) error) error {
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
			return &ReadError{path, next, err}
		}
		rec, err := convert(wr)
		if err != nil {
			return &ReadError{path, next, err}
		}
		rec.File, rec.Offset, rec.Size = path, wr.Offset, wr.Size
		next = wr.Offset + wr.Size
		if err := fn(rec); err != nil {
			return fmt.Errorf("evidence: read %s at offset %d: %w", path, rec.Offset, err)
		}
	}
	// gowarc reports io.EOF for an empty gzip member too; records after it
	// would be lost silently, so the whole file must have been consumed.
	if next != size {
		return &ReadError{path, next, fmt.Errorf("%d bytes left unread", size-next)}
	}
	return nil
}

// convert copies a gowarc record into a Record and closes its content.
func convert(wr *warc.Record) (*Record, error) {
	defer wr.Content.Close()
	if _, err := wr.Content.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewind block: %w", err)
	}
	var block bytes.Buffer
	if _, err := block.ReadFrom(wr.Content); err != nil {
		return nil, fmt.Errorf("read block: %w", err)
	}
	return newRecord(wr.Version, wr.Header, block.Bytes())
}

// newRecord checks the fields every record needs and fills a Record.
func newRecord(version string, header map[string]string, block []byte) (*Record, error) {
	if !strings.HasPrefix(version, "WARC/") {
		return nil, fmt.Errorf("bad version line %q", truncate(version))
	}
	rec := &Record{Header: make(map[string]string, len(header)), Block: block}
	for k, v := range header {
		rec.Header[k] = v
	}
	id := field(header, "WARC-Record-ID")
	if len(id) < 3 || id[0] != '<' || id[len(id)-1] != '>' {
		return nil, fmt.Errorf("bad WARC-Record-ID %q", truncate(id))
	}
	rec.ID = id[1 : len(id)-1]
	rec.Type = field(header, "WARC-Type")
	if rec.Type == "" {
		return nil, fmt.Errorf("record %s: no WARC-Type", rec.ID)
	}
	rec.TargetURI = field(header, "WARC-Target-URI")
	// WARC 1.0 (wget) writes the URI between angle brackets.
	if u := rec.TargetURI; len(u) >= 2 && u[0] == '<' && u[len(u)-1] == '>' {
		rec.TargetURI = u[1 : len(u)-1]
	}
	date, err := time.Parse(time.RFC3339Nano, field(header, "WARC-Date"))
	if err != nil {
		return nil, fmt.Errorf("record %s: WARC-Date: %w", rec.ID, err)
	}
	rec.Date = date
	return rec, nil
}

// maxHeaderBytes bounds the WARC header block of one record in an
// uncompressed file: a hostile file must not make us buffer without end.
const maxHeaderBytes = 1 << 20

// readPlain reads an uncompressed WARC file record by record.
func readPlain(f *os.File, path string, size int64, fn func(*Record) error) error {
	br := bufio.NewReaderSize(f, 64<<10)
	for off := int64(0); off < size; {
		rec, n, err := parsePlainRecord(br, size-off)
		if err != nil {
			return &ReadError{path, off, err}
		}
		rec.File, rec.Offset, rec.Size = path, off, n
		off += n
		if err := fn(rec); err != nil {
			return fmt.Errorf("evidence: read %s at offset %d: %w", path, rec.Offset, err)
		}
	}
	return nil
}

// parsePlainRecord reads one record, at most remaining bytes, and returns
// it with the number of bytes it took.
func parsePlainRecord(br *bufio.Reader, remaining int64) (*Record, int64, error) {
	var n int64
	line := func() (string, error) {
		var b []byte
		for {
			chunk, err := br.ReadSlice('\n')
			b = append(b, chunk...)
			if int64(len(b)) > maxHeaderBytes || n+int64(len(b)) > remaining {
				return "", errors.New("header too long or cut short")
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil {
				return "", fmt.Errorf("header: %w", err)
			}
			n += int64(len(b))
			if !bytes.HasSuffix(b, []byte("\r\n")) {
				return "", errors.New("header line does not end in CRLF")
			}
			return string(b[:len(b)-2]), nil
		}
	}
	version, err := line()
	if err != nil {
		return nil, 0, err
	}
	header := map[string]string{}
	for total := 0; ; {
		l, err := line()
		if err != nil {
			return nil, 0, err
		}
		if l == "" {
			break
		}
		if total += len(l); total > maxHeaderBytes {
			return nil, 0, errors.New("header too long")
		}
		if k, v, ok := strings.Cut(l, ":"); ok && k != "" {
			header[k] = strings.TrimSpace(v)
		}
	}
	length, err := strconv.ParseInt(field(header, "Content-Length"), 10, 64)
	if err != nil || length < 0 {
		return nil, 0, fmt.Errorf("bad Content-Length %q", truncate(field(header, "Content-Length")))
	}
	if length > remaining-n-4 {
		return nil, 0, fmt.Errorf("block of %d bytes cut short", length)
	}
	block := make([]byte, length+4)
	if _, err := io.ReadFull(br, block); err != nil {
		return nil, 0, fmt.Errorf("block: %w", err)
	}
	if string(block[length:]) != "\r\n\r\n" {
		return nil, 0, errors.New("record does not end with CRLF CRLF")
	}
	n += length + 4
	rec, err := newRecord(version, header, block[:length:length])
	if err != nil {
		return nil, 0, err
	}
	return rec, n, nil
}

// truncate shortens untrusted text quoted in error messages.
func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
