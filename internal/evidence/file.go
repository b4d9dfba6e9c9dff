package evidence

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/google/uuid"
	warc "github.com/internetarchive/gowarc"
	"github.com/klauspost/compress/gzip"
)

// gzipLevel is the compression of every record's gzip member. gowarc
// compresses at the default level; at BestSpeed a 55 KB page takes 56 % of
// the time (compression is the crawl's largest cost after analysis) and
// its member is 14 % larger. Any gzip reader reads either.
const gzipLevel = gzip.BestSpeed

// header holds the WARC fields of a record to write; WARC-Date,
// Content-Length, WARC-Warcinfo-ID and WARC-Block-Digest are added by
// writeRecord.
type header map[string]string

// maxSerial bounds the search for a free file name.
const maxSerial = 99999

// fileName follows the WARC naming recommendation (prefix, timestamp,
// serial), so that rotation only has to raise the serial.
func fileName(t time.Time, serial int) string {
	return fmt.Sprintf("VIGIE-%s-%05d.warc.gz", t.UTC().Format("20060102150405"), serial)
}

// openFile creates the next file of the series, writes its warcinfo record
// and ledgers it. The caller holds w.mu (or owns w exclusively).
func (w *Writer) openFile(now time.Time) error {
	var f *os.File
	for ; ; w.serial++ {
		if w.serial > maxSerial {
			return fmt.Errorf("evidence: no free warc file name in %s", w.dir)
		}
		name := filepath.Join(w.dir, fileName(now, w.serial))
		// O_EXCL: never append to, or truncate, an existing evidence file.
		var err error
		f, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("evidence: create warc file: %w", err)
		}
		break
	}
	w.serial++
	w.file = f
	w.buf = bufio.NewWriterSize(f, 64<<10)
	w.count = &countingWriter{w: w.buf, file: sha256.New()}
	w.records = 0
	w.files = append(w.files, f.Name())
	if err := syncDir(w.dir); err != nil {
		f.Close()
		return err
	}

	w.warcinfoID = newRecordID()
	h := header{
		"WARC-Type":      "warcinfo",
		"WARC-Record-ID": "<" + w.warcinfoID + ">",
		"WARC-Filename":  filepath.Base(f.Name()),
		"Content-Type":   "application/warc-fields",
	}
	if err := w.writeRecords([]record{{h, now.UTC(), warcinfoFields(w.info)}}); err != nil {
		f.Close()
		return fmt.Errorf("evidence: write warcinfo to %s: %w", f.Name(), err)
	}
	if err := w.commit(); err != nil {
		f.Close()
		return err
	}
	return nil
}

// rotateIfFull closes the current file and opens the next one once the
// current file holds MaxFileSize bytes and more than its warcinfo. The
// caller holds w.mu.
func (w *Writer) rotateIfFull() error {
	if w.count.n < w.maxSize || w.records <= 1 {
		return nil
	}
	// Waiting for a running commit releases w.mu: another writer may have
	// rotated meanwhile, or closed the writer.
	w.quiesce()
	if err := w.usable(); err != nil {
		return err
	}
	if w.count.n < w.maxSize || w.records <= 1 {
		return nil
	}
	if err := w.closeFile(); err != nil {
		return err
	}
	return w.openFile(time.Now())
}

// closeFile commits the records appended and not yet committed, closes
// the current file and ledgers its size and SHA-256. The caller holds w.mu.
func (w *Writer) closeFile() error {
	w.quiesce()
	if w.err != nil {
		w.file.Close()
		return w.err
	}
	if err := w.commit(); err != nil {
		w.file.Close()
		return err
	}
	if err := w.file.Close(); err != nil {
		return fmt.Errorf("evidence: close %s: %w", w.file.Name(), err)
	}
	err := w.ledger.add(LedgerEntry{Kind: EntryClose, File: filepath.Base(w.file.Name()), Size: w.count.n,
		SHA256: hex.EncodeToString(w.count.file.Sum(nil)), Time: time.Now()})
	if err == nil {
		err = w.ledger.flush()
	}
	return err
}

// record is one WARC record to write: its fields, WARC-Date and block.
type record struct {
	h     header
	date  time.Time
	block []byte
}

// encoded is records serialized, each as its own gzip member, one after
// the other in out, with what their ledger entries need. Records are
// encoded outside the Writer's lock, so that writers compress in parallel;
// appending them to the file is a copy.
type encoded struct {
	enc     *encoder
	members []member
	info    string // the warcinfo record the members refer to
}

type member struct {
	length      int64
	sha256      string // of the gzip member
	blockDigest string // WARC-Block-Digest as gowarc wrote it
	id, typ     string
	date        time.Time
}

// encoder is a gowarc writer over a buffer, kept for reuse (Writer.encoders).
type encoder struct {
	ww  *warc.Writer
	out bytes.Buffer
}

func newEncoder() (*encoder, error) {
	e := &encoder{}
	ww, err := warc.NewWriter(&e.out, "", warc.SHA256Base16, warc.CompressionGzip, true, nil)
	if err != nil {
		return nil, fmt.Errorf("evidence: warc writer: %w", err)
	}
	gz, err := gzip.NewWriterLevel(&e.out, gzipLevel)
	if err != nil {
		return nil, fmt.Errorf("evidence: gzip writer: %w", err)
	}
	// gowarc's writer takes its compressor as a field; Reset (before each
	// record) starts the next gzip member on the buffer.
	ww.Compressor, ww.BufWriter = gz, bufio.NewWriter(gz)
	e.ww = ww
	return e, nil
}

// encode serializes recs through gowarc, referring to the warcinfo record
// info. It needs no lock.
func (w *Writer) encode(info string, recs []record) (*encoded, error) {
	e, _ := w.encoders.Get().(*encoder)
	if e == nil {
		var err error
		if e, err = newEncoder(); err != nil {
			return nil, err
		}
	}
	e.out.Reset()
	out := &encoded{enc: e, info: info}
	for _, r := range recs {
		rec := warc.NewRecord("", false)
		for k, v := range r.h {
			rec.Header.Set(k, v)
		}
		rec.Header.Set("WARC-Date", r.date.Format(time.RFC3339Nano))
		rec.Header.Set("Content-Length", strconv.Itoa(len(r.block)))
		if r.h["WARC-Type"] != "warcinfo" {
			rec.Header.Set("WARC-Warcinfo-ID", "<"+info+">")
		}
		if _, err := rec.Content.Write(r.block); err != nil {
			rec.Content.Close()
			w.encoders.Put(e)
			return nil, fmt.Errorf("buffer record: %w", err)
		}
		start := e.out.Len()
		e.ww.Reset(&e.out)
		if _, err := e.ww.WriteRecord(rec); err != nil {
			w.encoders.Put(e)
			return nil, fmt.Errorf("write %s record: %w", r.h["WARC-Type"], err)
		}
		sum := sha256.Sum256(e.out.Bytes()[start:])
		id := r.h["WARC-Record-ID"]
		out.members = append(out.members, member{length: int64(e.out.Len() - start), sha256: hex.EncodeToString(sum[:]),
			blockDigest: rec.Header.Get("WARC-Block-Digest"), id: id[1 : len(id)-1], typ: r.h["WARC-Type"], date: r.date})
	}
	return out, nil
}

// release gives the encoder back for reuse.
func (w *Writer) release(e *encoded) {
	if e != nil && e.enc != nil {
		w.encoders.Put(e.enc)
		e.enc = nil
	}
}

// add appends encoded records to the current file and keeps their ledger
// entries for the next commit; it returns the offset of the first. The
// caller holds w.mu, and has checked that e refers to the current file's
// warcinfo.
func (w *Writer) add(e *encoded) (offset int64, err error) {
	offset = w.count.n
	if _, err := w.count.Write(e.enc.out.Bytes()); err != nil {
		return 0, fmt.Errorf("write records: %w", err)
	}
	name := filepath.Base(w.file.Name())
	off := offset
	for _, m := range e.members {
		w.pending = append(w.pending, LedgerEntry{Kind: EntryRecord, File: name, Offset: off, Length: m.length,
			SHA256: m.sha256, RecordID: m.id, Type: m.typ, BlockDigest: m.blockDigest, Captured: m.date})
		off += m.length
		w.records++
	}
	w.appended++
	return offset, nil
}

// writeRecords encodes recs and appends them, under w.mu: the warcinfo
// record of a new file.
func (w *Writer) writeRecords(recs []record) error {
	e, err := w.encode(w.warcinfoID, recs)
	if err != nil {
		return err
	}
	defer w.release(e)
	_, err = w.add(e)
	return err
}

// commit makes the records written so far evidence: it syncs the WARC
// file, then appends their ledger entries and syncs the ledger. A crash
// between the two leaves records on disk that the ledger does not list: an
// incomplete tail that verification reports. The caller holds w.mu, and
// no group commit is running (see durable).
func (w *Writer) commit() error {
	if err := w.sync(); err != nil {
		return err
	}
	for _, e := range w.pending {
		if err := w.ledger.add(e); err != nil {
			return err
		}
	}
	w.pending = w.pending[:0]
	if err := w.ledger.flush(); err != nil {
		return err
	}
	w.durableSeq = w.appended
	w.cond.Broadcast()
	return nil
}

// durable returns once the records appended as the seq-th append are on
// disk and ledgered. Writers commit in groups: the first to find no
// commit running commits everything appended so far, outside the lock,
// while others append; those whose records it covered return when it is
// done. The caller holds w.mu.
func (w *Writer) durable(seq int64) error {
	for w.durableSeq < seq {
		if w.err != nil {
			return w.err
		}
		if w.committing {
			w.cond.Wait()
			continue
		}
		w.committing = true
		target, entries := w.appended, w.pending
		w.pending = nil
		f := w.file
		err := w.buf.Flush()
		if err != nil {
			err = fmt.Errorf("evidence: flush %s: %w", f.Name(), err)
		}
		var ledgered []byte
		for _, e := range entries {
			if err == nil {
				err = w.ledger.add(e)
			}
		}
		if err == nil {
			ledgered = w.ledger.take()
		}
		w.mu.Unlock()
		if err == nil {
			if err = f.Sync(); err != nil {
				err = fmt.Errorf("evidence: fsync %s: %w", f.Name(), err)
			}
		}
		if err == nil {
			err = w.ledger.write(ledgered)
		}
		w.mu.Lock()
		w.committing = false
		if err != nil && w.err == nil {
			w.err = err
		}
		if err == nil {
			w.durableSeq = max(w.durableSeq, target)
		}
		w.cond.Broadcast()
	}
	return nil
}

// sync pushes buffered bytes to the file and the file to stable storage.
func (w *Writer) sync() error {
	if err := w.buf.Flush(); err != nil {
		return fmt.Errorf("evidence: flush %s: %w", w.file.Name(), err)
	}
	if err := w.file.Sync(); err != nil {
		return fmt.Errorf("evidence: fsync %s: %w", w.file.Name(), err)
	}
	return nil
}

// quiesce waits until no group commit is running, so that the caller may
// use the file and the ledger alone. The caller holds w.mu.
func (w *Writer) quiesce() {
	for w.committing {
		w.cond.Wait()
	}
}

// countingWriter counts and hashes the compressed bytes written to the
// file, which gives each record's offset and the file's SHA-256.
type countingWriter struct {
	w    io.Writer
	file hash.Hash
	n    int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.file.Write(p[:n])
	c.n += int64(n)
	return n, err
}

func newRecordID() string {
	return "urn:uuid:" + uuid.NewString()
}
