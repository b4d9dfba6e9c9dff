// Package claims reads a document as an inspector does: it finds the
// therapies a page names, the claims it makes about them (DESIGN.md's
// taxonomy), the stance of each claim (promotional, reported, negated), the
// signals that the page addresses the French public, and whether the page
// promotes a therapy to its readers.
//
// It sits above extract and registry in the pipeline. Its rules, cues and
// therapy lexicon are data (rules/*.yaml), compiled once into one matcher.
package claims
