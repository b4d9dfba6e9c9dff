package crawl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"vigie/internal/evidence"
)

// errNotStarted means a request was not sent: the crawl ran out of time
// or bytes before its turn came.
var errNotStarted = errors.New("not started")

// response is one archived exchange, read.
type response struct {
	url       string
	status    int
	header    http.Header
	body      []byte // as transferred, Content-Encoding kept; a prefix of what was archived
	ref       evidence.Ref
	truncated string // the WARC-Truncated reason, "" if complete
	notes     []string
}

// exchange sends one GET when the host's rate allows, reads at most limit
// bytes of body (less if the crawl's byte budget is nearly spent), and
// archives the exchange as it crossed the wire, complete or not. A
// response cut short by a bound is archived and returned with its
// reason; a request that got no response at all is an error. Archive
// failures wrap errFatal.
func (c *crawler) exchange(ctx context.Context, key string, limit int) (*response, error) {
	u, err := url.Parse(key)
	if err != nil {
		return nil, err
	}
	if err := c.limiter(u.Host).Wait(ctx); err != nil {
		return nil, errNotStarted
	}
	bodyLimit := c.reserve(limit)
	if bodyLimit <= 0 {
		return nil, errNotStarted
	}
	cause := "max-body-bytes"
	if bodyLimit < limit {
		cause = "max-total-bytes"
	}
	// The capture is the hard bound: it stops the connection when full,
	// so nothing is read (nor analysed) that is not archived. Its slack
	// over bodyLimit is for headers and chunked framing.
	capt := &capture{limit: bodyLimit + maxHeaderBytes + 64<<10}
	tr := newTransport(&dialer{allowPrivate: c.cfg.AllowPrivate, timeout: c.cfg.Timeout, resolver: c.cfg.Resolver, capt: capt}, c.cfg.Timeout)
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		// Redirects are not followed here: each hop is its own exchange in
		// the archive, and its target goes through the frontier.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := c.newRequest(rctx, key)
	if err != nil {
		c.spend(int64(bodyLimit), 0) // release the reservation: nothing was received
		return nil, err
	}
	started := time.Now().UTC()
	resp, doErr := client.Do(req)
	var body []byte
	var readErr error
	if doErr == nil {
		body, readErr = readBody(resp, capt, bodyLimit)
		resp.Body.Close()
	}
	duration := time.Since(started)
	rawReq, rawResp, captFull := capt.snapshot()
	c.spend(int64(bodyLimit), int64(len(rawResp)))

	if doErr != nil && len(rawResp) == 0 {
		return nil, doErr
	}
	r := &response{url: key}
	switch {
	case doErr != nil:
		// A response that never completed its headers (too large, too
		// slow, not HTTP) is still evidence of what the server sent.
		r.truncated = "unspecified"
		switch {
		case rctx.Err() != nil:
			r.truncated = "time"
		case len(rawResp) >= maxHeaderBytes && !bytes.Contains(rawResp, []byte("\r\n\r\n")):
			r.truncated = "length"
		}
		r.notes = append(r.notes, fmt.Sprintf("no complete response headers (%d bytes received)", len(rawResp)))
	case len(body) > bodyLimit || captFull:
		body = body[:min(len(body), bodyLimit)]
		r.truncated = "length"
		r.notes = append(r.notes, fmt.Sprintf("body cut at %d bytes (%s)", bodyLimit, cause))
	case readErr != nil && rctx.Err() != nil:
		r.truncated = "time"
		r.notes = append(r.notes, fmt.Sprintf("body cut by the %s timeout after %d bytes", c.cfg.Timeout, len(body)))
	case readErr != nil:
		r.truncated = "disconnect"
		r.notes = append(r.notes, fmt.Sprintf("connection closed before the end of the body (%d bytes received)", len(body)))
	}
	ex := evidence.Exchange{
		URL: key, Request: rawReq, Response: rawResp, IP: capt.ip,
		Started: started, Duration: duration, Truncated: r.truncated,
	}
	ref, err := c.arch.WriteExchange(ex)
	if err != nil {
		return nil, fmt.Errorf("%w: archive %s: %v", errFatal, key, err)
	}
	c.countTruncated(key, r.truncated)
	if doErr != nil {
		c.cfg.Logger.Debug("fetch failed", "url", key, "bytes", len(rawResp), "warc_record_id", ref.RecordID, "err", doErr)
		return nil, fmt.Errorf("%w (partial response archived as %s)", doErr, ref.RecordID)
	}
	c.cfg.Logger.Debug("fetched", "url", key, "status", resp.StatusCode, "bytes", len(rawResp), "warc_record_id", ref.RecordID)
	r.status, r.header, r.body, r.ref = resp.StatusCode, resp.Header, body, ref
	return r, nil
}

// newRequest makes the GET of one exchange: who asks, and that French
// versions are preferred.
func (c *crawler) newRequest(ctx context.Context, key string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, key, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8")
	req.Header.Set("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.8,de;q=0.7")
	req.Header.Set("Accept-Encoding", "gzip")
	return req, nil
}

// reserve takes up to limit bytes of the crawl's budget for one
// response, counting what the responses in flight may still receive, so
// that together they stay within it. It waits while only their
// reservations stand in the way, and returns 0 when the budget is spent
// (which ends the crawl) or the crawl is over.
func (c *crawler) reserve(limit int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		switch left := c.cfg.MaxTotalBytes - c.used - c.reserved; {
		case c.done:
			return 0
		case left > 0:
			n := int(min(int64(limit), left))
			c.reserved += int64(n)
			return n
		case c.used >= c.cfg.MaxTotalBytes:
			c.cuts.budget = true
			c.done = true
			c.cond.Broadcast()
			return 0
		}
		c.cond.Wait()
	}
}

// spend releases a reservation and counts the response bytes received
// (headers included).
func (c *crawler) spend(reserved, received int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reserved -= reserved
	c.used += received
	c.cond.Broadcast()
}

// readBody reads at most limit+1 bytes of the body (one more tells that
// there was more). A declared length sizes the buffers once, the body's
// and the capture's: pages are read by the thousand.
func readBody(resp *http.Response, capt *capture, limit int) ([]byte, error) {
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 {
		n = min(n, int64(limit)+1)
		buf.Grow(int(n) + bytes.MinRead)
		capt.grow(int(n) + 4<<10)
	}
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, int64(limit)+1))
	return buf.Bytes(), err
}
