package evidence_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/internal/evidence"
)

// readLedger reads the ledger of dir, failing the test on error.
func readLedger(t testing.TB, dir string) *evidence.Ledger {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, evidence.LedgerName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := evidence.ReadLedger(f)
	if err != nil {
		t.Fatalf("ReadLedger: %v", err)
	}
	return l
}

// ledgerLines returns the lines of dir's ledger, without newlines.
func ledgerLines(t testing.TB, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, evidence.LedgerName))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// writeLedgerLines replaces dir's ledger by lines, each with its newline,
// then partial without one.
func writeLedgerLines(t testing.TB, dir string, lines []string, partial string) {
	t.Helper()
	s := strings.Join(lines, "\n")
	if len(lines) > 0 {
		s += "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, evidence.LedgerName), []byte(s+partial), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLedgerListsEveryRecordInOrder(t *testing.T) {
	path, _, _ := writeSample(t)
	dir := filepath.Dir(path)
	l := readLedger(t, dir)
	recs := readAll(t, path)
	if len(l.Entries) != len(recs)+2 {
		t.Fatalf("%d ledger entries, want start + %d records + close", len(l.Entries), len(recs))
	}
	start := l.Entries[0]
	if start.Kind != evidence.EntryStart || start.Software != testInfo.Software || start.Operator != testInfo.Operator ||
		start.Hostname != testInfo.Hostname || start.Format != evidence.LedgerFormat || start.Time.IsZero() {
		t.Errorf("start entry = %+v, want software, operator and hostname of the Info", start)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		e := l.Entries[i+1]
		got := []any{e.Kind, e.File, e.Offset, e.Length, e.SHA256, e.RecordID, e.Type, e.BlockDigest, e.Captured.UTC()}
		want := []any{evidence.EntryRecord, filepath.Base(path), r.Offset, r.Size, sha256Hex(data[r.Offset : r.Offset+r.Size]),
			r.ID, r.Type, r.Header["WARC-Block-Digest"], r.Date.UTC()}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("entry %d (-record +ledger):\n%s", i+1, diff)
		}
	}
	last := l.Entries[len(l.Entries)-1]
	if last.Kind != evidence.EntryClose || last.File != filepath.Base(path) || last.Size != int64(len(data)) || last.SHA256 != sha256Hex(data) {
		t.Errorf("close entry = %+v, want size %d and sha256 %s", last, len(data), sha256Hex(data))
	}
	if l.Head != last.Hash || l.Partial != 0 {
		t.Errorf("head %s, partial %d: want the last hash %s, 0", l.Head, l.Partial, last.Hash)
	}
}

// TestLedgerHashRecipe checks the chain the way the format's doc comment
// tells a person to, without the package's code.
func TestLedgerHashRecipe(t *testing.T) {
	path, _, _ := writeSample(t)
	hashMember := regexp.MustCompile(`,"hash":"([0-9a-f]{64})"}$`)
	prev := strings.Repeat("0", 64)
	for i, line := range ledgerLines(t, filepath.Dir(path)) {
		m := hashMember.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("line %d does not end with its hash: %s", i+1, line)
		}
		if !strings.Contains(line, `"prev":"`+prev+`"`) {
			t.Errorf("line %d: prev is not the previous hash %s", i+1, prev)
		}
		sum := sha256.Sum256([]byte(hashMember.ReplaceAllString(line, "}")))
		if got := hex.EncodeToString(sum[:]); got != m[1] {
			t.Errorf("line %d: sha256 of the line without hash = %s, line says %s", i+1, got, m[1])
		}
		prev = m[1]
	}
}

func TestLedgerGoesOnAcrossWriters(t *testing.T) {
	dir := t.TempDir()
	for range 2 {
		w, err := evidence.NewWriter(dir, testInfo)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.WriteExchange(sampleExchanges(t)[0]); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	var kinds []string
	for _, e := range readLedger(t, dir).Entries {
		kinds = append(kinds, e.Kind)
	}
	session := []string{"start", "record", "record", "record", "record", "close"}
	if diff := cmp.Diff(append(session, session...), kinds); diff != "" {
		t.Errorf("ledger kinds (-want +got):\n%s", diff)
	}
	a, err := evidence.VerifyArchive(dir)
	if err != nil || len(a.Files) != 2 || a.Records != 8 {
		t.Errorf("VerifyArchive = %+v, %v; want 2 files, 8 records", a, err)
	}
}

func TestNewWriterRefusesABadLedger(t *testing.T) {
	tests := []struct {
		name   string
		ledger string
	}{
		{"altered", `{"seq":0,"kind":"start"}` + "\n"},
		{"incomplete last line", `{"seq":0,"ki`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, evidence.LedgerName), []byte(tt.ledger), 0o644); err != nil {
				t.Fatal(err)
			}
			if w, err := evidence.NewWriter(dir, testInfo); err == nil {
				w.Close()
				t.Fatal("NewWriter on a bad ledger = nil error, want an error")
			}
			if b, _ := os.ReadFile(filepath.Join(dir, evidence.LedgerName)); string(b) != tt.ledger {
				t.Errorf("NewWriter changed the ledger to %q", b)
			}
		})
	}
}

func TestReadLedgerRejectsAlterations(t *testing.T) {
	path, _, _ := writeSample(t)
	good := ledgerLines(t, filepath.Dir(path))
	edit := func(f func(l []string) []string) []string { return f(append([]string(nil), good...)) }
	tests := []struct {
		name     string
		lines    []string
		wantLine int
		want     string // in the reason
	}{
		{"operator edited", edit(func(l []string) []string {
			l[0] = strings.Replace(l[0], "test operator", "someone else", 1)
			return l
		}), 1, "hash"},
		{"type edited", edit(func(l []string) []string {
			l[2] = strings.Replace(l[2], `"type":"response"`, `"type":"resource"`, 1)
			return l
		}), 3, "hash"},
		{"line removed", edit(func(l []string) []string { return append(l[:3], l[4:]...) }), 4, "seq"},
		{"lines swapped", edit(func(l []string) []string { l[3], l[4] = l[4], l[3]; return l }), 4, "seq"},
		{"white space added", edit(func(l []string) []string { l[1] = strings.Replace(l[1], `,"kind"`, `, "kind"`, 1); return l }), 2, ""},
		{"unknown member", edit(func(l []string) []string {
			l[1] = strings.Replace(l[1], `{"seq":1,`, `{"seq":1,"note":"x",`, 1)
			return l
		}), 2, ""},
		{"empty line", edit(func(l []string) []string { return append(l[:2], append([]string{""}, l[2:]...)...) }), 3, ""},
		{"not JSON", edit(func(l []string) []string { l[1] = "garbage"; return l }), 2, ""},
		{"does not start with a start entry", good[1:], 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.Join(tt.lines, "\n") + "\n"
			_, err := evidence.ReadLedger(strings.NewReader(in))
			var ae *evidence.AlterationError
			if !errors.As(err, &ae) || !errors.Is(err, evidence.ErrAltered) {
				t.Fatalf("ReadLedger() = %v, want an AlterationError", err)
			}
			if ae.File != evidence.LedgerName || ae.Line != tt.wantLine || !strings.Contains(ae.Reason, tt.want) {
				t.Errorf("ReadLedger() = %+v, want line %d of %s, reason with %q", ae, tt.wantLine, evidence.LedgerName, tt.want)
			}
		})
	}
}

func TestReadLedgerIncompleteLastLine(t *testing.T) {
	path, _, _ := writeSample(t)
	lines := ledgerLines(t, filepath.Dir(path))
	in := strings.Join(lines[:3], "\n") + "\n" + lines[3][:40]
	l, err := evidence.ReadLedger(strings.NewReader(in))
	if err != nil {
		t.Fatalf("ReadLedger() = %v, want nil", err)
	}
	if len(l.Entries) != 3 || l.Partial != 40 || l.PartialOffset != int64(len(in)-40) {
		t.Errorf("ReadLedger: %d entries, partial %d at %d; want 3, 40 at %d", len(l.Entries), l.Partial, l.PartialOffset, len(in)-40)
	}
}

func TestReadLedgerRejectsPathsOutsideTheArchive(t *testing.T) {
	path, _, _ := writeSample(t)
	lines := ledgerLines(t, filepath.Dir(path))
	// Re-seal an entry naming another directory: the hash is right, the
	// file name is not.
	l := readLedger(t, filepath.Dir(path))
	if got := reseal(t, l.Entries[1]); got != lines[1] {
		t.Fatalf("reseal(entry 1) = %s, want the line as written %s", got, lines[1])
	}
	for _, name := range []string{"../secret.warc.gz", "/etc/passwd", evidence.LedgerName} {
		e := l.Entries[1]
		e.File = name
		sealed := reseal(t, e)
		in := lines[0] + "\n" + sealed + "\n"
		_, err := evidence.ReadLedger(strings.NewReader(in))
		if !errors.Is(err, evidence.ErrAltered) || !strings.Contains(err.Error(), "bad file name") {
			t.Errorf("ReadLedger(file %q) = %v, want a bad file name", name, err)
		}
	}
}

// reseal renders a record entry in canonical form with a fresh hash, the
// way the ledger format says, without the package's code.
func reseal(t *testing.T, e evidence.LedgerEntry) string {
	t.Helper()
	body := fmt.Sprintf(`{"seq":%d,"kind":"record","file":%q,"offset":%d,"length":%d,"sha256":%q,"record_id":%q,"type":%q,"block_digest":%q,"captured":%q,"prev":%q}`,
		e.Seq, e.File, e.Offset, e.Length, e.SHA256, e.RecordID, e.Type, e.BlockDigest, e.Captured.UTC().Format(time.RFC3339Nano), e.Prev)
	sum := sha256.Sum256([]byte(body))
	return strings.TrimSuffix(body, "}") + `,"hash":"` + hex.EncodeToString(sum[:]) + `"}`
}

func FuzzReadLedger(f *testing.F) {
	path, _, _ := writeSample(f)
	seed, err := os.ReadFile(filepath.Join(filepath.Dir(path), evidence.LedgerName))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Add([]byte{})
	f.Add([]byte("{}\n"))
	f.Add([]byte(`{"seq":0,"kind":"start","time":"x"}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := evidence.ReadLedger(bytes.NewReader(data))
		if err != nil {
			var ae *evidence.AlterationError
			if !errors.As(err, &ae) || ae.Line < 1 || ae.File != evidence.LedgerName || ae.Offset < 0 || ae.Offset > int64(len(data)) {
				t.Fatalf("ReadLedger() = %v, want an AlterationError naming a line", err)
			}
			return
		}
		complete := bytes.Count(data, []byte("\n"))
		if len(l.Entries) != complete {
			t.Errorf("%d entries from %d complete lines", len(l.Entries), complete)
		}
		prev := strings.Repeat("0", 64)
		for i, e := range l.Entries {
			if e.Seq != int64(i) || e.Prev != prev {
				t.Errorf("entry %d: seq %d prev %s, want seq %d prev %s", i, e.Seq, e.Prev, i, prev)
			}
			prev = e.Hash
		}
		if l.Head != prev {
			t.Errorf("head %s, want the last hash %s", l.Head, prev)
		}
		if l.Partial > 0 && l.PartialOffset+l.Partial != int64(len(data)) {
			t.Errorf("partial line %d bytes at %d, input %d bytes", l.Partial, l.PartialOffset, len(data))
		}
	})
}
