package scan_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/internal/evidence"
	"vigie/internal/render"
)

// scriptedClinic writes its claims with JavaScript: only a browser sees them.
const scriptedClinic = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Clinique</title></head>
<body><main><p>Bienvenue.</p><div id="pitch"></div></main>
<script>document.getElementById('pitch').innerHTML =
 '<p>Notre vaccin à cellules dendritiques est sans effets secondaires et efficace contre tous les cancers.</p>' +
 '<p>Nos biologistes cultivent vos monocytes sept jours dans notre laboratoire. Le cycle coûte 12 500 €, réservez votre consultation.</p>';</script>
</body></html>`

func TestScanRenderAnalysesTheDOMAndArchivesIt(t *testing.T) {
	if _, err := exec.LookPath("chromium"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium not installed (.ci/run installs it)")
		}
		t.Skip("skipping: chromium not installed")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, scriptedClinic)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	plain, err := newScanner(t).Scan(ctx, srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	if len(plain.Claims) != 0 {
		t.Fatalf("without a browser, claims %+v: the test page should hide them in a script", plain.Claims)
	}

	sc := newScanner(t)
	rd, err := render.New(ctx, render.Options{AllowPrivate: true, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	sc.Renderer = rd
	r, err := sc.Scan(ctx, srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	p := r.Pages[0]
	if p.Rendered == nil || r.Qualification.Verdict != "illegal_promotion" || len(r.Claims) < 4 {
		t.Fatalf("rendered %+v, verdict %s, %d claims: want the scripted claims found", p.Rendered, r.Qualification.Verdict, len(r.Claims))
	}
	records := map[string]*evidence.Record{}
	files, _ := filepath.Glob(filepath.Join(r.Archive, "*.warc.gz"))
	for _, f := range files {
		if err := evidence.ReadFile(f, func(rec *evidence.Record) error {
			records[rec.ID] = rec
			return evidence.VerifyRecord(rec)
		}); err != nil {
			t.Fatal(err)
		}
	}
	dom, png := records[p.Rendered.DOMRecord], records[p.Rendered.ScreenshotRecord]
	if dom == nil || png == nil {
		t.Fatalf("DOM %v or screenshot %v record not in the archive", dom, png)
	}
	for _, rec := range []*evidence.Record{dom, png} {
		if rec.Type != "resource" || !strings.Contains(rec.Header["WARC-Concurrent-To"], p.Record) {
			t.Errorf("record %s: type %s, concurrent to %q; want a resource linked to %s", rec.ID, rec.Type, rec.Header["WARC-Concurrent-To"], p.Record)
		}
	}
	if !strings.HasPrefix(string(png.Block), "\x89PNG") || !strings.Contains(string(dom.Block), "sans effets secondaires") {
		t.Error("the screenshot is not a PNG or the DOM lacks the scripted text")
	}
	for _, c := range r.Claims {
		if c.Record != p.Rendered.DOMRecord {
			t.Errorf("claim %q cites %s, want the DOM record it was read from", c.Quote, c.Record)
		}
	}
}
