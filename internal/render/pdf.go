package render

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"unicode/utf8"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// MaxDocumentSize is the largest HTML document PrintPDF accepts, in bytes
// (20 MiB): far above any letter or decision, low enough that one document
// cannot fill the browser's memory.
const MaxDocumentSize = 20 << 20

// ErrTooLarge: a document given to PrintPDF is larger than MaxDocumentSize.
var ErrTooLarge = errors.New("render: document too large")

// PrintPDF lays out html, a complete and self-contained UTF-8 document, and
// prints it to PDF: on A4 paper unless the document's CSS sets another size
// (@page size), with its own @page margins (Chromium's 1 cm when it sets
// none), backgrounds printed, no header or footer, tagged for screen readers
// and with an outline of its headings. It returns the PDF's bytes.
//
// The document is static text and stays off the network: it is set into a
// blank tab of a fresh browser context without a URL to fetch, JavaScript
// is disabled, every request it makes (images, style sheets, fonts, frames,
// prefetch) is refused, and the context's only proxy is a local one that
// answers nothing, so that no connection reaches a server. Embed what it
// needs as data: URLs. A navigation it asks for (a meta refresh) is
// abandoned, so the document printed is always the one given. No-break
// spaces (U+00A0, U+202F) hold in the layout, but the PDF's text layer
// gives them as U+0020: the fonts draw every space with one glyph.
//
// The whole call is bounded by Options.Timeout; past it the error wraps
// ErrTimeout. Errors wrap ErrTooLarge for a document larger than
// MaxDocumentSize, ErrClosed after Close, and ctx's error when ctx ends
// first; a document that is not valid UTF-8 is refused. PrintPDF is safe for
// concurrent use with Render, Capture and itself.
func (r *Renderer) PrintPDF(ctx context.Context, html []byte) ([]byte, error) {
	if len(html) > MaxDocumentSize {
		return nil, fmt.Errorf("%w: print pdf: %d bytes, limit %d", ErrTooLarge, len(html), MaxDocumentSize)
	}
	// The protocol carries text: invalid bytes would print as U+FFFD, and a
	// letter with a wrong accent must not go out unnoticed.
	if !utf8.Valid(html) {
		return nil, errors.New("render: print pdf: document is not valid UTF-8")
	}
	if r.isClosed() {
		return nil, fmt.Errorf("render: print pdf: %w", ErrClosed)
	}

	var wg sync.WaitGroup
	defer wg.Wait()
	nowhere, err := listenNowhere()
	if err != nil {
		return nil, fmt.Errorf("render: print pdf: %w", err)
	}
	defer nowhere.Close()
	wg.Go(nowhere.serve)

	// The browser context sends all its traffic, loopback included, to a
	// proxy that answers nothing. The request interception below refuses
	// requests earlier and faster, but Chromium sends some past it
	// (<link rel=prefetch> does) and opens connections without a request
	// (<link rel=preconnect>): the proxy is what guarantees that nothing
	// reaches a server.
	tabCtx, cancelTab := chromedp.NewContext(r.browserCtx, chromedp.WithNewBrowserContext(
		func(p *target.CreateBrowserContextParams) {
			p.ProxyServer = "http://" + nowhere.Addr().String()
			p.ProxyBypassList = "<-loopback>" // drop the implicit bypass of localhost
		}))
	defer func() {
		// As in Render: the result is decided; a tab that does not close
		// goes with the browser at Close.
		_ = chromedp.Cancel(tabCtx)
	}()
	deadline, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	defer context.AfterFunc(deadline, cancelTab)()

	pdf, err := r.printPDF(tabCtx, string(html), &wg)
	switch {
	case err == nil:
		return pdf, nil
	case ctx.Err() != nil:
		return nil, fmt.Errorf("render: print pdf: %w", ctx.Err())
	case deadline.Err() != nil:
		return nil, fmt.Errorf("%w: print pdf: not printed within %s", ErrTimeout, r.opts.Timeout)
	case r.isClosed():
		return nil, fmt.Errorf("render: print pdf: %w", ErrClosed)
	}
	return nil, fmt.Errorf("render: print pdf: %w", err)
}

// printPDF does PrintPDF's work in the tab of tabCtx. Goroutines it starts
// are added to wg and end when tabCtx ends.
func (r *Renderer) printPDF(tabCtx context.Context, html string, wg *sync.WaitGroup) ([]byte, error) {
	// The first action opens the tab, on about:blank, and its context must
	// be the tab's own: the tab's event loop lives as long as that context.
	if err := chromedp.Do(tabCtx); err != nil {
		return nil, fmt.Errorf("open tab: %w", err)
	}
	paused := chromedp.Events(tabCtx, fetch.RequestPaused)
	wg.Go(func() {
		for ev, err := range paused {
			if err != nil {
				return // tabCtx ended
			}
			refuse(tabCtx, ev)
		}
	})
	if _, err := chromedp.Call(tabCtx, fetch.Enable, fetch.EnableParams{
		Patterns: []*fetch.RequestPattern{{URLPattern: "*"}},
	}); err != nil {
		return nil, fmt.Errorf("intercept requests: %w", err)
	}
	if _, err := chromedp.Call(tabCtx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		return nil, fmt.Errorf("disable scripts: %w", err)
	}
	tree, err := chromedp.Call(tabCtx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return nil, fmt.Errorf("read frame: %w", err)
	}
	frame := tree.FrameTree.Frame.ID

	loaded := newLoadWatch(frame)
	if err := chromedp.Listen(tabCtx, loaded.observe); err != nil {
		return nil, fmt.Errorf("watch tab: %w", err)
	}
	if _, err := chromedp.Call(tabCtx, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: frame, HTML: html}); err != nil {
		return nil, fmt.Errorf("set document: %w", err)
	}
	// Images in data: URLs load after the document is parsed; the load
	// event waits for them.
	if err := loaded.wait(tabCtx); err != nil {
		return nil, fmt.Errorf("wait for load: %w", err)
	}
	if r.afterLoad != nil {
		r.afterLoad()
	}

	pdf, err := chromedp.Run(tabCtx, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFPreferCSSPageSize(),
		chromedp.PDFPrintBackground(),
		chromedp.PDFOutlineAndTagged(),
		// In pieces rather than one base64 message of the whole file.
		chromedp.PDFStream(),
	))
	if err != nil {
		return nil, fmt.Errorf("print: %w", err)
	}
	return pdf, nil
}

// refuse fails a request the document made. A navigation (meta refresh,
// frame) is aborted rather than blocked: Chromium shows an error page in
// place of a blocked navigation, but keeps the document shown when one is
// aborted.
func refuse(tabCtx context.Context, ev fetch.EventRequestPaused) {
	reason := network.ErrorReasonBlockedByClient
	if ev.ResourceType == network.ResourceTypeDocument {
		reason = network.ErrorReasonAborted
	}
	// A request left paused never leaves the browser either; the tab
	// closes with the call.
	_, _ = chromedp.Call(tabCtx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: reason})
}

// loadWatch waits for the load event of the document set into the main
// frame: the lifecycle event "load" after an "init", since the blank page
// the tab opened on had its own.
type loadWatch struct {
	frame  cdp.FrameID
	mu     sync.Mutex
	inited bool
	done   chan struct{} // closed at the load event
}

func newLoadWatch(frame cdp.FrameID) *loadWatch {
	return &loadWatch{frame: frame, done: make(chan struct{})}
}

// observe is a chromedp.Listen func: it runs in the tab's event loop, so it
// only records and never blocks.
func (w *loadWatch) observe(ev any) {
	e, ok := ev.(*page.EventLifecycleEvent)
	if !ok || e.FrameID != w.frame {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case e.Name == "init":
		w.inited = true
	case e.Name == "load" && w.inited:
		select {
		case <-w.done:
		default:
			close(w.done)
		}
	}
}

// wait returns nil once the document has loaded, or ctx's error.
func (w *loadWatch) wait(ctx context.Context) error {
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// nowhere is a proxy that closes every connection at once, answering no
// request: the proxy of PrintPDF's browser contexts.
type nowhere struct{ net.Listener }

func listenNowhere() (nowhere, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nowhere{}, fmt.Errorf("listen for the refusing proxy: %w", err)
	}
	return nowhere{ln}, nil
}

// serve closes connections until the listener is closed. If accepting
// fails otherwise, it stops early: connections then wait unanswered, which
// is slower for the document but keeps it as far off the network.
func (n nowhere) serve() {
	for {
		c, err := n.Accept()
		if err != nil {
			return
		}
		c.Close()
	}
}
