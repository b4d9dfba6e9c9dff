package crawl

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"vigie/internal/evidence"
	"vigie/internal/extract"
)

// ErrUnreachable is returned when a site's first page cannot be fetched.
var ErrUnreachable = errors.New("site unreachable")

// Config bounds a crawl. Zero values are the documented defaults.
type Config struct {
	MaxPages     int           // pages fetched at most; 0 means 200
	MaxDepth     int           // links followed from the seed at most; 0 means 10
	MaxBodyBytes int           // bytes kept of one response; 0 means 10 MiB
	Timeout      time.Duration // one request, headers to last byte; 0 means 30 s
	MaxDuration  time.Duration // the whole crawl; 0 means 30 min
	Rate         float64       // requests per second to one host; 0 means 4; negative means no limit
	Concurrency  int           // requests in flight; 0 means 4
	AllowPrivate bool          // allow loopback and private addresses (tests, the demo)
	UserAgent    string        // "" means "vigie/0.1 (+regulatory evidence capture)"
	Logger       *slog.Logger  // nil: no logs
}

// Parameters describes the crawl's settings, with defaults applied, for
// the archive's warcinfo record: how the evidence was gathered.
func (c Config) Parameters() map[string]string {
	c = c.withDefaults()
	return map[string]string{
		"max-pages":      fmt.Sprint(c.MaxPages),
		"max-depth":      fmt.Sprint(c.MaxDepth),
		"max-body-bytes": fmt.Sprint(c.MaxBodyBytes),
		"timeout":        c.Timeout.String(),
		"max-duration":   c.MaxDuration.String(),
		"rate":           fmt.Sprint(c.Rate),
		"concurrency":    fmt.Sprint(c.Concurrency),
		"allow-private":  fmt.Sprint(c.AllowPrivate),
		"user-agent":     c.UserAgent,
	}
}

func (c Config) withDefaults() Config {
	if c.MaxPages <= 0 {
		c.MaxPages = 200
	}
	if c.MaxDepth <= 0 {
		c.MaxDepth = 10
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 10 << 20
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.MaxDuration <= 0 {
		c.MaxDuration = 30 * time.Minute
	}
	if c.Rate == 0 {
		c.Rate = 4
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	if c.UserAgent == "" {
		c.UserAgent = "vigie/0.1 (+regulatory evidence capture)"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Archive keeps exchanges. evidence.Writer implements it.
type Archive interface {
	WriteExchange(evidence.Exchange) (evidence.Ref, error)
}

// Page is one fetched response, already archived.
type Page struct {
	URL         string
	Depth       int
	Status      int
	ContentType string
	Ref         evidence.Ref      // the response record in the archive
	Doc         *extract.Document // nil unless the response is an HTML or text document
	Truncated   bool              // the response exceeded MaxBodyBytes
}

// Result summarises a crawl.
type Result struct {
	Fetched int
	Errors  []FetchError // pages that could not be fetched
	Cut     []string     // bounds reached, and what they left out
}

// FetchError is a URL that could not be fetched.
type FetchError struct {
	URL string
	Err string
}

type item struct {
	url   *url.URL
	key   string
	depth int
}

// Crawl fetches the site of seed. Every response is written to arch before
// visit sees it; visit is called from several goroutines at once. Crawl
// returns ErrUnreachable (wrapped) when the seed cannot be fetched, and stops
// at the first error of arch or visit: evidence that cannot be kept must not
// be analysed.
func Crawl(ctx context.Context, seed string, cfg Config, arch Archive, visit func(*Page) error) (*Result, error) {
	cfg = cfg.withDefaults()
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
		seen:   map[string]bool{key: true},
		limits: map[string]*rate.Limiter{},
		result: &Result{},
	}
	c.cond = sync.NewCond(&c.mu)

	// The seed alone first: if it fails, the site is unreachable.
	first := item{url: su, key: key}
	links, err := c.fetch(ctx, first)
	if err != nil {
		if errors.Is(err, errFatal) {
			return c.result, err
		}
		return c.result, fmt.Errorf("%s: %w: %v", seed, ErrUnreachable, err)
	}
	c.fetched = 1
	c.enqueue(first, links)

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
	c.result.Fetched = c.fetched
	if left := len(c.prio) + len(c.queue); left > 0 {
		switch {
		case c.fetched >= cfg.MaxPages:
			c.result.Cut = append(c.result.Cut, fmt.Sprintf("max-pages %d reached: %d discovered URLs not fetched", cfg.MaxPages, left))
		case ctx.Err() != nil:
			c.result.Cut = append(c.result.Cut, fmt.Sprintf("time limit %s reached: %d discovered URLs not fetched", cfg.MaxDuration, left))
		}
	}
	if c.depthCut > 0 {
		c.result.Cut = append(c.result.Cut, fmt.Sprintf("max-depth %d reached: %d links not followed", cfg.MaxDepth, c.depthCut))
	}
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
	seen     map[string]bool
	prio     []item // language versions first
	queue    []item
	inflight int
	fetched  int
	depthCut int
	done     bool
	fatal    error
	limits   map[string]*rate.Limiter
	result   *Result
}

func (c *crawler) work(ctx context.Context) {
	for {
		it, ok := c.next()
		if !ok {
			return
		}
		links, err := c.fetch(ctx, it)
		c.mu.Lock()
		c.inflight--
		switch {
		case errors.Is(err, errFatal):
			if c.fatal == nil {
				c.fatal = err
			}
			c.done = true
		case err != nil:
			c.result.Errors = append(c.result.Errors, FetchError{URL: it.key, Err: err.Error()})
		}
		c.mu.Unlock()
		c.enqueue(it, links)
	}
}

func (c *crawler) next() (item, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if c.done || c.fetched >= c.cfg.MaxPages {
			c.cond.Broadcast()
			return item{}, false
		}
		q := &c.queue
		if len(c.prio) > 0 {
			q = &c.prio
		}
		if len(*q) > 0 {
			it := (*q)[0]
			*q = (*q)[1:]
			c.inflight++
			c.fetched++
			return it, true
		}
		if c.inflight == 0 {
			c.cond.Broadcast()
			return item{}, false
		}
		c.cond.Wait()
	}
}

// enqueue adds the in-scope links of a fetched page to the frontier.
// Language versions extend the scope and go first.
func (c *crawler) enqueue(from item, links []extract.Link) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.cond.Broadcast()
	for _, l := range links {
		u, key := normalize(l.URL, from.url)
		if u == nil {
			continue
		}
		alternate := l.Lang != ""
		if alternate && !c.scope.contains(u) {
			c.scope.add(u) // a declared language version of the site
		}
		if !c.scope.contains(u) || c.seen[key] {
			continue
		}
		if from.depth+1 > c.cfg.MaxDepth {
			c.depthCut++
			continue
		}
		c.seen[key] = true
		it := item{url: u, key: key, depth: from.depth + 1}
		if alternate || isFrench("", u) {
			c.prio = append(c.prio, it)
		} else {
			c.queue = append(c.queue, it)
		}
	}
}

func (c *crawler) limiter(host string) *rate.Limiter {
	c.mu.Lock()
	defer c.mu.Unlock()
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

// fetch gets one URL, archives the exchange, hands the page to visit and
// returns its links (and its redirect target, as a link).
func (c *crawler) fetch(ctx context.Context, it item) ([]extract.Link, error) {
	if err := c.limiter(it.url.Host).Wait(ctx); err != nil {
		return nil, err
	}
	capt := &capture{limit: c.cfg.MaxBodyBytes + 256<<10}
	tr := newTransport(&dialer{allowPrivate: c.cfg.AllowPrivate, timeout: c.cfg.Timeout, resolver: net.DefaultResolver, capt: capt}, c.cfg.Timeout)
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		// Redirects are not followed here: each hop is its own exchange in
		// the archive, and its target goes through the frontier.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, it.key, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8")
	req.Header.Set("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.8,de;q=0.7")
	req.Header.Set("Accept-Encoding", "gzip")
	started := time.Now().UTC()
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, int64(c.cfg.MaxBodyBytes)+1))
	bodyTruncated := len(body) > c.cfg.MaxBodyBytes
	resp.Body.Close()
	duration := time.Since(started)
	rawReq, rawResp, captTrunc := capt.snapshot()
	ex := evidence.Exchange{
		URL: it.key, Request: rawReq, Response: rawResp, IP: capt.ip,
		Started: started, Duration: duration,
	}
	switch {
	case bodyTruncated || captTrunc:
		ex.Truncated = "length"
	case readErr != nil && rctx.Err() != nil:
		ex.Truncated = "time"
	case readErr != nil:
		ex.Truncated = "disconnect"
	}
	ref, err := c.arch.WriteExchange(ex)
	if err != nil {
		return nil, fmt.Errorf("%w: archive %s: %v", errFatal, it.key, err)
	}
	c.cfg.Logger.Debug("fetched", "url", it.key, "status", resp.StatusCode, "bytes", len(rawResp), "warc_record_id", ref.RecordID)

	page := &Page{
		URL: it.key, Depth: it.depth, Status: resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"), Ref: ref, Truncated: ex.Truncated != "",
	}
	var links []extract.Link
	if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
		links = append(links, extract.Link{URL: loc})
	}
	if resp.StatusCode == http.StatusOK {
		decoded, err := decodeBody(body, resp.Header.Get("Content-Encoding"), c.cfg.MaxBodyBytes)
		if err == nil {
			doc, err := extract.Parse(decoded, page.ContentType, resp.Header.Get("Content-Language"), it.key, extract.Options{MaxBytes: c.cfg.MaxBodyBytes})
			if err == nil {
				page.Doc = doc
				links = append(links, doc.Links...)
				for _, a := range doc.Alternates {
					links = append(links, extract.Link{URL: a.URL, Lang: a.Lang})
				}
			}
		}
	}
	if err := c.visit(page); err != nil {
		return nil, fmt.Errorf("%w: %v", errFatal, err)
	}
	return links, nil
}

// decodeBody removes the Content-Encoding for analysis, bounded so that a
// compression bomb cannot exhaust memory. The archive keeps the encoded bytes.
func decodeBody(body []byte, encoding string, limit int) ([]byte, error) {
	var r io.Reader
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
		return body, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		r = zr
	case "deflate":
		r = flate.NewReader(bytes.NewReader(body))
	default:
		return nil, fmt.Errorf("content encoding %q not supported", encoding)
	}
	out, err := io.ReadAll(io.LimitReader(r, int64(limit)))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return out, nil
}
