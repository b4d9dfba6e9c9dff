// Package extract turns a captured response into a Document: its language,
// title, main text without boilerplate (menus, cookie banners, footers), the
// sentences of that text as byte offsets, its links and its language
// alternates. It sits at the bottom of the pipeline, beside evidence: crawl
// uses its links, claims reads its text.
//
// Offsets are byte offsets into Document.Text; everything downstream quotes
// the text through them, so a quote is always a verbatim substring.
package extract
