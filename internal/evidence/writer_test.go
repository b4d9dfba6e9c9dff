package evidence_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	warc "github.com/internetarchive/gowarc"

	"vigie/internal/evidence"
)

// summary is the part of a record the round trip compares.
type summary struct {
	Type, TargetURI string
	ID              string // only for records a Ref points at
	Offset          int64  // idem
	Date            time.Time
	ConcurrentTo    string
	RefersTo        string
}

func TestRoundTrip(t *testing.T) {
	path, refs, exs := writeSample(t)
	recs := readAll(t, path)

	var want []summary
	want = append(want, summary{Type: "warcinfo"})
	for i, ex := range exs {
		id := "<" + refs[i].RecordID + ">"
		want = append(want,
			summary{Type: "response", TargetURI: ex.URL, ID: refs[i].RecordID, Offset: refs[i].Offset, Date: ex.Started},
			summary{Type: "request", TargetURI: ex.URL, Date: ex.Started, ConcurrentTo: id},
			summary{Type: "metadata", TargetURI: ex.URL, Date: ex.Started, ConcurrentTo: id, RefersTo: id},
		)
	}
	res := refs[len(refs)-1]
	want = append(want, summary{Type: "resource", TargetURI: "urn:vigie:screenshot:https://example.test/",
		ID: res.RecordID, Offset: res.Offset, Date: res.Captured, ConcurrentTo: "<" + refs[0].RecordID + ">"})

	var got []summary
	for _, r := range recs {
		s := summary{Type: r.Type, TargetURI: r.TargetURI, Date: r.Date,
			ConcurrentTo: r.Header["WARC-Concurrent-To"], RefersTo: r.Header["WARC-Refers-To"]}
		switch r.Type {
		case "response", "resource":
			s.ID, s.Offset = r.ID, r.Offset
		case "warcinfo":
			s.Date = time.Time{}
		}
		got = append(got, s)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}

	warcinfoID := "<" + recs[0].ID + ">"
	for _, r := range recs {
		if err := evidence.VerifyRecord(r); err != nil {
			t.Errorf("VerifyRecord(%s %s) = %v, want nil", r.Type, r.ID, err)
		}
		if r.Type != "warcinfo" && r.Header["WARC-Warcinfo-ID"] != warcinfoID {
			t.Errorf("%s %s: WARC-Warcinfo-ID = %q, want %q", r.Type, r.ID, r.Header["WARC-Warcinfo-ID"], warcinfoID)
		}
	}

	byID := make(map[string]*evidence.Record)
	for _, r := range recs {
		byID[r.ID] = r
	}
	if r := byID[res.RecordID]; r == nil || res.PayloadSHA256 != sha256Hex(r.Block) || res.BlockDigest != "sha256:"+sha256Hex(r.Block) {
		t.Errorf("resource Ref %+v does not match the digests of its record", res)
	}
	for i, ex := range exs {
		t.Run(ex.URL, func(t *testing.T) {
			ref, r := refs[i], byID[refs[i].RecordID]
			wantHeader := map[string]string{
				"Content-Type":        "application/http;msgtype=response",
				"WARC-Payload-Digest": "sha256:" + sha256Hex(payloadOf(t, ex.Response)),
				"WARC-Block-Digest":   "sha256:" + sha256Hex(ex.Response),
				"WARC-IP-Address":     ex.IP,
				"WARC-Truncated":      ex.Truncated,
			}
			gotHeader := make(map[string]string)
			for k := range wantHeader {
				gotHeader[k] = r.Header[k]
			}
			if diff := cmp.Diff(wantHeader, gotHeader); diff != "" {
				t.Errorf("response header (-want +got):\n%s", diff)
			}
			gotRef := ref
			wantRef := evidence.Ref{
				RecordID:      ref.RecordID,
				File:          path,
				Offset:        r.Offset,
				Captured:      ex.Started,
				BlockDigest:   r.Header["WARC-Block-Digest"],
				PayloadSHA256: sha256Hex(payloadOf(t, ex.Response)),
			}
			if diff := cmp.Diff(wantRef, gotRef); diff != "" {
				t.Errorf("Ref (-want +got):\n%s", diff)
			}
			if string(r.Block) != string(ex.Response) {
				t.Errorf("response block = %q, want %q", r.Block, ex.Response)
			}
			var meta *evidence.Record
			for _, m := range recs {
				if m.Type == "metadata" && m.Header["WARC-Refers-To"] == "<"+r.ID+">" {
					meta = m
				}
			}
			if meta == nil {
				t.Fatalf("no metadata record refers to %s", r.ID)
			}
			wantMeta := "fetchTimeMs: " + strconv.FormatInt(ex.Duration.Milliseconds(), 10) + "\r\n"
			if ex.IP != "" {
				wantMeta += "ip: " + ex.IP + "\r\n"
			}
			if diff := cmp.Diff(wantMeta, string(meta.Block)); diff != "" {
				t.Errorf("metadata block (-want +got):\n%s", diff)
			}
		})
	}

	if !filepath.IsAbs(path) || !regexp.MustCompile(`^VIGIE-\d{14}-00000\.warc\.gz$`).MatchString(filepath.Base(path)) {
		t.Errorf("file = %s, want absolute VIGIE-<14 digits>-00000.warc.gz", path)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("file does not start with a gzip member: %v", err)
	}
	zr.Multistream(false)
	if line, err := bufio.NewReader(zr).ReadString('\n'); err != nil || line != "WARC/1.1\r\n" {
		t.Errorf("first line = %q, %v, want %q", line, err, "WARC/1.1\r\n")
	}
}

func TestRandomAccess(t *testing.T) {
	path, refs, _ := writeSample(t)
	for _, ref := range refs {
		t.Run(ref.RecordID, func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.Seek(ref.Offset, 0); err != nil {
				t.Fatal(err)
			}
			r, err := warc.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			rec, err := r.ReadRecord()
			if err != nil {
				t.Fatalf("ReadRecord at %d: %v", ref.Offset, err)
			}
			defer rec.Content.Close()
			got := []string{rec.Header.Get("WARC-Record-ID"), rec.Header.Get("WARC-Block-Digest"), rec.Header.Get("WARC-Date")}
			want := []string{"<" + ref.RecordID + ">", ref.BlockDigest, ref.Captured.Format(time.RFC3339Nano)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("record at offset %d (-want +got):\n%s", ref.Offset, diff)
			}
		})
	}
}

// Writers write at once; each exchange is on disk and in the ledger when
// WriteExchange returns, though writers commit in groups.
func TestConcurrentWrites(t *testing.T) {
	const goroutines, each = 8, 20
	dir := t.TempDir()
	w, err := evidence.NewWriter(dir, testInfo)
	if err != nil {
		t.Fatal(err)
	}
	refs := map[string]evidence.Ref{}
	for _, ref := range writeConcurrently(t, w, goroutines, each, func(ex evidence.Exchange, ref evidence.Ref) {
		ledger, err := os.ReadFile(filepath.Join(dir, evidence.LedgerName))
		if err != nil || !bytes.Contains(ledger, []byte(ref.RecordID)) {
			t.Errorf("%s: WriteExchange returned before its record %s was ledgered (%v)", ex.URL, ref.RecordID, err)
		}
		if fi, err := os.Stat(ref.File); err != nil || fi.Size() <= ref.Offset {
			t.Errorf("%s: WriteExchange returned before its record was in %s", ex.URL, ref.File)
		}
	}) {
		refs[ref.RecordID] = ref
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if len(refs) != goroutines*each {
		t.Fatalf("got %d distinct refs, want %d", len(refs), goroutines*each)
	}
	responses := 0
	for _, r := range readAll(t, w.Files()[0]) {
		if err := evidence.VerifyRecord(r); err != nil {
			t.Errorf("VerifyRecord: %v", err)
		}
		if r.Type != "response" {
			continue
		}
		responses++
		if ref, ok := refs[r.ID]; !ok || ref.Offset != r.Offset {
			t.Errorf("response %s at %d: ref %+v (known %v)", r.ID, r.Offset, ref, ok)
		}
	}
	if responses != goroutines*each {
		t.Errorf("read %d responses, want %d", responses, goroutines*each)
	}
}

func TestWriterRejectsBadInput(t *testing.T) {
	good := sampleExchanges(t)[0]
	tests := []struct {
		name   string
		change func(*evidence.Exchange)
	}{
		{"empty url", func(ex *evidence.Exchange) { ex.URL = "" }},
		{"url with line break", func(ex *evidence.Exchange) { ex.URL = "https://example.test/\r\nWARC-Type: resource" }},
		{"no request", func(ex *evidence.Exchange) { ex.Request = nil }},
		{"no response", func(ex *evidence.Exchange) { ex.Response = nil }},
		{"no start time", func(ex *evidence.Exchange) { ex.Started = time.Time{} }},
		{"bad ip", func(ex *evidence.Exchange) { ex.IP = "example.test" }},
		{"bad truncation", func(ex *evidence.Exchange) { ex.Truncated = "because" }},
	}
	w, err := evidence.NewWriter(t.TempDir(), testInfo)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := good
			tt.change(&ex)
			if _, err := w.WriteExchange(ex); err == nil {
				t.Errorf("WriteExchange(%s) = nil error, want error", tt.name)
			}
		})
	}
	// Rejected input leaves the writer usable.
	if _, err := w.WriteExchange(good); err != nil {
		t.Errorf("WriteExchange(good) after rejections = %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteExchange(good); err == nil {
		t.Error("WriteExchange after Close = nil error, want error")
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	if got := len(readAll(t, w.Files()[0])); got != 4 {
		t.Errorf("file holds %d records, want 4 (warcinfo + one exchange)", got)
	}

	if _, err := evidence.NewWriter(t.TempDir(), evidence.Info{Operator: "a\nWARC-Type: x"}); err == nil {
		t.Error("NewWriter with a line break in Operator = nil error, want error")
	}
}

func TestWarcinfo(t *testing.T) {
	path, _, _ := writeSample(t)
	info := readAll(t, path)[0]
	want := "software: vigie/0.1\r\noperator: test operator\r\nhostname: test-host\r\n" +
		"format: WARC File Format 1.1\r\n" +
		"conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n" +
		"maxPages: 10\r\nseeds: https://example.test/\r\n"
	if diff := cmp.Diff(want, string(info.Block)); diff != "" {
		t.Errorf("warcinfo block (-want +got):\n%s", diff)
	}
	if got := info.Header["WARC-Filename"]; got != filepath.Base(path) {
		t.Errorf("WARC-Filename = %q, want %q", got, filepath.Base(path))
	}
}

func TestNewWriterNeverReusesAFile(t *testing.T) {
	dir := t.TempDir()
	var names []string
	for range 3 {
		w, err := evidence.NewWriter(dir, testInfo)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		names = append(names, w.Files()...)
	}
	seen := make(map[string]bool)
	for _, n := range names {
		if seen[n] {
			t.Errorf("file %s used twice in %v", n, names)
		}
		seen[n] = true
		if got := len(readAll(t, n)); got != 1 {
			t.Errorf("%s holds %d records, want 1 warcinfo", n, got)
		}
	}
}
