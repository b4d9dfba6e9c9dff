package crawl

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/temoto/robotstxt"
	"golang.org/x/time/rate"
)

// RFC 9309: crawlers parse at least 500 KiB of robots.txt and follow at
// least five redirects to it.
const (
	maxRobotsBytes     = 512 << 10
	maxRobotsRedirects = 5
)

// errServerError marks a robots.txt answered with a 5xx status.
var errServerError = errors.New("answered with status")

// robotsEntry is what an origin's robots.txt allows, fetched once; done
// is closed when it is known. RFC 9309 (2.3.1.3, 2.3.1.4): a robots.txt
// that cannot be fetched, or that answers with a server error, allows
// nothing.
type robotsEntry struct {
	done        chan struct{}
	data        *robotstxt.RobotsData // nil: everything allowed
	unreachable error                 // the fetch error, or errServerError wrapped
}

// allowed waits for the robots.txt of u's origin (fetching it if this is
// the origin's first URL) and returns ErrDisallowed (wrapped) if it keeps
// the crawler from u. With IgnoreRobots it still fetches robots.txt, for
// the archive and its sitemaps, and allows everything.
func (c *crawler) allowed(ctx context.Context, u *url.URL) error {
	origin := u.Scheme + "://" + u.Host
	c.mu.Lock()
	e, known := c.robots[origin]
	if !known {
		e = &robotsEntry{done: make(chan struct{})}
		c.robots[origin] = e
	}
	c.mu.Unlock()
	if !known {
		c.fetchRobots(ctx, origin, e)
		close(e.done)
	}
	select {
	case <-e.done:
	case <-ctx.Done():
		return errNotStarted
	}
	switch {
	case errors.Is(e.unreachable, errFatal) || errors.Is(e.unreachable, errNotStarted):
		return e.unreachable
	case c.cfg.IgnoreRobots:
		return nil
	case errors.Is(e.unreachable, errServerError):
		return fmt.Errorf("%s: %w: robots.txt %w", u, ErrDisallowed, e.unreachable)
	case e.unreachable != nil:
		return fmt.Errorf("robots.txt unreachable: %w", e.unreachable)
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	if e.data != nil && !e.data.TestAgent(path, c.cfg.robotsAgent()) {
		return fmt.Errorf("%s: %w", u, ErrDisallowed)
	}
	return nil
}

// fetchRobots fetches, archives and reads the robots.txt of origin,
// following redirects, then applies its Crawl-delay to the host and puts
// its sitemaps (or /sitemap.xml) in the frontier.
func (c *crawler) fetchRobots(ctx context.Context, origin string, e *robotsEntry) {
	target := origin + "/robots.txt"
	var r *response
	for hop := 0; ; hop++ {
		var err error
		r, err = c.exchange(ctx, target, min(c.cfg.MaxBodyBytes, maxRobotsBytes))
		if err != nil {
			e.unreachable = err
			switch {
			case errors.Is(err, errFatal):
				c.stop(err)
			case !errors.Is(err, errNotStarted) && !c.cfg.IgnoreRobots:
				c.note(fmt.Sprintf("robots.txt of %s unreachable (%v): nothing fetched there (RFC 9309)", origin, err))
			}
			return
		}
		c.mu.Lock()
		c.result.Robots = append(c.result.Robots, Capture{URL: target, Status: r.status, Ref: r.ref})
		c.mu.Unlock()
		loc := r.header.Get("Location")
		if r.status < 300 || r.status >= 400 || loc == "" || hop == maxRobotsRedirects {
			break
		}
		next, key := normalize(loc, mustParse(target))
		if next == nil {
			break
		}
		target = key
	}
	switch {
	case r.status >= 200 && r.status < 300:
		body, _, err := decodeBody(r.body, r.header.Get("Content-Encoding"), maxRobotsBytes)
		if err == nil {
			e.data, err = robotstxt.FromBytes(body)
		}
		if err != nil {
			e.data = nil
			c.note(fmt.Sprintf("robots.txt of %s unreadable (%v): everything allowed", origin, err))
		}
	case r.status >= 500:
		// RFC 9309, 2.3.1.3: a server error means complete disallow.
		e.unreachable = fmt.Errorf("%w %d", errServerError, r.status)
		if !c.cfg.IgnoreRobots {
			c.note(fmt.Sprintf("robots.txt of %s answered %d: nothing fetched there (RFC 9309)", origin, r.status))
		}
	default:
		// 4xx (and redirects that go nowhere): no rules, everything allowed.
	}
	var sitemaps []string
	if e.data != nil {
		sitemaps = e.data.Sitemaps
		if g := e.data.FindGroup(c.cfg.robotsAgent()); g.CrawlDelay > 0 && !c.cfg.IgnoreRobots {
			c.slowDown(mustParse(origin).Host, g.CrawlDelay)
		}
	}
	c.addSitemaps(origin, sitemaps)
}

// slowDown lowers host's rate to one request per delay, if it is faster.
func (c *crawler) slowDown(host string, delay time.Duration) {
	l := c.limiter(host)
	if r := rate.Every(delay); r < l.Limit() {
		l.SetLimit(r)
		c.note(fmt.Sprintf("Crawl-delay %s of robots.txt applied to %s", delay, host))
	}
}

// note records a fact about the crawl.
func (c *crawler) note(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.result.Notes = append(c.result.Notes, s)
}

// stop ends the crawl on a fatal error.
func (c *crawler) stop(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fatal == nil {
		c.fatal = err
	}
	c.done = true
	c.cond.Broadcast()
}

func mustParse(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		panic(fmt.Sprintf("crawl: %q: %v", raw, err)) // only called on normalized URLs
	}
	return u
}
