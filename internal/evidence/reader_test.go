package evidence_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"vigie/internal/evidence"
)

func TestReadFileMalformed(t *testing.T) {
	path, refs, _ := writeSample(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	last := refs[len(refs)-1].Offset // the resource record, last in the file

	var emptyMember bytes.Buffer
	zw := gzip.NewWriter(&emptyMember)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name        string
		content     []byte
		wantRecords int // complete records delivered before the error
	}{
		{"cut in the last member", data[:last+(int64(len(data))-last)/2], 10},
		{"cut in the gzip header of the last member", data[:last+3], 10},
		{"trailing garbage", append(append([]byte(nil), data...), "garbage"...), 11},
		{"empty gzip member hides the rest", append(append(append([]byte(nil), data[:last]...), emptyMember.Bytes()...), data[last:]...), 10},
		{"not gzip", []byte("WARC/1.1\r\nWARC-Type: resource\r\n\r\n"), 0},
		{"gzip but not warc", gzipped(t, "hello\r\nworld\r\n\r\n"), 0},
		{"bad content length", gzipped(t, "WARC/1.1\r\nWARC-Record-ID: <urn:x>\r\nWARC-Type: resource\r\nWARC-Date: 2026-01-01T00:00:00Z\r\nContent-Length: many\r\n\r\n\r\n\r\n"), 0},
		{"no record id", gzipped(t, "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Date: 2026-01-01T00:00:00Z\r\nContent-Length: 0\r\n\r\n\r\n\r\n"), 0},
		{"bad date", gzipped(t, "WARC/1.1\r\nWARC-Record-ID: <urn:x>\r\nWARC-Type: resource\r\nWARC-Date: yesterday\r\nContent-Length: 0\r\n\r\n\r\n\r\n"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad.warc.gz")
			if err := os.WriteFile(bad, tt.content, 0o644); err != nil {
				t.Fatal(err)
			}
			got := 0
			err := evidence.ReadFile(bad, func(*evidence.Record) error {
				got++
				return nil
			})
			if !errors.Is(err, evidence.ErrCorrupt) || !strings.Contains(err.Error(), bad) {
				t.Errorf("ReadFile() = %v, want ErrCorrupt naming %s", err, bad)
			}
			if got != tt.wantRecords {
				t.Errorf("ReadFile delivered %d records, want %d", got, tt.wantRecords)
			}
		})
	}
}

func TestReadFileStopsOnCallbackError(t *testing.T) {
	path, _, _ := writeSample(t)
	stop := errors.New("stop")
	n := 0
	err := evidence.ReadFile(path, func(*evidence.Record) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || errors.Is(err, evidence.ErrCorrupt) {
		t.Errorf("ReadFile() = %v, want the callback's error and not ErrCorrupt", err)
	}
	if n != 2 {
		t.Errorf("callback called %d times, want 2", n)
	}
}

func FuzzReadFile(f *testing.F) {
	path, _, _ := writeSample(f)
	seed, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Add(gzipped(f, "WARC/1.1\r\nWARC-Record-ID: <urn:x>\r\nWARC-Type: resource\r\nWARC-Date: 2026-01-01T00:00:00Z\r\nContent-Length: 3\r\nWARC-Block-Digest: sha1:x\r\n\r\nabc\r\n\r\n"))
	f.Add([]byte{})
	f.Add([]byte("WARC/1.1\r\nWARC-Record-ID: <urn:x>\r\nWARC-Type: resource\r\nWARC-Date: 2026-01-01T00:00:00Z\r\nContent-Length: 3\r\n\r\nabc\r\n\r\n"))
	f.Add([]byte("WARC/1.1\r\nWARC-Record-ID: <urn:x>\r\nWARC-Type: response\r\nContent-Type: application/http\r\nWARC-Date: 2026-01-01T00:00:00Z\r\nContent-Length: 4\r\nWARC-Block-Digest: sha256:00\r\nWARC-Payload-Digest: sha256:00\r\n\r\nH\n\nx\r\n\r\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		// As given, and wrapped in one valid gzip member, so that the
		// mutations also reach the WARC parser behind the gzip checksum.
		for _, content := range [][]byte{data, gzipped(t, string(data))} {
			p := filepath.Join(dir, "fuzz.warc.gz")
			if err := os.WriteFile(p, content, 0o644); err != nil {
				t.Fatal(err)
			}
			prev := int64(-1)
			err := evidence.ReadFile(p, func(r *evidence.Record) error {
				if r.Offset <= prev || r.Offset >= int64(len(content)) {
					t.Errorf("record %q at offset %d after %d, file of %d bytes", r.ID, r.Offset, prev, len(content))
				}
				prev = r.Offset
				_ = evidence.VerifyRecord(r) // must not panic either
				return nil
			})
			if err != nil && !errors.Is(err, evidence.ErrCorrupt) {
				t.Errorf("ReadFile() = %v, want nil or ErrCorrupt", err)
			}
		}
	})
}

// TestReadFileConcurrently guards against a data race inside gowarc's
// reader (see readMu); run with -race.
func TestReadFileConcurrently(t *testing.T) {
	path, _, _ := writeSample(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				n := 0
				err := evidence.ReadFile(path, func(r *evidence.Record) error {
					n++
					return evidence.VerifyRecord(r)
				})
				if err != nil || n != 11 {
					t.Errorf("ReadFile() = %v after %d records, want nil after 11", err, n)
					return
				}
			}
		})
	}
	wg.Wait()
}

// plainCopy writes the records of a gzip WARC file uncompressed, one after
// the other, as `wget --no-warc-compression` does.
func plainCopy(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f) // multistream: every member in turn
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "plain.warc")
	if err := os.WriteFile(out, plain, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadFileUncompressed(t *testing.T) {
	path, _, _ := writeSample(t)
	plain := plainCopy(t, path)
	want := readAll(t, path)
	got := readAll(t, plain)
	if len(got) != len(want) {
		t.Fatalf("read %d records uncompressed, %d compressed", len(got), len(want))
	}
	data, _ := os.ReadFile(plain)
	var next int64
	for i, r := range got {
		if r.ID != want[i].ID || r.Type != want[i].Type || !bytes.Equal(r.Block, want[i].Block) || r.Offset != next {
			t.Errorf("record %d: %s %s at %d, want %s %s at %d", i, r.Type, r.ID, r.Offset, want[i].Type, want[i].ID, next)
		}
		if !bytes.HasPrefix(data[r.Offset:], []byte("WARC/1.1\r\n")) {
			t.Errorf("record %d: offset %d is not the start of a record", i, r.Offset)
		}
		if err := evidence.VerifyRecord(r); err != nil {
			t.Errorf("VerifyRecord(%s): %v", r.ID, err)
		}
		next = r.Offset + r.Size
	}
	if next != int64(len(data)) {
		t.Errorf("records end at %d, file at %d", next, len(data))
	}

	// Cut in the last record: the records before it are read, then an error at its offset.
	last := got[len(got)-1]
	if err := os.WriteFile(plain, data[:last.Offset+last.Size-3], 0o644); err != nil {
		t.Fatal(err)
	}
	n := 0
	err := evidence.ReadFile(plain, func(*evidence.Record) error { n++; return nil })
	var re *evidence.ReadError
	if !errors.As(err, &re) || re.Offset != last.Offset || n != len(got)-1 || !errors.Is(err, evidence.ErrCorrupt) {
		t.Errorf("ReadFile(cut) = %v after %d records, want a ReadError at %d after %d", err, n, last.Offset, len(got)-1)
	}
}

func TestReadFileTargetURIInAngleBrackets(t *testing.T) {
	rec := "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: <http://127.0.0.1:8080/>\r\nWARC-Date: 2026-11-22T05:39:56Z\r\n" +
		"WARC-Record-ID: <urn:uuid:7d47d219-fa98-41aa-9e55-5c5f0887ce91>\r\nContent-Length: 2\r\n\r\nok\r\n\r\n"
	for _, content := range [][]byte{[]byte(rec), gzipped(t, rec)} {
		p := filepath.Join(t.TempDir(), "wget.warc")
		os.WriteFile(p, content, 0o644)
		recs := readAll(t, p)
		if len(recs) != 1 || recs[0].TargetURI != "http://127.0.0.1:8080/" {
			t.Errorf("TargetURI = %q, want the URI without angle brackets", recs[0].TargetURI)
		}
	}
}
