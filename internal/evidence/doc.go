// Package evidence keeps proof of what was captured: it writes WARC 1.1 files
// with SHA-256 digests and reads them back. It sits at the bottom of the
// pipeline: crawl hands it every exchange byte for byte before anything is
// analysed.
package evidence
