package crawl

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

// The sitemaps protocol (sitemaps.org) allows 50,000 URLs and 50 MB per
// file; Vigie reads at most that many URLs and maxSitemapBytes of one
// file, compressed or not.
const (
	maxSitemapURLs  = 50_000
	maxSitemapBytes = 50 << 20
)

// sitemapLinks are the URLs a sitemap file lists: pages of a <urlset>,
// or other sitemaps of a <sitemapindex>.
type sitemapLinks struct {
	pages    []string
	sitemaps []string
	cut      bool // more than maxSitemapURLs, or the XML ended early
}

// parseSitemap reads a sitemap or a sitemap index, gzip-compressed or
// not (a .xml.gz file often comes without Content-Encoding). It returns
// the <loc> values as written, at most maxSitemapURLs; what it read
// before malformed XML is kept. It never expands entities other than
// XML's own.
func parseSitemap(body []byte) (sitemapLinks, error) {
	var out sitemapLinks
	if bytes.HasPrefix(body, []byte(gzipMagic)) {
		plain, cut, err := decodeBody(body, "gzip", maxSitemapBytes)
		if err != nil {
			return out, err
		}
		body, out.cut = plain, cut
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.CharsetReader = charset.NewReaderLabel
	var stack []string // element names, lower case
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if len(out.pages)+len(out.sitemaps) == 0 {
				return out, fmt.Errorf("sitemap: %w", err)
			}
			out.cut = true
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, strings.ToLower(t.Name.Local))
			if len(stack) > 8 {
				return out, errors.New("sitemap: elements nested too deep")
			}
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) < 3 || stack[len(stack)-1] != "loc" {
				continue
			}
			loc := strings.TrimSpace(string(t))
			if loc == "" {
				continue
			}
			if len(out.pages)+len(out.sitemaps) >= maxSitemapURLs {
				out.cut = true
				return out, nil
			}
			switch root, parent := stack[0], stack[len(stack)-2]; {
			case root == "urlset" && parent == "url":
				out.pages = append(out.pages, loc)
			case root == "sitemapindex" && parent == "sitemap":
				out.sitemaps = append(out.sitemaps, loc)
			}
		}
	}
	if len(stack) > 0 && len(out.pages)+len(out.sitemaps) > 0 {
		out.cut = true // the document ended inside an element
	}
	return out, nil
}

// gzipMagic starts every gzip stream (RFC 1952).
const gzipMagic = "\x1f\x8b"
