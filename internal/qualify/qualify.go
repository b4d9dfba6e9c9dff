package qualify

import (
	"fmt"
	"strings"
	"time"

	"vigie/internal/claims"
)

// Verdicts.
const (
	IllegalPromotion = "illegal_promotion"
	NeedsReview      = "needs_review"
	NoViolation      = "no_violation_found"
)

// Ground ids, in LEGAL.md's order.
const (
	FrenchAudience              = "french_audience"
	MedicinalByPresentation     = "medicinal_by_presentation"
	ATMPClass                   = "atmp_class"
	MedicinalByFunction         = "medicinal_by_function"
	NoAuthorisation             = "no_authorisation"
	Testimonials                = "testimonials"
	IncitementAbroad            = "incitement_abroad"
	Advertising                 = "advertising"
	AdvertisingUnauthorised     = "advertising_unauthorised"
	NoVisa                      = "no_visa"
	PublicAdvertisingProhibited = "public_advertising_prohibited"
)

// Claim is a site's claim as qualification sees it.
type Claim struct {
	Category        string
	Stance          string
	Quote           string
	Match           string // the words the rule matched
	URL             string
	PageLang        string
	PagePromotional bool // the claim's page promotes a therapy
}

// Input is what a site showed.
type Input struct {
	Audience  claims.Audience
	Therapies []Therapy
	Claims    []Claim // grounds cite them by index
	At        time.Time
	Registry  Snapshot
}

// Therapy is a therapy the site names, with the pages it was named on.
type Therapy struct {
	claims.Therapy
	Pages            int // pages naming it
	PromotionalPages int // promotional pages naming it
}

// Snapshot identifies the registry data a qualification relied on.
type Snapshot struct {
	Date   string `json:"date"`
	Digest string `json:"digest"`
}

// Qualification is the `qualification` of the site report (DESIGN.md).
type Qualification struct {
	Verdict    string      `json:"verdict"`
	Therapy    string      `json:"therapy,omitempty"` // id of the therapy the grounds are about
	Class      string      `json:"class,omitempty"`
	Grounds    []Ground    `json:"grounds"`
	Violations []Violation `json:"violations"`
	Missing    []string    `json:"missing,omitempty"`    // for needs_review: grounds that could not be established
	Derivation *Derivation `json:"derivation,omitempty"` // the product description the site's own words give, classified
	Registry   Snapshot    `json:"registry"`
	At         time.Time   `json:"at"`
}

// Ground is one step of the reasoning.
type Ground struct {
	ID       string   `json:"id"`
	Holds    bool     `json:"holds"`
	Articles []string `json:"articles"`
	Text     string   `json:"text"`
	Claims   []int    `json:"claims"`
}

// Violation is a rule the site breaches.
type Violation struct {
	Articles []string `json:"articles"`
	Text     string   `json:"text"`
}

var atmpClasses = map[string]string{
	"gene_therapy":         "médicament de thérapie génique",
	"somatic_cell_therapy": "médicament de thérapie cellulaire somatique",
	"tissue_engineered":    "produit issu de l'ingénierie tissulaire",
	"combined_atmp":        "médicament combiné de thérapie innovante",
}

// ClassNameFR names an ATMP class in French ("médicament de thérapie
// cellulaire somatique"), as the grounds do; false for a class that is not
// an ATMP.
func ClassNameFR(class string) (string, bool) {
	n, ok := atmpClasses[class]
	return n, ok
}

// Qualify applies LEGAL.md section 5 to a site's findings.
func Qualify(in Input) Qualification {
	q := Qualification{Registry: in.Registry, At: in.At, Grounds: []Ground{}, Violations: []Violation{}}
	th, ok := mainTherapy(in.Therapies)
	name := "?"
	if ok {
		q.Therapy, q.Class, name = th.ID, th.Class, th.Name
	}
	promo := func(cats ...string) []int {
		var idx []int
		for i, c := range in.Claims {
			if c.Stance != claims.Promotional || !c.PagePromotional {
				continue
			}
			for _, cat := range cats {
				if c.Category == cat {
					idx = append(idx, i)
				}
			}
		}
		return idx
	}
	add := func(id string, holds bool, articles []string, text string, idx []int) bool {
		if idx == nil {
			idx = []int{}
		}
		q.Grounds = append(q.Grounds, Ground{ID: id, Holds: holds, Articles: articles, Text: text, Claims: idx})
		return holds
	}

	// 1. The French public.
	french := add(FrenchAudience, in.Audience.FrenchPublic, []string{},
		frenchText(in.Audience), nil)

	// 2. Medicine by presentation: claims of curative or preventive
	// properties (CSP L.5111-1).
	pres := promo("efficacy", "success_rate", "safety", "natural", "universality", "alternative")
	byPresentation := add(MedicinalByPresentation, ok && len(pres) > 0, []string{"CSP L.5111-1"},
		presentationText(name, in.Claims, pres), pres)

	// 3. ATMP class, from the site's own description of its process.
	var manip []int
	classLabel, isATMP := atmpClasses[q.Class]
	byNature := isATMP
	if ok {
		if der, err := Derive(th, in.Claims); err == nil {
			q.Derivation = der
			manip = der.manipulationClaims()
			switch r := der.Result; {
			case q.Class == "gene_therapy" && r.Class != "gene_therapy":
				// A gene therapy stays one (CAR-T cells are genetically
				// modified whether or not the site says so): gene therapy
				// takes precedence over the cell classes. The site's words
				// still show the manipulations.
				isATMP, byNature = true, len(manip) == 0
			case r.ATMP:
				q.Class, isATMP, byNature = r.Class, true, false
				classLabel = atmpClasses[r.Class]
			case r.Class != "needs_more_facts":
				// The site's own description rules the ATMP classes out.
				q.Class, isATMP, byNature = r.Class, false, false
			}
		}
	}
	atmp := add(ATMPClass, ok && isATMP, []string{"Règlement (CE) n° 1394/2007, art. 2"},
		atmpText(name, classLabel, isATMP, byNature, in.Claims, manip, q.Derivation), manip)

	// 4. Medicine by function: an ATMP acts through its cells or sequence.
	byFunction := add(MedicinalByFunction, atmp, []string{"CSP L.5111-1", "Règlement (CE) n° 1394/2007, art. 2"},
		functionText(name, atmp), nil)
	medicinal := byPresentation || byFunction

	// 5. No authorisation.
	authorised := ok && th.Authorised
	unauth := add(NoAuthorisation, ok && medicinal && !authorised,
		[]string{"Règlement (CE) n° 726/2004, art. 3", "CSP L.5121-8"},
		authorisationText(name, ok, authorised, in.Registry, in.At), nil)

	// 7–8. Testimonials and travel.
	testi := promo("testimonial")
	add(Testimonials, len(testi) > 0, []string{"CSP R.5122-4 12°"}, testimonialText(in.Claims, testi), testi)
	travel := promo("travel")
	add(IncitementAbroad, len(travel) > 0, []string{"CSP R.5122-4 1°"}, travelText(in.Claims, travel), travel)

	// 9. Advertising: information that aims to promote the therapy.
	offer := promo("offer")
	adv := promotionalPages(in.Claims) > 0 && ok
	add(Advertising, adv, []string{"CSP L.5122-1"}, advertisingText(name, adv, in.Claims, offer), offer)

	// 10–11. Only authorised medicines may be advertised; never without a visa.
	advUnauth := add(AdvertisingUnauthorised, adv && unauth, []string{"CSP L.5122-3"},
		unauthorisedAdText(name, adv && unauth), nil)
	publicBan := adv && authorised && french && atmp
	add(NoVisa, adv && medicinal && (unauth || publicBan), []string{"CSP L.5122-8", "CSP L.5122-9"},
		visaText(adv && medicinal && (unauth || publicBan), unauth), nil)
	add(PublicAdvertisingProhibited, publicBan, []string{"CSP L.5122-6"}, publicBanText(name, publicBan), nil)

	if advUnauth {
		q.Violations = append(q.Violations,
			Violation{[]string{"CSP L.5122-3"}, "Publicité en faveur d'un médicament qui ne bénéficie d'aucune autorisation de mise sur le marché."},
			Violation{[]string{"CSP L.5122-8", "CSP L.5122-9"}, "Publicité diffusée sans le visa préalable de l'Agence, qui ne peut être délivré pour un médicament non autorisé."})
	}
	if publicBan {
		q.Violations = append(q.Violations, Violation{[]string{"CSP L.5122-6"}, "Publicité auprès du public pour un médicament soumis à prescription médicale."})
	}
	if adv && medicinal && (unauth || publicBan) {
		q.Violations = append(q.Violations, r5122Violations(in.Claims, promo)...)
	}

	switch {
	case !adv:
		q.Verdict = NoViolation
	case french && medicinal && (unauth || publicBan):
		q.Verdict = IllegalPromotion
	case authorised && !publicBan && french:
		// An authorised medicine advertised to the public: lawful only if
		// it is not prescription-only and has the agency's visa, which the
		// registry cannot tell.
		q.Verdict = NeedsReview
		q.Missing = append(q.Missing, NoVisa)
	default:
		q.Verdict = NeedsReview
		if !french {
			q.Missing = append(q.Missing, FrenchAudience)
		}
		if !medicinal {
			q.Missing = append(q.Missing, MedicinalByPresentation, MedicinalByFunction)
		}
		if !unauth && !authorised {
			q.Missing = append(q.Missing, NoAuthorisation)
		}
	}
	return q
}

// mainTherapy is the therapy the grounds are about: the one named on the
// most promotional pages (an unauthorised one before an authorised one it is
// compared with); on a site that promotes nothing, the most named, a named
// medicine before the kind of therapy it belongs to.
func mainTherapy(ts []Therapy) (claims.Therapy, bool) {
	better := func(a, b Therapy) bool {
		switch {
		case a.PromotionalPages != b.PromotionalPages:
			return a.PromotionalPages > b.PromotionalPages
		case a.PromotionalPages > 0 && a.Authorised != b.Authorised:
			return !a.Authorised
		case a.Pages != b.Pages:
			return a.Pages > b.Pages
		}
		return a.Product && !b.Product
	}
	best := -1
	for i, t := range ts {
		if best < 0 || better(t, ts[best]) {
			best = i
		}
	}
	if best < 0 {
		return claims.Therapy{}, false
	}
	return ts[best].Therapy, true
}

func promotionalPages(cs []Claim) int {
	pages := map[string]bool{}
	for _, c := range cs {
		if c.PagePromotional {
			pages[c.URL] = true
		}
	}
	return len(pages)
}

// r5122Violations groups the promotional claims by the item of R.5122-4
// their category falls under (LEGAL.md section 4).
func r5122Violations(cs []Claim, promo func(...string) []int) []Violation {
	items := []struct {
		item, what string
		cats       []string
	}{
		{"1°", "présente la consultation comme superflue ou propose un traitement à distance", []string{"travel"}},
		{"2°", "présente l'effet comme assuré, sans effets indésirables, supérieur ou égal à d'autres traitements", []string{"efficacy", "success_rate", "safety", "alternative"}},
		{"6°", "se prévaut de recommandations de scientifiques, de professionnels de santé ou de personnalités", []string{"endorsement"}},
		{"8°", "attribue la sécurité ou l'efficacité au caractère naturel du produit", []string{"natural"}},
		{"11°", "présente l'action du produit de façon excessive ou trompeuse", []string{"universality", "success_rate"}},
		{"12°", "fait état d'attestations de guérison", []string{"testimonial"}},
	}
	var out []Violation
	for _, it := range items {
		idx := promo(it.cats...)
		if len(idx) == 0 {
			continue
		}
		out = append(out, Violation{[]string{"CSP R.5122-4 " + it.item},
			fmt.Sprintf("La publicité %s : %s.", it.what, quotes(cs, idx, 2))})
	}
	return out
}

// quotes renders up to n claims as « … » with their page: French pages
// first (the decision addresses the French public), each sentence once.
func quotes(cs []Claim, idx []int, n int) string {
	order := make([]int, 0, len(idx))
	seen := map[string]bool{}
	for _, fr := range []bool{true, false} {
		for _, k := range idx {
			if (cs[k].PageLang == "fr") == fr && !seen[cs[k].Quote] {
				seen[cs[k].Quote] = true
				order = append(order, k)
			}
		}
	}
	var parts []string
	for i, k := range order {
		if i == n {
			break
		}
		parts = append(parts, fmt.Sprintf("« %s » (%s)", strings.Trim(cs[k].Quote, " «»“”\""), cs[k].URL))
	}
	if len(order) > n {
		parts = append(parts, fmt.Sprintf("et %d autre(s)", len(order)-n))
	}
	return strings.Join(parts, ", ")
}
