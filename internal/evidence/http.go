package evidence

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// DefaultMaxBody bounds the body ParseHTTPResponse returns when it is given
// no limit: 10 MiB, as the crawler keeps.
const DefaultMaxBody = 10 << 20

// HTTPResponse is the HTTP response a response record holds, read back for
// analysis. The record keeps the bytes as transferred; this is what they
// mean.
type HTTPResponse struct {
	Status    int         // status code
	Header    http.Header // header fields, names canonicalized
	Body      []byte      // transfer coding (chunked) removed, content coding (gzip, deflate) decoded
	Truncated bool        // Body stops short: cut at the limit, or the recorded body ends early or is damaged
}

// ParseHTTPResponse reads the HTTP/1.x response in block, the block of a
// response record. The body read is bounded by limit bytes, before and
// after content decoding (a compression bomb cannot exhaust memory);
// limit <= 0 means DefaultMaxBody. A body that ends early (a truncated
// capture) is returned as far as it goes, with Truncated set. It returns an
// error when block is not an HTTP response or uses a content coding other
// than gzip, deflate or identity.
func ParseHTTPResponse(block []byte, limit int) (*HTTPResponse, error) {
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	resp, err := readResponseHead(block)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := &HTTPResponse{Status: resp.StatusCode, Header: resp.Header}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	out.Truncated = err != nil
	if len(raw) > limit {
		raw, out.Truncated = raw[:limit], true
	}
	var zr io.Reader
	switch coding := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); coding {
	case "", "identity":
		out.Body = raw
		return out, nil
	case "gzip", "x-gzip":
		g, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			out.Truncated = true
			return out, nil
		}
		zr = g
	case "deflate":
		// RFC 9110 says zlib; some servers send raw deflate.
		if z, err := zlib.NewReader(bytes.NewReader(raw)); err == nil {
			zr = z
		} else {
			zr = flate.NewReader(bytes.NewReader(raw))
		}
	default:
		return nil, fmt.Errorf("content coding %q not supported", truncate(coding))
	}
	body, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if err != nil {
		out.Truncated = true
	}
	if len(body) > limit {
		body, out.Truncated = body[:limit], true
	}
	out.Body = body
	return out, nil
}

// readResponseHead parses the status line and header fields of block.
func readResponseHead(block []byte) (*http.Response, error) {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(block)), nil)
	if err != nil {
		return nil, fmt.Errorf("not an HTTP response: %w", err)
	}
	return resp, nil
}

// mediaType returns the media type of a Content-Type value, lower case,
// without parameters.
func mediaType(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// PayloadSHA256 returns the lower-case hex SHA-256 of r's payload as
// WARC-Payload-Digest defines it: for an application/http block, the bytes
// after the HTTP header block, as transferred; otherwise the whole block.
// It returns "" for an HTTP block without an end of headers.
func (r *Record) PayloadSHA256() string {
	payload := r.Block
	if isHTTP(field(r.Header, "Content-Type")) {
		end := httpHeaderEnd(r.Block)
		if end < 0 {
			return ""
		}
		payload = r.Block[end:]
	}
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:])
}
