package registry

import (
	"slices"
	"strings"
	"time"
)

// minPartial is the shortest folded query matched inside longer names:
// shorter ones ("t", "cd") would match half the register.
const minPartial = 4

// Lookup returns the products a query names, best first: those whose id,
// name, INN, a synonym or a brand folds (Fold) to the query; then those
// where the folded query is a run of whole words of one of them
// ("ciloleucel" finds axicabtagene ciloleucel); then those whose name or
// brand the query starts with ("Kymriah CAR-T"). A therapy of the claims
// lexicon that is not a product ("dendritic-cell-therapy") names nothing.
func (r *Registry) Lookup(query string) []Product {
	q := Fold(query)
	if q == "" {
		return nil
	}
	var tiers [3][]int
	for i, k := range r.keys {
		switch {
		case slices.Contains(k.all, q):
			tiers[0] = append(tiers[0], i)
		case len(q) >= minPartial && slices.ContainsFunc(k.all, func(n string) bool { return containsWords(n, q) }):
			tiers[1] = append(tiers[1], i)
		case slices.ContainsFunc(k.names, func(n string) bool { return len(n) >= minPartial && strings.HasPrefix(q, n+" ") }):
			tiers[2] = append(tiers[2], i)
		}
	}
	var out []Product
	for _, tier := range tiers {
		slices.SortStableFunc(tier, func(a, b int) int { return strings.Compare(r.keys[a].name, r.keys[b].name) })
		for _, i := range tier {
			out = append(out, r.products[i])
		}
	}
	return out
}

// Answer is the answer to "is this therapy authorised at this date?", the
// JSON of `vigie registry lookup --format json`.
type Answer struct {
	Query    string   `json:"query"`
	At       string   `json:"at"` // YYYY-MM-DD
	Matches  []Match  `json:"matches"`
	Snapshot Snapshot `json:"snapshot"`
}

// Snapshot identifies the registry data an answer relied on.
type Snapshot struct {
	Date   string `json:"date"`
	Digest string `json:"digest"`
	Parts  []Part `json:"parts"`
}

// Match is one product of an Answer. Status, Since, Until and Source are
// those of its primary authorisation (Product.Primary); Routes lists every
// route it has a record for, strongest first; Authorisations has them all.
type Match struct {
	ID             string          `json:"id"`
	Name           string          `json:"name"`
	INN            string          `json:"inn"`
	Class          string          `json:"class"`
	Authorised     bool            `json:"authorised"`
	Routes         []Route         `json:"routes"`
	Status         Status          `json:"status,omitempty"`
	Since          Date            `json:"since,omitzero"`
	Until          Date            `json:"until,omitzero"`
	Suspended      Date            `json:"suspended,omitzero"`
	Source         string          `json:"source"`
	Authorisations []Authorisation `json:"authorisations"`
}

// Check answers whether the products query names were authorised on the
// day of at. Matches is empty, never nil, when the query names nothing.
func (r *Registry) Check(query string, at time.Time) Answer {
	ans := Answer{
		Query:    query,
		At:       at.Format(time.DateOnly),
		Matches:  []Match{},
		Snapshot: Snapshot{Date: r.date, Digest: r.digest, Parts: r.Parts()},
	}
	for _, p := range r.Lookup(query) {
		m := Match{
			ID: p.ID, Name: p.Name, INN: p.INN, Class: p.Class,
			Authorised: p.AuthorisedAt(at), Routes: []Route{}, Source: p.Source,
			Authorisations: slices.Clone(p.Authorisations),
		}
		for _, route := range routes {
			if slices.ContainsFunc(p.Authorisations, func(a Authorisation) bool { return a.Route == route }) {
				m.Routes = append(m.Routes, route)
			}
		}
		if a, ok := p.Primary(at); ok {
			m.Status, m.Since, m.Until, m.Suspended, m.Source = a.Status, a.Since, a.Until, a.Suspended, a.Source
		}
		if m.Authorisations == nil {
			m.Authorisations = []Authorisation{}
		}
		ans.Matches = append(ans.Matches, m)
	}
	return ans
}
