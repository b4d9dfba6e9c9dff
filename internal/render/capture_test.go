package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"image/png"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/internal/evidence"
)

// archivePage writes a response record for pageURL, as crawl would, and
// returns its record id.
func archivePage(t *testing.T, w *evidence.Writer, pageURL string) string {
	t.Helper()
	ref, err := w.WriteExchange(evidence.Exchange{
		URL:      pageURL,
		Request:  []byte("GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
		Response: []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + scriptedPage),
		Started:  time.Now(),
	})
	if err != nil {
		t.Fatalf("WriteExchange: %v", err)
	}
	return ref.RecordID
}

func TestCapture(t *testing.T) {
	t.Parallel()
	srv := serve(t, map[string]http.HandlerFunc{
		"/page":     html(scriptedPage),
		"/late.txt": func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("Book your injection today")) },
	})
	pageURL := srv.URL + "/page"
	w, err := evidence.NewWriter(t.TempDir(), evidence.Info{Software: "vigie-test"})
	if err != nil {
		t.Fatalf("NewWriter: %v", err)
	}
	respID := archivePage(t, w, pageURL)
	r := newRenderer(t, Options{Timeout: 10 * time.Second})

	domRef, pngRef, err := r.Capture(t.Context(), pageURL, respID, w)
	if err != nil {
		t.Fatalf("Capture: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close writer: %v", err)
	}

	type summary struct {
		Type, URI, ContentType, ConcurrentTo string
	}
	var got []summary
	records := map[string]*evidence.Record{}
	for _, f := range w.Files() {
		err := evidence.ReadFile(f, func(rec *evidence.Record) error {
			if err := evidence.VerifyRecord(rec); err != nil {
				t.Errorf("VerifyRecord: %v", err)
			}
			if rec.Type == "resource" {
				got = append(got, summary{rec.Type, rec.TargetURI, rec.Header["Content-Type"], rec.Header["WARC-Concurrent-To"]})
				records[rec.ID] = rec
			}
			return nil
		})
		if err != nil {
			t.Fatalf("ReadFile: %v", err)
		}
	}
	want := []summary{
		{"resource", "urn:dom:" + pageURL, "text/html; charset=utf-8", "<" + respID + ">"},
		{"resource", "urn:fullPage:" + pageURL, "image/png", "<" + respID + ">"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resource records (-want +got):\n%s", diff)
	}

	domRec, pngRec := records[domRef.RecordID], records[pngRef.RecordID]
	if domRec == nil || pngRec == nil {
		t.Fatalf("refs %s, %s not among the records read back", domRef.RecordID, pngRef.RecordID)
	}
	if !bytes.Contains(domRec.Block, []byte("Stem cells cure Parkinson")) {
		t.Errorf("DOM record lacks the scripted text:\n%s", domRec.Block)
	}
	if _, err := png.Decode(bytes.NewReader(pngRec.Block)); err != nil {
		t.Errorf("screenshot record: %v", err)
	}
	if !domRec.Date.Equal(pngRec.Date) || !domRec.Date.Equal(domRef.Captured) {
		t.Errorf("dates: DOM %v, screenshot %v, ref %v: want one capture time", domRec.Date, pngRec.Date, domRef.Captured)
	}
	warcioIndex(t, w.Files()[0], []string{pageURL, pageURL, pageURL, "urn:dom:" + pageURL, "urn:fullPage:" + pageURL})
}

// warcioIndex checks that Webrecorder's warcio.js, which replay tools build
// on, indexes path with the given target URIs after the warcinfo record.
func warcioIndex(t *testing.T, path string, wantURIs []string) {
	t.Helper()
	dir := os.Getenv("VIGIE_WARCIO_DIR")
	if _, err := exec.LookPath("npx"); err != nil {
		skipOutsideCI(t, "warcio.js check: npx (Node.js) not installed")
	}
	probe := exec.Command("npx", "--no-install", "warcio", "--help")
	probe.Dir = dir
	if err := probe.Run(); err != nil {
		skipOutsideCI(t, "warcio.js check: npm package warcio not installed (set VIGIE_WARCIO_DIR)")
	}
	cmd := exec.Command("npx", "--no-install", "warcio", "index", path, "-f", "warc-type,warc-target-uri")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("warcio index: %v", err)
	}
	var got []string
	for line := range strings.Lines(string(out)) {
		var e struct {
			Type string `json:"warc-type"`
			URI  string `json:"warc-target-uri"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("warcio index line %q: %v", line, err)
		}
		if e.Type != "warcinfo" {
			got = append(got, e.URI)
		}
	}
	if diff := cmp.Diff(wantURIs, got); diff != "" {
		t.Errorf("warcio.js target URIs (-want +got):\n%s", diff)
	}
}

// failingArchive accepts n records, then fails.
type failingArchive struct {
	n    int
	uris []string
}

var errDiskFull = errors.New("disk full")

func (a *failingArchive) WriteResource(uri, _ string, _ []byte, _ string, captured time.Time) (evidence.Ref, error) {
	if len(a.uris) == a.n {
		return evidence.Ref{}, errDiskFull
	}
	a.uris = append(a.uris, uri)
	return evidence.Ref{RecordID: "urn:uuid:" + uri, Captured: captured}, nil
}

func TestCaptureErrors(t *testing.T) {
	t.Parallel()
	srv := serve(t, map[string]http.HandlerFunc{"/": html("<!DOCTYPE html><p>x</p>")})
	r := newRenderer(t, Options{Timeout: 10 * time.Second})
	const respID = "urn:uuid:0b7e7f5e-1d1f-4c55-9d43-3f7c1b8e2a10"

	t.Run("no response id", func(t *testing.T) {
		a := &failingArchive{n: 2}
		if _, _, err := r.Capture(t.Context(), srv.URL+"/", "", a); err == nil || len(a.uris) != 0 {
			t.Errorf("Capture without a response id = %v, wrote %v; want an error and nothing written", err, a.uris)
		}
	})
	t.Run("render fails", func(t *testing.T) {
		a := &failingArchive{n: 2}
		if _, _, err := r.Capture(t.Context(), "file:///etc/passwd", respID, a); !errors.Is(err, ErrRefused) || len(a.uris) != 0 {
			t.Errorf("Capture = %v, wrote %v; want ErrRefused and nothing written", err, a.uris)
		}
	})
	t.Run("screenshot write fails", func(t *testing.T) {
		a := &failingArchive{n: 1}
		dom, png, err := r.Capture(t.Context(), srv.URL+"/", respID, a)
		if !errors.Is(err, errDiskFull) {
			t.Fatalf("Capture = %v, want errDiskFull", err)
		}
		if dom.RecordID != "urn:uuid:"+DOMURI(srv.URL+"/") || png.RecordID != "" {
			t.Errorf("refs = %q, %q; want the DOM's and none", dom.RecordID, png.RecordID)
		}
	})
}
