package evidence

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Info is written in the warcinfo record at the head of every WARC file.
// Empty fields are left out. Keys and values must not contain CR or LF;
// keys must not contain ':' or white space.
type Info struct {
	Software   string            // e.g. "vigie/0.1"
	Operator   string            // who ran the capture
	Hostname   string            // machine that ran the capture
	Parameters map[string]string // scan parameters (seeds, limits…), written as fields in sorted key order
}

// Exchange is one HTTP request/response exactly as it crossed the wire.
type Exchange struct {
	URL       string        // WARC-Target-URI; required, no white space
	Request   []byte        // raw request bytes as sent; required
	Response  []byte        // raw response bytes as received: status line, headers, body as transferred (possibly chunked / gzip); required
	IP        string        // remote IP connected to (WARC-IP-Address), may be ""
	Started   time.Time     // when the request was sent; WARC-Date of the records; required
	Duration  time.Duration // until the last byte was read
	Truncated string        // "" or a WARC-Truncated reason ("length", "time", "disconnect", "unspecified")
}

// Ref locates the response record written for an exchange (or the resource
// record written by WriteResource).
type Ref struct {
	RecordID      string    // "urn:uuid:…" (without angle brackets)
	File          string    // absolute path of the WARC file
	Offset        int64     // byte offset of the record's gzip member in File
	Captured      time.Time // WARC-Date, UTC
	BlockDigest   string    // the WARC-Block-Digest value as written ("sha256:…")
	PayloadSHA256 string    // lower-case hex SHA-256 of the payload (same bytes as WARC-Payload-Digest); "" when the response has no header/body boundary
}

// DefaultMaxFileSize is the size at which a Writer closes a WARC file and
// opens the next one when Options.MaxFileSize is zero: 1 GiB, the WARC
// specification's recommendation.
const DefaultMaxFileSize = 1 << 30

// Options tune a Writer. The zero value gives the documented defaults.
type Options struct {
	// MaxFileSize is the size in bytes at which the current WARC file is
	// closed and the next one opened, before the next exchange or resource
	// is written; 0 means DefaultMaxFileSize. An exchange is never split
	// across files, so a file can exceed it by one exchange.
	MaxFileSize int64
}

// Writer appends records to gzip-compressed WARC 1.1 files in one directory,
// and keeps the directory's ledger (see LedgerName). Every record is its own
// gzip member, so a Ref's Offset allows random access. Files are rotated by
// size (Options.MaxFileSize); each starts with its warcinfo record. A
// Writer is safe for concurrent use by several goroutines; after a write
// error it refuses further writes, because the file may end in a partial
// record. One Writer at a time may write to a directory.
type Writer struct {
	mu         sync.Mutex
	dir        string
	info       Info
	maxSize    int64
	serial     int
	file       *os.File
	buf        *bufio.Writer
	count      *countingWriter
	warcinfoID string
	records    int // in the current file, warcinfo included
	files      []string
	ledger     *ledgerFile
	pending    []LedgerEntry // records written, not yet synced and ledgered
	err        error         // sticky: the first write error
	closed     bool
	encoders   sync.Pool // *encoder
	// Group commit (see durable): appends are numbered; durableSeq is the
	// last whose records are synced and ledgered; committing is set while
	// a writer commits outside the lock, and cond wakes the others.
	cond                 *sync.Cond
	appended, durableSeq int64
	committing           bool
}

var errClosed = errors.New("evidence: writer closed")

// NewWriter is NewWriterOptions with the default Options.
func NewWriter(dir string, info Info) (*Writer, error) {
	return NewWriterOptions(dir, info, Options{})
}

// NewWriterOptions creates dir (0o755) if needed, opens its ledger (going
// on from the entries already there; an unreadable or altered ledger is an
// error) and appends a start entry with info's software, operator and
// hostname, then creates the first file
// "VIGIE-<UTC yyyymmddhhmmss>-00000.warc.gz" (the serial is raised if that
// name is taken) and writes its warcinfo record. The caller must Close the
// Writer.
func NewWriterOptions(dir string, info Info, opt Options) (*Writer, error) {
	if err := checkInfo(info); err != nil {
		return nil, err
	}
	if opt.MaxFileSize < 0 {
		return nil, fmt.Errorf("evidence: negative MaxFileSize %d", opt.MaxFileSize)
	}
	if opt.MaxFileSize == 0 {
		opt.MaxFileSize = DefaultMaxFileSize
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("evidence: warc directory %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("evidence: create warc directory: %w", err)
	}
	now := time.Now()
	ledger, err := openLedger(abs, LedgerEntry{Kind: EntryStart, Time: now, Format: LedgerFormat,
		Software: info.Software, Operator: info.Operator, Hostname: info.Hostname})
	if err != nil {
		return nil, err
	}
	w := &Writer{dir: abs, info: info, maxSize: opt.MaxFileSize, ledger: ledger}
	w.cond = sync.NewCond(&w.mu)
	if err := w.openFile(now); err != nil {
		ledger.close()
		return nil, err
	}
	return w, nil
}

// WriteExchange writes, with ex.Started as their common WARC-Date, a
// response record, a request record concurrent to it and a metadata record
// referring to it, all three in the same file (rotating first if the
// current one is full), then flushes and fsyncs the file, then appends
// their ledger entries and fsyncs the ledger, so that the evidence is on
// disk and ledgered before anyone analyses it. The Ref describes the
// response record. Concurrent writers compress at once, and share fsyncs:
// a writer's commit covers every exchange appended before it.
//
// WARC-Payload-Digest is the SHA-256 of the bytes after the blank line that
// ends the HTTP header block, exactly as transferred (chunked framing and
// content coding kept), the way nlnwa/gowarc and warcio check it. (gowarc's
// own HTTP client removes chunked framing first, which independent
// validators then reject.) A response without that blank line gets no
// payload digest.
func (w *Writer) WriteExchange(ex Exchange) (Ref, error) {
	if err := checkExchange(ex); err != nil {
		return Ref{}, err
	}
	date := ex.Started.UTC()
	respID, reqID, metaID := newRecordID(), newRecordID(), newRecordID()

	resp := header{
		"WARC-Type":       "response",
		"WARC-Record-ID":  "<" + respID + ">",
		"WARC-Target-URI": ex.URL,
		"Content-Type":    "application/http;msgtype=response",
	}
	var payloadHex string
	if end := httpHeaderEnd(ex.Response); end >= 0 {
		sum := sha256.Sum256(ex.Response[end:])
		payloadHex = hex.EncodeToString(sum[:])
		resp["WARC-Payload-Digest"] = "sha256:" + payloadHex
	}
	if ex.IP != "" {
		resp["WARC-IP-Address"] = ex.IP
	}
	if ex.Truncated != "" {
		resp["WARC-Truncated"] = ex.Truncated
	}

	req := header{
		"WARC-Type":          "request",
		"WARC-Record-ID":     "<" + reqID + ">",
		"WARC-Target-URI":    ex.URL,
		"WARC-Concurrent-To": "<" + respID + ">",
		"Content-Type":       "application/http;msgtype=request",
	}
	if ex.IP != "" {
		req["WARC-IP-Address"] = ex.IP
	}

	fields := "fetchTimeMs: " + strconv.FormatInt(ex.Duration.Milliseconds(), 10) + "\r\n"
	if ex.IP != "" {
		fields += "ip: " + ex.IP + "\r\n"
	}
	meta := header{
		"WARC-Type":          "metadata",
		"WARC-Record-ID":     "<" + metaID + ">",
		"WARC-Target-URI":    ex.URL,
		"WARC-Refers-To":     "<" + respID + ">",
		"WARC-Concurrent-To": "<" + respID + ">",
		"Content-Type":       "application/warc-fields",
	}

	recs := []record{{resp, date, ex.Response}, {req, date, ex.Request}, {meta, date, []byte(fields)}}
	ref, err := w.write("archive "+ex.URL, recs)
	if err != nil {
		return Ref{}, err
	}
	ref.PayloadSHA256 = payloadHex
	return ref, nil
}

// write encodes recs (outside the lock), appends them to the current
// file, rotating first if it is full, and returns once they are on disk
// and ledgered. The Ref describes the first record. A failure makes the
// writer unusable; its error names what was being done (what).
func (w *Writer) write(what string, recs []record) (Ref, error) {
	w.mu.Lock()
	info := w.warcinfoID
	w.mu.Unlock()
	e, err := w.encode(info, recs)
	defer func() { w.release(e) }()
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.usable(); err != nil {
		return Ref{}, err
	}
	fail := func(err error) (Ref, error) {
		if w.err == nil {
			w.err = fmt.Errorf("evidence: %s: %w", what, err)
		}
		return Ref{}, w.err
	}
	if err != nil {
		return fail(err)
	}
	if err := w.rotateIfFull(); err != nil {
		if uerr := w.usable(); uerr != nil {
			return Ref{}, uerr // closed, or failed, while this one waited
		}
		return fail(err)
	}
	if w.warcinfoID != e.info {
		// The file rotated since the records were encoded: they must refer
		// to the new file's warcinfo record.
		w.release(e)
		if e, err = w.encode(w.warcinfoID, recs); err != nil {
			return fail(err)
		}
	}
	off, err := w.add(e)
	if err != nil {
		return fail(err)
	}
	file := w.file.Name() // another writer may rotate while this one waits
	if err := w.durable(w.appended); err != nil {
		return fail(err)
	}
	return Ref{
		RecordID:    e.members[0].id,
		File:        file,
		Offset:      off,
		Captured:    e.members[0].date,
		BlockDigest: e.members[0].blockDigest,
	}, nil
}

// WriteResource writes a resource record (a screenshot, a rendered DOM…)
// for uri (rotating first if the current file is full), flushes and fsyncs
// the file, then ledgers the record and fsyncs the ledger. refersTo is "" or the record id
// ("urn:uuid:…") of the capture the resource was derived from; it is
// written as WARC-Concurrent-To, because WARC 1.1 (section 5.11) forbids
// WARC-Refers-To in resource records. For a resource the payload is the
// whole body, so PayloadSHA256 is the SHA-256 of body.
func (w *Writer) WriteResource(uri, contentType string, body []byte, refersTo string, captured time.Time) (Ref, error) {
	if err := checkURI(uri); err != nil {
		return Ref{}, err
	}
	if strings.ContainsAny(contentType, "\r\n") {
		return Ref{}, fmt.Errorf("evidence: resource %s: content type contains a line break", uri)
	}
	if captured.IsZero() {
		return Ref{}, fmt.Errorf("evidence: resource %s: no capture time", uri)
	}
	if refersTo != "" && (!strings.HasPrefix(refersTo, "urn:") || strings.ContainsAny(refersTo, " \t\r\n<>")) {
		return Ref{}, fmt.Errorf("evidence: resource %s: refers to %q: not a record id", uri, refersTo)
	}
	date := captured.UTC()
	id := newRecordID()
	sum := sha256.Sum256(body)
	payloadHex := hex.EncodeToString(sum[:])
	h := header{
		"WARC-Type":           "resource",
		"WARC-Record-ID":      "<" + id + ">",
		"WARC-Target-URI":     uri,
		"WARC-Payload-Digest": "sha256:" + payloadHex,
	}
	if contentType != "" {
		h["Content-Type"] = contentType
	}
	if refersTo != "" {
		h["WARC-Concurrent-To"] = "<" + refersTo + ">"
	}

	ref, err := w.write("archive resource "+uri, []record{{h, date, body}})
	if err != nil {
		return Ref{}, err
	}
	ref.PayloadSHA256 = payloadHex
	return ref, nil
}

// Files returns the absolute paths of the WARC files written so far, in
// order of creation. The slice is a copy.
func (w *Writer) Files() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.files...)
}

// Close flushes, fsyncs and closes the current file, appends its close
// entry (size and SHA-256 of the whole file) to the ledger, and closes the
// ledger. After a write error the file gets no close entry: it may end in a
// partial record, which vigie verify then reports as an incomplete tail.
// Writes after Close return an error; a second Close returns nil.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	w.quiesce()
	var err error
	if w.err == nil {
		err = w.closeFile()
	} else {
		w.file.Close()
	}
	if cerr := w.ledger.close(); err == nil {
		err = cerr
	}
	return err
}

func (w *Writer) usable() error {
	if w.closed {
		return errClosed
	}
	if w.err != nil {
		return fmt.Errorf("evidence: writer unusable after earlier error: %w", w.err)
	}
	return nil
}

func checkInfo(info Info) error {
	for _, v := range []string{info.Software, info.Operator, info.Hostname} {
		if strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("evidence: warcinfo value %q contains a line break", v)
		}
		// The ledger's start entry must read back as written.
		if !utf8.ValidString(v) {
			return fmt.Errorf("evidence: warcinfo value %q is not UTF-8", v)
		}
	}
	for k, v := range info.Parameters {
		if k == "" || strings.ContainsAny(k, ": \t\r\n") {
			return fmt.Errorf("evidence: warcinfo parameter name %q is not a token", k)
		}
		if strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("evidence: warcinfo parameter %s contains a line break", k)
		}
	}
	return nil
}

func checkURI(uri string) error {
	// The URI goes verbatim into a WARC header line; white space would
	// corrupt the header or be read differently by other tools.
	if uri == "" || strings.ContainsAny(uri, " \t\r\n") {
		return fmt.Errorf("evidence: target uri %q is empty or contains white space", uri)
	}
	return nil
}

func checkExchange(ex Exchange) error {
	if err := checkURI(ex.URL); err != nil {
		return err
	}
	if len(ex.Request) == 0 || len(ex.Response) == 0 {
		return fmt.Errorf("evidence: exchange %s: request or response is empty", ex.URL)
	}
	if ex.Started.IsZero() {
		return fmt.Errorf("evidence: exchange %s: no start time", ex.URL)
	}
	if ex.IP != "" && net.ParseIP(ex.IP) == nil {
		return fmt.Errorf("evidence: exchange %s: ip %q is not an IP address", ex.URL, ex.IP)
	}
	switch ex.Truncated {
	case "", "length", "time", "disconnect", "unspecified":
	default:
		return fmt.Errorf("evidence: exchange %s: unknown truncation reason %q", ex.URL, ex.Truncated)
	}
	return nil
}

// warcinfoFields renders info as application/warc-fields.
func warcinfoFields(info Info) []byte {
	var b strings.Builder
	field := func(k, v string) {
		if v != "" {
			b.WriteString(k + ": " + v + "\r\n")
		}
	}
	field("software", info.Software)
	field("operator", info.Operator)
	field("hostname", info.Hostname)
	field("format", "WARC File Format 1.1")
	field("conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/")
	keys := make([]string, 0, len(info.Parameters))
	for k := range info.Parameters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		field(k, info.Parameters[k])
	}
	return []byte(b.String())
}

// LedgerHead returns the hash of the last entry of the archive's ledger and
// the number of entries: kept with a scan's report (or a case), it shows
// later that no ledger line was cut off with its records.
func (w *Writer) LedgerHead() (head string, entries int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.quiesce() // a running commit has sealed entries it has not yet written
	return w.ledger.head, w.ledger.seq
}
