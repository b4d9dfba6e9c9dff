package evidence

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"
)

// VerifyRecord recomputes the WARC-Block-Digest of r, and its
// WARC-Payload-Digest when present, and compares them with the declared
// values (sha1, sha256 or sha512, base16 or base32). A mismatch, a missing
// block digest or an unreadable digest value gives an error that wraps
// ErrCorrupt and names r.ID; an unsupported algorithm gives an error that
// does not wrap ErrCorrupt.
//
// For application/http blocks the payload is everything after the blank
// line that ends the HTTP header block, as transferred (chunked framing and
// content coding included); for other records it is the whole block.
// Revisit and segmented records carry the digest of another record's
// payload, so their payload digest is not checked.
func VerifyRecord(r *Record) error {
	declared := field(r.Header, "WARC-Block-Digest")
	if declared == "" {
		return fmt.Errorf("evidence: record %s: no WARC-Block-Digest: %w", r.ID, ErrCorrupt)
	}
	if err := checkDigest(declared, r.Block); err != nil {
		return fmt.Errorf("evidence: record %s: WARC-Block-Digest: %w", r.ID, err)
	}
	declared = field(r.Header, "WARC-Payload-Digest")
	if declared == "" || strings.EqualFold(r.Type, "revisit") || field(r.Header, "WARC-Segment-Number") != "" {
		return nil
	}
	payload := r.Block
	if isHTTP(field(r.Header, "Content-Type")) {
		end := httpHeaderEnd(r.Block)
		if end < 0 {
			return fmt.Errorf("evidence: record %s: payload digest but no end of HTTP headers: %w", r.ID, ErrCorrupt)
		}
		payload = r.Block[end:]
	}
	if err := checkDigest(declared, payload); err != nil {
		return fmt.Errorf("evidence: record %s: WARC-Payload-Digest: %w", r.ID, err)
	}
	return nil
}

// checkDigest compares a WARC digest value ("algorithm:value") with the
// digest of b.
func checkDigest(declared string, b []byte) error {
	algo, value, ok := strings.Cut(declared, ":")
	if !ok {
		return fmt.Errorf("digest %q has no algorithm: %w", truncate(declared), ErrCorrupt)
	}
	var h hash.Hash
	switch strings.ToLower(algo) {
	case "sha1", "sha-1":
		h = sha1.New()
	case "sha256", "sha-256":
		h = sha256.New()
	case "sha512", "sha-512":
		h = sha512.New()
	default:
		return fmt.Errorf("unsupported digest algorithm %q", truncate(algo))
	}
	var want []byte
	var err error
	switch len(value) {
	case hex.EncodedLen(h.Size()):
		want, err = hex.DecodeString(value)
	case base32.StdEncoding.EncodedLen(h.Size()):
		want, err = base32.StdEncoding.DecodeString(strings.ToUpper(value))
	default:
		err = fmt.Errorf("length %d fits neither base16 nor base32", len(value))
	}
	if err != nil {
		return fmt.Errorf("digest %q: %w: %w", truncate(declared), ErrCorrupt, err)
	}
	h.Write(b)
	if got := h.Sum(nil); !bytes.Equal(got, want) {
		return fmt.Errorf("declared %s, computed %s:%s: %w", declared, strings.ToLower(algo), hex.EncodeToString(got), ErrCorrupt)
	}
	return nil
}

// httpHeaderEnd returns the offset just after the empty line ("\r\n" or a
// bare "\n") that ends the HTTP header block of b, or -1 when there is
// none. Line by line, like nlnwa/gowarc, so that both agree on where the
// payload starts.
func httpHeaderEnd(b []byte) int {
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1
		}
		line := b[i : i+j+1]
		i += j + 1
		if len(line) == 1 || (len(line) == 2 && line[0] == '\r') {
			return i
		}
	}
	return -1
}

func isHTTP(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "application/http")
}

// field looks a WARC header field up; names are case-insensitive.
func field(h map[string]string, name string) string {
	if v, ok := h[name]; ok {
		return v
	}
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}
