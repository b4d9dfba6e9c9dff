package crawl

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// decodeBody removes the Content-Encoding for analysis, bounded so that a
// compression bomb cannot exhaust memory: at most limit bytes come out,
// and cut reports that there were more. The archive keeps the encoded
// bytes. A stream that ends early gives what it had.
func decodeBody(body []byte, encoding string, limit int) (out []byte, cut bool, err error) {
	var r io.Reader
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
		if len(body) > limit {
			return body[:limit], true, nil
		}
		return body, false, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, false, fmt.Errorf("gzip: %w", err)
		}
		r = zr
	case "deflate":
		r = flate.NewReader(bytes.NewReader(body))
	default:
		return nil, false, fmt.Errorf("content encoding %q not supported", encoding)
	}
	out, err = io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, false, fmt.Errorf("%s: %w", encoding, err)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// contentNotes says where a response's declared type or charset does not
// match its bytes, as hostile or careless servers do. The response is
// still read as declared, as a browser would: a page served as an image
// is not a page to its readers.
func contentNotes(declared string, body []byte) []string {
	var notes []string
	media, params, _ := mime.ParseMediaType(declared)
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(body))
	switch {
	case len(body) == 0:
	case isTextual(media) && !isTextual(sniffed) && sniffed != "application/octet-stream":
		notes = append(notes, fmt.Sprintf("declared %s but the content is %s", media, sniffed))
	case media != "" && !isTextual(media) && media != "application/octet-stream" && sniffed == "text/html":
		notes = append(notes, fmt.Sprintf("declared %s but the content is HTML: not analysed, as a browser would not show it as a page", media))
	}
	if cs := strings.ToLower(params["charset"]); (cs == "utf-8" || cs == "utf8") && isTextual(media) && !utf8.Valid(body) {
		notes = append(notes, "declared charset utf-8 but the body is not valid UTF-8: some characters may be misread")
	}
	return notes
}

// isTextual reports whether a media type is read as text (HTML, XML,
// plain text).
func isTextual(media string) bool {
	return strings.HasPrefix(media, "text/") || strings.Contains(media, "html") || strings.HasSuffix(media, "xml")
}
