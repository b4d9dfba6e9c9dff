// Package drafting writes, in French, the documents of a case's procedure
// (LEGAL.md sections 6 and 7): the letter of intent, the decision and the
// public notice, as Markdown or as a self-contained, print-ready HTML page
// (which cmd prints to PDF through headless Chromium).
//
// The documents are Go templates, embedded under templates/ and replaceable
// one by one by the files of an agency's directory (LoadTemplates). The
// legal wording is in two format-neutral files, grounds.tmpl (one define per
// ground id) and prose.tmpl (the Vu, the observations, the articles, the
// letter and the notice), shared by both formats; the files
// <document>.<format>.tmpl and common.<format>.tmpl lay it out. The Go side
// (view.go, grounds.go) builds a view with everything already worded where
// wording depends on data: French dates, lists joined "a, b et c", the
// articles relied on in code order, the quotes chosen for each ground.
//
// # Typography and evidence
//
// French typography (a no-break space inside « » and before ":", a narrow
// no-break space before ";", "?" and "!") is applied to the prose only: to
// the literal text of the templates when they are loaded (never inside
// actions, HTML tags, attributes, style or script), and to the agency's own
// words taken from the case (summaries of observations, answers, reasons).
// It replaces an ordinary space that precedes the punctuation and never
// inserts one before ":", so "https://" and "10:30" are left intact.
// Quotes from a site are evidence and stay verbatim: only the « » the
// documents put around them get the spacing. Everything from the case and
// the site is escaped for its format (HTML by html/template; Markdown by
// backslash escapes), so a hostile page's words appear as text.
package drafting
