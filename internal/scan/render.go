package scan

import (
	"context"
	"fmt"

	"vigie/internal/crawl"
	"vigie/internal/evidence"
	"vigie/internal/extract"
	"vigie/internal/render"
)

// renderedPage is a page as the browser showed it, archived.
type renderedPage struct {
	rendered *Rendered
	doc      *extract.Document
	dom      evidence.Ref
}

// errArchive marks a failure to keep evidence: it stops the scan, where a
// page that fails to render is only analysed as it was served.
type errArchive struct{ err error }

func (e errArchive) Error() string { return e.err.Error() }
func (e errArchive) Unwrap() error { return e.err }

// render captures p through the browser and archives its DOM and
// screenshot as resource records concurrent to p's response.
func (s *Scanner) render(ctx context.Context, w *evidence.Writer, p *crawl.Page) (*renderedPage, error) {
	res, err := s.Renderer.Render(ctx, p.URL)
	if err != nil {
		return nil, err
	}
	dom, err := w.WriteResource(render.DOMURI(p.URL), render.DOMContentType, res.DOM, p.Ref.RecordID, res.Captured)
	if err != nil {
		return nil, errArchive{fmt.Errorf("archive the rendered DOM of %s: %w", p.URL, err)}
	}
	png, err := w.WriteResource(render.ScreenshotURI(p.URL), render.ScreenshotContentType, res.PNG, p.Ref.RecordID, res.Captured)
	if err != nil {
		return nil, errArchive{fmt.Errorf("archive the screenshot of %s: %w", p.URL, err)}
	}
	doc, err := extract.Parse(res.DOM, render.DOMContentType, "", p.URL, extract.Options{})
	if err != nil {
		return nil, fmt.Errorf("read the rendered DOM of %s: %w", p.URL, err)
	}
	return &renderedPage{
		rendered: &Rendered{DOMRecord: dom.RecordID, ScreenshotRecord: png.RecordID, Complete: res.Complete},
		doc:      doc, dom: dom,
	}, nil
}
