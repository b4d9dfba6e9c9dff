package registry

import (
	"fmt"
	"slices"
	"strings"
)

// Where an authorisation came from, to settle conflicts between sources.
const (
	originSeed = "seed"
	originEMA  = KindEMA
	originBDPM = KindBDPM
)

// merge adds the products of an import: each one that matches exactly one
// product already known (by authorisation number, name or INN) is merged
// into it, so that it keeps its id and ATMP class; the others are added.
func (r *Registry) merge(im loadedImport) (ImportInfo, error) {
	info := ImportInfo{Name: im.name, Kind: im.imp.Kind, AsOf: im.imp.AsOf, Products: len(im.imp.Products)}
	known := len(r.products) // match against what was there before this import
	for _, q := range im.imp.Products {
		if err := q.check(); err != nil {
			return info, err
		}
		if i, ok := r.match(q, known); ok {
			r.mergeInto(i, q, im.imp.Kind)
			info.Matched++
			continue
		}
		if err := r.add(q, im.imp.Kind); err != nil {
			return info, err
		}
		info.Added++
	}
	return info, nil
}

// match finds the one product among the first n that q is. Several
// candidates are no match: merging on a guess would be worse than keeping
// the imported product apart.
func (r *Registry) match(q Product, n int) (int, bool) {
	name, inn := Fold(q.Name), Fold(q.INN)
	var numbers []string
	for _, a := range q.Authorisations {
		if f := Fold(a.Number); f != "" {
			numbers = append(numbers, f)
		}
	}
	found := -1
	for i := range n {
		if !r.keys[i].match(name, inn, numbers) {
			continue
		}
		if found >= 0 {
			return 0, false
		}
		found = i
	}
	return found, found >= 0
}

// match reports whether a product with the folded name, INN and numbers
// is the product of k: the same authorisation number, the same name, or
// the same INN.
func (k *keys) match(name, inn string, numbers []string) bool {
	for _, num := range numbers {
		if slices.Contains(k.numbers, num) {
			return true
		}
	}
	// A national register's denomination is the name followed by the
	// strength and form: "KYMRIAH 1,2 x 10^6 – 6 x 10^8 cellules, dispersion…".
	for _, n := range k.names {
		if name == n || strings.HasPrefix(name, n+" ") {
			return true
		}
	}
	return inn != "" && slices.Contains(k.inns, inn)
}

// mergeInto merges the imported q into product i.
func (r *Registry) mergeInto(i int, q Product, origin string) {
	p := &r.products[i]
	for _, a := range q.Authorisations {
		a.origin = origin
		j := slices.IndexFunc(p.Authorisations, func(b Authorisation) bool { return sameAuthorisation(a, b) })
		if j < 0 {
			p.Authorisations = append(p.Authorisations, a)
			continue
		}
		p.Authorisations[j] = combine(p.Authorisations[j], a)
	}
	for _, s := range append([]string{q.Name, q.INN}, append(q.Synonyms, q.Brands...)...) {
		if f := Fold(s); f != "" && !slices.Contains(r.keys[i].all, f) {
			p.Synonyms = append(p.Synonyms, s)
			r.keys[i].all = append(r.keys[i].all, f)
		}
	}
	if p.Class == "unknown" && q.Class != "unknown" {
		p.Class = q.Class
	}
	r.index(i)
}

// sameAuthorisation reports whether a and b record the same decision: the
// same route in the same country, and the same number where both have one
// (one product may have several parallel import authorisations).
func sameAuthorisation(a, b Authorisation) bool {
	country := func(x Authorisation) string {
		switch {
		case x.Country != "":
			return x.Country
		case x.Route == EUCentralised:
			return "EU"
		}
		return "FR"
	}
	if a.Route != b.Route || country(a) != country(b) {
		return false
	}
	return a.Route == EUCentralised || a.Number == "" || b.Number == "" || Fold(a.Number) == Fold(b.Number)
}

// combine settles two records of one decision, old from the data already
// merged, new from the import being merged.
//
// When both report the same status (or both an end), old is kept (the seed's dates are
// curated from the decision itself; an import may only bound them) and
// new only fills what old lacks. When they differ, the import is the
// newer record and wins, except that the French register never overrides
// the EMA's own register on a centralised authorisation. The source says
// what was replaced.
func combine(old, new Authorisation) Authorisation {
	// Withdrawn and expired differ only in who ended the authorisation; an
	// import's end date is often only the date it was reported, later
	// than the curated one.
	ended := func(s Status) bool { return s == StatusWithdrawn || s == StatusExpired }
	if old.Status == new.Status || ended(old.Status) && ended(new.Status) {
		if old.Number == "" {
			old.Number = new.Number
		}
		old.Source += "; " + new.Source
		return old
	}
	if old.Route == EUCentralised && old.origin == originEMA && new.origin == originBDPM {
		old.Source += fmt.Sprintf("; %s (reports %s, not followed: the EMA register prevails)", new.Source, new.Status)
		return old
	}
	if new.Since.IsZero() {
		new.Since = old.Since
	}
	if new.Number == "" {
		new.Number = old.Number
	}
	if ended(new.Status) && new.Suspended.IsZero() {
		new.Suspended = old.Suspended // suspended, then ended
	}
	new.Source += fmt.Sprintf(" (was %s per %s)", old.Status, old.Source)
	return new
}
