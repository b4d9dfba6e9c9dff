package drafting

import (
	"fmt"
	"strings"

	"vigie/internal/cases"
	"vigie/internal/qualify"
)

// view is what a document's template is executed with: the case worded in
// French, every value from the case or a site escaped for the format.
type view struct {
	Draft bool   // the case does not record the document yet: PROJET
	Date  string // the document's date, in French
	Place string
	// CaseID and Head name the case and the hash of its last event when the
	// document was drafted: vigie case verify ID --head HEAD then proves
	// the log still holds everything the document rests on.
	CaseID, Head string
	Company      string
	Addresses    []addressView
	Therapy      string
	Activities   bool // the scope is all activities, not the advertising only
	Sites        []siteView
	SitesText    string // "le site internet …"
	SitesOf      string // "du site internet …"
	Plural       bool   // more than one site
	Vu           []vuView
	Letter       letterView // the letter document's letter
	// Grounds are the grounds that hold; the decision gives them in two
	// parts around the company's observations (Point6).
	Grounds       []groundView
	GroundsBefore []groundView
	Point6        []point6View
	GroundsAfter  []groundView
	Breaches      string // the articles of the code the site breaches
	// The signatory of the decision or letter; "" for a draft or a letter
	// that records none.
	Signatory      string
	SignatoryTitle string
	// For the notice.
	NoAuthorisation bool
	PublicBan       bool
	ATMP            bool
	Class           string
}

type addressView struct {
	Lines   []string
	Country string
}

type siteView struct {
	URL, Consulted string
}

type letterView struct {
	Date, Deadline string
	Activities     bool
}

// vuView is one "Vu" of the decision; Kind says which (grounds.tmpl's
// "vu" define words each): regulation_1394, regulation_726, csp, site,
// letter, observation, urgency.
type vuView struct {
	Kind               string
	Articles           string // csp
	URL, Consulted     string // site
	Date, Deadline     string // letter, observation
	Activities         bool   // letter
	Oral, Late         bool   // observation
	HasLetter          bool   // urgency
	Company, Addresses string
	Therapy, Reason    string
}

// point6View is one considérant of point 6 of LEGAL.md section 5: Kind is
// observation (what the company said and the answer), no_observations or
// remaining (claims still on the site when no observations were made).
type point6View struct {
	Kind                               string
	Date                               string
	Oral, Late                         bool
	Company, Summary, Answer, Deadline string
	Remaining                          []quoteView // on the last observation, or for remaining
}

// esc escapes values from the case and the sites for a format: Markdown
// needs backslashes (and addresses as autolinks), HTML is escaped by
// html/template itself.
type esc struct{ md bool }

func (e esc) text(s string) string {
	if e.md {
		return mdText(s)
	}
	return oneLine(s)
}

func (e esc) url(s string) string {
	if e.md {
		return mdURL(s)
	}
	return s
}

// prose is the agency's own words from the case (a summary, an answer, a
// reason): typeset, without a final stop, escaped.
func (e esc) prose(s string) string {
	s = strings.TrimRight(strings.TrimSpace(oneLine(s)), " .;")
	return e.text(typo(s))
}

// builder builds a view.
type builder struct {
	in        Input
	esc       esc
	therapy   string
	remaining map[string]bool // site, claimKey of Input.Since's Remaining
}

func newView(doc, format string, in Input) (*view, error) {
	c := in.Case
	if c == nil {
		return nil, fmt.Errorf("drafting: no case: %w", ErrIncomplete)
	}
	if len(in.Evidence) == 0 {
		return nil, fmt.Errorf("drafting: case %s: no evidence to quote: %w", c.ID, ErrIncomplete)
	}
	b := &builder{in: in, esc: esc{md: format == Markdown}, remaining: map[string]bool{}}
	for _, cmp := range in.Since {
		for _, cl := range cmp.Remaining {
			b.remaining[cmp.Site+"\x00"+cases.ClaimKey(cl)] = true
		}
	}
	b.therapy = b.esc.text(therapyName(in))
	place := in.Place
	if place == "" {
		place = DefaultPlace
	}
	v := &view{Place: b.esc.text(place), Company: b.esc.text(c.Company.Name), Therapy: b.therapy,
		CaseID: b.esc.text(c.ID), Head: c.Head()}
	for _, a := range c.Company.Addresses {
		var lines []string
		for _, l := range strings.Split(a.Text, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, b.esc.text(l))
			}
		}
		av := addressView{Lines: lines}
		if a.Country != "" {
			av.Country = b.esc.text(countryFR(a.Country))
		}
		v.Addresses = append(v.Addresses, av)
	}
	var sites []string
	for i := range in.Evidence {
		ev := &in.Evidence[i]
		if ev.Scan == "" {
			continue // a site that could not be scanned was not consulted
		}
		sites = append(sites, ev.Site)
		v.Sites = append(v.Sites, siteView{URL: b.esc.url(ev.Site), Consulted: qualify.FrenchDate(scanDay(ev))})
	}
	v.SitesText, v.SitesOf, v.Plural = b.sitesPhrase(sites)

	n := decisionQuotes
	if doc == Letter {
		n = letterQuotes
	}
	grounds, err := b.grounds(n)
	if err != nil {
		return nil, err
	}
	if len(grounds) == 0 {
		return nil, fmt.Errorf("drafting: case %s: no ground holds in the evidence: there is nothing to draft a suspension on: %w", c.ID, ErrIncomplete)
	}
	v.Grounds = grounds
	for _, g := range grounds {
		switch g.ID {
		case qualify.NoAuthorisation:
			v.NoAuthorisation = true
		case qualify.PublicAdvertisingProhibited:
			v.PublicBan = true
		case qualify.ATMPClass:
			v.ATMP, v.Class = true, g.Class
		}
	}

	if doc == Letter {
		return v, b.letter(v)
	}
	return v, b.decision(doc, v)
}

// letter fills the letter document: the case's latest letter, else a
// draft dated in.Date.
func (b *builder) letter(v *view) error {
	c := b.in.Case
	if n := len(c.Letters); n > 0 {
		l := c.Letters[n-1]
		lv, err := letterOf(l)
		if err != nil {
			return fmt.Errorf("drafting: case %s: letter: %w", c.ID, err)
		}
		v.Letter, v.Date, v.Activities = lv, lv.Date, lv.Activities
		v.Signatory, v.SignatoryTitle = b.signatory(l.Signatory)
		return nil
	}
	if b.in.Date.IsZero() {
		return fmt.Errorf("drafting: case %s has no letter of intent yet: a draft needs Input.Date: %w", c.ID, ErrIncomplete)
	}
	v.Draft = true
	v.Activities = c.Scope() == cases.ScopeActivities
	v.Date = qualify.FrenchDate(b.in.Date)
	v.Letter = letterView{Date: v.Date, Deadline: qualify.FrenchDate(b.in.Date.AddDate(0, 0, cases.DefaultObservationDays)), Activities: v.Activities}
	return nil
}

// signatory splits "Name, title" at its first comma.
func (b *builder) signatory(s string) (name, title string) {
	n, t, _ := strings.Cut(s, ",")
	return b.esc.text(strings.TrimSpace(n)), b.esc.text(strings.TrimSpace(t))
}

func letterOf(l cases.Letter) (letterView, error) {
	date, err := frenchDay(l.Date)
	if err != nil {
		return letterView{}, err
	}
	deadline, err := frenchDay(l.Deadline)
	if err != nil {
		return letterView{}, err
	}
	return letterView{Date: date, Deadline: deadline, Activities: l.Scope == cases.ScopeActivities}, nil
}

// decision fills the decision and the notice: the case's decision, else a
// draft dated in.Date (for a decision, only after a letter of intent).
func (b *builder) decision(doc string, v *view) error {
	c := b.in.Case
	d := c.Decision
	day := "" // the document's date, YYYY-MM-DD
	switch {
	case d != nil:
		date, err := frenchDay(d.Date)
		if err != nil {
			return fmt.Errorf("drafting: case %s: decision: %w", c.ID, err)
		}
		v.Date, day = date, d.Date
		v.Activities = d.Scope == cases.ScopeActivities
		v.Signatory, v.SignatoryTitle = b.signatory(d.Signatory)
	case doc == Decision && len(c.Letters) == 0:
		return fmt.Errorf("drafting: case %s has no letter of intent: a decision comes after one (only an urgent decision may do without, and the case records it when it is taken): %w", c.ID, ErrIncomplete)
	case b.in.Date.IsZero():
		return fmt.Errorf("drafting: case %s is not decided yet: a draft needs Input.Date: %w", c.ID, ErrIncomplete)
	default:
		v.Draft = true
		v.Date, day = qualify.FrenchDate(b.in.Date), b.in.Date.UTC().Format(cases.DateLayout)
		v.Activities = c.Scope() == cases.ScopeActivities
	}
	if doc == Notice {
		return nil
	}
	if err := b.vu(v, d); err != nil {
		return err
	}
	for _, g := range v.Grounds {
		if rank := indexOf(g.ID); rank >= 0 && rank <= indexOf(qualify.NoAuthorisation) {
			v.GroundsBefore = append(v.GroundsBefore, g)
		} else {
			v.GroundsAfter = append(v.GroundsAfter, g)
		}
	}
	v.Point6 = b.point6(day)
	var breached []article
	for _, ev := range b.in.Evidence {
		for _, vi := range ev.Qualification.Violations {
			for _, a := range vi.Articles {
				if art, ok := cspArticle(a); ok {
					breached = append(breached, art)
				}
			}
		}
	}
	v.Breaches = articleList(breached)
	return nil
}

func indexOf(id string) int {
	for i, g := range groundOrder {
		if g == id {
			return i
		}
	}
	return -1
}

// procedural are the articles every decision relies on: the agency's
// remit, its police powers, the adversarial procedure.
var procedural = []string{"L.5311-1", "L.5312-2", "L.5312-4"}

// activities are the articles a suspension of all activities adds: the
// pharmaceutical monopoly and the good practices of pharmaceutical
// activities.
var activities = []string{"L.4211-1", "L.5121-5"}

// vu builds the decision's "Vu" in order: the regulations, the code and
// its articles relied on, the sites, the letters, the observations, the
// urgency.
func (b *builder) vu(v *view, d *cases.Decision) error {
	c := b.in.Case
	v.Vu = append(v.Vu, vuView{Kind: "regulation_1394"})
	if v.NoAuthorisation {
		v.Vu = append(v.Vu, vuView{Kind: "regulation_726"})
	}
	var arts []article
	extra := procedural
	if v.Activities {
		extra = append(append([]string{}, procedural...), activities...)
	}
	for _, s := range extra {
		a, _ := parseArticle(s)
		arts = append(arts, a)
	}
	for _, ev := range b.in.Evidence {
		for _, g := range ev.Qualification.Grounds {
			if !g.Holds {
				continue
			}
			for _, s := range g.Articles {
				if a, ok := cspArticle(s); ok {
					arts = append(arts, a)
				}
			}
		}
	}
	v.Vu = append(v.Vu, vuView{Kind: "csp", Articles: articleList(arts)})
	for _, s := range v.Sites {
		v.Vu = append(v.Vu, vuView{Kind: "site", URL: s.URL, Consulted: s.Consulted})
	}
	var addrs []string
	for _, a := range v.Addresses {
		addr := strings.Join(a.Lines, ", ")
		if a.Country != "" {
			addr += " (" + a.Country + ")"
		}
		addrs = append(addrs, addr)
	}
	for _, l := range c.Letters {
		lv, err := letterOf(l)
		if err != nil {
			return fmt.Errorf("drafting: case %s: letter: %w", c.ID, err)
		}
		v.Vu = append(v.Vu, vuView{Kind: "letter", Date: lv.Date, Deadline: lv.Deadline, Activities: lv.Activities,
			Company: v.Company, Addresses: joinFR(addrs), Therapy: v.Therapy})
	}
	for _, o := range c.Observations {
		date, err := frenchDay(o.Date)
		if err != nil {
			return fmt.Errorf("drafting: case %s: observations: %w", c.ID, err)
		}
		v.Vu = append(v.Vu, vuView{Kind: "observation", Date: date, Oral: o.Kind == cases.Oral, Late: o.Late, Company: v.Company})
	}
	if d != nil && d.Urgent {
		v.Vu = append(v.Vu, vuView{Kind: "urgency", HasLetter: len(c.Letters) > 0, Reason: b.esc.prose(d.Reason)})
	}
	return nil
}

// point6 builds the considérants on the company's observations (day is
// the decision's date, YYYY-MM-DD): each observation and its answer, the
// claims still on the site after the last; or, when none were made, that
// the deadline passed without any, and the claims still on the site.
func (b *builder) point6(day string) []point6View {
	c := b.in.Case
	remaining := b.remainingQuotes()
	var out []point6View
	for _, o := range c.Observations {
		date, _ := frenchDay(o.Date) // checked by vu
		out = append(out, point6View{Kind: "observation", Date: date, Oral: o.Kind == cases.Oral, Late: o.Late,
			Company: b.esc.text(c.Company.Name), Summary: b.esc.prose(lowerFirst(o.Summary)), Answer: b.esc.prose(lowerFirst(o.Answer))})
	}
	if len(out) > 0 {
		out[len(out)-1].Remaining = remaining
		return out
	}
	if n := len(c.Letters); n > 0 && day > c.Letters[n-1].Deadline {
		deadline, _ := frenchDay(c.Letters[n-1].Deadline)
		out = append(out, point6View{Kind: "no_observations", Company: b.esc.text(c.Company.Name), Deadline: deadline})
	}
	if len(remaining) > 0 {
		out = append(out, point6View{Kind: "remaining", Company: b.esc.text(c.Company.Name), Remaining: remaining})
	}
	return out
}

// therapyName is the name the evidence gives the case's therapy (or the
// one the grounds are about); a site report names therapies in French.
func therapyName(in Input) string {
	ids := []string{in.Case.Therapy}
	for _, ev := range in.Evidence {
		ids = append(ids, ev.Qualification.Therapy)
	}
	for _, id := range ids {
		for _, ev := range in.Evidence {
			for _, t := range ev.Therapies {
				if id != "" && t.ID == id && t.Name != "" {
					return t.Name
				}
			}
		}
	}
	for _, id := range ids {
		if id != "" {
			return id
		}
	}
	return "[produit]"
}
