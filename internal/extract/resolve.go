package extract

import (
	"bytes"
	"net/url"
	"strings"
)

// resolveFast resolves the commonest hrefs, paths of unreserved characters
// without dot segments ("/fr/tarifs.html", "contact.html"), with or
// without a plain query ("?utm_source=site&utm_medium=cta"), against an
// http(s) base of the same kind, as url.URL.Parse and String would but
// without their half-dozen allocations. ok is false for every other href,
// which url.URL.Parse must read.
func resolveFast(base *url.URL, href []byte) (u string, ok bool) {
	if base == nil || base.User != nil || base.Opaque != "" || base.RawPath != "" ||
		base.Scheme != "http" && base.Scheme != "https" || !safeHost(base.Host) {
		return "", false
	}
	path, query := href, []byte(nil)
	if i := bytes.IndexByte(href, '?'); i >= 0 {
		path, query = href[:i], href[i:]
		if !safeQuery(query[1:]) {
			return "", false
		}
	}
	if len(path) == 0 || !safePath(path) || dotSegment(path) {
		return "", false
	}
	if href[0] == '/' {
		if len(href) > 1 && href[1] == '/' {
			return "", false // a network-path reference: another host
		}
		return base.Scheme + "://" + base.Host + string(href), true
	}
	p := base.Path
	if len(p) == 0 || p[0] != '/' || len(p) > 1 && p[1] == '/' {
		return "", false
	}
	dir := p[:strings.LastIndexByte(p, '/')+1]
	if !safePath([]byte(dir)) || dotSegment([]byte(dir)) {
		return "", false
	}
	return base.Scheme + "://" + base.Host + dir + string(href), true
}

// safeQuery reports whether q has only characters a query keeps as they
// are through parsing, resolution and printing: unreserved ones, and
// "=", "&", "+", ",", ";", ":", "@", "/" and "?".
func safeQuery(q []byte) bool {
	for _, c := range q {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '=' || c == '&' || c == '+' ||
			c == ',' || c == ';' || c == ':' || c == '@' || c == '/' || c == '?') {
			return false
		}
	}
	return true
}

// safePath reports whether p has only unreserved characters and slashes,
// which URL parsing, resolution and printing leave as they are.
func safePath(p []byte) bool {
	for _, c := range p {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			return false
		}
	}
	return true
}

func safeHost(h string) bool {
	if h == "" {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

// dotSegment reports whether a segment of p is "." or "..", which
// resolution removes.
func dotSegment(p []byte) bool {
	for len(p) > 0 {
		i := 0
		for i < len(p) && p[i] != '/' {
			i++
		}
		if s := string(p[:i]); s == "." || s == ".." {
			return true
		}
		if i == len(p) {
			return false
		}
		p = p[i+1:]
	}
	return false
}
