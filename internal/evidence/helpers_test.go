package evidence_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/evidence"
)

var testInfo = evidence.Info{
	Software: "vigie/0.1",
	Operator: "test operator",
	Hostname: "test-host",
	Parameters: map[string]string{
		"seeds":    "https://example.test/",
		"maxPages": "10",
	},
}

// started is a fixed capture time with sub-second precision.
var started = time.Date(2026, 11, 22, 10, 4, 5, 123456789, time.UTC)

func request(path string) []byte {
	return []byte("GET " + path + " HTTP/1.1\r\nHost: example.test\r\nUser-Agent: vigie/0.1\r\nAccept-Encoding: gzip\r\n\r\n")
}

// chunk encodes body with Transfer-Encoding: chunked, in pieces of n bytes.
func chunk(body string, n int) string {
	var b strings.Builder
	for len(body) > 0 {
		k := min(n, len(body))
		fmt.Fprintf(&b, "%x\r\n%s\r\n", k, body[:k])
		body = body[k:]
	}
	b.WriteString("0\r\n\r\n")
	return b.String()
}

func gzipped(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const page = "<html><body><h1>Cellules souches</h1><p>Notre thérapie guérit l'arthrose.</p></body></html>\n"

// sampleExchanges returns a chunked, a gzip-encoded and a truncated exchange.
func sampleExchanges(t testing.TB) []evidence.Exchange {
	t.Helper()
	gz := gzipped(t, page)
	gzResp := append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", len(gz))), gz...)
	return []evidence.Exchange{
		{
			URL:      "https://example.test/",
			Request:  request("/"),
			Response: []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk(page, 16)),
			IP:       "192.0.2.10",
			Started:  started,
			Duration: 1234 * time.Millisecond,
		},
		{
			URL:      "https://example.test/gz",
			Request:  request("/gz"),
			Response: gzResp,
			IP:       "2001:db8::1",
			Started:  started.Add(time.Second),
			Duration: 20 * time.Millisecond,
		},
		{
			URL:       "https://example.test/big",
			Request:   request("/big"),
			Response:  []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n" + strings.Repeat("x", 300)),
			Started:   started.Add(2 * time.Second),
			Duration:  5 * time.Second,
			Truncated: "length",
		},
	}
}

// writeSample writes the sample exchanges and one resource referring to
// the first response into a fresh directory.
func writeSample(t testing.TB) (path string, refs []evidence.Ref, exs []evidence.Exchange) {
	t.Helper()
	w, err := evidence.NewWriter(t.TempDir(), testInfo)
	if err != nil {
		t.Fatalf("NewWriter: %v", err)
	}
	exs = sampleExchanges(t)
	for _, ex := range exs {
		ref, err := w.WriteExchange(ex)
		if err != nil {
			t.Fatalf("WriteExchange(%s): %v", ex.URL, err)
		}
		refs = append(refs, ref)
	}
	ref, err := w.WriteResource("urn:vigie:screenshot:https://example.test/", "image/png", []byte("\x89PNG\r\n\x1a\nnot really"), refs[0].RecordID, started.Add(3*time.Second))
	if err != nil {
		t.Fatalf("WriteResource: %v", err)
	}
	refs = append(refs, ref)
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	files := w.Files()
	if len(files) != 1 {
		t.Fatalf("Files() = %v, want one file", files)
	}
	return files[0], refs, exs
}

// readAll reads every record of path, failing the test on error.
func readAll(t testing.TB, path string) []*evidence.Record {
	t.Helper()
	var recs []*evidence.Record
	if err := evidence.ReadFile(path, func(r *evidence.Record) error {
		recs = append(recs, r)
		return nil
	}); err != nil {
		t.Fatalf("ReadFile(%s): %v", path, err)
	}
	return recs
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// payloadOf returns the bytes after the HTTP header block.
func payloadOf(t testing.TB, resp []byte) []byte {
	t.Helper()
	i := bytes.Index(resp, []byte("\r\n\r\n"))
	if i < 0 {
		t.Fatalf("no end of headers in %q", resp)
	}
	return resp[i+4:]
}

// writeConcurrently writes the first sample exchange goroutines×each
// times, from goroutines writers at once, each exchange with a URL of its
// own; check, if not nil, runs as each WriteExchange returns. It returns
// the refs, in no order.
func writeConcurrently(t *testing.T, w *evidence.Writer, goroutines, each int, check func(evidence.Exchange, evidence.Ref)) []evidence.Ref {
	t.Helper()
	ex := sampleExchanges(t)[0]
	var mu sync.Mutex
	var refs []evidence.Ref
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				ex := ex
				ex.URL = fmt.Sprintf("https://example.test/%d/%d", g, i)
				ref, err := w.WriteExchange(ex)
				if err != nil {
					t.Errorf("WriteExchange: %v", err)
					return
				}
				if check != nil {
					check(ex, ref)
				}
				mu.Lock()
				refs = append(refs, ref)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return refs
}
