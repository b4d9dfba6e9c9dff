package evidence_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/evidence"
)

// writeRotated writes the sample exchanges and a resource with a
// MaxFileSize of max and returns the writer's files.
func writeRotated(t *testing.T, dir string, max int64) ([]string, []evidence.Ref) {
	t.Helper()
	w, err := evidence.NewWriterOptions(dir, testInfo, evidence.Options{MaxFileSize: max})
	if err != nil {
		t.Fatal(err)
	}
	var refs []evidence.Ref
	for _, ex := range sampleExchanges(t) {
		ref, err := w.WriteExchange(ex)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}
	ref, err := w.WriteResource("urn:vigie:screenshot:https://example.test/", "image/png", []byte("png"), refs[0].RecordID, started)
	if err != nil {
		t.Fatal(err)
	}
	refs = append(refs, ref)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.Files(), refs
}

func TestRotation(t *testing.T) {
	tests := []struct {
		name      string
		max       int64
		wantFiles int
		wantIn    []int // index of the file holding each ref
	}{
		// A file holds at least one exchange besides its warcinfo, so a
		// tiny limit gives one exchange (or resource) per file.
		{"one exchange per file", 1, 4, []int{0, 1, 2, 3}},
		{"default limit", 0, 1, []int{0, 0, 0, 0}},
		{"limit reached after two exchanges", 2000, 2, []int{0, 0, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files, refs := writeRotated(t, dir, tt.max)
			if len(files) != tt.wantFiles {
				t.Fatalf("Files() = %d files %v, want %d", len(files), files, tt.wantFiles)
			}
			for i, ref := range refs {
				if ref.File != files[tt.wantIn[i]] {
					t.Errorf("ref %d in %s, want %s", i, filepath.Base(ref.File), filepath.Base(files[tt.wantIn[i]]))
				}
			}
			seen := map[string]bool{}
			for i, f := range files {
				if seen[f] {
					t.Errorf("file %s listed twice", f)
				}
				seen[f] = true
				recs := readAll(t, f)
				if recs[0].Type != "warcinfo" || recs[0].Header["WARC-Filename"] != filepath.Base(f) {
					t.Errorf("file %d starts with %s named %q, want its own warcinfo", i, recs[0].Type, recs[0].Header["WARC-Filename"])
				}
				for _, r := range recs[1:] {
					if r.Header["WARC-Warcinfo-ID"] != "<"+recs[0].ID+">" {
						t.Errorf("%s in file %d refers to warcinfo %s, want %s", r.ID, i, r.Header["WARC-Warcinfo-ID"], recs[0].ID)
					}
				}
				if i > 0 && filepath.Base(files[i-1]) >= filepath.Base(f) {
					t.Errorf("file names out of order: %s then %s", filepath.Base(files[i-1]), filepath.Base(f))
				}
			}
			closes := 0
			for _, e := range readLedger(t, dir).Entries {
				if e.Kind == evidence.EntryClose {
					if e.File != filepath.Base(files[closes]) {
						t.Errorf("close entry %d for %s, want %s", closes, e.File, filepath.Base(files[closes]))
					}
					closes++
				}
			}
			if closes != len(files) {
				t.Errorf("%d close entries, want %d", closes, len(files))
			}
			a, err := evidence.VerifyArchive(dir)
			if err != nil {
				t.Fatalf("VerifyArchive: %v", err)
			}
			if len(a.Files) != len(files) || a.Records != len(files)+10 {
				t.Errorf("VerifyArchive: %d files, %d records; want %d, %d", len(a.Files), a.Records, len(files), len(files)+10)
			}
		})
	}
}

func TestNegativeMaxFileSize(t *testing.T) {
	if w, err := evidence.NewWriterOptions(t.TempDir(), testInfo, evidence.Options{MaxFileSize: -1}); err == nil {
		w.Close()
		t.Error("NewWriterOptions(MaxFileSize -1) = nil error, want an error")
	}
}

// Writers that rotate files while others wait for their commit: every
// record lands in the file its Ref names, refers to that file's warcinfo,
// and the archive verifies.
func TestConcurrentRotation(t *testing.T) {
	const goroutines, each = 6, 10
	dir := t.TempDir()
	w, err := evidence.NewWriterOptions(dir, testInfo, evidence.Options{MaxFileSize: 3000})
	if err != nil {
		t.Fatal(err)
	}
	refs := writeConcurrently(t, w, goroutines, each, nil)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if len(w.Files()) < 3 {
		t.Fatalf("%d files: the limit did not rotate", len(w.Files()))
	}
	at := map[string]map[int64]string{} // file → offset → record id
	for _, f := range w.Files() {
		recs := readAll(t, f)
		at[f] = map[int64]string{}
		for _, r := range recs {
			at[f][r.Offset] = r.ID
			if r.Type != "warcinfo" && r.Header["WARC-Warcinfo-ID"] != "<"+recs[0].ID+">" {
				t.Errorf("%s in %s refers to warcinfo %s, want %s", r.ID, filepath.Base(f), r.Header["WARC-Warcinfo-ID"], recs[0].ID)
			}
		}
	}
	for _, ref := range refs {
		if got := at[ref.File][ref.Offset]; got != ref.RecordID {
			t.Errorf("ref %s names %s at %d, which holds %q", ref.RecordID, filepath.Base(ref.File), ref.Offset, got)
		}
	}
	a, err := evidence.VerifyArchive(dir)
	if err != nil {
		t.Fatalf("VerifyArchive: %v", err)
	}
	if len(a.Tails) > 0 || a.Records != 1+3*goroutines*each+len(w.Files())-1 {
		t.Errorf("audit: %d records, tails %+v; want %d records, no tail", a.Records, a.Tails, 1+3*goroutines*each+len(w.Files())-1)
	}
}

// Writers that find the file full at once rotate it once: the others,
// woken after the first rotated, find the new file below the limit.
func TestConcurrentRotationKeepsTheLimit(t *testing.T) {
	const max = 20000
	for round := range 3 {
		w, err := evidence.NewWriterOptions(t.TempDir(), testInfo, evidence.Options{MaxFileSize: max})
		if err != nil {
			t.Fatal(err)
		}
		writeConcurrently(t, w, 32, 10, nil)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		files := w.Files()
		for i, f := range files[:len(files)-1] {
			if fi, err := os.Stat(f); err != nil || fi.Size() < max {
				t.Errorf("round %d: file %d of %d closed below MaxFileSize (%v, %v)", round, i, len(files), fi.Size(), err)
			}
		}
	}
}

// Writers still rotating when the writer is closed are told it is closed;
// every exchange written before is ledgered.
func TestCloseWhileRotating(t *testing.T) {
	dir := t.TempDir()
	w, err := evidence.NewWriterOptions(dir, testInfo, evidence.Options{MaxFileSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	ex := sampleExchanges(t)[0]
	var wg sync.WaitGroup
	var mu sync.Mutex
	var written []string
	var odd []string
	for g := range 16 {
		wg.Go(func() {
			for i := range 50 {
				ex := ex
				ex.URL = fmt.Sprintf("https://example.test/%d/%d", g, i)
				ref, err := w.WriteExchange(ex)
				mu.Lock()
				if err == nil {
					written = append(written, ref.RecordID)
				} else if !strings.Contains(err.Error(), "writer closed") {
					odd = append(odd, err.Error())
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	for deadline := time.Now().Add(10 * time.Second); len(w.Files()) < 5; runtime.Gosched() {
		if time.Now().After(deadline) {
			t.Fatalf("%d files after 10 s", len(w.Files()))
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if len(odd) > 0 {
		t.Errorf("%d writers got another error than a closed writer's, e.g. %s", len(odd), odd[0])
	}
	ledger, err := os.ReadFile(filepath.Join(dir, evidence.LedgerName))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range written {
		if !strings.Contains(string(ledger), id) {
			t.Errorf("%s written but not ledgered", id)
		}
	}
	if _, err := evidence.VerifyArchive(dir); err != nil {
		t.Errorf("VerifyArchive: %v", err)
	}
}
