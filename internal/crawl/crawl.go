package crawl

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/time/rate"

	"vigie/internal/evidence"
	"vigie/internal/extract"
)

// ErrUnreachable is returned when a site's first page cannot be fetched.
var ErrUnreachable = errors.New("site unreachable")

// ErrDisallowed is wrapped, with ErrUnreachable, when robots.txt
// disallows the seed itself.
var ErrDisallowed = errors.New("disallowed by robots.txt")

// Archive keeps exchanges. evidence.Writer implements it. WriteExchange is
// called from several goroutines at once.
type Archive interface {
	WriteExchange(evidence.Exchange) (evidence.Ref, error)
}

// Page is one fetched response, already archived: a page, or an asset
// (an image or a document fetched as evidence of a page).
type Page struct {
	URL         string
	Depth       int // links followed from the seed (redirects keep the depth; an asset has its page's depth + 1)
	Status      int
	ContentType string
	Ref         evidence.Ref      // the response record in the archive
	Doc         *extract.Document // nil unless the response is an HTML or text page
	Truncated   bool              // the archived response is incomplete (WARC-Truncated)
	Asset       bool              // an image or document: archived, never analysed
	Notes       []string          // what was cut or odd in this response, for people
}

// Result summarises a crawl.
type Result struct {
	Fetched    int          // pages fetched or attempted, the seed included
	Assets     int          // images and documents fetched or attempted
	Errors     []FetchError // URLs that could not be fetched
	Cut        []string     // bounds reached, and what they left out
	Notes      []string     // other facts about the crawl (robots.txt read, Crawl-delay applied)
	Robots     []Capture    // the robots.txt responses archived (one per origin, and their redirects)
	Sitemaps   []Capture    // the sitemap responses archived
	Disallowed []string     // URLs robots.txt kept the crawl from, the first maxListed
	Reused     int          // responses read from Config.Stored instead of fetched
}

// Capture is a response archived for the crawl itself, not analysed.
type Capture struct {
	URL    string
	Status int
	Ref    evidence.Ref
}

// FetchError is a URL that could not be fetched.
type FetchError struct {
	URL string
	Err string
}

// maxListed bounds the URLs listed in Result.Disallowed.
const maxListed = 1000

// Crawl fetches the site of seed. Every response is written to arch before
// visit sees it; visit is called for pages and assets (not for robots.txt
// and sitemaps, listed in the Result), from several goroutines at once.
// Crawl returns ErrUnreachable (wrapped) when the seed cannot be fetched,
// and stops at the first error of arch or visit: evidence that cannot be
// kept must not be analysed. Ignoring robots.txt without a reason is an
// error.
func Crawl(ctx context.Context, seed string, cfg Config, arch Archive, visit func(*Page) error) (*Result, error) {
	cfg = cfg.withDefaults()
	if cfg.IgnoreRobots && strings.TrimSpace(cfg.IgnoreRobotsReason) == "" {
		return nil, errors.New("ignoring robots.txt needs a reason, recorded with the evidence")
	}
	su, key := normalize(seed, nil)
	if su == nil {
		return nil, fmt.Errorf("%q is not an http or https URL", seed)
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.MaxDuration)
	defer cancel()
	c := &crawler{
		cfg:    cfg,
		arch:   arch,
		visit:  visit,
		scope:  newScope(su),
		front:  newFrontier(cfg.MaxFrontier),
		robots: map[string]*robotsEntry{},
		limits: map[string]*rate.Limiter{},
		result: &Result{},
	}
	c.cond = sync.NewCond(&c.mu)

	// The seed alone first: if it fails, the site is unreachable.
	first := newItem(su, key, 0, 0, kindPage)
	c.front.markSeen(key)
	c.pages = 1
	if err := c.process(ctx, first); err != nil {
		c.result.Fetched = c.pages
		switch {
		case errors.Is(err, errFatal):
			return c.result, err
		case errors.Is(err, ErrDisallowed):
			return c.result, fmt.Errorf("%s: %w: %w (use --ignore-robots with a --reason to override)", seed, ErrUnreachable, err)
		}
		return c.result, fmt.Errorf("%s: %w: %w", seed, ErrUnreachable, err)
	}

	var wg sync.WaitGroup
	for range cfg.Concurrency {
		wg.Go(func() { c.work(ctx) })
	}
	stop := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		c.done = true
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	wg.Wait()
	stop()
	c.finish(ctx)
	return c.result, c.fatal
}

// errFatal marks errors that stop the crawl (archive or visit failures).
var errFatal = errors.New("crawl stopped")

type crawler struct {
	cfg   Config
	arch  Archive
	visit func(*Page) error

	mu       sync.Mutex
	cond     *sync.Cond
	scope    *scope
	front    *frontier
	inflight int
	pages    int // pages taken from the frontier, the seed included
	assets   int
	sitemaps int
	used     int64 // response bytes received
	reserved int64 // bytes the responses in flight may still receive
	done     bool
	fatal    error
	robots   map[string]*robotsEntry // by origin
	cuts     cuts
	result   *Result

	limitsMu sync.Mutex
	limits   map[string]*rate.Limiter // by host
}

func (c *crawler) work(ctx context.Context) {
	for {
		it, ok := c.next()
		if !ok {
			return
		}
		err := c.process(ctx, it)
		c.mu.Lock()
		c.inflight--
		switch {
		case err == nil:
		case errors.Is(err, errFatal):
			if c.fatal == nil {
				c.fatal = err
			}
			c.done = true
		case errors.Is(err, ErrDisallowed):
			c.uncount(it)
			c.cuts.disallowed++
			if len(c.result.Disallowed) < maxListed {
				c.result.Disallowed = append(c.result.Disallowed, it.key)
			}
		case errors.Is(err, errNotStarted):
			c.uncount(it)
			c.cuts.notStarted++
		default:
			c.result.Errors = append(c.result.Errors, FetchError{URL: it.key, Err: err.Error()})
		}
		c.cond.Broadcast()
		c.mu.Unlock()
	}
}

// next takes an item from the frontier, waiting while other workers may
// still add some. It reports false when the crawl is over.
func (c *crawler) next() (item, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if c.done {
			c.cond.Broadcast()
			return item{}, false
		}
		var open [nClasses]bool
		open[classSitemap] = c.sitemaps < c.cfg.MaxSitemaps
		open[classFrench] = c.pages < c.cfg.MaxPages
		open[classPage] = open[classFrench]
		open[classAsset] = c.assets < c.cfg.MaxAssets
		if it, ok := c.front.pop(open, c.ready); ok {
			c.inflight++
			switch it.kind {
			case kindPage:
				c.pages++
			case kindAsset:
				c.assets++
			case kindSitemap:
				c.sitemaps++
			}
			return it, true
		}
		if c.inflight == 0 {
			c.done = true
			c.cond.Broadcast()
			return item{}, false
		}
		c.cond.Wait()
	}
}

// uncount gives back the slot of an item that was not fetched. The caller
// holds c.mu.
func (c *crawler) uncount(it item) {
	switch it.kind {
	case kindPage:
		c.pages--
	case kindAsset:
		c.assets--
	case kindSitemap:
		c.sitemaps--
	}
}

// response fetches and archives one item, or reads it from Config.Stored
// when an interrupted crawl kept it.
func (c *crawler) response(ctx context.Context, it item, u *url.URL) (*response, error) {
	if st, ok := c.cfg.Stored[it.key]; ok {
		c.mu.Lock()
		c.result.Reused++
		c.mu.Unlock()
		return &response{url: it.key, status: st.Status, header: st.Header, body: st.Body, ref: st.Ref}, nil
	}
	if err := c.allowed(ctx, u); err != nil {
		return nil, err
	}
	limit := c.cfg.MaxBodyBytes
	if it.kind == kindSitemap {
		limit = min(limit, maxSitemapBytes)
	}
	return c.exchange(ctx, it.key, limit)
}

// process fetches one item, archives it and, for a page or an asset,
// hands it to visit, then adds what it leads to to the frontier.
func (c *crawler) process(ctx context.Context, it item) (err error) {
	// A panic while reading a hostile page (in parsing or analysis) stops
	// the crawl with an error, the evidence archived so far intact, instead
	// of killing the process from a worker goroutine.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %s: internal error: %v", errFatal, it.key, r)
		}
	}()
	u, err := url.Parse(it.key)
	if err != nil {
		return err
	}
	r, err := c.response(ctx, it, u)
	if err != nil {
		return err
	}
	if it.kind == kindSitemap {
		c.sitemap(it, r)
		return nil
	}
	page, next := c.read(it, r)
	if err := c.visit(page); err != nil {
		return fmt.Errorf("%w: %v", errFatal, err)
	}
	c.enqueue(it, u, next)
	return nil
}

func (c *crawler) limiter(host string) *rate.Limiter {
	c.limitsMu.Lock()
	defer c.limitsMu.Unlock()
	l, ok := c.limits[host]
	if !ok {
		r := rate.Limit(c.cfg.Rate)
		if c.cfg.Rate < 0 {
			r = rate.Inf
		}
		l = rate.NewLimiter(r, 1)
		c.limits[host] = l
	}
	return l
}

// ready reports whether a request to host may be sent at once.
func (c *crawler) ready(host string) bool {
	l := c.limiter(host)
	return l.Limit() == rate.Inf || l.Tokens() >= 1
}
