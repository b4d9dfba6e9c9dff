package drafting

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"vigie/internal/cases"
	"vigie/internal/classify"
	"vigie/internal/qualify"
)

// groundOrder is LEGAL.md section 5's order of the grounds; the company's
// observations (point 6) come after no_authorisation. A ground qualify
// adds later and the list does not know comes after the known ones.
var groundOrder = []string{
	qualify.FrenchAudience, qualify.MedicinalByPresentation, qualify.ATMPClass, qualify.MedicinalByFunction,
	qualify.NoAuthorisation,
	qualify.Testimonials, qualify.IncitementAbroad, qualify.Advertising, qualify.AdvertisingUnauthorised,
	qualify.NoVisa, qualify.PublicAdvertisingProhibited,
}

// Quotes per ground: the decision quotes more than the letter.
const (
	decisionQuotes  = 4
	letterQuotes    = 2
	remainingQuotes = 4
	maxQuoteRunes   = 500 // a longer quote is cut at a word and ends with "[…]"
	frenchPages     = 2   // French pages named by french_audience
)

// groundView is a ground that holds on at least one site, with its
// evidence, as the templates word it (one define per ID in grounds.tmpl).
type groundView struct {
	ID      string
	Therapy string
	Sites   string // "le site internet …", "les sites internet … et …"
	Plural  bool   // more than one site
	Quotes  []quoteView
	// Remaining are the quotes still on the site at the date of the
	// document (Input.Since); AllRemain when every quote is.
	Remaining []quoteView
	AllRemain bool
	// french_audience: what shows it, and French pages of the site.
	Signals string
	Pages   []pageView
	// atmp_class: the class in French and the substantial manipulations
	// the site describes.
	Class         string
	Manipulations string
	// no_authorisation: the date of the registry consulted.
	RegistryDate string
	ATMP         bool // atmp_class holds
	Unauthorised bool // no_authorisation holds
	// Text is qualify's sentence, lowered for "Considérant que …": the
	// wording of a ground the templates do not know.
	Text string
	Last bool // the last ground of the list
}

// quoteView is a claim quoted from a site: its words, verbatim, and the
// page that proves them.
type quoteView struct {
	Text     string
	Title    string // the page's title, "" when unknown
	URL      string
	Captured string // the day of the capture, in French
	Sep      string // what comes before it in its list: "", ", " or " et "
}

// pageView is a page of a site.
type pageView struct {
	Title, URL, Sep string
}

// candidate is a claim that may be quoted, with the scan it comes from.
type candidate struct {
	ev    *cases.Evidence
	claim cases.Claim
}

// grounds returns the grounds that hold, merged over the sites, in
// LEGAL.md's order, each with at most n quotes.
func (b *builder) grounds(n int) ([]groundView, error) {
	type acc struct {
		view  groundView
		sites []string
		cands []candidate
		sigs  []string
	}
	byID := map[string]*acc{}
	var ids []string
	for i := range b.in.Evidence {
		ev := &b.in.Evidence[i]
		q := &ev.Qualification
		for _, g := range q.Grounds {
			if !g.Holds {
				continue
			}
			a := byID[g.ID]
			if a == nil {
				a = &acc{view: groundView{ID: g.ID, Therapy: b.therapy, Text: b.esc.text(lowerFirst(strings.TrimSuffix(strings.TrimSpace(g.Text), ".")))}}
				byID[g.ID] = a
				ids = append(ids, g.ID)
			}
			if !slices.Contains(a.sites, ev.Site) {
				a.sites = append(a.sites, ev.Site)
			}
			for _, k := range g.Claims {
				if k < 0 || k >= len(ev.Claims) {
					return nil, fmt.Errorf("drafting: scan %s: ground %s cites claim %d of %d", ev.Scan, g.ID, k, len(ev.Claims))
				}
				a.cands = append(a.cands, candidate{ev, ev.Claims[k]})
			}
			switch g.ID {
			case qualify.FrenchAudience:
				for _, s := range ev.Audience.Signals {
					if !slices.Contains(a.sigs, s) {
						a.sigs = append(a.sigs, s)
					}
				}
				a.view.Pages = append(a.view.Pages, b.frenchPages(ev, frenchPages-len(a.view.Pages))...)
			case qualify.ATMPClass:
				if a.view.Class == "" {
					a.view.Class = b.esc.text(classFR(q.Class))
					a.view.Manipulations = b.esc.text(substantial(q.Derivation))
				}
			case qualify.NoAuthorisation:
				if a.view.RegistryDate == "" && q.Registry.Date != "" {
					d, err := frenchDay(q.Registry.Date)
					if err != nil {
						d = q.Registry.Date
					}
					a.view.RegistryDate = b.esc.text(d)
				}
			}
		}
	}
	rank := func(id string) int {
		if i := slices.Index(groundOrder, id); i >= 0 {
			return i
		}
		return len(groundOrder) + slices.Index(ids, id)
	}
	slices.SortStableFunc(ids, func(x, y string) int { return rank(x) - rank(y) })
	out := make([]groundView, 0, len(ids))
	for _, id := range ids {
		a := byID[id]
		g := a.view
		g.Sites, _, g.Plural = b.sitesPhrase(a.sites)
		quoted := choose(a.cands, n)
		var remain []candidate
		for _, c := range quoted {
			if b.remains(c) {
				remain = append(remain, c)
			}
		}
		g.Quotes, g.Remaining = b.render(quoted), b.render(remain)
		g.AllRemain = len(quoted) > 0 && len(remain) == len(quoted)
		for i, s := range a.sigs {
			a.sigs[i] = b.esc.text(signalFR(s))
		}
		g.Signals = joinFR(a.sigs)
		for i := range g.Pages {
			g.Pages[i].Sep = sep(i, len(g.Pages))
		}
		g.ATMP = byID[qualify.ATMPClass] != nil
		g.Unauthorised = byID[qualify.NoAuthorisation] != nil
		out = append(out, g)
	}
	if len(out) > 0 {
		out[len(out)-1].Last = true
	}
	return out, nil
}

// choose chooses at most n of cands to quote: French pages first, since
// the document addresses the French public, and each sentence once.
func choose(cands []candidate, n int) []candidate {
	var chosen []candidate
	seen := map[string]bool{}
	for _, fr := range []bool{true, false} {
		for _, c := range cands {
			k := strings.Join(strings.Fields(trimQuote(c.claim.Quote)), " ")
			if frenchPage(c.ev, c.claim.URL) != fr || seen[k] || k == "" {
				continue
			}
			seen[k] = true
			chosen = append(chosen, c)
		}
	}
	if len(chosen) > n {
		chosen = chosen[:n]
	}
	return chosen
}

// render words chosen claims for the templates.
func (b *builder) render(chosen []candidate) []quoteView {
	out := make([]quoteView, len(chosen))
	for i, c := range chosen {
		at := c.claim.Captured
		if at.IsZero() {
			at = scanDay(c.ev)
		}
		out[i] = quoteView{
			Text:     b.esc.text(clip(trimQuote(c.claim.Quote), maxQuoteRunes)),
			Title:    b.esc.text(pageTitle(c.ev, c.claim.URL)),
			URL:      b.esc.url(c.claim.URL),
			Captured: qualify.FrenchDate(at),
			Sep:      sep(i, len(chosen)),
		}
	}
	return out
}

// remains says whether a claim is among the claims Input.Since found
// still on its site.
func (b *builder) remains(c candidate) bool {
	return b.remaining[c.ev.Site+"\x00"+cases.ClaimKey(c.claim)]
}

// remainingQuotes quotes the claims Input.Since found still on the sites.
func (b *builder) remainingQuotes() []quoteView {
	var cands []candidate
	for _, cmp := range b.in.Since {
		ev := b.evidence(cmp.Site)
		for _, c := range cmp.Remaining {
			cands = append(cands, candidate{ev, c})
		}
	}
	return b.render(choose(cands, remainingQuotes))
}

// evidence returns the evidence of site, or an empty one naming it.
func (b *builder) evidence(site string) *cases.Evidence {
	for i := range b.in.Evidence {
		if b.in.Evidence[i].Site == site {
			return &b.in.Evidence[i]
		}
	}
	return &cases.Evidence{Site: site}
}

// frenchPages returns up to n pages of ev, served, in French, that have a
// title.
func (b *builder) frenchPages(ev *cases.Evidence, n int) []pageView {
	var out []pageView
	for _, p := range ev.Pages {
		if len(out) >= n {
			break
		}
		if p.Status >= 200 && p.Status < 300 && strings.TrimSpace(p.Title) != "" && p.Lang == "fr" {
			out = append(out, pageView{Title: b.esc.text(strings.TrimSpace(p.Title)), URL: b.esc.url(p.URL)})
		}
	}
	return out
}

// sitesPhrase names sites: "le site internet X" / "les sites internet X
// et Y", and with "de": "du site internet X" / "des sites internet …".
func (b *builder) sitesPhrase(sites []string) (the, of string, plural bool) {
	urls := make([]string, len(sites))
	for i, s := range sites {
		urls[i] = b.esc.url(s)
	}
	if len(sites) > 1 {
		return "les sites internet " + joinFR(urls), "des sites internet " + joinFR(urls), true
	}
	return "le site internet " + joinFR(urls), "du site internet " + joinFR(urls), false
}

// substantial names in French the substantial manipulations of a
// derivation's product.
func substantial(d *qualify.Derivation) string {
	if d == nil || d.Product.Cells == nil {
		return ""
	}
	var names []string
	for _, m := range d.Product.Cells.Manipulations {
		if slices.Contains(classify.Substantial, m) {
			if n, ok := classify.ManipulationFR[m]; ok {
				names = append(names, n)
			}
		}
	}
	return joinFR(names)
}

// frenchPage says whether the page at url of ev is in French.
func frenchPage(ev *cases.Evidence, url string) bool {
	for _, p := range ev.Pages {
		if p.URL == url {
			return p.Lang == "fr"
		}
	}
	return false
}

// trimQuote strips the quotation marks and spaces at the ends of a quote:
// the documents put their own « » around it.
func trimQuote(q string) string {
	return strings.Trim(q, " \t\r\n\u00a0\u202f«»“”„\"‹›")
}

// clip cuts a quote longer than n runes at a word, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)[:n]
	cut := len(rs)
	for i := len(rs) - 1; i > n/2; i-- {
		if unicode.IsSpace(rs[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRightFunc(string(rs[:cut]), unicode.IsSpace) + " […]"
}

func pageTitle(ev *cases.Evidence, url string) string {
	for _, p := range ev.Pages {
		if p.URL == url {
			return strings.TrimSpace(oneLine(p.Title))
		}
	}
	return ""
}

// scanDay is when a scan was made: its start, else its end.
func scanDay(ev *cases.Evidence) time.Time {
	if !ev.Started.IsZero() {
		return ev.Started
	}
	return ev.Finished
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
