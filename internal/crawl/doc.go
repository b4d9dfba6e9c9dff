// Package crawl fetches a site within its scope (its registrable domain and
// its language versions), politely and within bounds, and hands every
// exchange, byte for byte, to the evidence archive before anything reads it.
// It sits above extract and evidence: it uses extract for links, and gives
// each page's Document to its caller so nothing is parsed twice.
package crawl
