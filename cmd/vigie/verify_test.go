package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/crawl/crawltest"
	"vigie/internal/evidence"
)

// scanned is an archive written by vigie scan.
type scanned struct {
	data, id, dir, warc string
	recs                []*evidence.Record
	raw                 []byte
}

// scanClinic scans the multilingual clinic fixture into a fresh data
// directory.
func scanClinic(t *testing.T) *scanned {
	t.Helper()
	srv := httptest.NewServer(crawltest.MultilingualClinic())
	defer srv.Close()
	data := t.TempDir()
	code, stdout, stderr := vigie(t, "", "scan", "--format", "json", "--allow-private", "--data", data, srv.URL+"/")
	if code != 0 {
		t.Fatalf("scan: exit %d: %s", code, stderr)
	}
	var out struct {
		Sites []struct{ ID, Archive string }
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || len(out.Sites) != 1 {
		t.Fatalf("scan output: %v", err)
	}
	s := &scanned{data: data, id: out.Sites[0].ID, dir: out.Sites[0].Archive}
	files, _ := filepath.Glob(filepath.Join(s.dir, "*.warc.gz"))
	if len(files) != 1 {
		t.Fatalf("archive holds %v, want one WARC file", files)
	}
	s.warc = files[0]
	s.reload(t)
	return s
}

// clone copies the archive directory, so that a test can alter its copy.
func (s *scanned) clone(t *testing.T) *scanned {
	t.Helper()
	c := *s
	c.dir = t.TempDir()
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(s.dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(c.dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c.warc = filepath.Join(c.dir, filepath.Base(s.warc))
	c.reload(t)
	return &c
}

func (s *scanned) reload(t *testing.T) {
	t.Helper()
	s.recs = nil
	if err := evidence.ReadFile(s.warc, func(r *evidence.Record) error {
		s.recs = append(s.recs, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var err error
	if s.raw, err = os.ReadFile(s.warc); err != nil {
		t.Fatal(err)
	}
}

func (s *scanned) member(i int) []byte {
	return s.raw[s.recs[i].Offset : s.recs[i].Offset+s.recs[i].Size]
}

// rewrite replaces the WARC file by the members listed, in that order;
// replace substitutes members by index.
func (s *scanned) rewrite(t *testing.T, order []int, replace map[int][]byte) {
	t.Helper()
	var b bytes.Buffer
	for _, i := range order {
		if m, ok := replace[i]; ok {
			b.Write(m)
		} else {
			b.Write(s.member(i))
		}
	}
	if err := os.WriteFile(s.warc, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// firstResponse returns the index of the first response record with a body.
func (s *scanned) firstResponse(t *testing.T) int {
	t.Helper()
	for i, r := range s.recs {
		if r.Type == "response" && bytes.Contains(r.Block, []byte("<html")) {
			return i
		}
	}
	t.Fatal("no HTML response in the archive")
	return 0
}

// flipBodyByte returns member i with one byte of its HTTP body changed and
// recompressed: the gzip stream stays valid, only digests can tell.
func (s *scanned) flipBodyByte(t *testing.T, i int) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(s.member(i)))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	j := bytes.Index(plain, []byte("<html"))
	plain[j+1] ^= 0x20
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(plain)
	zw.Close()
	return b.Bytes()
}

func (s *scanned) ledgerLines(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.dir, evidence.LedgerName))
	if err != nil {
		t.Fatal(err)
	}
	return strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
}

func (s *scanned) writeLedger(t *testing.T, lines []string) {
	t.Helper()
	content := strings.Join(lines, "")
	if !strings.HasSuffix(content, "\n") {
		content += "\n"
	}
	if err := os.WriteFile(filepath.Join(s.dir, evidence.LedgerName), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func seqInts(from, to int) []int {
	var s []int
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}

func TestVerifyCommand(t *testing.T) {
	tests := []struct {
		name   string
		target func(s *scanned) string // what to verify; nil: the archive directory
		tamper func(t *testing.T, s *scanned) (want []string)
		code   int
	}{
		{"intact", nil, func(t *testing.T, s *scanned) []string {
			return []string{"result        intact", fmt.Sprintf("records       %d verified", len(s.recs))}
		}, 0},
		{"one WARC file", func(s *scanned) string { return s.warc }, func(t *testing.T, s *scanned) []string {
			return []string{"result        intact"}
		}, 0},
		{"payload byte flipped, gzip kept valid", nil, func(t *testing.T, s *scanned) []string {
			i := s.firstResponse(t)
			s.rewrite(t, seqInts(0, len(s.recs)), map[int][]byte{i: s.flipBodyByte(t, i)})
			return []string{s.recs[i].ID, filepath.Base(s.warc), fmt.Sprintf("offset %d", s.recs[i].Offset), "Digest"}
		}, 1},
		{"record deleted", nil, func(t *testing.T, s *scanned) []string {
			s.rewrite(t, append(seqInts(0, 3), seqInts(4, len(s.recs))...), nil)
			return []string{s.recs[3].ID, fmt.Sprintf("offset %d", s.recs[3].Offset)}
		}, 1},
		{"records reordered", nil, func(t *testing.T, s *scanned) []string {
			s.rewrite(t, append(append(seqInts(0, 4), 5, 4), seqInts(6, len(s.recs))...), nil)
			return []string{s.recs[4].ID, fmt.Sprintf("offset %d", s.recs[4].Offset)}
		}, 1},
		{"file truncated", nil, func(t *testing.T, s *scanned) []string {
			cut := s.recs[5].Offset + s.recs[5].Size/2
			os.WriteFile(s.warc, s.raw[:cut], 0o644)
			return []string{s.recs[5].ID, fmt.Sprintf("offset %d", s.recs[5].Offset), "cut"}
		}, 1},
		{"file missing", nil, func(t *testing.T, s *scanned) []string {
			os.Remove(s.warc)
			return []string{filepath.Base(s.warc), "missing"}
		}, 1},
		{"ledger line edited", nil, func(t *testing.T, s *scanned) []string {
			lines := s.ledgerLines(t)
			lines[2] = strings.Replace(lines[2], `"type":"`, `"type":"x`, 1)
			s.writeLedger(t, lines)
			return []string{evidence.LedgerName, "line 3"}
		}, 1},
		{"killed inside the last record", nil, func(t *testing.T, s *scanned) []string {
			lines := s.ledgerLines(t)
			s.writeLedger(t, lines[:len(lines)-2]) // the last record's entry and the close entry never written
			last := s.recs[len(s.recs)-1]
			os.WriteFile(s.warc, s.raw[:last.Offset+last.Size/2], 0o644)
			return []string{"incomplete    " + filepath.Base(s.warc) + fmt.Sprintf(" from offset %d", last.Offset), "an incomplete record",
				fmt.Sprintf("records       %d verified", len(s.recs)-1), "result        intact up to the incomplete tail"}
		}, 0},
		{"killed after the last record, before its ledger entry", nil, func(t *testing.T, s *scanned) []string {
			lines := s.ledgerLines(t)
			s.writeLedger(t, lines[:len(lines)-2])
			last := s.recs[len(s.recs)-1]
			return []string{fmt.Sprintf("from offset %d", last.Offset), "1 complete record(s) not in the ledger (" + last.Type + " " + last.ID + ")"}
		}, 0},
	}
	orig := scanClinic(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := orig.clone(t)
			want := tt.tamper(t, s)
			target := s.dir
			if tt.target != nil {
				target = tt.target(s)
			}
			code, stdout, stderr := vigie(t, "", "verify", target)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tt.code, stdout, stderr)
			}
			got := stdout
			if tt.code != 0 {
				got = stderr
				if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "vigie: archive altered: ") {
					t.Errorf("stderr = %q, want one line saying the archive was altered", stderr)
				}
			}
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("output does not say %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestVerifyCommandJSON(t *testing.T) {
	s := scanClinic(t)
	code, stdout, stderr := vigie(t, "", "verify", "--format", "json", s.dir)
	var ok struct {
		OK      bool
		Records int
		Head    string `json:"chain_head"`
		Files   []struct{ Name string }
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &ok) != nil || !ok.OK || ok.Records != len(s.recs) || len(ok.Head) != 64 || len(ok.Files) != 1 {
		t.Fatalf("verify --format json: exit %d, %+v\n%s%s", code, ok, stdout, stderr)
	}
	i := s.firstResponse(t)
	s.rewrite(t, seqInts(0, len(s.recs)), map[int][]byte{i: s.flipBodyByte(t, i)})
	code, stdout, _ = vigie(t, "", "verify", "--format", "json", s.dir)
	var bad struct {
		OK      bool
		Problem struct {
			File, Record string
			Offset       int64
		}
	}
	if code != 1 || json.Unmarshal([]byte(stdout), &bad) != nil || bad.OK || bad.Problem.Record != s.recs[i].ID || bad.Problem.Offset != s.recs[i].Offset {
		t.Errorf("verify --format json of an altered archive: exit %d, %+v, want ok false naming %s", code, bad, s.recs[i].ID)
	}
}

func TestVerifyCommandUsage(t *testing.T) {
	for _, args := range [][]string{{"verify", filepath.Join(t.TempDir(), "nope")}, {"verify"}, {"verify", "--format", "xml", t.TempDir()}} {
		code, _, stderr := vigie(t, "", args...)
		if code != 2 || strings.Count(stderr, "\n") != 1 {
			t.Errorf("vigie %v: exit %d, stderr %q; want 2 and one line", args, code, stderr)
		}
	}
}

// TestVerifyAfterKill9 runs a real vigie scan of a slow site, kills it
// with SIGKILL mid-scan, and verifies what it left: whatever was in
// flight is an incomplete tail at worst, everything ledgered verifies.
func TestVerifyAfterKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "vigie")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var hitsMu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hitsMu.Lock()
		hits[r.URL.Path]++
		hitsMu.Unlock()
		n := 0
		fmt.Sscanf(r.URL.Path, "/p/%d", &n)
		time.Sleep(30 * time.Millisecond)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html lang="fr"><head><title>Page %d</title></head><body><p>%s</p><a href="/p/%d">suite</a> <a href="/p/%d">autre</a></body></html>`,
			n, strings.Repeat("Notre thérapie cellulaire guérit le cancer sans effets secondaires. ", 200), n+1, n+2)
	}))
	defer srv.Close()
	data := t.TempDir()
	cmd := exec.Command(bin, "scan", "--allow-private", "--data", data, "--rate", "-1", "--max-pages", "500", srv.URL+"/p/0")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var ledger string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		m, _ := filepath.Glob(filepath.Join(data, "archives", "*", evidence.LedgerName))
		if len(m) == 1 {
			if b, _ := os.ReadFile(m[0]); bytes.Count(b, []byte("\n")) >= 20 {
				ledger = m[0]
				break
			}
		}
	}
	cmd.Process.Kill() // SIGKILL: no chance to close anything
	cmd.Wait()
	if ledger == "" {
		t.Fatal("the scan did not ledger 20 entries in 60 s")
	}
	code, stdout, stderr := vigie(t, "", "verify", "--format", "json", filepath.Dir(ledger))
	var rep struct {
		OK      bool
		Records int
		Files   []struct{ Closed bool }
		Tails   []struct{ File, Lost string } `json:"incomplete_tails"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &rep) != nil || !rep.OK {
		t.Fatalf("verify after kill -9: exit %d\n%s%s", code, stdout, stderr)
	}
	if rep.Records < 19 || len(rep.Files) != 1 || rep.Files[0].Closed {
		t.Errorf("after kill -9: %d records in %d files (%+v), want ≥ 19 in one unclosed file", rep.Records, len(rep.Files), rep.Files)
	}
	t.Logf("killed mid-scan: %d records verified, tails %+v", rep.Records, rep.Tails)

	// Resume: the pages the archive holds are not fetched again (those the
	// killed process requested but did not archive are), the scan is
	// completed and saved under its id, and the archive still verifies.
	// Held: the responses the ledger lists. Complete records a kill left
	// after the ledger's last line (an incomplete tail) are fetched again.
	ledgered := map[string]bool{}
	lb, err := os.ReadFile(ledger)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(lb), "\n") {
		var e struct {
			RecordID string `json:"record_id"`
		}
		if json.Unmarshal([]byte(line), &e) == nil && e.RecordID != "" {
			ledgered["<"+e.RecordID+">"], ledgered[e.RecordID] = true, true
		}
	}
	held := map[string]bool{}
	warcs, _ := filepath.Glob(filepath.Join(filepath.Dir(ledger), "*.warc.gz"))
	for _, f := range warcs {
		evidence.ReadFile(f, func(r *evidence.Record) error { // an incomplete tail ends the file: what precedes counts
			// robots.txt is read again: what governs the fetches still to make
			// is the one served when they are made (and it is archived).
			if r.Type == "response" && ledgered[r.ID] && !strings.HasSuffix(r.TargetURI, "/robots.txt") {
				held[strings.TrimPrefix(r.TargetURI, srv.URL)] = true
			}
			return nil
		})
	}
	if len(held) == 0 {
		t.Fatal("no response archived before the kill")
	}
	code, stdout, stderr = vigie(t, "", "scan", "--resume", "--format", "json", "--allow-private", "--data", data,
		"--rate", "-1", "--max-pages", "12", srv.URL+"/p/0")
	var out struct {
		Sites []struct {
			ID    string
			Pages []struct{ URL string }
		}
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &out) != nil || len(out.Sites) != 1 {
		t.Fatalf("scan --resume: exit %d\n%s", code, stderr)
	}
	if out.Sites[0].ID != filepath.Base(filepath.Dir(ledger)) || len(out.Sites[0].Pages) < 12 {
		t.Errorf("resumed scan %s with %d pages, want %s completed to 12", out.Sites[0].ID, len(out.Sites[0].Pages), filepath.Base(filepath.Dir(ledger)))
	}
	hitsMu.Lock()
	for p := range held {
		if hits[p] != 1 {
			t.Errorf("%s, held by the archive, fetched %d times", p, hits[p])
		}
	}
	hitsMu.Unlock()
	if code, _, stderr := vigie(t, "", "verify", "--data", data, filepath.Dir(ledger)); code != 0 {
		t.Errorf("verify after resume: exit %d: %s", code, stderr)
	}
}

// TestVerifyDetectsLedgerCutWithItsRecords cuts the last exchange from both
// the WARC and the ledger, which leaves an archive consistent in itself: the
// head its scan recorded is what shows the cut.
func TestVerifyDetectsLedgerCutWithItsRecords(t *testing.T) {
	srv := httptest.NewServer(crawltest.MultilingualClinic())
	defer srv.Close()
	data := t.TempDir()
	code, stdout, stderr := vigie(t, "", "scan", "--format", "json", "--allow-private", "--data", data, srv.URL+"/")
	if code != 0 {
		t.Fatalf("scan: exit %d: %s", code, stderr)
	}
	var out struct{ Sites []struct{ Archive string } }
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || len(out.Sites) != 1 {
		t.Fatalf("scan output: %v", err)
	}
	dir := out.Sites[0].Archive
	if code, _, stderr := vigie(t, "", "verify", "--data", data, dir); code != 0 {
		t.Fatalf("untouched archive: exit %d: %s", code, stderr)
	}

	ledgerPath := filepath.Join(dir, "ledger.jsonl")
	raw, err := os.ReadFile(ledgerPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(raw), "\n"), "\n")
	cut := len(lines) - 4 // the last exchange's three records and the close entry
	var first struct {
		File   string
		Offset int64
	}
	if err := json.Unmarshal([]byte(lines[cut]), &first); err != nil || first.File == "" {
		t.Fatalf("ledger line %d: %v", cut, err)
	}
	if err := os.WriteFile(ledgerPath, []byte(strings.Join(lines[:cut], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(filepath.Join(dir, first.File), first.Offset); err != nil {
		t.Fatal(err)
	}

	// On its own, the cut archive looks like a scan that ended earlier.
	if code, _, stderr := vigie(t, "", "verify", "--data", t.TempDir(), dir); code != 0 {
		t.Fatalf("cut archive without its scan: exit %d: %s", code, stderr)
	}
	// With the scan's record of its ledger, it does not.
	code, _, stderr = vigie(t, "", "verify", "--data", data, dir)
	if code != 1 || !strings.Contains(stderr, "ledger altered") {
		t.Errorf("cut archive: exit %d, %q; want 1 and the ledger named", code, stderr)
	}
}
