// Package render captures web pages through one headless Chromium: the DOM
// after scripts ran, and a full-page PNG screenshot, each kept as a WARC
// resource record linked to the page's archived response.
//
// It sits beside crawl, above evidence: scan calls Capture after crawl has
// archived a page's response, so the rendering is evidence derived from a
// capture that is already on disk. The only package of ours it imports is
// evidence, for evidence.Ref; it writes through the small Archive interface,
// which *evidence.Writer satisfies.
//
// The same browser prints the agency's own documents, the letters and
// decisions of drafting, to PDF (PrintPDF): static HTML laid out with
// scripts off and the network out of reach.
//
// Chromium fetches a page's sub-resources (scripts, images, frames) itself,
// outside crawl's scope, robots and address checks. Render only pages the
// crawler already accepted. The browser never downloads itself: it is
// Debian's package chromium, found on the host.
package render
