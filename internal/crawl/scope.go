package crawl

import (
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// scope decides which URLs belong to a site: its registrable domain
// (clinic.example covers www.clinic.example and fr.clinic.example), plus the
// domains of its declared language versions. A site served on an IP address
// or a single-label host is the host and port itself.
type scope struct {
	keys map[string]bool
}

func newScope(seed *url.URL) *scope {
	s := &scope{keys: map[string]bool{}}
	s.add(seed)
	return s
}

func scopeKey(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	if net.ParseIP(host) != nil || !strings.Contains(host, ".") {
		return u.Host // IP or "localhost": the port tells sites apart
	}
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}

func (s *scope) add(u *url.URL) { s.keys[scopeKey(u)] = true }

func (s *scope) contains(u *url.URL) bool { return s.keys[scopeKey(u)] }

// normalize returns the canonical form used to tell URLs apart, or "" for
// URLs a crawler does not fetch.
func normalize(raw string, base *url.URL) (*url.URL, string) {
	var u *url.URL
	var err error
	if base != nil {
		u, err = base.Parse(strings.TrimSpace(raw))
	} else {
		u, err = url.Parse(strings.TrimSpace(raw))
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, ""
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if p := u.Port(); p == "80" && u.Scheme == "http" || p == "443" && u.Scheme == "https" {
		u.Host = u.Hostname()
	}
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	u.User = nil
	return u, u.String()
}

// isFrench reports whether a link leads to a French version: hreflang or a
// language switcher ("Français"), a /fr/ path or a lang=fr parameter.
func isFrench(lang string, u *url.URL) bool {
	if strings.HasPrefix(strings.ToLower(lang), "fr") {
		return true
	}
	for _, seg := range strings.Split(strings.ToLower(u.Path), "/") {
		if seg == "fr" || strings.HasPrefix(seg, "fr-") || strings.HasPrefix(seg, "fr_") {
			return true
		}
	}
	for _, k := range []string{"lang", "language", "hl", "locale", "lng"} {
		if strings.HasPrefix(strings.ToLower(u.Query().Get(k)), "fr") {
			return true
		}
	}
	return false
}
