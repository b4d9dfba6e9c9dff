package evidence

import (
	"bufio"
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
	w.count = &countingWriter{w: w.buf, file: sha256.New(), member: sha256.New()}
	w.records = 0
	ww, err := warc.NewWriter(w.count, filepath.Base(f.Name()), warc.SHA256Base16, warc.CompressionGzip, true, nil)
	if err != nil {
		f.Close()
		return fmt.Errorf("evidence: warc writer for %s: %w", f.Name(), err)
	}
	gz, err := gzip.NewWriterLevel(w.count, gzipLevel)
	if err != nil {
		f.Close()
		return fmt.Errorf("evidence: gzip writer for %s: %w", f.Name(), err)
	}
	// gowarc's writer takes its compressor as a field; Reset (before each
	// record) points it at the file's counting writer.
	ww.Compressor, ww.BufWriter = gz, bufio.NewWriter(gz)
	w.ww = ww
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
	if _, _, err := w.writeRecord(h, now.UTC(), warcinfoFields(w.info)); err != nil {
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
	if err := w.closeFile(); err != nil {
		return err
	}
	return w.openFile(time.Now())
}

// closeFile syncs and closes the current file and ledgers its size and
// SHA-256. The caller holds w.mu.
func (w *Writer) closeFile() error {
	if err := w.sync(); err != nil {
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

// writeRecord serializes one record through gowarc as its own gzip member,
// keeps its ledger entry for commit, and returns the member's offset in the
// file and the block digest gowarc wrote. The caller holds w.mu.
func (w *Writer) writeRecord(h header, date time.Time, block []byte) (offset int64, blockDigest string, err error) {
	rec := warc.NewRecord("", false)
	for k, v := range h {
		rec.Header.Set(k, v)
	}
	rec.Header.Set("WARC-Date", date.Format(time.RFC3339Nano))
	rec.Header.Set("Content-Length", strconv.Itoa(len(block)))
	if h["WARC-Type"] != "warcinfo" {
		rec.Header.Set("WARC-Warcinfo-ID", "<"+w.warcinfoID+">")
	}
	if _, err := rec.Content.Write(block); err != nil {
		rec.Content.Close()
		return 0, "", fmt.Errorf("buffer record: %w", err)
	}
	offset = w.count.n
	w.count.member.Reset()
	// gowarc closes its gzip compressor after each record; Reset starts the
	// next member on the same output.
	w.ww.Reset(w.count)
	if _, err := w.ww.WriteRecord(rec); err != nil {
		return 0, "", fmt.Errorf("write %s record: %w", h["WARC-Type"], err)
	}
	blockDigest = rec.Header.Get("WARC-Block-Digest")
	id := h["WARC-Record-ID"]
	w.pending = append(w.pending, LedgerEntry{Kind: EntryRecord, File: filepath.Base(w.file.Name()),
		Offset: offset, Length: w.count.n - offset, SHA256: hex.EncodeToString(w.count.member.Sum(nil)), RecordID: id[1 : len(id)-1], Type: h["WARC-Type"],
		BlockDigest: blockDigest, Captured: date})
	w.records++
	return offset, blockDigest, nil
}

// commit makes the records written so far evidence: it syncs the WARC
// file, then appends their ledger entries and syncs the ledger. A crash
// between the two leaves records on disk that the ledger does not list: an
// incomplete tail that verification reports. The caller holds w.mu.
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
	return w.ledger.flush()
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

// countingWriter counts and hashes the compressed bytes written to the
// file, which gives each gzip member's offset and SHA-256 and the file's
// SHA-256.
type countingWriter struct {
	w            io.Writer
	file, member hash.Hash
	n            int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.file.Write(p[:n])
	c.member.Write(p[:n])
	c.n += int64(n)
	return n, err
}

func newRecordID() string {
	return "urn:uuid:" + uuid.NewString()
}
