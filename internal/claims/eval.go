package claims

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"vigie/internal/extract"
)

// Label is what a page of an evaluation corpus is known to be
// (labels.json: an array of them).
type Label struct {
	File         string   `json:"file"`
	Lang         string   `json:"lang,omitempty"`
	Kind         string   `json:"kind,omitempty"`
	Promotional  bool     `json:"promotional"`
	FrenchPublic bool     `json:"french_public"`
	Categories   []string `json:"categories"` // categories the page promotes in its own voice
}

// Evaluation compares the analyzer's reports with a corpus's labels.
//
// A page's predicted categories are those of its promotional claims when the
// page is predicted promotional, none otherwise: what qualification relies
// on. They are compared with the labelled categories page by page.
type Evaluation struct {
	Pages     int                       `json:"pages"`
	Confusion Confusion                 `json:"confusion"` // page verdicts
	Accuracy  float64                   `json:"accuracy"`
	Audience  float64                   `json:"french_public_accuracy"`
	Category  map[string]*CategoryScore `json:"categories"`
	Errors    []PageError               `json:"errors"` // pages where verdict or categories differ
}

// Confusion is the page-verdict confusion table.
type Confusion struct {
	TruePositive  int `json:"true_positive"`  // promotional, found promotional
	FalseNegative int `json:"false_negative"` // promotional, missed
	FalsePositive int `json:"false_positive"` // not promotional, flagged
	TrueNegative  int `json:"true_negative"`
}

// CategoryScore counts one category's promotional claims over the corpus.
type CategoryScore struct {
	TruePositive  int     `json:"true_positive"`
	FalsePositive int     `json:"false_positive"`
	FalseNegative int     `json:"false_negative"`
	Precision     float64 `json:"precision"` // 1 when nothing was predicted
	Recall        float64 `json:"recall"`    // 1 when nothing was expected
}

// PageError is a page the analyzer got wrong, and how.
type PageError struct {
	File        string   `json:"file"`
	Promotional bool     `json:"promotional"` // predicted
	Missing     []string `json:"missing,omitempty"`
	Extra       []string `json:"extra,omitempty"`
}

// Evaluate analyses every page of dir listed in dir/labels.json.
func (a *Analyzer) Evaluate(dir string, at time.Time) (*Evaluation, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "labels.json"))
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w", dir, err)
	}
	var labels []Label
	if err := json.Unmarshal(raw, &labels); err != nil {
		return nil, fmt.Errorf("corpus %s: labels.json: %w", dir, err)
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("corpus %s: labels.json lists no page", dir)
	}
	ev := &Evaluation{Category: map[string]*CategoryScore{}}
	for _, c := range Categories {
		ev.Category[c] = &CategoryScore{}
	}
	fr := 0
	for _, l := range labels {
		body, err := os.ReadFile(filepath.Join(dir, l.File))
		if err != nil {
			return nil, fmt.Errorf("corpus %s: %w", dir, err)
		}
		doc, err := extract.Parse(body, "", "", "", extract.Options{})
		if err != nil {
			return nil, fmt.Errorf("corpus %s: %s: %w", dir, l.File, err)
		}
		r := a.Analyze(doc, at)
		ev.Pages++
		switch {
		case l.Promotional && r.Promotional:
			ev.Confusion.TruePositive++
		case l.Promotional:
			ev.Confusion.FalseNegative++
		case r.Promotional:
			ev.Confusion.FalsePositive++
		default:
			ev.Confusion.TrueNegative++
		}
		if r.Audience.FrenchPublic == l.FrenchPublic {
			fr++
		}
		want := map[string]bool{}
		for _, c := range l.Categories {
			if _, ok := ev.Category[c]; !ok {
				return nil, fmt.Errorf("corpus %s: %s: unknown category %q", dir, l.File, c)
			}
			want[c] = true
		}
		got := map[string]bool{}
		if r.Promotional {
			for _, c := range r.Claims {
				if c.Stance == Promotional {
					got[c.Category] = true
				}
			}
		}
		pe := PageError{File: l.File, Promotional: r.Promotional}
		for _, c := range Categories {
			s := ev.Category[c]
			switch {
			case want[c] && got[c]:
				s.TruePositive++
			case want[c]:
				s.FalseNegative++
				pe.Missing = append(pe.Missing, c)
			case got[c]:
				s.FalsePositive++
				pe.Extra = append(pe.Extra, c)
			}
		}
		if r.Promotional != l.Promotional || len(pe.Missing)+len(pe.Extra) > 0 {
			ev.Errors = append(ev.Errors, pe)
		}
	}
	c := ev.Confusion
	ev.Accuracy = float64(c.TruePositive+c.TrueNegative) / float64(ev.Pages)
	ev.Audience = float64(fr) / float64(ev.Pages)
	for _, s := range ev.Category {
		s.Precision = ratio(s.TruePositive, s.TruePositive+s.FalsePositive)
		s.Recall = ratio(s.TruePositive, s.TruePositive+s.FalseNegative)
	}
	sort.Slice(ev.Errors, func(i, j int) bool { return ev.Errors[i].File < ev.Errors[j].File })
	return ev, nil
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 1
	}
	return float64(n) / float64(d)
}

// Micro returns precision and recall over all categories pooled.
func (ev *Evaluation) Micro() (precision, recall float64) {
	var tp, fp, fn int
	for _, s := range ev.Category {
		tp, fp, fn = tp+s.TruePositive, fp+s.FalsePositive, fn+s.FalseNegative
	}
	return ratio(tp, tp+fp), ratio(tp, tp+fn)
}
