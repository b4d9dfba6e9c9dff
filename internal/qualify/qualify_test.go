package qualify

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/internal/claims"
)

var at = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func french() claims.Audience {
	return claims.Audience{FrenchPublic: true, Signals: []string{"html-lang-fr", "hreflang-fr"}}
}

func dendritic(promoPages int) Therapy {
	return Therapy{Therapy: claims.Therapy{ID: "dendritic-cell-therapy", Name: "thérapie cellulaire dendritique", Class: "somatic_cell_therapy"}, Pages: promoPages, PromotionalPages: promoPages}
}

// clinicClaims is a promoting clinic's findings; indexes matter.
func clinicClaims() []Claim {
	return []Claim{
		{Category: "safety", Stance: "promotional", Quote: "Sans effets secondaires.", URL: "https://c.example/fr/", PageLang: "fr", PagePromotional: true},                    // 0
		{Category: "manipulation", Stance: "promotional", Quote: "Vos monocytes sont cultivés 7 jours.", URL: "https://c.example/fr/t", PageLang: "fr", PagePromotional: true}, // 1
		{Category: "testimonial", Stance: "promotional", Quote: "« Je suis guérie. »", URL: "https://c.example/fr/tem", PageLang: "fr", PagePromotional: true},                 // 2
		{Category: "offer", Stance: "promotional", Quote: "12 500 € le cycle.", URL: "https://c.example/fr/tarifs", PageLang: "fr", PagePromotional: true},                     // 3
		{Category: "efficacy", Stance: "reported", Quote: "« Il guérit tout », dit-on.", URL: "https://c.example/fr/", PageLang: "fr", PagePromotional: true},                  // 4: not the site's own claim
		{Category: "travel", Stance: "promotional", Quote: "Une infirmière vient chez vous.", URL: "https://c.example/fr/", PageLang: "fr", PagePromotional: true},             // 5
	}
}

func grounds(q Qualification) map[string]Ground {
	m := map[string]Ground{}
	for _, g := range q.Grounds {
		m[g.ID] = g
	}
	return m
}

func TestQualifyIllegalPromotion(t *testing.T) {
	q := Qualify(Input{Audience: french(), Therapies: []Therapy{dendritic(3)}, Claims: clinicClaims(), At: at, Registry: Snapshot{"2026-11-22", "sha256:x"}})
	if q.Verdict != IllegalPromotion {
		t.Fatalf("verdict = %s, want %s (%+v)", q.Verdict, IllegalPromotion, q.Grounds)
	}
	var order []string
	for _, g := range q.Grounds {
		order = append(order, g.ID)
	}
	want := []string{FrenchAudience, MedicinalByPresentation, ATMPClass, MedicinalByFunction, NoAuthorisation,
		Testimonials, IncitementAbroad, Advertising, AdvertisingUnauthorised, NoVisa, PublicAdvertisingProhibited}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("grounds not in LEGAL.md's order (-want +got):\n%s", diff)
	}
	g := grounds(q)
	for id, wantClaims := range map[string][]int{
		MedicinalByPresentation: {0}, ATMPClass: {1}, Testimonials: {2}, Advertising: {3}, IncitementAbroad: {5},
	} {
		if !g[id].Holds || !cmp.Equal(g[id].Claims, wantClaims) {
			t.Errorf("%s: holds=%v claims=%v, want holds with %v", id, g[id].Holds, g[id].Claims, wantClaims)
		}
	}
	if g[PublicAdvertisingProhibited].Holds {
		t.Error("public_advertising_prohibited holds for an unauthorised product")
	}
	if !strings.Contains(g[MedicinalByPresentation].Text, "« Sans effets secondaires. »") || !strings.Contains(g[NoAuthorisation].Text, "22 novembre 2026") {
		t.Errorf("grounds do not quote their evidence: %q / %q", g[MedicinalByPresentation].Text, g[NoAuthorisation].Text)
	}
	arts := map[string]bool{}
	for _, v := range q.Violations {
		for _, a := range v.Articles {
			arts[a] = true
		}
	}
	for _, a := range []string{"CSP L.5122-3", "CSP L.5122-8", "CSP R.5122-4 2°", "CSP R.5122-4 12°"} {
		if !arts[a] {
			t.Errorf("violations lack %s: %+v", a, q.Violations)
		}
	}
}

func TestQualifyAuthorisedProductAdvertisedToPublic(t *testing.T) {
	kymriah := Therapy{Therapy: claims.Therapy{ID: "kymriah", Name: "Kymriah", Class: "gene_therapy", Authorised: true, Product: true}, Pages: 1, PromotionalPages: 1}
	q := Qualify(Input{Audience: french(), Therapies: []Therapy{kymriah}, Claims: clinicClaims(), At: at})
	g := grounds(q)
	if q.Verdict != IllegalPromotion || !g[PublicAdvertisingProhibited].Holds || g[AdvertisingUnauthorised].Holds || g[NoAuthorisation].Holds {
		t.Errorf("verdict %s, L.5122-6 %v, L.5122-3 %v, no_authorisation %v: want illegal_promotion on L.5122-6 only",
			q.Verdict, g[PublicAdvertisingProhibited].Holds, g[AdvertisingUnauthorised].Holds, g[NoAuthorisation].Holds)
	}
}

func TestQualifyNoPromotion(t *testing.T) {
	cs := clinicClaims()
	for i := range cs {
		cs[i].PagePromotional = false
	}
	q := Qualify(Input{Audience: french(), Therapies: []Therapy{dendritic(0)}, Claims: cs, At: at})
	if q.Verdict != NoViolation || grounds(q)[Advertising].Holds || len(q.Violations) != 0 {
		t.Errorf("verdict %s, violations %v: want no_violation_found when no page promotes", q.Verdict, q.Violations)
	}
}

func TestQualifyNeedsReviewWhenAudienceNotFrench(t *testing.T) {
	q := Qualify(Input{Audience: claims.Audience{Signals: []string{"price-eur"}}, Therapies: []Therapy{dendritic(3)}, Claims: clinicClaims(), At: at})
	if q.Verdict != NeedsReview || !cmp.Equal(q.Missing, []string{FrenchAudience}) {
		t.Errorf("verdict %s missing %v, want needs_review missing french_audience", q.Verdict, q.Missing)
	}
}

func TestMainTherapyPrefersPromotedUnauthorised(t *testing.T) {
	kymriah := Therapy{Therapy: claims.Therapy{ID: "kymriah", Authorised: true, Product: true}, Pages: 2, PromotionalPages: 2}
	if th, _ := mainTherapy([]Therapy{kymriah, dendritic(2)}); th.ID != "dendritic-cell-therapy" {
		t.Errorf("main therapy = %s, want the unauthorised one a clinic compares with Kymriah", th.ID)
	}
	carT := Therapy{Therapy: claims.Therapy{ID: "car-t-cell-therapy", Class: "gene_therapy"}, Pages: 2}
	kymriah.PromotionalPages = 0
	if th, _ := mainTherapy([]Therapy{carT, kymriah}); th.ID != "kymriah" {
		t.Errorf("main therapy = %s, want the named medicine on an information site", th.ID)
	}
}

func TestFrenchDate(t *testing.T) {
	for in, want := range map[string]string{"2024-11-27": "27 novembre 2024", "2025-03-01": "1er mars 2025", "2025-08-15": "15 août 2025"} {
		d, _ := time.Parse(time.DateOnly, in)
		if got := FrenchDate(d); got != want {
			t.Errorf("FrenchDate(%s) = %q, want %q", in, got, want)
		}
	} // Taken in UTC, the evidence's clock: 00:30 in Paris on 1 December is
	// still 30 November there.
	if got := FrenchDate(time.Date(2026, 12, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600))); got != "30 novembre 2026" {
		t.Errorf("FrenchDate of 00:30 CET on 1 December = %q, want the UTC day", got)
	}
}

func TestDerivationDoesNotDowngradeGeneTherapy(t *testing.T) {
	carT := Therapy{Therapy: claims.Therapy{ID: "car-t-cell-therapy", Name: "cellules CAR-T", Class: "gene_therapy"}, Pages: 2, PromotionalPages: 2}
	cs := clinicClaims()
	cs[1].Quote = "Vos lymphocytes T sont prélevés puis cultivés et multipliés dans notre laboratoire."
	q := Qualify(Input{Audience: french(), Therapies: []Therapy{carT}, Claims: cs, At: at})
	if q.Class != "gene_therapy" || !grounds(q)[ATMPClass].Holds {
		t.Errorf("class %s (atmp_class %v), want a gene therapy described by the site", q.Class, grounds(q)[ATMPClass].Holds)
	}
}

func TestDerivationReadsPromotingPagesOnly(t *testing.T) {
	cs := clinicClaims()
	cs[1].PagePromotional = false // the process described on a page that promotes nothing
	q := Qualify(Input{Audience: french(), Therapies: []Therapy{dendritic(3)}, Claims: cs, At: at})
	if q.Derivation == nil || len(q.Derivation.Evidence) != 0 && len(q.Derivation.manipulationClaims()) != 0 {
		t.Errorf("derivation %+v cites a page that promotes nothing", q.Derivation)
	}
}

func TestAuthorisedMedicineAdvertisedNeedsReview(t *testing.T) {
	med := Therapy{Therapy: claims.Therapy{ID: "prp", Name: "un médicament", Class: "not_atmp", Authorised: true, Product: true}, Pages: 1, PromotionalPages: 1}
	q := Qualify(Input{Audience: french(), Therapies: []Therapy{med}, Claims: clinicClaims(), At: at})
	if q.Verdict != NeedsReview {
		t.Errorf("verdict %s, want needs_review for an authorised medicine advertised to the public", q.Verdict)
	}
}
