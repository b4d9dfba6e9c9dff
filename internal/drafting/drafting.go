package drafting

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"

	"vigie/internal/cases"
)

// Input is what a document is drafted from.
type Input struct {
	Case *cases.Case
	// Evidence is, per site of the case, the scan the document's grounds
	// quote: the letter's scans for a letter, the decision's for a decision
	// or a notice.
	Evidence []cases.Evidence
	// Since is, per site, when Evidence is later than the scans the letter
	// of intent relied on, the letter's scans compared with Evidence
	// (Remaining: still on the site "à ce jour"); empty otherwise.
	Since []cases.Comparison
	// Date is the document's date: the decision's date once decided, the
	// letter's for a letter; else the day of drafting. The case's own date
	// prevails when it records the document; a draft needs Date.
	Date time.Time
	// Place is where the document is signed; "" means "Saint-Denis".
	Place string
}

// Documents.
const (
	Letter   = "letter"
	Decision = "decision"
	Notice   = "notice"
)

// Formats.
const (
	Markdown = "md"
	HTML     = "html"
)

// DefaultPlace is where documents are signed when Input.Place is "".
const DefaultPlace = "Saint-Denis"

var documents = []string{Letter, Decision, Notice}

// The embedded templates: <document>.<format>.tmpl lays a document out,
// common.<format>.tmpl holds the format's partials (style, quotes, pages),
// grounds.tmpl and prose.tmpl the wording, shared by both formats.
//
//go:embed templates/*.tmpl
var embedded embed.FS

// Templates are the document templates: the embedded ones, each replaced by
// a file of the same name in an agency's directory. They are safe for
// concurrent use.
type Templates struct {
	md   map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
}

// LoadTemplates parses the embedded templates, each replaced by the file
// of the same name in dir when there is one ("" = the embedded ones only),
// and checks every document against a sample case. A template that fails
// to parse or to run is an error naming its file; so is a *.tmpl file of
// dir that replaces no template (a misspelt name would be ignored else).
func LoadTemplates(dir string) (*Templates, error) {
	srcs := map[string]string{}  // name → source
	paths := map[string]string{} // name → the file it was read from
	names, err := fs.Glob(embedded, "templates/*.tmpl")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		b, err := embedded.ReadFile(n)
		if err != nil {
			return nil, err
		}
		base := strings.TrimPrefix(n, "templates/")
		srcs[base], paths[base] = string(b), "templates/"+base+" (embedded)"
	}
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("drafting: templates: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".tmpl") {
				continue
			}
			path := filepath.Join(dir, e.Name())
			if _, ok := srcs[e.Name()]; !ok {
				return nil, fmt.Errorf("drafting: %s replaces no template (want one of %s)", path, strings.Join(sortedKeys(srcs), ", "))
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("drafting: %w", err)
			}
			srcs[e.Name()], paths[e.Name()] = string(b), path
		}
	}
	t := &Templates{md: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	for _, doc := range documents {
		for _, format := range []string{Markdown, HTML} {
			set := []string{doc + "." + format + ".tmpl", "common." + format + ".tmpl", "grounds.tmpl", "prose.tmpl"}
			for _, name := range set {
				if _, ok := srcs[name]; !ok {
					return nil, fmt.Errorf("drafting: no template %s", name)
				}
			}
			if err := t.parse(doc, format, set, srcs, paths); err != nil {
				return nil, err
			}
			if err := t.execute(io.Discard, doc, format, sampleView()); err != nil {
				return nil, fmt.Errorf("drafting: %s, checked on a sample case: %w", paths[t.fileOf(doc, format, err, set[0])], err)
			}
		}
	}
	return t, nil
}

// funcs are the templates' functions: que writes "que" before a value,
// elided ("qu'") before a vowel.
var funcs = texttemplate.FuncMap{"que": que}

func (t *Templates) parse(doc, format string, set []string, srcs, paths map[string]string) error {
	html := format == HTML
	if html {
		var root *htmltemplate.Template
		for _, name := range set {
			tt := htmltemplate.New(name).Funcs(htmltemplate.FuncMap(funcs))
			if root != nil {
				tt = root.New(name)
			}
			if _, err := tt.Parse(typeset(srcs[name], true)); err != nil {
				return fmt.Errorf("drafting: %s: %w", paths[name], err)
			}
			if root == nil {
				root = tt
			}
		}
		t.html[doc] = root
		return nil
	}
	var root *texttemplate.Template
	for _, name := range set {
		tt := texttemplate.New(name).Funcs(funcs)
		if root != nil {
			tt = root.New(name)
		}
		if _, err := tt.Parse(typeset(srcs[name], false)); err != nil {
			return fmt.Errorf("drafting: %s: %w", paths[name], err)
		}
		if root == nil {
			root = tt
		}
	}
	t.md[doc] = root
	return nil
}

func (t *Templates) execute(w io.Writer, doc, format string, v *view) error {
	if format == HTML {
		return t.html[doc].Execute(w, v)
	}
	return t.md[doc].Execute(w, v)
}

// fileOf returns the file of the template an execution error arose in:
// the define's file, not the document's, when a partial fails. def is the
// document's file.
func (t *Templates) fileOf(doc, format string, err error, def string) string {
	name := ""
	var ee texttemplate.ExecError
	var he *htmltemplate.Error
	switch {
	case errors.As(err, &ee):
		name = ee.Name
	case errors.As(err, &he):
		name = he.Name
	}
	if name == "" {
		return def
	}
	if format == HTML {
		if tt := t.html[doc].Lookup(name); tt != nil && tt.Tree != nil {
			return tt.Tree.ParseName
		}
		return def
	}
	if tt := t.md[doc].Lookup(name); tt != nil && tt.Tree != nil {
		return tt.Tree.ParseName
	}
	return def
}

// ErrIncomplete is wrapped by Draft when the case lacks what the document
// needs.
var ErrIncomplete = errors.New("the case lacks what the document needs")

// Draft writes document doc (Letter, Decision, Notice) of in.Case in format
// (Markdown, HTML).
//
// A document the case records is drafted as recorded: the letter from the
// case's latest letter of intent (its date, scope and deadline), the
// decision and the notice from its decision (date, scope, signatory,
// urgency). One it does not record yet is a draft marked PROJET, dated
// in.Date: a letter with the scope of the case and a deadline
// cases.DefaultObservationDays later; a decision with the scope of the
// latest letter and a placeholder for its signatory (a decision comes
// after a letter of intent: without one, Draft refuses, since only an
// urgent decision, which the case records when it is taken, may do
// without); a notice of that decision.
//
// Draft refuses (ErrIncomplete) a case without evidence, evidence in which
// no ground holds (there is nothing to suspend on), and a draft without
// in.Date; an unknown document or format is an error too.
func (t *Templates) Draft(doc, format string, in Input) ([]byte, error) {
	if !slices.Contains(documents, doc) {
		return nil, fmt.Errorf("drafting: unknown document %q (want letter, decision or notice)", doc)
	}
	if format != Markdown && format != HTML {
		return nil, fmt.Errorf("drafting: unknown format %q (want md or html)", format)
	}
	v, err := newView(doc, format, in)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.execute(&buf, doc, format, v); err != nil {
		return nil, fmt.Errorf("drafting: %s.%s: %w", doc, format, err)
	}
	return buf.Bytes(), nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
