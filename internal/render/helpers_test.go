package render

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// skipOutsideCI skips a test that needs a component a developer may not
// have; in CI (CI set), where .ci/run installs it, its absence is a failure.
func skipOutsideCI(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip("skipping " + why)
}

// newRenderer starts a Renderer for loopback test pages and closes it when
// the test ends. Without Chromium it skips (fails in CI).
func newRenderer(t *testing.T, opts Options) *Renderer {
	t.Helper()
	opts.AllowPrivate = true
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	r, err := New(ctx, opts)
	if errors.Is(err, ErrNoBrowser) {
		if _, ferr := findExec(); ferr != nil && opts.ExecPath == "" {
			skipOutsideCI(t, "headless rendering: "+ferr.Error())
		}
	}
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

// serve starts a loopback server with the given handlers, closed when the
// test ends.
func serve(t *testing.T, routes map[string]http.HandlerFunc) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	for pattern, h := range routes {
		mux.HandleFunc(pattern, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// html answers with body as an HTML page.
func html(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(body))
	}
}

// browserProcess returns the Chromium process of r.
func (r *Renderer) browserProcess() *os.Process {
	return chromedp.FromContext(r.browserCtx).Browser.Process()
}
