package evidence_test

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"strings"
	"testing"

	"vigie/internal/evidence"
)

func deflated(t *testing.T, s string, wrap bool) string {
	t.Helper()
	var b bytes.Buffer
	if wrap {
		zw := zlib.NewWriter(&b)
		zw.Write([]byte(s))
		zw.Close()
	} else {
		fw, _ := flate.NewWriter(&b, flate.DefaultCompression)
		fw.Write([]byte(s))
		fw.Close()
	}
	return b.String()
}

func TestParseHTTPResponse(t *testing.T) {
	gz := string(gzipped(t, page))
	bomb := string(gzipped(t, strings.Repeat("a", 1<<20)))
	head := func(fields string) string { return "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + fields + "\r\n" }
	tests := []struct {
		name          string
		block         string
		limit         int
		wantStatus    int
		wantBody      string
		wantTruncated bool
		wantErr       bool
	}{
		{"content length", head("Content-Length: 5\r\n") + "hello", 0, 200, "hello", false, false},
		{"chunked", head("Transfer-Encoding: chunked\r\n") + chunk(page, 7), 0, 200, page, false, false},
		{"gzip", head("Content-Encoding: gzip\r\n") + gz, 0, 200, page, false, false},
		{"chunked gzip", head("Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n") + chunk(gz, 10), 0, 200, page, false, false},
		{"deflate (zlib)", head("Content-Encoding: deflate\r\n") + deflated(t, page, true), 0, 200, page, false, false},
		{"deflate (raw)", head("Content-Encoding: deflate\r\n") + deflated(t, page, false), 0, 200, page, false, false},
		{"no length, read to the end", "HTTP/1.0 404 Not Found\r\n\r\ngone", 0, 404, "gone", false, false},
		{"body cut short", head("Content-Length: 100\r\n") + "hello", 0, 200, "hello", true, false},
		{"chunked cut short", head("Transfer-Encoding: chunked\r\n") + chunk(page, 7)[:40], 0, 200, page[:22], true, false},
		{"gzip cut short", head("Content-Encoding: gzip\r\n") + gz[:len(gz)-20], 0, 200, "", true, false},
		{"limit", head("Content-Length: 11\r\n") + "hello world", 5, 200, "hello", true, false},
		{"gzip bomb", head("Content-Encoding: gzip\r\n") + bomb, 1000, 200, strings.Repeat("a", 1000), true, false},
		{"bare LF", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 0, 200, "ok", false, false},
		{"unsupported coding", head("Content-Encoding: br\r\n") + "xx", 0, 0, "", false, true},
		{"not HTTP", "<html>hello</html>", 0, 0, "", false, true},
		{"empty", "", 0, 0, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := evidence.ParseHTTPResponse([]byte(tt.block), tt.limit)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseHTTPResponse() = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if r.Status != tt.wantStatus || r.Truncated != tt.wantTruncated {
				t.Errorf("status %d truncated %v, want %d %v", r.Status, r.Truncated, tt.wantStatus, tt.wantTruncated)
			}
			// A damaged gzip stream yields what could be decoded: a prefix.
			if got := string(r.Body); got != tt.wantBody && !(tt.wantTruncated && tt.wantBody == "" && strings.HasPrefix(page, got)) {
				t.Errorf("body = %q, want %q", got, tt.wantBody)
			}
		})
	}
}

func FuzzParseHTTPResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n" + chunk(string(gzipped(f, page)), 9)))
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"))
	f.Add([]byte("HTTP/1.0 301\n\n"))
	f.Fuzz(func(t *testing.T, block []byte) {
		r, err := evidence.ParseHTTPResponse(block, 4096)
		if err == nil && len(r.Body) > 4096 {
			t.Errorf("body of %d bytes, limit 4096", len(r.Body))
		}
	})
}

func TestPayloadSHA256(t *testing.T) {
	path, refs, _ := writeSample(t)
	byID := map[string]*evidence.Record{}
	for _, r := range readAll(t, path) {
		byID[r.ID] = r
	}
	for _, ref := range refs {
		r := byID[ref.RecordID]
		if got := r.PayloadSHA256(); got != ref.PayloadSHA256 || "sha256:"+got != r.Header["WARC-Payload-Digest"] {
			t.Errorf("PayloadSHA256(%s %s) = %s, want %s as written", r.Type, r.ID, got, r.Header["WARC-Payload-Digest"])
		}
	}
	noEnd := &evidence.Record{Header: map[string]string{"Content-Type": "application/http;msgtype=response"}, Block: []byte("HTTP/1.1 200 OK\r\n")}
	if got := noEnd.PayloadSHA256(); got != "" {
		t.Errorf("PayloadSHA256(no end of headers) = %q, want \"\"", got)
	}
}
