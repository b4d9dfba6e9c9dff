// Package evidence keeps proof of what was captured. It writes WARC 1.1
// files with SHA-256 digests, rotated by size, and beside them a
// hash-chained ledger of every record (ledger.go); it verifies an archive
// against its digests and its ledger, telling an alteration from the
// incomplete tail a crash leaves (VerifyArchive); it bundles an archive as
// a WACZ file any web-archive tool can replay (WriteWACZ); and it reads
// WARC files made by other crawlers (wget, Heritrix, Browsertrix), gzip
// or not, WARC 1.0 or 1.1, and the HTTP responses they hold, so that they
// can be analysed too. It sits at the bottom of the pipeline: crawl hands
// it every exchange byte for byte before anything is analysed.
package evidence
