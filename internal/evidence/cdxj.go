package evidence

import (
	"bytes"
	"encoding/json"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// SURT returns the sort key of a URL in a CDXJ index (Sort-friendly URI
// Reordering Transform), as Webrecorder's warcio and pywb compute it: the
// scheme and a leading "www." (or "www2."…) dropped, the URL lower-cased,
// host labels reversed and joined by commas, the port kept, ")" then the
// path, then the query arguments sorted.
// "https://www.Clinic.example:8443/Fr/?b=2&a=1" gives
// "example,clinic:8443)/fr/?a=1&b=2". Other URIs (urn:, metadata:) are
// returned unchanged, as is a URL that does not parse.
func SURT(raw string) string {
	if !strings.HasPrefix(raw, "http:") && !strings.HasPrefix(raw, "https:") {
		return raw
	}
	s := raw
	// Before lower-casing, as warcio does: "WWW." stays.
	if scheme, rest, ok := strings.Cut(s, "://"); ok && strings.HasPrefix(rest, "www") {
		i := 3
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i < len(rest) && rest[i] == '.' {
			s = scheme + "://" + rest[i+1:]
		}
	}
	u, err := url.Parse(strings.ToLower(s))
	if err != nil || u.Host == "" {
		return raw
	}
	host := u.Hostname()
	var key string
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		key = "[" + host + "]"
	} else {
		labels := strings.Split(host, ".")
		for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
			labels[i], labels[j] = labels[j], labels[i]
		}
		key = strings.Join(labels, ",")
	}
	if p := u.Port(); p != "" && !(p == "80" && u.Scheme == "http") && !(p == "443" && u.Scheme == "https") {
		key += ":" + p
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	key += ")" + path
	if u.RawQuery != "" {
		args := strings.Split(u.RawQuery, "&")
		sort.Strings(args)
		key += "?" + strings.Join(args, "&")
	}
	return key
}

// cdxjFields are the JSON fields of a CDXJ line, in warcio's order.
type cdxjFields struct {
	URL      string `json:"url"`
	Mime     string `json:"mime,omitempty"`
	Status   string `json:"status,omitempty"`
	Digest   string `json:"digest,omitempty"`
	Length   string `json:"length"`
	Offset   string `json:"offset"`
	Filename string `json:"filename"`
}

// CDXJLine returns the CDXJ index line of r ("<SURT> <14-digit
// timestamp> <JSON>", without newline) for a WARC file named filename in
// the bundle, and whether r is indexed at all. As warcio indexes: request
// and warcinfo records are not, nor metadata and resource records of type
// application/warc-fields; every other record is. mime is the HTTP
// Content-Type (without parameters) of a response, "warc/revisit" for a
// revisit, the WARC Content-Type otherwise; status is the HTTP status of a
// response or revisit; digest is WARC-Payload-Digest as written
// ("sha256:…"); length and offset locate the record in the file.
func CDXJLine(r *Record, filename string) (string, bool) {
	switch r.Type {
	case "request", "warcinfo":
		return "", false
	case "metadata", "resource":
		if mediaType(field(r.Header, "Content-Type")) == "application/warc-fields" {
			return "", false
		}
	}
	f := cdxjFields{URL: r.TargetURI, Digest: field(r.Header, "WARC-Payload-Digest"),
		Length: strconv.FormatInt(r.Size, 10), Offset: strconv.FormatInt(r.Offset, 10), Filename: filename}
	switch r.Type {
	case "revisit":
		f.Mime = "warc/revisit"
		if resp, err := readResponseHead(r.Block); err == nil {
			f.Status = strconv.Itoa(resp.StatusCode)
			resp.Body.Close()
		}
	case "response":
		if resp, err := readResponseHead(r.Block); err == nil {
			f.Mime = mediaType(resp.Header.Get("Content-Type"))
			f.Status = strconv.Itoa(resp.StatusCode)
			resp.Body.Close()
		}
	default:
		f.Mime = field(r.Header, "Content-Type")
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // as JSON.stringify: URLs keep their '&'
	enc.Encode(f)            // strings only: cannot fail
	return SURT(r.TargetURI) + " " + r.Date.UTC().Format("20060102150405") + " " + strings.TrimSuffix(b.String(), "\n"), true
}
