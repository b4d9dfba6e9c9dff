package crawl

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
	"vigie/internal/evidence"
)

// maxHeaderBytes bounds the status line and headers of one response. A
// server that sends more is cut: the bytes received are archived as a
// truncated record and the URL is reported as a fetch error.
const maxHeaderBytes = 256 << 10

// Resolver looks up the addresses of a host name. *net.Resolver implements
// it; tests give a fake one to check what the crawler does with the
// answers. It must be safe for concurrent use.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// Config bounds a crawl. Zero values are the documented defaults. Every
// bound is checked before the work it limits; what a bound left out is
// reported in Result.Cut.
type Config struct {
	MaxPages     int           // pages fetched at most (robots.txt, sitemaps, images and PDFs not counted); 0 means 200
	MaxDepth     int           // links followed from the seed at most (redirects and images do not add depth); 0 means 10
	MaxBodyBytes int           // bytes kept of one response body, and of its decompressed form; 0 means 10 MiB
	Timeout      time.Duration // one request, connection to last byte of the body; 0 means 30 s
	MaxDuration  time.Duration // the whole crawl; 0 means 30 min
	Rate         float64       // requests per second to one host; 0 means 4; negative means no limit (robots.txt Crawl-delay still lowers it)
	Concurrency  int           // requests in flight, across hosts; 0 means 4
	AllowPrivate bool          // allow loopback and private addresses (tests, the demo)
	UserAgent    string        // "" means "vigie/0.1 (+regulatory evidence capture)"; its first word ("vigie") picks the robots.txt group
	Logger       *slog.Logger  // nil: no logs

	// MaxTotalBytes bounds the response bytes received in the whole
	// crawl, as archived (encoded bodies; each response's headers may add
	// up to 256 KiB). Each request reserves its share before it is sent,
	// so requests in flight together stay within it; a response started
	// with less than MaxBodyBytes left is cut to what is left. 0 means
	// 1 GiB.
	MaxTotalBytes int64
	// MaxRedirects bounds a chain of redirects (each hop is its own
	// exchange and goes through the frontier); 0 means 10.
	MaxRedirects int
	// MaxAssets bounds the images (<img src>) and documents (links to
	// .pdf) fetched as evidence of the pages that show them. They do not
	// count against MaxPages, are not analysed and must be in scope.
	// 0 means 500; negative means none.
	MaxAssets int
	// MaxAssetsPerPage bounds the assets taken from one page; 0 means 50.
	MaxAssetsPerPage int
	// MaxSitemaps bounds the sitemap files fetched (from robots.txt
	// Sitemap lines, /sitemap.xml and sitemap indexes); 0 means 20;
	// negative means none.
	MaxSitemaps int
	// MaxFrontier bounds the URLs discovered and waiting to be fetched;
	// links found beyond it are dropped (a crawler trap cannot exhaust
	// memory). 0 means 100,000.
	MaxFrontier int

	// IgnoreRobots fetches pages that robots.txt disallows and ignores its
	// Crawl-delay. robots.txt is still fetched and archived (it is
	// evidence of what the site asked) and its Sitemap lines still used.
	// Crawl refuses it without IgnoreRobotsReason, which is recorded with
	// the crawl's parameters.
	IgnoreRobots       bool
	IgnoreRobotsReason string

	// Resolver resolves host names before every connection; nil means
	// net.DefaultResolver. Every address it returns is checked against
	// AllowPrivate.
	Resolver Resolver

	// Stored holds responses already archived by an interrupted crawl of
	// the same site, by URL (normalised as the crawler does): they are
	// read from there, handed to visit and followed, and not fetched or
	// archived again. nil: everything is fetched.
	Stored map[string]*Stored
}

// Stored is a response kept in the archive.
type Stored struct {
	Status int
	Header http.Header // as received, Content-Encoding removed
	Body   []byte      // decoded (transfer and content codings removed)
	Ref    evidence.Ref
}

// Parameters describes the crawl's settings, with defaults applied, for
// the archive's warcinfo record: how the evidence was gathered. Values
// contain no line breaks.
func (c Config) Parameters() map[string]string {
	c = c.withDefaults()
	robots := "honoured"
	if c.IgnoreRobots {
		robots = "ignored"
	}
	p := map[string]string{
		"max-pages":           fmt.Sprint(c.MaxPages),
		"max-depth":           fmt.Sprint(c.MaxDepth),
		"max-body-bytes":      fmt.Sprint(c.MaxBodyBytes),
		"max-header-bytes":    fmt.Sprint(maxHeaderBytes),
		"max-total-bytes":     fmt.Sprint(c.MaxTotalBytes),
		"max-redirects":       fmt.Sprint(c.MaxRedirects),
		"max-assets":          fmt.Sprint(max(c.MaxAssets, 0)),
		"max-assets-per-page": fmt.Sprint(c.MaxAssetsPerPage),
		"max-sitemaps":        fmt.Sprint(max(c.MaxSitemaps, 0)),
		"max-frontier":        fmt.Sprint(c.MaxFrontier),
		"timeout":             c.Timeout.String(),
		"max-duration":        c.MaxDuration.String(),
		"rate":                fmt.Sprint(c.Rate),
		"concurrency":         fmt.Sprint(c.Concurrency),
		"allow-private":       fmt.Sprint(c.AllowPrivate),
		"user-agent":          oneLine(c.UserAgent),
		"robots":              robots,
	}
	if c.IgnoreRobots {
		p["ignore-robots-reason"] = oneLine(c.IgnoreRobotsReason)
	}
	return p
}

// oneLine keeps a value on one line of a WARC header block.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
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
	if c.MaxTotalBytes <= 0 {
		c.MaxTotalBytes = 1 << 30
	}
	if c.MaxRedirects <= 0 {
		c.MaxRedirects = 10
	}
	if c.MaxAssets == 0 {
		c.MaxAssets = 500 // negative stays: none (withDefaults must be idempotent)
	}
	if c.MaxAssetsPerPage <= 0 {
		c.MaxAssetsPerPage = 50
	}
	if c.MaxSitemaps == 0 {
		c.MaxSitemaps = 20
	}
	if c.MaxFrontier <= 0 {
		c.MaxFrontier = 100_000
	}
	if c.Resolver == nil {
		c.Resolver = net.DefaultResolver
	}
	return c
}

// robotsAgent is the product token matched against robots.txt groups:
// the user agent's first word, without its version ("vigie").
func (c Config) robotsAgent() string {
	a := c.UserAgent
	if i := strings.IndexAny(a, "/ \t"); i >= 0 {
		a = a[:i]
	}
	return strings.ToLower(a)
}
