// Package qualify turns a site's findings into the legal grounds of
// LEGAL.md section 5, in that order, each tied to its evidence (claim
// indexes) and its articles, and reaches a verdict. It sits above claims and
// registry; scan gives it a site's findings, drafting will quote its grounds.
package qualify
