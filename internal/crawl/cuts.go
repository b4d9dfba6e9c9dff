package crawl

import (
	"context"
	"errors"
	"fmt"
)

// tally counts events of one kind and keeps the first as an example.
type tally struct {
	n     int
	first string
}

func (t *tally) add(example string) {
	if t.n == 0 {
		t.first = example
	}
	t.n++
}

// cuts counts what the crawl's bounds left out, for Result.Cut.
type cuts struct {
	depth      int  // links beyond max-depth
	frontier   int  // links dropped with the frontier full
	disallowed int  // URLs robots.txt disallowed
	notStarted int  // URLs taken but not requested: time or bytes ran out
	budget     bool // max-total-bytes reached

	redirects tally // redirects beyond max-redirects
	trap      tally // links dropped as crawler traps
	perPage   tally // assets beyond max-assets-per-page, by page
	decoded   tally // bodies decompressed only up to max-body-bytes

	length, time, disconnect, headers tally // truncated responses, by WARC-Truncated reason
}

// countTruncated counts a response archived incomplete.
func (c *crawler) countTruncated(key, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch reason {
	case "length":
		c.cuts.length.add(key)
	case "time":
		c.cuts.time.add(key)
	case "disconnect":
		c.cuts.disconnect.add(key)
	case "unspecified":
		c.cuts.headers.add(key)
	}
}

// finish fills the Result once the workers are done.
func (c *crawler) finish(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, k, cfg := c.result, &c.cuts, c.cfg
	r.Fetched, r.Assets = c.pages, c.assets
	cut := func(format string, a ...any) { r.Cut = append(r.Cut, fmt.Sprintf(format, a...)) }

	pages := c.front.pending(classFrench) + c.front.pending(classPage)
	assets := c.front.pending(classAsset)
	sitemaps := c.front.pending(classSitemap)
	left := pages + assets + sitemaps + k.notStarted
	switch {
	case c.fatal != nil || left == 0:
	case k.budget:
		cut("max-total-bytes %d reached (%d bytes received): %d discovered URLs not fetched", cfg.MaxTotalBytes, c.used, left)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		cut("time limit %s reached: %d discovered URLs not fetched", cfg.MaxDuration, left)
	case ctx.Err() != nil:
		cut("crawl cancelled: %d discovered URLs not fetched", left)
	default:
		if k.notStarted > 0 {
			cut("time limit %s: %d URLs not fetched, their host's rate (or Crawl-delay) would have passed it", cfg.MaxDuration, k.notStarted)
		}
		if pages > 0 {
			cut("max-pages %d reached: %d discovered pages not fetched", cfg.MaxPages, pages)
		}
		if assets > 0 {
			cut("max-assets %d reached: %d images and documents not fetched", max(cfg.MaxAssets, 0), assets)
		}
		if sitemaps > 0 {
			cut("max-sitemaps %d reached: %d sitemaps not fetched", max(cfg.MaxSitemaps, 0), sitemaps)
		}
	}
	if k.depth > 0 {
		cut("max-depth %d reached: %d links not followed", cfg.MaxDepth, k.depth)
	}
	if k.redirects.n > 0 {
		cut("max-redirects %d reached: %d redirects not followed (first %s)", cfg.MaxRedirects, k.redirects.n, short(k.redirects.first))
	}
	if k.perPage.n > 0 {
		cut("max-assets-per-page %d reached: %d images and documents not fetched (first on %s)", cfg.MaxAssetsPerPage, k.perPage.n, short(k.perPage.first))
	}
	if k.frontier > 0 {
		cut("max-frontier %d reached: %d links dropped", cfg.MaxFrontier, k.frontier)
	}
	if k.trap.n > 0 {
		cut("crawler trap: %d links dropped (URL too long, path too deep or repeating; first %s)", k.trap.n, short(k.trap.first))
	}
	if k.disallowed > 0 {
		cut("robots.txt disallowed %d URLs (first %s)", k.disallowed, short(r.Disallowed[0]))
	}
	if k.length.n > 0 {
		cut("size bound reached (max-body-bytes %d, max-header-bytes %d, max-total-bytes %d): %d responses truncated (first %s)",
			cfg.MaxBodyBytes, maxHeaderBytes, cfg.MaxTotalBytes, k.length.n, short(k.length.first))
	}
	if k.time.n > 0 {
		cut("timeout %s reached: %d responses truncated (first %s)", cfg.Timeout, k.time.n, short(k.time.first))
	}
	if k.disconnect.n > 0 {
		cut("%d responses ended early by the server (first %s)", k.disconnect.n, short(k.disconnect.first))
	}
	if k.headers.n > 0 {
		cut("%d responses without complete headers (first %s)", k.headers.n, short(k.headers.first))
	}
	if k.decoded.n > 0 {
		cut("max-body-bytes %d reached decompressing: %d responses analysed in part (first %s)", cfg.MaxBodyBytes, k.decoded.n, short(k.decoded.first))
	}
}

// short keeps an example URL readable in a report.
func short(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
