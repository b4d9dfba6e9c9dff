package evidence

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The ledger is the tamper evidence of an archive directory: an
// append-only file, LedgerName, beside the WARC files, with one JSON object
// per line (JSON Lines), chained by SHA-256:
//
//	{"seq":0,"kind":"start","time":"…","format":"vigie-ledger/1","software":"vigie/0.1","operator":"…","hostname":"…","prev":"000…0","hash":"…"}
//	{"seq":1,"kind":"record","file":"VIGIE-….warc.gz","offset":0,"length":391,"sha256":"…","record_id":"urn:uuid:…","type":"warcinfo","block_digest":"sha256:…","captured":"…","prev":"…","hash":"…"}
//	{"seq":9,"kind":"close","file":"VIGIE-….warc.gz","size":12345,"sha256":"…","time":"…","prev":"…","hash":"…"}
//
// Each Writer session starts with a "start" entry (software, operator,
// host); every record written gets a "record" entry, in file order, once
// the record is synced to disk (record → fsync WARC → ledger entry → fsync
// ledger), with where it lies in the file, the SHA-256 of those bytes (its
// gzip member: WARC header included) and its id, type, block digest and
// date; closing a WARC file adds a "close" entry with the SHA-256 and
// size of the whole file. "prev" is the previous entry's "hash" (64 zeros
// for the first); "hash" is the lower-case hex SHA-256 of the line with its
// "hash" member removed, that is of the bytes up to and including the
// "prev" value followed by "}". Members appear in the order shown, times in
// UTC RFC 3339 with nanoseconds as needed, no white space: a line is valid
// only in exactly this canonical form. Anyone can check a line with
// `sed 's/,"hash":"[0-9a-f]*"}$/}/' | sha256sum`.
//
// A chain shows that no entry was changed, removed or reordered, but
// not that entries were cut from the end together with the records they
// describe: keep the chain head that vigie verify prints (in the case file)
// to anchor it.

// LedgerName is the file name of the ledger in an archive directory.
const LedgerName = "ledger.jsonl"

// LedgerFormat names the ledger format in its start entries.
const LedgerFormat = "vigie-ledger/1"

// Kinds of ledger entries.
const (
	EntryStart  = "start"  // a Writer began writing to the directory
	EntryRecord = "record" // a record was written and synced
	EntryClose  = "close"  // a WARC file was closed
)

// genesis is the prev of the first ledger entry.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// maxLedgerLine bounds one ledger line; the writer's lines are far shorter.
const maxLedgerLine = 64 << 10

// LedgerEntry is one line of a ledger. Which fields are set depends on
// Kind (see the ledger format above); the others are zero.
type LedgerEntry struct {
	Seq  int64  // 0 for the first entry, then +1
	Kind string // EntryStart, EntryRecord or EntryClose

	Time     time.Time // start, close: when the entry was made
	Format   string    // start: LedgerFormat
	Software string    // start
	Operator string    // start
	Hostname string    // start

	File        string    // record, close: base name of the WARC file
	Offset      int64     // record: byte offset of the record (its gzip member)
	Length      int64     // record: bytes of the record (its gzip member)
	SHA256      string    // record: lower-case hex SHA-256 of those bytes; close: of the whole file
	RecordID    string    // record: "urn:uuid:…"
	Type        string    // record: WARC-Type
	BlockDigest string    // record: WARC-Block-Digest as written
	Captured    time.Time // record: WARC-Date

	Size int64 // close: bytes of the whole file

	Prev string // hash of the previous entry; genesis for the first
	Hash string // SHA-256 of this entry's canonical line without "hash"
}

// unhashed returns the canonical line of e without its hash member and
// without the newline.
func (e *LedgerEntry) unhashed() ([]byte, error) {
	b := strconv.AppendInt([]byte(`{"seq":`), e.Seq, 10)
	str := func(k, v string) {
		b = append(b, `,"`...)
		b = append(b, k...)
		b = append(b, `":`...)
		v2, _ := json.Marshal(v) // a string always marshals
		b = append(b, v2...)
	}
	num := func(k string, v int64) {
		b = append(b, `,"`...)
		b = append(b, k...)
		b = append(b, `":`...)
		b = strconv.AppendInt(b, v, 10)
	}
	str("kind", e.Kind)
	switch e.Kind {
	case EntryStart:
		str("time", formatTime(e.Time))
		str("format", e.Format)
		str("software", e.Software)
		str("operator", e.Operator)
		str("hostname", e.Hostname)
	case EntryRecord:
		str("file", e.File)
		num("offset", e.Offset)
		num("length", e.Length)
		str("sha256", e.SHA256)
		str("record_id", e.RecordID)
		str("type", e.Type)
		str("block_digest", e.BlockDigest)
		str("captured", formatTime(e.Captured))
	case EntryClose:
		str("file", e.File)
		num("size", e.Size)
		str("sha256", e.SHA256)
		str("time", formatTime(e.Time))
	default:
		return nil, fmt.Errorf("unknown kind %q", truncate(e.Kind))
	}
	str("prev", e.Prev)
	return append(b, '}'), nil
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// seal sets e.Prev to prev and e.Hash, and returns the canonical line with
// its newline.
func (e *LedgerEntry) seal(prev string) ([]byte, error) {
	e.Prev = prev
	body, err := e.unhashed()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	e.Hash = hex.EncodeToString(sum[:])
	line := append(body[:len(body)-1], `,"hash":"`...)
	return append(line, e.Hash+"\"}\n"...), nil
}

// wireEntry is a ledger line as JSON; times stay strings so that the
// canonical form can be checked byte for byte.
type wireEntry struct {
	Seq         int64  `json:"seq"`
	Kind        string `json:"kind"`
	Time        string `json:"time"`
	Format      string `json:"format"`
	Software    string `json:"software"`
	Operator    string `json:"operator"`
	Hostname    string `json:"hostname"`
	File        string `json:"file"`
	Offset      int64  `json:"offset"`
	Length      int64  `json:"length"`
	RecordID    string `json:"record_id"`
	Type        string `json:"type"`
	BlockDigest string `json:"block_digest"`
	Captured    string `json:"captured"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	Prev        string `json:"prev"`
	Hash        string `json:"hash"`
}

// parseLedgerLine decodes one line (without its newline) and checks that
// it is in canonical form and that its hash is right; the chain is the
// caller's business.
func parseLedgerLine(line []byte) (*LedgerEntry, error) {
	if !utf8.Valid(line) {
		return nil, errors.New("not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	var w wireEntry
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("not a ledger entry: %v", err)
	}
	e := &LedgerEntry{Seq: w.Seq, Kind: w.Kind, Format: w.Format, Software: w.Software, Operator: w.Operator,
		Hostname: w.Hostname, File: w.File, Offset: w.Offset, Length: w.Length, RecordID: w.RecordID, Type: w.Type,
		BlockDigest: w.BlockDigest, Size: w.Size, SHA256: w.SHA256, Prev: w.Prev, Hash: w.Hash}
	var err error
	if w.Time != "" {
		if e.Time, err = time.Parse(time.RFC3339Nano, w.Time); err != nil {
			return nil, fmt.Errorf("time: %v", err)
		}
	}
	if w.Captured != "" {
		if e.Captured, err = time.Parse(time.RFC3339Nano, w.Captured); err != nil {
			return nil, fmt.Errorf("captured: %v", err)
		}
	}
	check := *e
	canon, err := check.seal(e.Prev)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(canon[:len(canon)-1], line) {
		if check.Hash != e.Hash {
			return nil, fmt.Errorf("hash %s does not match the entry (computed %s)", truncate(e.Hash), check.Hash)
		}
		return nil, errors.New("not in canonical form")
	}
	if err := e.checkFields(); err != nil {
		return nil, err
	}
	return e, nil
}

// checkFields checks what each kind of entry needs. File names must be
// plain names: a ledger must not send a verifier outside its directory.
func (e *LedgerEntry) checkFields() error {
	if e.Kind == EntryStart {
		if e.Format != LedgerFormat {
			return fmt.Errorf("unknown ledger format %q", truncate(e.Format))
		}
		return nil
	}
	if e.File == "" || e.File == "." || e.File == ".." || strings.ContainsAny(e.File, `/\`) || e.File == LedgerName {
		return fmt.Errorf("bad file name %q", truncate(e.File))
	}
	if e.Kind == EntryRecord && (e.Offset < 0 || e.Length <= 0 || e.RecordID == "" || e.Type == "") {
		return errors.New("record entry without offset, length, id or type")
	}
	if e.Kind == EntryClose && e.Size < 0 {
		return errors.New("close entry with a negative size")
	}
	if _, err := hex.DecodeString(e.SHA256); err != nil || len(e.SHA256) != 64 {
		return fmt.Errorf("sha256 %q is not a lower-case hex SHA-256", truncate(e.SHA256))
	}
	return nil
}

// Ledger is a ledger read back and checked.
type Ledger struct {
	Entries []LedgerEntry // in order; Entries[i].Seq == i
	Head    string        // Hash of the last entry; 64 zeros for an empty ledger
	// Partial is the number of bytes after the last newline: a line being
	// written when the writer was killed. It is left out of Entries.
	Partial       int64
	PartialOffset int64 // byte offset of that incomplete line
}

// ReadLedger reads a ledger and checks it entry by entry: canonical form,
// hash, sequence number, chain (prev), the fields each kind needs, a start
// entry first, no record of a file after its close entry. The first
// problem gives an *AlterationError naming the line (wrapping ErrAltered);
// a read error is returned as is. An incomplete last line (no newline: the
// writer was killed while appending) is not an error: see Ledger.Partial.
func ReadLedger(r io.Reader) (*Ledger, error) {
	l := &Ledger{Head: genesis}
	br := bufio.NewReaderSize(r, 64<<10)
	closed := map[string]bool{}
	var off int64
	for lineNo := 1; ; lineNo++ {
		line, err := readLine(br)
		if err == io.EOF {
			if len(line) > 0 {
				l.Partial, l.PartialOffset = int64(len(line)), off
			}
			return l, nil
		}
		if err != nil {
			return nil, err
		}
		bad := func(format string, a ...any) error {
			return &AlterationError{File: LedgerName, Offset: off, Line: lineNo, Reason: fmt.Sprintf(format, a...)}
		}
		if len(line) > maxLedgerLine {
			return nil, bad("line longer than %d bytes", maxLedgerLine)
		}
		e, err := parseLedgerLine(line)
		if err != nil {
			return nil, bad("%v", err)
		}
		switch {
		case e.Seq != int64(len(l.Entries)):
			return nil, bad("seq %d where %d was due (entries removed, added or reordered)", e.Seq, len(l.Entries))
		case e.Prev != l.Head:
			return nil, bad("prev %s does not match the previous entry's hash %s", truncate(e.Prev), l.Head)
		case len(l.Entries) == 0 && e.Kind != EntryStart:
			return nil, bad("first entry is %q, want %q", e.Kind, EntryStart)
		case e.Kind != EntryStart && closed[e.File]:
			return nil, bad("%s entry for %s after it was closed", e.Kind, e.File)
		}
		if e.Kind == EntryClose {
			closed[e.File] = true
		}
		l.Entries = append(l.Entries, *e)
		l.Head = e.Hash
		off += int64(len(line)) + 1
	}
}

// readLine returns the next line without its newline, io.EOF with the
// bytes of an unterminated last line, or an error. Lines longer than
// maxLedgerLine are returned cut, for the caller to reject.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) <= maxLedgerLine+1 {
			line = append(line, chunk...)
		} else if len(line) <= maxLedgerLine {
			line = append(line, chunk[:maxLedgerLine+1-len(line)]...)
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF:
			return line, io.EOF
		case err != nil:
			return nil, err
		}
		if len(line) > maxLedgerLine {
			return line, nil
		}
		return line[:len(line)-1], nil
	}
}
