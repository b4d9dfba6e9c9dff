package evidence

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/google/uuid"
	warc "github.com/internetarchive/gowarc"
)

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

// openFile creates the next file of the series and writes its warcinfo
// record. The caller holds w.mu (or owns w exclusively).
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
	w.file = f
	w.buf = bufio.NewWriterSize(f, 64<<10)
	w.count = &countingWriter{w: w.buf}
	ww, err := warc.NewWriter(w.count, filepath.Base(f.Name()), warc.SHA256Base16, warc.CompressionGzip, true, nil)
	if err != nil {
		f.Close()
		return fmt.Errorf("evidence: warc writer for %s: %w", f.Name(), err)
	}
	w.ww = ww
	w.files = append(w.files, f.Name())

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
	if err := w.sync(); err != nil {
		f.Close()
		return err
	}
	return nil
}

// writeRecord serializes one record through gowarc as its own gzip member
// and returns the member's offset in the file and the block digest gowarc
// wrote. The caller holds w.mu.
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
	// gowarc closes its gzip compressor after each record; Reset starts the
	// next member on the same output.
	w.ww.Reset(w.count)
	if _, err := w.ww.WriteRecord(rec); err != nil {
		return 0, "", fmt.Errorf("write %s record: %w", h["WARC-Type"], err)
	}
	return offset, rec.Header.Get("WARC-Block-Digest"), nil
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

// countingWriter counts the compressed bytes written to the file, which
// gives each gzip member's offset.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func newRecordID() string {
	return "urn:uuid:" + uuid.NewString()
}
