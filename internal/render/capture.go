package render

import (
	"context"
	"fmt"
	"strings"
	"time"

	"vigie/internal/evidence"
)

// Archive keeps resource records. *evidence.Writer satisfies it:
// WriteResource writes refersTo as WARC-Concurrent-To and returns the
// record's Ref, or an error when the record could not be written.
type Archive interface {
	WriteResource(uri, contentType string, body []byte, refersTo string, captured time.Time) (evidence.Ref, error)
}

// Content types of the records Capture writes. The DOM is always UTF-8,
// whatever charset its <meta> tag names: Chromium decoded the page before
// serialising it, and a charset in the Content-Type overrides the tag.
const (
	DOMContentType        = "text/html; charset=utf-8"
	ScreenshotContentType = "image/png"
)

// DOMURI is the WARC-Target-URI of the rendered DOM of pageURL:
// "urn:dom:" + pageURL.
//
// Not pageURL itself: replay tools (pywb, ReplayWeb.page) index resource
// records by target URI, so a DOM record under the page's URL would compete
// with the archived response for that URL, and "the latest capture" would
// replay the rendered DOM, whose scripts then run a second time. Under its
// own URI it stays beside the page, like Browsertrix's urn:text: records.
func DOMURI(pageURL string) string { return "urn:dom:" + pageURL }

// ScreenshotURI is the WARC-Target-URI of the full-page screenshot of
// pageURL: "urn:fullPage:" + pageURL, the name Browsertrix gives full-page
// screenshots and that Webrecorder's tools and readers of their archives
// look for; replay never serves it in place of the page.
func ScreenshotURI(pageURL string) string { return "urn:fullPage:" + pageURL }

// Capture renders pageURL (see Render) and archives the result as two
// resource records, both concurrent to the page's response record
// responseRecordID ("urn:uuid:…") and dated when the DOM was read: the DOM
// (DOMContentType, at DOMURI) and then the screenshot (ScreenshotContentType,
// at ScreenshotURI). It writes nothing when rendering fails. When the
// screenshot record cannot be written, dom is returned with the error, since
// that record is in the archive.
//
// A capture cut short by Options.Timeout or Options.MaxHeight is archived
// all the same; call Render and write the records with DOMURI and
// ScreenshotURI to learn of it.
func (r *Renderer) Capture(ctx context.Context, pageURL, responseRecordID string, arch Archive) (dom, png evidence.Ref, err error) {
	// Without the link a rendering cannot be tied to what the server sent.
	if !strings.HasPrefix(responseRecordID, "urn:") {
		return evidence.Ref{}, evidence.Ref{}, fmt.Errorf("render: capture %s: response record id %q is not a record id", pageURL, responseRecordID)
	}
	res, err := r.Render(ctx, pageURL)
	if err != nil {
		return evidence.Ref{}, evidence.Ref{}, err
	}
	dom, err = arch.WriteResource(DOMURI(pageURL), DOMContentType, res.DOM, responseRecordID, res.Captured)
	if err != nil {
		return evidence.Ref{}, evidence.Ref{}, fmt.Errorf("render: capture %s: archive dom: %w", pageURL, err)
	}
	png, err = arch.WriteResource(ScreenshotURI(pageURL), ScreenshotContentType, res.PNG, responseRecordID, res.Captured)
	if err != nil {
		return dom, evidence.Ref{}, fmt.Errorf("render: capture %s: archive screenshot: %w", pageURL, err)
	}
	return dom, png, nil
}
