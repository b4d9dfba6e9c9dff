package crawltest

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The handlers below behave as hostile or broken servers do. Each stops
// when the client goes away, so an httptest.Server closes promptly.

// RedirectLoop redirects /loop/a to /loop/b and back, and /chain/N to
// /chain/N+1 without end.
func RedirectLoop() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/loop/a", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop/b", http.StatusFound)
	})
	mux.HandleFunc("/loop/b", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop/a", http.StatusFound)
	})
	mux.HandleFunc("/chain/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n+1), http.StatusMovedPermanently)
	})
	return mux
}

// EndlessBody sends an HTML page that never ends, as fast as the client
// reads it.
func EndlessBody() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html><body><p>")
		chunk := bytes.Repeat([]byte("Notre thérapie guérit tout. "), 1024)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
}

// SlowDrip sends its headers, then one byte of HTML every interval,
// without end.
func SlowDrip(interval time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		body := "<!doctype html><html><body><p>Réservez maintenant</p><a href=\"/\">x</a>"
		t := time.NewTicker(interval)
		defer t.Stop()
		for i := 0; ; i++ {
			if _, err := w.Write([]byte{body[i%len(body)]}); err != nil {
				return
			}
			http.NewResponseController(w).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-t.C:
			}
		}
	})
}

// HugeHeaders sends a status line, then header lines without end.
func HugeHeaders() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
		line := "X-Padding: " + strings.Repeat("a", 1000) + "\r\n"
		for {
			if _, err := buf.WriteString(line); err != nil {
				return
			}
			if err := buf.Flush(); err != nil {
				return
			}
		}
	})
}

// GzipBomb serves, as a gzip-encoded HTML page, about size bytes
// (rounded down to MiB) that inflate from about 1 KiB each MiB. The
// stream is built from one compressed MiB repeated, so making it is cheap.
func GzipBomb(size int) http.Handler {
	prefix := []byte("<!doctype html><html><body><p>")
	zeros := make([]byte, 1<<20)
	block := func(p []byte) []byte {
		var b bytes.Buffer
		fw, _ := flate.NewWriter(&b, flate.BestCompression)
		fw.Write(p)
		fw.Flush() // ends on a byte boundary, not final: blocks concatenate
		return b.Bytes()
	}
	first, again := block(append(prefix, zeros...)), block(zeros)
	n := max(size>>20, 1)
	sum := crc32.Update(crc32.ChecksumIEEE(prefix), crc32.IEEETable, zeros)
	var bomb bytes.Buffer
	bomb.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}) // gzip header, deflate
	bomb.Write(first)
	for range n - 1 {
		bomb.Write(again)
		sum = crc32.Update(sum, crc32.IEEETable, zeros)
	}
	bomb.Write([]byte{1, 0, 0, 0xff, 0xff}) // final empty stored block
	binary.Write(&bomb, binary.LittleEndian, sum)
	binary.Write(&bomb, binary.LittleEndian, uint32(len(prefix)+n<<20))
	body := bomb.Bytes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
}

// Calendar is a crawler trap: every day links to the next and previous
// days, the next month and a week view, without end.
func Calendar() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var y, m, d int
		if _, err := fmt.Sscanf(r.URL.Path, "/calendar/%d/%d/%d", &y, &m, &d); err != nil {
			y, m, d = 2026, 11, 22
		}
		day := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		link := func(t time.Time, q string) string {
			return fmt.Sprintf(`<a href="/calendar/%s%s">%s</a>`, t.Format("2006/01/02"), q, t.Format("2 Jan"))
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, page, "fr", "Agenda "+day.Format("2006-01-02"), "",
			"<p>Consultations disponibles ce jour.</p>"+
				link(day.AddDate(0, 0, 1), "")+link(day.AddDate(0, 0, -1), "")+
				link(day.AddDate(0, 1, 0), "")+link(day, "?view=week&amp;from="+day.Format("20060102")))
	})
}

// MalformedHTML serves pages of broken markup: unclosed and misnested
// tags, attributes without quotes, a stray NUL, an unclosed comment. Its
// links still work.
func MalformedHTML() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><head><title>Cassé</title></head><body><div><p>Notre <b><i>thérapie</b></i> guérit
<table><tr><td><a href=/malformed/next>suite<td><a href="/malformed/deux">deux</table>
<p x=">"><<>>`+strings.Repeat("<span>texte ", 100)+"\x00"+
			`<script>document.write("<a href='/nowhere'>")</script><!-- unclosed comment`)
	})
}

// LyingTypes serves responses whose Content-Type or charset lies:
// /lying/png-html is HTML declared image/png, /lying/html-png a PNG
// declared text/html, /lying/cp1252 Windows-1252 text declared UTF-8.
func LyingTypes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/lying/png-html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		fmt.Fprintf(w, page, "fr", "Caché", "", "<p>Texte servi comme une image.</p>")
	})
	mux.HandleFunc("/lying/html-png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(PNG())
	})
	mux.HandleFunc("/lying/cp1252", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// "thérapie sans effets secondaires, 9 800 €" in Windows-1252.
		w.Write([]byte("<!doctype html><html lang=fr><body><p>Notre th\xe9rapie sans effets secondaires co\xfbte 9 800 \x80.</p></body></html>"))
	})
	return mux
}

// PNG returns a small valid PNG image (1×1, transparent).
func PNG() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewNRGBA(image.Rect(0, 0, 1, 1)))
	return b.Bytes()
}

// HostileSite mixes every behaviour above on one site, behind an entry
// page that links to all of them, with a robots.txt that disallows
// /private/ and names a sitemap.
func HostileSite(drip time.Duration, bombSize int) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, page, "fr", "Clinique hostile", "",
			`<p>Bienvenue.</p><img src="/lying/png-html"><img src="/img/logo.png">
			<a href="/loop/a">a</a> <a href="/chain/0">chaîne</a> <a href="/endless">sans fin</a>
			<a href="/drip">goutte</a> <a href="/headers">en-têtes</a> <a href="/bomb">bombe</a>
			<a href="/calendar/2026/11/22">agenda</a> <a href="/malformed/un">cassé</a>
			<a href="/lying/png-html">png</a> <a href="/lying/html-png">html</a> <a href="/lying/cp1252">cp1252</a>
			<a href="/private/dossier">privé</a> <a href="/brochure.pdf">brochure</a>`)
	})
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "User-agent: *\nDisallow: /private/\n\nSitemap: http://%s/sitemap.xml\n", r.Host)
	})
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`+
			`<url><loc>http://%[1]s/fr/tarifs</loc></url><url><loc>http://%[1]s/private/liste</loc></url></urlset>`, r.Host)
	})
	mux.HandleFunc("/fr/tarifs", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, page, "fr", "Tarifs", "", "<p>9 800 € le cycle.</p>")
	})
	mux.HandleFunc("/img/logo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(PNG())
	})
	mux.HandleFunc("/brochure.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4\n% brochure\n%%EOF\n"))
	})
	mux.HandleFunc("/private/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, page, "fr", "Privé", "", "<p>Ne pas indexer.</p>")
	})
	mux.Handle("/loop/", RedirectLoop())
	mux.Handle("/chain/", RedirectLoop())
	mux.Handle("/endless", EndlessBody())
	mux.Handle("/drip", SlowDrip(drip))
	mux.Handle("/headers", HugeHeaders())
	mux.Handle("/bomb", GzipBomb(bombSize))
	mux.Handle("/calendar/", Calendar())
	mux.Handle("/malformed/", MalformedHTML())
	mux.Handle("/lying/", LyingTypes())
	return mux
}
