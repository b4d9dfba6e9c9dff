package render

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// Errors that callers can test with errors.Is.
var (
	// ErrNoBrowser: no Chromium executable was found, or it did not start.
	ErrNoBrowser = errors.New("render: no usable chromium")
	// ErrClosed: the Renderer was closed.
	ErrClosed = errors.New("render: renderer closed")
	// ErrTimeout: the page sent nothing to show within Options.Timeout, or
	// a document was not printed within it.
	ErrTimeout = errors.New("render: page did not load in time")
	// ErrRefused: the URL is not one Render may open (scheme, or a private
	// address while Options.AllowPrivate is false).
	ErrRefused = errors.New("render: url refused")
)

// Defaults for the zero values of Options.
const (
	DefaultTimeout       = 30 * time.Second
	DefaultViewportWidth = 1280
	DefaultMaxHeight     = 20000
)

// viewportHeight is the height of the window pages are laid out in, in CSS
// pixels: a common laptop screen (1280×800). Pages that size sections with
// "100vh" depend on it; the full-page screenshot reaches below it.
const viewportHeight = 800

// closeTimeout bounds the graceful shutdown of the browser in Close.
const closeTimeout = 10 * time.Second

// Options configure a Renderer. The zero value of each field is its
// documented default.
type Options struct {
	// ExecPath is the Chromium executable. "" looks for /usr/bin/chromium,
	// /usr/bin/chromium-browser and /usr/bin/google-chrome, in that order.
	ExecPath string
	// Timeout bounds loading one page (navigation, load event, network
	// idle), and separately the capture of its DOM and screenshot; it also
	// bounds each PrintPDF call as a whole. Zero means DefaultTimeout.
	Timeout time.Duration
	// ViewportWidth is the window width in CSS pixels, and the width of
	// every screenshot; device scale factor is 1. Zero means
	// DefaultViewportWidth.
	ViewportWidth int
	// MaxHeight caps the height of full-page screenshots in pixels; a taller
	// page is shot from its top and Result.Clipped is set. Zero means
	// DefaultMaxHeight.
	MaxHeight int
	// UserAgent replaces Chromium's User-Agent header when not "", so that
	// the browser identifies itself as the crawler does.
	UserAgent string
	// AllowPrivate lets Render open URLs whose host is localhost or a
	// loopback, private, link-local or unspecified IP literal (tests serve
	// pages on 127.0.0.1). The check covers the page URL only, not host
	// names that resolve to such addresses, and not the sub-resources that
	// Chromium fetches itself: render only pages the crawler accepted.
	AllowPrivate bool
	// Logger receives what the CDP library reports beside its errors
	// (protocol messages it could not handle, a browser that went away),
	// at levels Warn and Debug. nil: no logs.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.ViewportWidth <= 0 {
		o.ViewportWidth = DefaultViewportWidth
	}
	if o.MaxHeight <= 0 {
		o.MaxHeight = DefaultMaxHeight
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Renderer drives one headless Chromium process. Render, Capture and
// PrintPDF are safe for concurrent use: each call works in a tab of its own. Close stops the
// browser. A browser that dies (killed, out of memory) is not restarted:
// every later call fails, and the caller may Close and start a new one.
type Renderer struct {
	opts Options

	allocCancel   context.CancelFunc
	browserCtx    context.Context // the chromedp context that owns the browser
	browserCancel context.CancelFunc

	mu       sync.Mutex
	closed   bool
	closeErr error

	// afterLoad, when not nil, runs in PrintPDF between the document's load
	// event and printing. Tests set it to give the document time to misbehave.
	afterLoad func()
}

// New starts one headless Chromium with a fresh temporary profile directory
// (removed by Close) and waits until it answers. ctx bounds the start only;
// the browser lives until Close. It returns an error wrapping ErrNoBrowser
// when no executable is found or the browser does not start.
func New(ctx context.Context, opts Options) (*Renderer, error) {
	opts = opts.withDefaults()
	if opts.ExecPath == "" {
		path, err := findExec()
		if err != nil {
			return nil, err
		}
		opts.ExecPath = path
	} else if _, err := exec.LookPath(opts.ExecPath); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrNoBrowser, opts.ExecPath, err)
	}

	// The browser must outlive ctx, so its contexts do not derive from it;
	// ctx only bounds the wait for the first answer below.
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), allocatorOptions(opts)...)
	// chromedp logs through the standard log package unless told otherwise.
	logger := opts.Logger
	browserCtx, browserCancel := chromedp.NewContext(allocCtx,
		chromedp.WithErrorf(func(format string, args ...any) {
			logger.Warn("chromium protocol error", "detail", fmt.Sprintf(format, args...))
		}),
		chromedp.WithLogf(func(format string, args ...any) {
			logger.Debug("chromium protocol", "detail", fmt.Sprintf(format, args...))
		}),
	)
	r := &Renderer{opts: opts, allocCancel: allocCancel, browserCtx: browserCtx, browserCancel: browserCancel}

	started := make(chan error, 1)
	go func() { started <- chromedp.Do(browserCtx) }()
	var err error
	select {
	case err = <-started:
	case <-ctx.Done():
		// Stop the start: cancelling the allocator kills a process still
		// starting, which chromedp.Do may otherwise wait on for ever. Wait
		// for Do a bounded time, so that Close below does not race with it.
		r.browserCancel()
		r.allocCancel()
		select {
		case <-started:
		case <-time.After(closeTimeout):
		}
		err = ctx.Err()
	}
	if err != nil {
		err = fmt.Errorf("%w: start %s: %w", ErrNoBrowser, opts.ExecPath, err)
		return nil, errors.Join(err, r.Close())
	}
	return r, nil
}

// findExec returns the first Chromium executable installed, of those
// Options.ExecPath documents.
func findExec() (string, error) {
	candidates := []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}
	for _, p := range candidates {
		if _, err := exec.LookPath(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: none of %s is installed (Debian: apt-get install chromium)",
		ErrNoBrowser, strings.Join(candidates, ", "))
}

// allocatorOptions lists Chromium's command line. chromedp adds
// --remote-debugging-pipe and a temporary --user-data-dir, which it removes
// when the browser has exited.
func allocatorOptions(o Options) []chromedp.ExecAllocatorOption {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(o.ExecPath),
		chromedp.Flag("headless", true),
		// Chromium refuses to run as root with its sandbox; as any other
		// user the sandbox stays on. An explicit false also stops chromedp
		// from deciding on its own.
		chromedp.Flag("no-sandbox", os.Geteuid() == 0),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("window-size", strconv.Itoa(o.ViewportWidth)+","+strconv.Itoa(viewportHeight)),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		// The browser talks only to the pages it is sent to: no QUIC (the
		// crawler speaks TCP only), no proxy from the host's settings (the
		// crawler connects directly), and none of the background traffic to
		// Google's services (updates, sync, safe browsing, metrics, crash
		// reports), which a closed network refuses and which would leak
		// what is being investigated.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		// Tabs render in parallel and all count as hidden: do not slow
		// their timers or rendering down.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		// /dev/shm is small in containers; Chromium crashes when it fills.
		chromedp.Flag("disable-dev-shm-usage", true),
		// Same colours on every machine, so screenshots compare.
		chromedp.Flag("force-color-profile", "srgb"),
	}
	if o.UserAgent != "" {
		opts = append(opts, chromedp.UserAgent(o.UserAgent))
	}
	return opts
}

// Close stops the browser, waits for it to exit and removes its temporary
// profile directory. Render and PrintPDF calls still running fail. A second
// Close returns the first one's result.
func (r *Renderer) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return r.closeErr
	}
	r.closed = true
	// Close the browser gracefully first, so that it flushes nothing half
	// written into the profile; the allocator's cancel then kills what is
	// left and waits until the profile directory is removed.
	ctx, cancel := context.WithTimeout(r.browserCtx, closeTimeout)
	defer cancel()
	err := chromedp.Cancel(ctx)
	r.browserCancel()
	r.allocCancel()
	if err != nil && !errors.Is(err, context.Canceled) {
		r.closeErr = fmt.Errorf("render: close browser: %w", err)
	}
	return r.closeErr
}

func (r *Renderer) isClosed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}
