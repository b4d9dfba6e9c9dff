package evidence_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/internal/evidence"
)

// archive is a closed sample archive: one WARC file of 11 records
// (warcinfo; response, request, metadata ×3; resource) and its ledger.
type archive struct {
	dir, path string
	recs      []*evidence.Record
	data      []byte
}

func newArchive(t *testing.T) *archive {
	t.Helper()
	path, _, _ := writeSample(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return &archive{dir: filepath.Dir(path), path: path, recs: readAll(t, path), data: data}
}

// member returns the bytes of record i's gzip member.
func (a *archive) member(i int) []byte {
	r := a.recs[i]
	return a.data[r.Offset : r.Offset+r.Size]
}

// write replaces the WARC file by the concatenation of parts.
func (a *archive) write(t *testing.T, parts ...[]byte) {
	t.Helper()
	if err := os.WriteFile(a.path, bytes.Join(parts, nil), 0o644); err != nil {
		t.Fatal(err)
	}
}

// members returns the members of the records listed, in that order.
func (a *archive) members(order ...int) [][]byte {
	var out [][]byte
	for _, i := range order {
		out = append(out, a.member(i))
	}
	return out
}

func seq(from, to int) []int {
	var s []int
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}

// editMember decompresses record i's member, applies edit to the WARC
// record text, recompresses it and returns the new member.
func (a *archive) editMember(t *testing.T, i int, edit func([]byte) []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(a.member(i)))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(edit(plain))
	zw.Close()
	return b.Bytes()
}

// dropLedgerTail removes the last n ledger lines, as a writer killed before
// writing them would leave the ledger.
func (a *archive) dropLedgerTail(t *testing.T, n int) {
	t.Helper()
	lines := ledgerLines(t, a.dir)
	writeLedgerLines(t, a.dir, lines[:len(lines)-n], "")
}

func TestVerifyArchiveIntact(t *testing.T) {
	a := newArchive(t)
	for _, path := range []string{a.dir, a.path, filepath.Join(a.dir, evidence.LedgerName)} {
		got, err := evidence.VerifyArchive(path)
		if err != nil {
			t.Fatalf("VerifyArchive(%s) = %v", path, err)
		}
		l := readLedger(t, a.dir)
		// The warcinfo record is dated when the archive was written, the
		// others by the fixture's clock: the latest of them all.
		var last time.Time
		for _, r := range a.recs {
			if r.Date.After(last) {
				last = r.Date
			}
		}
		want := &evidence.Audit{
			Dir: a.dir, Entries: 13, Head: l.Head, Records: 11, LastCapture: last,
			Files: []evidence.FileAudit{{Name: filepath.Base(a.path), Records: 11, Size: int64(len(a.data)), Closed: true, SHA256: sha256Hex(a.data)}},
			Tails: []evidence.Tail{},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("VerifyArchive(%s) (-want +got):\n%s", path, diff)
		}
	}
}

func TestVerifyArchiveNamesTheFirstAlteration(t *testing.T) {
	// at names record i of the sample as the first bad one.
	at := func(i int) func(a *archive) evidence.AlterationError {
		return func(a *archive) evidence.AlterationError {
			return evidence.AlterationError{File: filepath.Base(a.path), Offset: a.recs[i].Offset, RecordID: a.recs[i].ID}
		}
	}
	file := func(name string, off int64) func(a *archive) evidence.AlterationError {
		return func(a *archive) evidence.AlterationError {
			if name == "" {
				name = filepath.Base(a.path)
			}
			if off == -2 {
				off = int64(len(a.data))
			}
			return evidence.AlterationError{File: name, Offset: off}
		}
	}
	ledgerLine := func(n int, off func(a *archive) int64) func(a *archive) evidence.AlterationError {
		return func(a *archive) evidence.AlterationError {
			return evidence.AlterationError{File: evidence.LedgerName, Line: n, Offset: off(a)}
		}
	}
	// startOfLine is the byte offset of ledger line n (from 1).
	startOfLine := func(n int) func(a *archive) int64 {
		return func(a *archive) int64 {
			var off int64
			for _, l := range ledgerLines(t, a.dir)[:n-1] {
				off += int64(len(l)) + 1
			}
			return off
		}
	}
	replace := func(a *archive, i int, m []byte) [][]byte {
		return append(a.members(seq(0, i)...), append([][]byte{m}, a.members(seq(i+1, 11)...)...)...)
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, a *archive)
		want   func(a *archive) evidence.AlterationError // Reason left out
		reason string                                    // words of the reason
	}{
		{"payload byte flipped, gzip valid", func(t *testing.T, a *archive) {
			tamperResponseBody(t, a.path, a.recs[4].Offset)
		}, at(4), "WARC-Block-Digest: declared"},
		{"record deleted", func(t *testing.T, a *archive) {
			a.write(t, a.members(append(seq(0, 5), seq(6, 11)...)...)...)
		}, at(5), "found metadata record"},
		{"records reordered", func(t *testing.T, a *archive) {
			a.write(t, a.members(append(seq(0, 5), append([]int{6, 5}, seq(7, 11)...)...)...)...)
		}, at(5), "found metadata record"},
		{"file cut inside a record", func(t *testing.T, a *archive) {
			a.write(t, a.data[:a.recs[7].Offset+a.recs[7].Size/2])
		}, at(7), "cut or damaged"},
		{"file cut between records", func(t *testing.T, a *archive) {
			a.write(t, a.data[:a.recs[7].Offset])
		}, at(7), "lists 4 more"},
		{"WARC header edited, digests intact", func(t *testing.T, a *archive) {
			a.write(t, replace(a, 4, a.editMember(t, 4, func(b []byte) []byte {
				return bytes.Replace(b, []byte("https://example.test/gz"), []byte("https://example.test/GZ"), 1)
			}))...)
		}, at(4), ""},
		{"gzip header changed, content intact", func(t *testing.T, a *archive) {
			m := append([]byte(nil), a.member(4)...)
			m[4] ^= 0xff // MTIME: the member still decompresses to the same record
			a.write(t, replace(a, 4, m)...)
		}, at(4), "not those written"},
		{"record added at the end of a closed file", func(t *testing.T, a *archive) {
			a.write(t, a.data, a.member(10))
		}, func(a *archive) evidence.AlterationError {
			return evidence.AlterationError{File: filepath.Base(a.path), Offset: int64(len(a.data)), RecordID: a.recs[10].ID}
		}, "closed file"},
		{"garbage after a closed file", func(t *testing.T, a *archive) {
			a.write(t, a.data, []byte("garbage"))
		}, file("", -2), "closed file"},
		{"file missing", func(t *testing.T, a *archive) {
			os.Remove(a.path)
		}, file("", -1), "missing"},
		{"ledger missing", func(t *testing.T, a *archive) {
			os.Remove(filepath.Join(a.dir, evidence.LedgerName))
		}, file(evidence.LedgerName, -1), "missing"},
		{"ledger line edited", func(t *testing.T, a *archive) {
			lines := ledgerLines(t, a.dir)
			lines[5] = strings.Replace(lines[5], `"type":"response"`, `"type":"resource"`, 1)
			writeLedgerLines(t, a.dir, lines, "")
		}, ledgerLine(6, startOfLine(6)), "hash"},
		{"ledger line removed", func(t *testing.T, a *archive) {
			lines := ledgerLines(t, a.dir)
			writeLedgerLines(t, a.dir, append(lines[:5], lines[6:]...), "")
		}, ledgerLine(6, startOfLine(6)), "seq"},
		{"WARC file the ledger does not list", func(t *testing.T, a *archive) {
			os.WriteFile(filepath.Join(a.dir, "OTHER.warc.gz"), a.data, 0o644)
		}, func(a *archive) evidence.AlterationError {
			return evidence.AlterationError{File: "OTHER.warc.gz", Offset: a.recs[1].Offset, RecordID: a.recs[1].ID}
		}, "does not list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newArchive(t)
			want := tt.want(a) // before tampering: offsets of the intact files
			tt.tamper(t, a)
			_, err := evidence.VerifyArchive(a.dir)
			var ae *evidence.AlterationError
			if !errors.As(err, &ae) || !errors.Is(err, evidence.ErrAltered) {
				t.Fatalf("VerifyArchive() = %v, want an AlterationError", err)
			}
			t.Log(err)
			want.Reason = ae.Reason
			if diff := cmp.Diff(want, *ae); diff != "" {
				t.Errorf("VerifyArchive() = %v\n(-want +got):\n%s", err, diff)
			}
			if !strings.Contains(ae.Reason, tt.reason) {
				t.Errorf("reason %q, want it to say %q", ae.Reason, tt.reason)
			}
			if want.RecordID != "" && !strings.Contains(err.Error(), want.RecordID) {
				t.Errorf("error %q does not name record %s", err, want.RecordID)
			}
		})
	}
}

// TestVerifyArchiveIncompleteTail simulates a writer killed at various
// moments: what it leaves is reported as an incomplete tail, not an
// alteration, while everything the ledger lists still verifies.
func TestVerifyArchiveIncompleteTail(t *testing.T) {
	type tail struct {
		File    string
		Offset  int64 // -1: the resource record's offset
		Records []string
		Partial bool
	}
	tests := []struct {
		name        string
		crash       func(t *testing.T, a *archive)
		wantRecords int
		wantTails   []tail
	}{
		{"killed inside the last record, before its ledger entry", func(t *testing.T, a *archive) {
			a.dropLedgerTail(t, 2) // the resource's entry and the close entry
			a.write(t, a.data[:a.recs[10].Offset+a.recs[10].Size/2])
		}, 10, []tail{{Offset: -1, Partial: true}}},
		{"killed after the last record, before its ledger entry", func(t *testing.T, a *archive) {
			a.dropLedgerTail(t, 2)
		}, 10, []tail{{Offset: -1, Records: []string{"resource"}}}},
		{"killed while appending the ledger entry", func(t *testing.T, a *archive) {
			lines := ledgerLines(t, a.dir)
			writeLedgerLines(t, a.dir, lines[:len(lines)-2], lines[len(lines)-2][:50])
		}, 10, []tail{{Offset: -1, Records: []string{"resource"}}, {File: evidence.LedgerName, Partial: true}}},
		{"killed before closing the file", func(t *testing.T, a *archive) {
			a.dropLedgerTail(t, 1)
		}, 11, nil},
		{"killed while opening the next file", func(t *testing.T, a *archive) {
			os.WriteFile(filepath.Join(a.dir, "VIGIE-20991231235959-00001.warc.gz"), a.member(0), 0o644)
		}, 11, []tail{{File: "VIGIE-20991231235959-00001.warc.gz", Records: []string{"warcinfo"}}}},
		{"killed while writing the next file's warcinfo", func(t *testing.T, a *archive) {
			os.WriteFile(filepath.Join(a.dir, "VIGIE-20991231235959-00001.warc.gz"), a.member(0)[:100], 0o644)
		}, 11, []tail{{File: "VIGIE-20991231235959-00001.warc.gz", Partial: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newArchive(t)
			tt.crash(t, a)
			got, err := evidence.VerifyArchive(a.dir)
			if err != nil {
				t.Fatalf("VerifyArchive() = %v, want an incomplete tail and no error", err)
			}
			if got.Records != tt.wantRecords {
				t.Errorf("%d records verified, want %d", got.Records, tt.wantRecords)
			}
			var gotTails []tail
			for _, tl := range got.Tails {
				g := tail{File: tl.File, Offset: tl.Offset, Partial: tl.Partial}
				for _, r := range tl.Records {
					g.Records = append(g.Records, r.Type)
				}
				gotTails = append(gotTails, g)
				if tl.Bytes <= 0 || !strings.Contains(tl.Lost(), "bytes") {
					t.Errorf("tail %+v: %d bytes, Lost() = %q", tl, tl.Bytes, tl.Lost())
				}
			}
			var want []tail
			for _, w := range tt.wantTails {
				if w.File == "" {
					w.File = filepath.Base(a.path)
				}
				switch {
				case w.Offset == -1:
					w.Offset = a.recs[10].Offset
				case w.File == evidence.LedgerName:
					w.Offset = got.Tails[len(got.Tails)-1].Offset // checked by TestReadLedgerIncompleteLastLine
				}
				want = append(want, w)
			}
			if diff := cmp.Diff(want, gotTails); diff != "" {
				t.Errorf("tails (-want +got):\n%s", diff)
			}
		})
	}
}

// TestVerifyArchiveCutBeforeLedgeredRecords: in a file the ledger does not
// close, a cut is still an alteration when the ledger lists records beyond it.
func TestVerifyArchiveCutBeforeLedgeredRecords(t *testing.T) {
	a := newArchive(t)
	a.dropLedgerTail(t, 1)
	a.write(t, a.data[:a.recs[7].Offset+10])
	_, err := evidence.VerifyArchive(a.path)
	var ae *evidence.AlterationError
	if !errors.As(err, &ae) || ae.RecordID != a.recs[7].ID || ae.Offset != a.recs[7].Offset {
		t.Errorf("VerifyArchive() = %v, want an alteration naming record %s at %d", err, a.recs[7].ID, a.recs[7].Offset)
	}
}

func TestVerifyArchiveNotFound(t *testing.T) {
	_, err := evidence.VerifyArchive(filepath.Join(t.TempDir(), "nope"))
	if !errors.Is(err, os.ErrNotExist) || errors.Is(err, evidence.ErrAltered) {
		t.Errorf("VerifyArchive(missing path) = %v, want ErrNotExist", err)
	}
}
