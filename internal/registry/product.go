package registry

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Route is the legal route by which a product may be put on the market
// (LEGAL.md §3).
type Route string

// The routes. Only the first four can authorise a product in France.
const (
	// EUCentralised is a marketing authorisation granted by the European
	// Commission (Regulation (EC) No 726/2004), valid in every member state;
	// the only marketing authorisation an ATMP can have.
	EUCentralised Route = "eu_centralised"
	// FRNational is a French marketing authorisation (CSP L.5121-8),
	// including those granted by mutual recognition or the decentralised
	// procedure.
	FRNational Route = "fr_national"
	// EarlyAccess is French early or compassionate access (accès précoce,
	// accès compassionnel: CSP L.5121-12, L.5121-12-1).
	EarlyAccess Route = "early_access"
	// ParallelImport is a French parallel import authorisation (CSP L.5124-13).
	ParallelImport Route = "parallel_import"
	// HospitalExemption is an ATMP prepared on a non-routine basis for one
	// patient in a hospital (MTI-PP in France, §4b AMG in Germany). It is
	// never a marketing authorisation, never authorises promotion, and a
	// permission of another country authorises nothing in France.
	HospitalExemption Route = "hospital_exemption"
	// NoRoute records a product known to have no authorisation at all.
	NoRoute Route = "none"
)

// routes in order of strength: a lookup reports the strongest first.
var routes = []Route{EUCentralised, FRNational, EarlyAccess, ParallelImport, HospitalExemption, NoRoute}

// authorises reports whether an authorisation by the route can make a
// product authorised for Authorised.
func (r Route) authorises() bool {
	return r == EUCentralised || r == FRNational || r == EarlyAccess || r == ParallelImport
}

// Status is the state of an authorisation, as its source reports it.
type Status string

// The statuses.
const (
	StatusAuthorised Status = "authorised"
	StatusSuspended  Status = "suspended"
	StatusWithdrawn  Status = "withdrawn" // at the holder's request, or revoked
	StatusExpired    Status = "expired"   // not renewed, lapsed
	StatusRefused    Status = "refused"
)

var statuses = []Status{StatusAuthorised, StatusSuspended, StatusWithdrawn, StatusExpired, StatusRefused}

// Classes a product may have: the ATMP classes of LEGAL.md §2, the
// non-ATMP outcomes of classification, and "unknown" (imported products
// that match no seed entry).
var classes = []string{
	"gene_therapy", "somatic_cell_therapy", "tissue_engineered", "combined_atmp",
	"cell_therapy_product", "labile_blood_product", "not_atmp", "unknown",
}

// Authorisation is one decision about a product by one route.
//
// Dates known only to the month or year are read in favour of the
// authorisation (earliest grant, latest end): Vigie must be able to prove
// "not authorised at date D", so it never asserts it for a day the data
// cannot support.
type Authorisation struct {
	Route   Route  `yaml:"route" json:"route"`
	Country string `yaml:"country,omitempty" json:"country,omitempty"` // "EU", or an ISO 3166 code; "FR" unless said
	Status  Status `yaml:"status" json:"status"`
	// Since is the date of the decision: grant, or refusal.
	Since Date `yaml:"since" json:"since"`
	// Until is the first day the authorisation no longer had effect
	// (withdrawn, expired); where the source gives no date, the date of the
	// source that reported the end (it had ended by then).
	Until Date `yaml:"until,omitempty" json:"until,omitzero"`
	// Suspended is the first day of a suspension not lifted since; where
	// the source gives no date, the date of the source that reported it.
	Suspended Date   `yaml:"suspended,omitempty" json:"suspended,omitzero"`
	Number    string `yaml:"number,omitempty" json:"number,omitempty"` // EMEA/H/C/…, EU/1/…, CIS code
	Source    string `yaml:"source" json:"source"`

	origin string // originSeed, or the kind of the import it came from
}

// InForce reports whether the authorisation made the product authorised
// on the day of at: a route that can authorise in France, granted on or
// before that day, and neither ended nor suspended by then.
func (a Authorisation) InForce(at time.Time) bool {
	if !a.Route.authorises() || !a.french() || a.Status == StatusRefused || a.Since.IsZero() {
		return false
	}
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
	if day.Before(a.Since.first()) {
		return false
	}
	for _, end := range []Date{a.Until, a.Suspended} {
		if !end.IsZero() && !day.Before(end.end()) {
			return false
		}
	}
	return true
}

// end is the first day an ending date certainly applies: the day itself,
// or the day after the month or year when only those are known.
func (d Date) end() time.Time {
	if d.day != 0 {
		return d.first()
	}
	return d.next()
}

// french reports whether the authorisation has effect in France.
func (a Authorisation) french() bool {
	switch a.Route {
	case EUCentralised:
		return a.Country == "" || a.Country == "EU"
	default:
		return a.Country == "" || a.Country == "FR"
	}
}

// Product is a medicine the registry knows, with every authorisation
// recorded for it.
type Product struct {
	ID    string `yaml:"id" json:"id"`
	Name  string `yaml:"name" json:"name"`
	INN   string `yaml:"inn,omitempty" json:"inn,omitempty"` // or the common name where there is no INN
	Class string `yaml:"class" json:"class"`
	// Synonyms are other names: development codes, abbreviations, the
	// INN in other languages, the denominations of national registers.
	Synonyms []string `yaml:"synonyms,omitempty" json:"synonyms,omitempty"`
	// Brands are other trade names of the same product (in other countries).
	Brands         []string        `yaml:"brands,omitempty" json:"brands,omitempty"`
	Authorisations []Authorisation `yaml:"authorisations" json:"authorisations"`
	Source         string          `yaml:"source" json:"source"` // where the product's description comes from
}

// AuthorisedAt reports whether one of p's authorisations is in force at at.
func (p *Product) AuthorisedAt(at time.Time) bool {
	for _, a := range p.Authorisations {
		if a.InForce(at) {
			return true
		}
	}
	return false
}

// Primary returns the authorisation that best describes p at at: the
// strongest in force, else the most recent decision of the strongest
// route. ok is false when p has no authorisation recorded.
func (p *Product) Primary(at time.Time) (a Authorisation, ok bool) {
	best := -1
	better := func(i int) bool {
		if best < 0 {
			return true
		}
		x, y := p.Authorisations[i], p.Authorisations[best]
		if fx, fy := x.InForce(at), y.InForce(at); fx != fy {
			return fx
		}
		if rx, ry := slices.Index(routes, x.Route), slices.Index(routes, y.Route); rx != ry {
			return rx < ry
		}
		return y.Since.Before(x.Since)
	}
	for i := range p.Authorisations {
		if better(i) {
			best = i
		}
	}
	if best < 0 {
		return Authorisation{}, false
	}
	return p.Authorisations[best], true
}

// errInvalid marks data that breaks the registry's rules.
var errInvalid = errors.New("invalid registry data")

// check validates p; the error names the product.
func (p *Product) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("product %q: %s: %w", p.ID, fmt.Sprintf(format, args...), errInvalid)
	}
	switch {
	case p.ID == "":
		return fmt.Errorf("product %q: no id: %w", p.Name, errInvalid)
	case p.Name == "":
		return bad("no name")
	case !slices.Contains(classes, p.Class):
		return bad("class %q: want one of %v", p.Class, classes)
	case p.Source == "":
		return bad("no source")
	}
	for i, a := range p.Authorisations {
		if err := a.check(); err != nil {
			return bad("authorisation %d: %v", i+1, err)
		}
	}
	return nil
}

func (a Authorisation) check() error {
	switch {
	case !slices.Contains(routes, a.Route):
		return fmt.Errorf("route %q: want one of %v", a.Route, routes)
	case !slices.Contains(statuses, a.Status):
		return fmt.Errorf("status %q: want one of %v", a.Status, statuses)
	case a.Source == "":
		return errors.New("no source")
	case a.Since.IsZero() && a.Route != NoRoute:
		return errors.New("no since date")
	case !a.Until.IsZero() && !a.Since.IsZero() && a.Until.Before(a.Since):
		return fmt.Errorf("until %s is before since %s", a.Until, a.Since)
	case (a.Status == StatusWithdrawn || a.Status == StatusExpired) && a.Until.IsZero():
		return fmt.Errorf("status %s needs an until date", a.Status)
	case a.Status == StatusSuspended && a.Suspended.IsZero():
		return errors.New("status suspended needs a suspended date")
	case a.Status == StatusAuthorised && (!a.Until.IsZero() || !a.Suspended.IsZero()):
		return errors.New("status authorised with an until or suspended date")
	case a.Route == EUCentralised && a.Country != "" && a.Country != "EU":
		return fmt.Errorf("route eu_centralised in country %q", a.Country)
	case (a.Route == FRNational || a.Route == EarlyAccess || a.Route == ParallelImport) && a.Country != "" && a.Country != "FR":
		return fmt.Errorf("route %s is French, not %q", a.Route, a.Country)
	}
	return nil
}
