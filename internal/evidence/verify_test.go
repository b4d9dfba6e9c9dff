package evidence_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"vigie/internal/evidence"
)

func TestVerifyRecord(t *testing.T) {
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
	bareLF := []byte("HTTP/1.1 200 OK\nContent-Length: 5\n\nhello")
	sha1Block := sha1.Sum(resp)
	tests := []struct {
		name        string
		typ         string
		contentType string
		block       []byte
		blockDigest string
		payload     string // WARC-Payload-Digest, "" for none
		wantErr     bool
		wantCorrupt bool
	}{
		{"http response", "response", "application/http;msgtype=response", resp, "sha256:" + sha256Hex(resp), "sha256:" + sha256Hex([]byte("hello")), false, false},
		{"bare LF headers", "response", "application/http; msgtype=response", bareLF, "sha256:" + sha256Hex(bareLF), "sha256:" + sha256Hex([]byte("hello")), false, false},
		{"upper-case hex", "response", "application/http;msgtype=response", resp, "sha256:" + strings.ToUpper(sha256Hex(resp)), "", false, false},
		{"sha1 base32", "response", "application/http;msgtype=response", resp, "sha1:" + base32.StdEncoding.EncodeToString(sha1Block[:]), "", false, false},
		{"resource payload is block", "resource", "image/png", []byte("png"), "sha256:" + sha256Hex([]byte("png")), "sha256:" + sha256Hex([]byte("png")), false, false},
		{"wrong block digest", "response", "application/http;msgtype=response", resp, "sha256:" + sha256Hex([]byte("other")), "", true, true},
		{"wrong payload digest", "response", "application/http;msgtype=response", resp, "sha256:" + sha256Hex(resp), "sha256:" + sha256Hex([]byte("hellO")), true, true},
		{"payload digest of whole block is wrong for http", "response", "application/http;msgtype=response", resp, "sha256:" + sha256Hex(resp), "sha256:" + sha256Hex(resp), true, true},
		{"no end of http headers", "response", "application/http;msgtype=response", []byte("HTTP/1.1 200 OK\r\n"), "sha256:" + sha256Hex([]byte("HTTP/1.1 200 OK\r\n")), "sha256:" + sha256Hex(nil), true, true},
		{"missing block digest", "response", "application/http;msgtype=response", resp, "", "", true, true},
		{"malformed digest value", "response", "application/http;msgtype=response", resp, "sha256:zz", "", true, true},
		{"no algorithm", "response", "application/http;msgtype=response", resp, sha256Hex(resp), "", true, true},
		{"unsupported algorithm", "response", "application/http;msgtype=response", resp, "md5:abc", "", true, false},
		{"revisit payload not checked", "revisit", "application/http;msgtype=response", resp, "sha256:" + sha256Hex(resp), "sha256:" + sha256Hex([]byte("original")), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &evidence.Record{
				ID:     "urn:uuid:00000000-0000-4000-8000-000000000001",
				Type:   tt.typ,
				Header: map[string]string{"Content-Type": tt.contentType},
				Block:  tt.block,
			}
			if tt.blockDigest != "" {
				r.Header["WARC-Block-Digest"] = tt.blockDigest
			}
			if tt.payload != "" {
				r.Header["WARC-Payload-Digest"] = tt.payload
			}
			err := evidence.VerifyRecord(r)
			if (err != nil) != tt.wantErr {
				t.Fatalf("VerifyRecord() = %v, want error %v", err, tt.wantErr)
			}
			if got := errors.Is(err, evidence.ErrCorrupt); got != tt.wantCorrupt {
				t.Errorf("errors.Is(%v, ErrCorrupt) = %v, want %v", err, got, tt.wantCorrupt)
			}
			if err != nil && !strings.Contains(err.Error(), r.ID) {
				t.Errorf("VerifyRecord() = %v, want the record id in it", err)
			}
		})
	}
}

// tamperResponseBody flips one byte of the HTTP payload inside the gzip
// member at off, recompresses the member and splices it back, so that the
// file stays a valid gzip stream.
func tamperResponseBody(t *testing.T, path string, off int64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	br := bytes.NewReader(data[off:])
	zr, err := gzip.NewReader(br)
	if err != nil {
		t.Fatal(err)
	}
	zr.Multistream(false)
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	end := off + int64(len(data[off:])-br.Len())

	warcEnd := bytes.Index(plain, []byte("\r\n\r\n")) + 4
	httpEnd := warcEnd + bytes.Index(plain[warcEnd:], []byte("\r\n\r\n")) + 4
	plain[httpEnd+10] ^= 0x20 // inside the body, past any chunk-size line

	var member bytes.Buffer
	zw := gzip.NewWriter(&member)
	if _, err := zw.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out := append(append(append([]byte(nil), data[:off]...), member.Bytes()...), data[end:]...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTamperedResponseIsCorrupt(t *testing.T) {
	path, refs, _ := writeSample(t)
	// Last first: recompressing a member may change its length and move
	// the members after it.
	for i := 2; i >= 0; i-- {
		tamperResponseBody(t, path, refs[i].Offset)
	}
	tampered := map[string]bool{refs[0].RecordID: true, refs[1].RecordID: true, refs[2].RecordID: true}
	recs := readAll(t, path) // the file still parses: only digests can tell
	if len(recs) != 11 {
		t.Fatalf("read %d records from the tampered file, want 11", len(recs))
	}
	for _, r := range recs {
		err := evidence.VerifyRecord(r)
		if !tampered[r.ID] {
			if err != nil {
				t.Errorf("VerifyRecord(untouched %s %s) = %v, want nil", r.Type, r.ID, err)
			}
			continue
		}
		if !errors.Is(err, evidence.ErrCorrupt) || !strings.Contains(err.Error(), r.ID) {
			t.Errorf("VerifyRecord(tampered %s) = %v, want ErrCorrupt naming the record", r.ID, err)
		}
	}
}
