package crawl

import (
	"fmt"
	"net/http"
	"net/url"

	"vigie/internal/extract"
)

// found is what a response leads to.
type found struct {
	redirect string         // Location of a 3xx
	links    []extract.Link // links and language versions of a page
	images   []string       // <img src> of a page
	pages    []string       // URLs listed by a sitemap
	sitemaps []string       // sitemaps listed by a sitemap index or robots.txt
}

// read turns a response into the Page handed to visit and what it leads
// to. Pages with a 2xx status are parsed; assets never are.
func (c *crawler) read(it item, r *response) (*Page, found) {
	page := &Page{
		URL: it.key, Depth: it.depth, Status: r.status, ContentType: r.header.Get("Content-Type"),
		Ref: r.ref, Truncated: r.truncated != "", Asset: it.kind == kindAsset, Notes: r.notes,
	}
	var next found
	if loc := r.header.Get("Location"); r.status >= 300 && r.status < 400 && loc != "" {
		next.redirect = loc
	}
	if r.status < 200 || r.status >= 300 {
		return page, next
	}
	body, cut, err := decodeBody(r.body, r.header.Get("Content-Encoding"), c.cfg.MaxBodyBytes)
	if err != nil {
		page.Notes = append(page.Notes, fmt.Sprintf("body not decoded: %v", err))
		return page, next
	}
	if cut {
		page.Notes = append(page.Notes, fmt.Sprintf("decoded body cut at %d bytes (max-body-bytes): compressed %d bytes", c.cfg.MaxBodyBytes, len(r.body)))
		c.mu.Lock()
		c.cuts.decoded.add(it.key)
		c.mu.Unlock()
	}
	page.Notes = append(page.Notes, contentNotes(page.ContentType, body)...)
	if it.kind == kindAsset {
		return page, next
	}
	doc, err := extract.Parse(body, page.ContentType, r.header.Get("Content-Language"), it.key, extract.Options{MaxBytes: c.cfg.MaxBodyBytes})
	if err != nil {
		page.Notes = append(page.Notes, fmt.Sprintf("not analysed: %v", err))
		return page, next
	}
	page.Doc = doc
	next.links = doc.Links
	for _, a := range doc.Alternates {
		next.links = append(next.links, extract.Link{URL: a.URL, Lang: a.Lang})
	}
	next.images = doc.Images
	return page, next
}

// sitemap reads a fetched sitemap and adds its URLs to the frontier.
func (c *crawler) sitemap(it item, r *response) {
	c.mu.Lock()
	c.result.Sitemaps = append(c.result.Sitemaps, Capture{URL: it.key, Status: r.status, Ref: r.ref})
	c.mu.Unlock()
	if r.status != http.StatusOK {
		if loc := r.header.Get("Location"); r.status >= 300 && r.status < 400 && loc != "" {
			c.enqueue(it, mustParse(it.key), found{redirect: loc})
		}
		return
	}
	body, _, err := decodeBody(r.body, r.header.Get("Content-Encoding"), maxSitemapBytes)
	var links sitemapLinks
	if err == nil {
		links, err = parseSitemap(body)
	}
	if err != nil {
		c.note(fmt.Sprintf("sitemap %s unreadable: %v", it.key, err))
		return
	}
	if links.cut || r.truncated != "" {
		c.note(fmt.Sprintf("sitemap %s read in part: %d URLs taken", it.key, len(links.pages)+len(links.sitemaps)))
	}
	c.enqueue(it, mustParse(it.key), found{pages: links.pages, sitemaps: links.sitemaps})
}

// addSitemaps puts the sitemaps robots.txt names, and the origin's
// /sitemap.xml, in the frontier.
func (c *crawler) addSitemaps(origin string, listed []string) {
	if c.cfg.MaxSitemaps <= 0 {
		return
	}
	u := mustParse(origin + "/")
	c.enqueue(item{key: u.String(), kind: kindSitemap}, u, found{sitemaps: append(listed, origin+"/sitemap.xml")})
}

// link is a URL a response leads to, normalized and classified before
// the crawler's lock is taken.
type link struct {
	u        *url.URL
	key      string
	alt      bool // a declared language version (hreflang, switcher)
	kind     kind
	cl       class
	trap     bool
	fromPage bool // an <a href> or image of the page: per-page bounds apply
}

// links normalizes and classifies what f names: the work of enqueue that
// needs no lock.
func links(base *url.URL, f found) []link {
	out := make([]link, 0, len(f.links)+len(f.images)+len(f.pages)+len(f.sitemaps))
	add := func(raw string, l link) {
		if l.u, l.key = normalize(raw, base); l.u == nil {
			return
		}
		l.trap = isTrap(l.u, l.key)
		switch {
		case l.kind == kindSitemap:
			l.cl = classSitemap
		case l.kind == kindAsset || isAssetURL(l.u):
			l.kind, l.cl = kindAsset, classAsset
		case l.alt || isFrench("", l.u):
			l.cl = classFrench
		default:
			l.cl = classPage
		}
		out = append(out, l)
	}
	for _, l := range f.links {
		add(l.URL, link{alt: l.Lang != "", fromPage: true})
	}
	for _, img := range f.images {
		add(img, link{kind: kindAsset, fromPage: true})
	}
	for _, p := range f.pages {
		add(p, link{})
	}
	for _, s := range f.sitemaps {
		add(s, link{kind: kindSitemap})
	}
	return out
}

// enqueue adds what a fetched response leads to to the frontier: within
// scope, not seen, not a trap, within the bounds of depth, redirects,
// assets per page and the frontier itself. Language versions extend the
// scope and go first. Pages a sitemap lists are at depth 1.
func (c *crawler) enqueue(from item, base *url.URL, f found) {
	ls := links(base, f)
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.cond.Broadcast()
	if f.redirect != "" {
		c.addRedirect(from, base, f.redirect)
	}
	assets := 0
	for _, l := range ls {
		if l.alt && !c.scope.contains(l.u) {
			c.scope.add(l.u) // a declared language version of the site
		}
		depth := 1
		if l.fromPage {
			depth = from.depth + 1
		}
		switch {
		case l.kind == kindSitemap:
			c.add(newItem(l.u, l.key, 0, 0, kindSitemap), l, classSitemap)
		case l.kind == kindAsset && l.fromPage:
			c.addAsset(from, l, &assets)
		case l.kind == kindAsset:
			if c.cfg.MaxAssets > 0 {
				c.add(newItem(l.u, l.key, depth, 0, kindAsset), l, classAsset)
			}
		case depth > c.cfg.MaxDepth:
			if c.scope.contains(l.u) && !c.front.isSeen(l.key) {
				c.cuts.depth++
			}
		default:
			c.add(newItem(l.u, l.key, depth, 0, kindPage), l, l.cl)
		}
	}
}

// addRedirect follows a redirect: same depth and kind, one more hop. The
// seed's own redirects (depth 0) extend the scope: where the seed lands
// is the site. The caller holds c.mu.
func (c *crawler) addRedirect(from item, base *url.URL, loc string) {
	u, key := normalize(loc, base)
	if u == nil {
		return
	}
	if from.depth == 0 && from.kind == kindPage && !c.scope.contains(u) {
		c.scope.add(u)
	}
	if from.hops+1 > c.cfg.MaxRedirects {
		if !c.front.isSeen(key) {
			c.cuts.redirects.add(from.key + " → " + key)
		}
		return
	}
	cl := classPage
	switch {
	case from.kind == kindAsset:
		cl = classAsset
	case from.kind == kindSitemap:
		cl = classSitemap
	case isFrench("", u):
		cl = classFrench
	}
	c.add(newItem(u, key, from.depth, from.hops+1, from.kind), link{u: u, key: key, trap: isTrap(u, key)}, cl)
}

// addAsset adds an image or document of page from, at most
// MaxAssetsPerPage per page (n counts them). The caller holds c.mu.
func (c *crawler) addAsset(from item, l link, n *int) {
	if c.cfg.MaxAssets <= 0 || !c.scope.contains(l.u) || c.front.isSeen(l.key) {
		return
	}
	if *n >= c.cfg.MaxAssetsPerPage {
		c.cuts.perPage.add(from.key)
		return
	}
	if c.add(newItem(l.u, l.key, from.depth+1, 0, kindAsset), l, classAsset) {
		*n++
	}
}

// add puts an item in the frontier if it is in scope, new, not a trap and
// there is room. The caller holds c.mu.
func (c *crawler) add(it item, l link, cl class) bool {
	switch {
	case !c.scope.contains(l.u) || c.front.isSeen(it.key):
		return false
	case l.trap:
		c.cuts.trap.add(it.key)
		return false
	case c.front.full():
		c.cuts.frontier++
		return false
	}
	c.front.markSeen(it.key)
	c.front.push(it, cl)
	return true
}
