package render

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Result is one page as Chromium showed it.
type Result struct {
	URL      string    // the document's URL when captured, after redirects (without fragment)
	Title    string    // the document's title; "" when it has none
	DOM      []byte    // the document serialised by Chromium after scripts ran, doctype and shadow roots included; UTF-8
	PNG      []byte    // full-page screenshot: Options.ViewportWidth wide, as tall as the page up to Options.MaxHeight
	Captured time.Time // when the DOM was read, UTC
	Complete bool      // the load event and network idle both came within Options.Timeout; false: what the page showed when Timeout ran out
	Clipped  bool      // the page was taller than Options.MaxHeight; PNG shows its top
}

// Render opens pageURL (http or https) in a new tab, waits until the page
// has loaded and the network has been idle for 0.5 s, then reads the DOM and
// takes a full-page screenshot. Every call starts from an empty profile: no
// cookies or cache from earlier calls. Loading is bounded by
// Options.Timeout: a page still loading then is stopped and captured as it
// stands (Complete false); a page that sent nothing to show gives an error
// wrapping ErrTimeout. The capture itself has another Timeout, so Render
// returns within about twice Timeout.
//
// JavaScript dialogs (alert, confirm, beforeunload) are dismissed so that
// they cannot block the capture. Errors wrap ErrRefused for a URL Render may
// not open, ErrClosed after Close, and ctx's error when ctx ends first;
// network failures (refused connection, unknown host, aborted download) come
// as Chromium reports them (net::ERR_…).
func (r *Renderer) Render(ctx context.Context, pageURL string) (*Result, error) {
	if err := r.checkURL(pageURL); err != nil {
		return nil, err
	}
	if r.isClosed() {
		return nil, ErrClosed
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	// Each page in a browser context of its own, like a fresh private
	// window: no cookies, storage or cache from pages rendered before, so
	// that a capture depends on the page and its server only.
	tabCtx, cancelTab := chromedp.NewContext(r.browserCtx, chromedp.WithNewBrowserContext())
	defer func() {
		// Cancel closes the tab and waits for it. Its error is not worth a
		// failed capture: the result is decided by now, and a tab that did
		// not close goes with the browser at Close.
		_ = chromedp.Cancel(tabCtx)
	}()
	defer context.AfterFunc(ctx, cancelTab)()

	res, err := r.render(tabCtx, pageURL, &wg)
	switch {
	case err == nil:
		return res, nil
	case ctx.Err() != nil:
		return nil, fmt.Errorf("render: %s: %w", pageURL, ctx.Err())
	case r.isClosed():
		return nil, fmt.Errorf("render: %s: %w", pageURL, ErrClosed)
	case errors.Is(err, ErrTimeout):
		return nil, err
	}
	return nil, fmt.Errorf("render: %s: %w", pageURL, err)
}

// render does Render's work in the tab of tabCtx. Goroutines it starts are
// added to wg and end when tabCtx ends.
func (r *Renderer) render(tabCtx context.Context, pageURL string, wg *sync.WaitGroup) (*Result, error) {
	// The first action opens the tab. Device metrics fix the layout width
	// and a scale factor of 1, so that a screenshot pixel is a CSS pixel.
	if err := chromedp.Do(tabCtx, chromedp.EmulateViewport(int64(r.opts.ViewportWidth), viewportHeight)); err != nil {
		return nil, fmt.Errorf("open tab: %w", err)
	}
	idle := newIdleWatch()
	if err := chromedp.Listen(tabCtx, idle.observe); err != nil {
		return nil, fmt.Errorf("watch tab: %w", err)
	}
	dialogs := chromedp.Events(tabCtx, page.JavascriptDialogOpening)
	wg.Go(func() {
		for _, err := range dialogs {
			if err != nil {
				return // tabCtx ended
			}
			// A dialog that stays open blocks the page and every command
			// sent to it; if dismissing fails, the load times out and says
			// so, so the error adds nothing.
			_, _ = chromedp.Call(tabCtx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	})

	complete, err := r.load(tabCtx, pageURL, idle)
	if err != nil {
		return nil, err
	}

	ctx, cancel := context.WithTimeout(tabCtx, r.opts.Timeout)
	defer cancel()
	if !complete {
		// Freeze the page before reading it, so that DOM and screenshot
		// show the same state, and abandon a navigation still waiting.
		if _, err := chromedp.Call(ctx, page.StopLoading, cdp.Empty{}); err != nil {
			return nil, fmt.Errorf("stop loading: %w", err)
		}
	}
	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return nil, fmt.Errorf("read frame: %w", err)
	}
	if u := tree.FrameTree.Frame.URL; u == "" || u == "about:blank" {
		// The navigation never committed: the server sent no response.
		return nil, fmt.Errorf("%w: %s: no response within %s", ErrTimeout, pageURL, r.opts.Timeout)
	}
	res := &Result{URL: tree.FrameTree.Frame.URL, Complete: complete}
	if err := r.snapshot(ctx, res); err != nil {
		return nil, err
	}
	return res, nil
}

// load navigates to pageURL and waits for the load event, then for network
// idle of the document then shown, within Options.Timeout. It reports whether both came in time; a
// timeout is not an error (render decides whether anything can be shown).
func (r *Renderer) load(tabCtx context.Context, pageURL string, idle *idleWatch) (complete bool, err error) {
	ctx, cancel := context.WithTimeout(tabCtx, r.opts.Timeout)
	defer cancel()
	timedOut := func() bool { return ctx.Err() != nil && tabCtx.Err() == nil }

	if err := chromedp.Do(ctx, chromedp.Navigate(pageURL)); err != nil {
		if timedOut() {
			return false, nil
		}
		return false, fmt.Errorf("load: %w", err)
	}
	if err := idle.wait(ctx); err != nil {
		if timedOut() {
			return false, nil
		}
		return false, fmt.Errorf("wait for network idle: %w", err)
	}
	return true, nil
}

// snapshot reads the DOM, the title and the screenshot into res.
func (r *Renderer) snapshot(ctx context.Context, res *Result) error {
	// Chromium serialises the DOM itself (DOM.getOuterHTML on the
	// document node): page scripts cannot tamper with the serialiser as
	// they could with a JavaScript outerHTML, and the doctype, which
	// decides standards or quirks mode when the DOM is shown again, is
	// kept.
	doc, err := chromedp.Call(ctx, dom.GetDocument, dom.GetDocumentParams{})
	if err != nil {
		return fmt.Errorf("read dom: %w", err)
	}
	html, err := chromedp.Call(ctx, dom.GetOuterHTML, dom.GetOuterHTMLParams{
		NodeID:           doc.Root.NodeID,
		IncludeShadowDOM: new(true),
	})
	if err != nil {
		return fmt.Errorf("read dom: %w", err)
	}
	res.Captured = time.Now().UTC()
	res.DOM = []byte(html.OuterHTML)

	hist, err := chromedp.Call(ctx, page.GetNavigationHistory, cdp.Empty{})
	if err != nil {
		return fmt.Errorf("read title: %w", err)
	}
	if i := hist.CurrentIndex; i >= 0 && int(i) < len(hist.Entries) {
		res.Title = hist.Entries[i].Title
	}

	res.PNG, res.Clipped, err = r.screenshot(ctx)
	return err
}

// screenshot takes a PNG of the whole page, ViewportWidth wide and at most
// MaxHeight tall, and reports whether the page was taller.
func (r *Renderer) screenshot(ctx context.Context) (png []byte, clipped bool, err error) {
	m, err := chromedp.Call(ctx, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil {
		return nil, false, fmt.Errorf("screenshot: layout: %w", err)
	}
	height := viewportHeight
	if m.CSSContentSize != nil {
		height = int(math.Ceil(m.CSSContentSize.Height))
	}
	height = max(height, 1)
	if height > r.opts.MaxHeight {
		height, clipped = r.opts.MaxHeight, true
	}
	// The clip is the page's width as laid out, not its scroll width:
	// content wider than the viewport is what a visitor must scroll to.
	shot, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format:                page.CaptureScreenshotFormatPng,
		Clip:                  &page.Viewport{Width: float64(r.opts.ViewportWidth), Height: float64(height), Scale: 1},
		CaptureBeyondViewport: new(true),
		FromSurface:           new(true),
	})
	if err != nil {
		return nil, false, fmt.Errorf("screenshot: %w", err)
	}
	return shot.Data, clipped, nil
}

// checkURL refuses what Render must not open: anything but http and https
// (file: would read the host's disk), and with AllowPrivate false, hosts
// that are localhost or a non-public IP literal.
func (r *Renderer) checkURL(pageURL string) error {
	u, err := url.Parse(pageURL)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRefused, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%w: %s: scheme is not http or https", ErrRefused, pageURL)
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("%w: %s: no host", ErrRefused, pageURL)
	}
	if r.opts.AllowPrivate {
		return nil
	}
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return fmt.Errorf("%w: %s: private host", ErrRefused, pageURL)
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		ip = ip.Unmap()
		if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
			ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
			return fmt.Errorf("%w: %s: private address", ErrRefused, pageURL)
		}
	}
	return nil
}
