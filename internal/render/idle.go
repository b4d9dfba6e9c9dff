package render

import (
	"context"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
)

// idleWatch follows which document the tab's main frame shows (by loader)
// and which documents Chromium has reported as network idle: no request in
// flight for 0.5 s (the "networkIdle" lifecycle event). It is fed from the
// tab's event loop and read by Render.
type idleWatch struct {
	mu      sync.Mutex
	current cdp.LoaderID // loader of the main frame's document; "" before the first navigation commits
	idle    map[cdp.LoaderID]bool
	signal  chan struct{} // holds one token when something changed since the last look
}

func newIdleWatch() *idleWatch {
	return &idleWatch{idle: make(map[cdp.LoaderID]bool), signal: make(chan struct{}, 1)}
}

// observe is a chromedp.Listen func: it runs in the tab's event loop, so it
// only records and never blocks.
func (w *idleWatch) observe(ev any) {
	w.mu.Lock()
	switch e := ev.(type) {
	case *page.EventFrameNavigated:
		// A script or meta refresh can replace the document after load:
		// what counts is the document shown, not the one asked for.
		if e.Frame.ParentID == "" {
			w.current = e.Frame.LoaderID
		}
	case *page.EventLifecycleEvent:
		if e.Name == "networkIdle" {
			w.idle[e.LoaderID] = true
		}
	default:
		w.mu.Unlock()
		return
	}
	w.mu.Unlock()
	select {
	case w.signal <- struct{}{}:
	default:
	}
}

// wait returns nil once the main frame's current document has been network
// idle, or ctx's error.
func (w *idleWatch) wait(ctx context.Context) error {
	for {
		w.mu.Lock()
		done := w.current != "" && w.idle[w.current]
		w.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-w.signal:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
