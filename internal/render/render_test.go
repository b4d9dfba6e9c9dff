package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// scriptedPage writes its claims with JavaScript: one sentence at load, one
// fetched from the server afterwards, one in a web component's shadow root.
// None is in the HTML sent.
const scriptedPage = `<!DOCTYPE html>
<html lang="en"><head><title>CellCure clinic</title></head>
<body style="margin:0;background:#fff">
<h1>Welcome</h1>
<div id="claim"></div>
<div id="late"></div>
<cure-badge></cure-badge>
<script>
customElements.define("cure-badge", class extends HTMLElement {
  constructor() { super(); this.attachShadow({mode: "open"}).innerHTML = "<b>Guaranteed " + "results</b>"; }
});
window.addEventListener("load", function () {
  document.getElementById("claim").textContent = "Stem " + "cells cure Parkinson";
  fetch("/late.txt").then(r => r.text()).then(t => {
    document.getElementById("late").textContent = t;
  });
});
</script>
</body></html>`

func TestRenderDOMAfterScripts(t *testing.T) {
	t.Parallel()
	srv := serve(t, map[string]http.HandlerFunc{
		"/page": html(scriptedPage),
		"/late.txt": func(w http.ResponseWriter, _ *http.Request) {
			time.Sleep(200 * time.Millisecond)
			w.Write([]byte("Book your injection " + "today"))
		},
	})
	r := newRenderer(t, Options{Timeout: 10 * time.Second})

	res, err := r.Render(t.Context(), srv.URL+"/page")
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	for _, want := range []string{"Stem cells cure Parkinson", "Book your injection today", "Guaranteed results"} {
		if strings.Contains(scriptedPage, want) {
			t.Fatalf("test page already contains %q", want)
		}
		if !bytes.Contains(res.DOM, []byte(want)) {
			t.Errorf("DOM lacks %q:\n%s", want, res.DOM)
		}
	}
	if !bytes.HasPrefix(res.DOM, []byte("<!DOCTYPE html>")) {
		t.Errorf("DOM starts %q, want the doctype", res.DOM[:min(len(res.DOM), 40)])
	}
	if res.Title != "CellCure clinic" {
		t.Errorf("Title = %q, want %q", res.Title, "CellCure clinic")
	}
	if res.URL != srv.URL+"/page" {
		t.Errorf("URL = %q, want %q", res.URL, srv.URL+"/page")
	}
	if !res.Complete || res.Clipped {
		t.Errorf("Complete, Clipped = %v, %v, want true, false", res.Complete, res.Clipped)
	}
	if res.Captured.IsZero() || res.Captured.Location() != time.UTC {
		t.Errorf("Captured = %v, want a UTC time", res.Captured)
	}
}

func TestRenderFollowsScriptRedirect(t *testing.T) {
	t.Parallel()
	srv := serve(t, map[string]http.HandlerFunc{
		"/a": html(`<!DOCTYPE html><title>A</title><script>onload = () => location.replace("/b")</script>`),
		"/b": html(`<!DOCTYPE html><title>B</title><p>Final offer</p>`),
	})
	r := newRenderer(t, Options{Timeout: 10 * time.Second})

	res, err := r.Render(t.Context(), srv.URL+"/a")
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if res.URL != srv.URL+"/b" || res.Title != "B" || !bytes.Contains(res.DOM, []byte("Final offer")) {
		t.Errorf("Render(/a) = URL %s, title %q, DOM %s; want page /b", res.URL, res.Title, res.DOM)
	}
	if !res.Complete {
		t.Error("Complete = false: network idle of the new document was missed")
	}
}

func TestRenderIsolatesPages(t *testing.T) {
	t.Parallel()
	srv := serve(t, map[string]http.HandlerFunc{
		"/set":  html(`<!DOCTYPE html><script>document.cookie = "consent=yes; max-age=3600"; localStorage.setItem("seen", "1")</script>`),
		"/show": html(`<!DOCTYPE html><p id="p"></p><script>p.textContent = "cookie=[" + document.cookie + "] seen=[" + localStorage.getItem("seen") + "]"</script>`),
	})
	r := newRenderer(t, Options{Timeout: 10 * time.Second})

	if _, err := r.Render(t.Context(), srv.URL+"/set"); err != nil {
		t.Fatalf("Render(/set): %v", err)
	}
	res, err := r.Render(t.Context(), srv.URL+"/show")
	if err != nil {
		t.Fatalf("Render(/show): %v", err)
	}
	if want := "cookie=[] seen=[null]"; !bytes.Contains(res.DOM, []byte(want)) {
		t.Errorf("second page saw state of the first; DOM:\n%s\nwant %q", res.DOM, want)
	}
}

func TestRenderScreenshot(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		width       int
		maxHeight   int
		pageHeight  int // CSS px of the body
		wantHeight  int
		wantClipped bool
	}{
		{name: "short page fills the viewport", width: 1280, pageHeight: 300, wantHeight: viewportHeight},
		{name: "long page full height", width: 1280, pageHeight: 3000, wantHeight: 3000},
		{name: "taller than MaxHeight", width: 800, maxHeight: 1500, pageHeight: 4000, wantHeight: 1500, wantClipped: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A red band at the top and a blue one at the bottom show that
			// the shot covers the page, not only the viewport.
			page := fmt.Sprintf(`<!DOCTYPE html><html><body style="margin:0">
<div style="height:%dpx;background:linear-gradient(#f00 0 100px,#fff 100px calc(100%% - 100px),#00f calc(100%% - 100px))"></div>
</body></html>`, tt.pageHeight)
			srv := serve(t, map[string]http.HandlerFunc{"/": html(page)})
			r := newRenderer(t, Options{ViewportWidth: tt.width, MaxHeight: tt.maxHeight, Timeout: 10 * time.Second})

			res, err := r.Render(t.Context(), srv.URL+"/")
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if ct := http.DetectContentType(res.PNG); ct != "image/png" {
				t.Fatalf("screenshot content type = %s, want image/png", ct)
			}
			img, err := png.Decode(bytes.NewReader(res.PNG))
			if err != nil {
				t.Fatalf("decode PNG: %v", err)
			}
			b := img.Bounds()
			if b.Dx() != tt.width || b.Dy() != tt.wantHeight {
				t.Errorf("PNG is %d×%d, want %d×%d", b.Dx(), b.Dy(), tt.width, tt.wantHeight)
			}
			if res.Clipped != tt.wantClipped {
				t.Errorf("Clipped = %v, want %v", res.Clipped, tt.wantClipped)
			}
			if c := img.At(10, 10); !near(c, color.RGBA{R: 255, A: 255}) {
				t.Errorf("pixel at top = %v, want red", c)
			}
			if !tt.wantClipped && tt.pageHeight > viewportHeight {
				if c := img.At(10, b.Dy()-10); !near(c, color.RGBA{B: 255, A: 255}) {
					t.Errorf("pixel at bottom = %v, want blue", c)
				}
			}
		})
	}
}

// near reports whether c is within a small distance of want in each channel.
func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { return max(int(x>>8)-int(y), int(y)-int(x>>8)) <= 8 }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func TestRenderTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 2 * time.Second
	release := make(chan struct{})
	// Close release before the server: srv.Close waits for handlers.
	srv := serve(t, map[string]http.HandlerFunc{
		// The server never answers.
		"/hang": func(w http.ResponseWriter, req *http.Request) {
			select {
			case <-release:
			case <-req.Context().Done():
			}
		},
		// The page arrives but an image never does, so load never fires.
		"/stuck": html(`<!DOCTYPE html><html><head><title>Stuck</title></head><body>
<p>Visible claim</p><img src="/hang"></body></html>`),
	})
	t.Cleanup(func() { close(release) })
	r := newRenderer(t, Options{Timeout: timeout})
	// Loading and capturing each have Timeout; the rest is slack for a
	// loaded machine.
	const bound = 2*timeout + 5*time.Second

	t.Run("no response", func(t *testing.T) {
		start := time.Now()
		_, err := r.Render(t.Context(), srv.URL+"/hang")
		elapsed := time.Since(start)
		if !errors.Is(err, ErrTimeout) {
			t.Errorf("Render = %v, want ErrTimeout", err)
		}
		if elapsed > bound {
			t.Errorf("Render took %s with Timeout %s", elapsed, timeout)
		}
	})
	t.Run("page without load event", func(t *testing.T) {
		start := time.Now()
		res, err := r.Render(t.Context(), srv.URL+"/stuck")
		elapsed := time.Since(start)
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		if res.Complete {
			t.Error("Complete = true for a page whose image never loads")
		}
		if !bytes.Contains(res.DOM, []byte("Visible claim")) || len(res.PNG) == 0 {
			t.Errorf("partial capture lacks DOM or PNG: %d PNG bytes, DOM:\n%s", len(res.PNG), res.DOM)
		}
		if elapsed > bound {
			t.Errorf("Render took %s with Timeout %s", elapsed, timeout)
		}
	})
}

func TestRenderDismissesDialogs(t *testing.T) {
	t.Parallel()
	srv := serve(t, map[string]http.HandlerFunc{"/": html(`<!DOCTYPE html><html><body>
<p id="p">before</p>
<script>alert("Limited offer!"); document.getElementById("p").textContent = "after";</script>
</body></html>`)})
	r := newRenderer(t, Options{Timeout: 5 * time.Second})

	res, err := r.Render(t.Context(), srv.URL+"/")
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if !res.Complete || !bytes.Contains(res.DOM, []byte(">after<")) {
		t.Errorf("Complete = %v, DOM:\n%s", res.Complete, res.DOM)
	}
}

func TestRenderConcurrent(t *testing.T) {
	t.Parallel()
	srv := serve(t, map[string]http.HandlerFunc{"/{n}": func(w http.ResponseWriter, req *http.Request) {
		html("<!DOCTYPE html><title>page "+req.PathValue("n")+"</title><p>x</p>")(w, req)
	}})
	r := newRenderer(t, Options{Timeout: 10 * time.Second})

	const n = 4
	errs := make(chan error, n)
	for i := range n {
		go func() {
			res, err := r.Render(t.Context(), fmt.Sprintf("%s/%d", srv.URL, i))
			if err == nil && res.Title != fmt.Sprintf("page %d", i) {
				err = fmt.Errorf("page %d: title %q", i, res.Title)
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	srv := serve(t, map[string]http.HandlerFunc{"/": html("<p>x</p>")})
	dead := serve(t, nil)
	dead.Close() // nothing listens on its port any more
	r := newRenderer(t, Options{Timeout: 5 * time.Second})

	tests := []struct {
		name string
		url  string
		want error // nil: any error
	}{
		{name: "file scheme", url: "file:///etc/passwd", want: ErrRefused},
		{name: "no host", url: "http:///x", want: ErrRefused},
		{name: "connection refused", url: dead.URL + "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.Render(t.Context(), tt.url)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("Render(%q) = %v, want %v", tt.url, err, tt.want)
			}
		})
	}

	t.Run("private refused unless allowed", func(t *testing.T) {
		strict := &Renderer{opts: Options{}.withDefaults()}
		for _, u := range []string{srv.URL, "http://localhost/", "http://10.1.2.3/", "http://[::1]/", "http://[::ffff:192.168.0.1]/", "http://169.254.169.254/"} {
			if err := strict.checkURL(u); !errors.Is(err, ErrRefused) {
				t.Errorf("checkURL(%q) = %v, want ErrRefused", u, err)
			}
		}
		if err := strict.checkURL("https://example.org/a?b"); err != nil {
			t.Errorf("checkURL(public) = %v, want nil", err)
		}
	})

	t.Run("closed", func(t *testing.T) {
		r := newRenderer(t, Options{})
		if err := r.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := r.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if _, err := r.Render(t.Context(), srv.URL+"/"); !errors.Is(err, ErrClosed) {
			t.Errorf("Render after Close = %v, want ErrClosed", err)
		}
	})
}

func TestNewWithoutBrowser(t *testing.T) {
	t.Parallel()
	// A "browser" that dies at once, saying why.
	dying := filepath.Join(t.TempDir(), "chromium")
	script := "#!/bin/sh\necho 'cannot start: no display' >&2\nexit 1\n"
	if err := os.WriteFile(dying, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, wantText string
	}{
		{"missing", "/nonexistent/chromium", "/nonexistent/chromium"},
		{"exits at start", dying, "cannot start: no display"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(t.Context(), Options{ExecPath: tt.path})
			if !errors.Is(err, ErrNoBrowser) || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("New(%s) = %v, want ErrNoBrowser mentioning %q", tt.path, err, tt.wantText)
			}
			if r != nil {
				t.Error("New returned a Renderer with its error")
			}
		})
	}
}

func TestNewStartTimeout(t *testing.T) {
	t.Parallel()
	if _, err := findExec(); err != nil {
		skipOutsideCI(t, "headless rendering: "+err.Error())
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	r, err := New(ctx, Options{})
	if r != nil || !errors.Is(err, ErrNoBrowser) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("New with 20 ms to start = %v, %v; want ErrNoBrowser and DeadlineExceeded", r, err)
	}
}

func TestCloseRemovesProfile(t *testing.T) {
	t.Parallel()
	r := newRenderer(t, Options{})
	proc := r.browserProcess()
	if proc == nil {
		t.Fatal("no browser process")
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", proc.Pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	var dir string
	for arg := range strings.SplitSeq(string(cmdline), "\x00") {
		if v, ok := strings.CutPrefix(arg, "--user-data-dir="); ok {
			dir = v
		}
	}
	if dir == "" {
		t.Fatalf("no --user-data-dir in %q", cmdline)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("profile directory: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("profile directory %s after Close: %v, want it removed", dir, err)
	}
}
