package drafting

import (
	"testing"
	"time"

	"vigie/internal/cases"
	"vigie/internal/claims"
	"vigie/internal/classify"
	"vigie/internal/qualify"
)

// The fixed case of the tests: a fictional clinic promoting a dendritic
// cell therapy on a French version of its site, written to on 4 November
// 2024, heard, scanned again (one claim removed, the others remaining) and
// decided on 27 November 2024.

const site = "https://klinik-sonnenberg.example/"

var (
	scan1At = time.Date(2024, 10, 28, 9, 30, 0, 0, time.UTC)
	scan2At = time.Date(2024, 11, 25, 14, 0, 0, 0, time.UTC)
)

var fixturePages = []cases.Page{
	{URL: site + "fr/", Status: 200, Lang: "fr", Title: "Accueil", Record: "urn:uuid:p0"},
	{URL: site + "fr/traitements", Status: 200, Lang: "fr", Title: "Nos traitements", Record: "urn:uuid:p1"},
	{URL: site + "fr/resultats", Status: 200, Lang: "fr", Title: "Nos résultats", Record: "urn:uuid:p2"},
	{URL: site + "fr/procede", Status: 200, Lang: "fr", Title: "Notre procédé", Record: "urn:uuid:p3"},
	{URL: site + "fr/temoignages", Status: 200, Lang: "fr", Title: "Témoignages", Record: "urn:uuid:p4"},
	{URL: site + "fr/patients-francais", Status: 200, Lang: "fr", Title: "Patients venant de France", Record: "urn:uuid:p5"},
	{URL: site + "fr/tarifs", Status: 200, Lang: "fr", Record: "urn:uuid:p6"}, // no title: quoted by its address
	{URL: site + "en/treatments", Status: 200, Lang: "en", Title: "Our treatments", Record: "urn:uuid:p7"},
}

// fixtureClaims are the claims of the first scan, at their indexes.
func fixtureClaims(at time.Time) []cases.Claim {
	c := func(i int, cat, path, quote string) cases.Claim {
		return cases.Claim{Category: cat, Stance: claims.Promotional, Quote: quote, Rule: "test." + cat,
			URL: site + path, Record: "urn:uuid:c" + string(rune('0'+i)), Captured: at.Add(time.Duration(i) * time.Minute)}
	}
	return []cases.Claim{
		c(0, "efficacy", "en/treatments", "Our dendritic cell therapy destroys tumour cells in a targeted way."),
		c(1, "efficacy", "fr/traitements", "Notre immunothérapie par cellules dendritiques détruit les cellules tumorales de façon ciblée."),
		c(2, "success_rate", "fr/resultats", "Nos résultats parlent d'eux-mêmes : 87 % de nos patients voient leur tumeur régresser."),
		c(3, "safety", "fr/traitements", "Un traitement doux, sans aucun effet secondaire."),
		c(4, "manipulation", "fr/procede", "Vos monocytes sont prélevés, puis cultivés pendant sept jours dans notre laboratoire afin de se différencier en cellules dendritiques."),
		c(5, "manipulation", "fr/procede", "Les cellules dendritiques sont ensuite activées avec les antigènes de votre tumeur avant d'être réinjectées."),
		c(6, "testimonial", "fr/temoignages", "« Après trois injections, ma tumeur avait disparu. Je revis ! »"),
		c(7, "travel", "fr/patients-francais", "Notre infirmière se rend à votre domicile en France pour les injections de suivi."),
		c(8, "offer", "fr/tarifs", "Le cycle complet est proposé au prix de 14 900 €, consultation comprise."),
	}
}

// qualification is what qualify gives such claims, written out so that the
// golden files do not move with qualify's rules.
func qualification(cs []cases.Claim, at time.Time) qualify.Qualification {
	idx := func(cats ...string) []int {
		out := []int{}
		for i, c := range cs {
			for _, cat := range cats {
				if c.Category == cat {
					out = append(out, i)
				}
			}
		}
		return out
	}
	g := func(id string, holds bool, arts []string, text string, claims []int) qualify.Ground {
		if claims == nil {
			claims = []int{}
		}
		return qualify.Ground{ID: id, Holds: holds, Articles: arts, Text: text, Claims: claims}
	}
	reg := []string{"Règlement (CE) n° 1394/2007, art. 2"}
	return qualify.Qualification{
		Verdict: qualify.IllegalPromotion, Therapy: "dendritic-cell-therapy", Class: "somatic_cell_therapy",
		Grounds: []qualify.Ground{
			g(qualify.FrenchAudience, true, []string{}, "Le site est accessible en langue française et s'adresse ainsi au public et aux professionnels de santé français (signaux relevés : html-lang-fr, hreflang-fr, path-fr, price-eur).", nil),
			g(qualify.MedicinalByPresentation, true, []string{"CSP L.5111-1"}, "Le site présente le produit comme curatif.", idx("efficacy", "success_rate", "safety", "natural", "universality", "alternative")),
			g(qualify.ATMPClass, true, reg, "Le procédé comporte des manipulations substantielles.", idx("manipulation")),
			g(qualify.MedicinalByFunction, true, append([]string{"CSP L.5111-1"}, reg...), "Médicament par fonction.", nil),
			g(qualify.NoAuthorisation, true, []string{"Règlement (CE) n° 726/2004, art. 3", "CSP L.5121-8"}, "Aucune autorisation.", nil),
			g(qualify.Testimonials, true, []string{"CSP R.5122-4 12°"}, "Témoignages.", idx("testimonial")),
			g(qualify.IncitementAbroad, true, []string{"CSP R.5122-4 1°"}, "Voyage.", idx("travel")),
			g(qualify.Advertising, true, []string{"CSP L.5122-1"}, "Publicité.", idx("offer")),
			g(qualify.AdvertisingUnauthorised, true, []string{"CSP L.5122-3"}, "Publicité non autorisée.", nil),
			g(qualify.NoVisa, true, []string{"CSP L.5122-8", "CSP L.5122-9"}, "Pas de visa.", nil),
			g(qualify.PublicAdvertisingProhibited, false, []string{"CSP L.5122-6"}, "Pas en cause.", nil),
		},
		Violations: []qualify.Violation{
			{Articles: []string{"CSP L.5122-3"}, Text: "…"},
			{Articles: []string{"CSP L.5122-8", "CSP L.5122-9"}, Text: "…"},
			{Articles: []string{"CSP R.5122-4 2°"}, Text: "…"},
			{Articles: []string{"CSP R.5122-4 12°"}, Text: "…"},
		},
		Derivation: &qualify.Derivation{
			Product: classify.Product{Name: "thérapie cellulaire dendritique", Substances: []string{"cells"},
				Cells: &classify.Cells{Origin: "autologous", Manipulations: []string{"separation", "culture", "differentiation", "activation"}}},
			Result: classify.Result{Class: "somatic_cell_therapy", ATMP: true, Medicinal: true},
		},
		Registry: qualify.Snapshot{Date: "2024-10-28", Digest: "sha256:5e1f0c"},
		At:       at,
	}
}

func evidence(scan string, at time.Time, cs []cases.Claim) cases.Evidence {
	return cases.Evidence{
		Scan: scan, Site: site, Started: at, Finished: at.Add(9 * time.Minute),
		Archive: "/data/archives/" + scan, Ledger: "sha256:1edge",
		Qualification: qualification(cs, at),
		Audience:      claims.Audience{FrenchPublic: true, Signals: []string{"html-lang-fr", "hreflang-fr", "path-fr", "price-eur"}},
		Therapies:     []claims.Therapy{{ID: "dendritic-cell-therapy", Name: "thérapie cellulaire dendritique", Class: "somatic_cell_therapy"}},
		Claims:        cs,
		Pages:         fixturePages,
	}
}

// fixture is the case, the evidence the letter relied on, the follow-up
// scan the decision relies on, and their comparison.
type fixture struct {
	c        *cases.Case
	ev1, ev2 cases.Evidence
	since    cases.Comparison
}

func day(s string) time.Time {
	t, err := cases.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func stamp(d string) cases.Stamp {
	return cases.Stamp{Actor: "inspectrice.test", At: day(d).Add(10 * time.Hour)}
}

// newFixture builds the case with the commands of cases; scope is the
// letter's and the decision's.
func newFixture(t testing.TB, scope string) fixture {
	t.Helper()
	var f fixture
	f.ev1 = evidence("scan-1", scan1At, fixtureClaims(scan1At))
	all := fixtureClaims(scan2At)
	f.ev2 = evidence("scan-2", scan2At, append(all[:3:3], all[4:]...)) // the safety claim was removed
	f.since = cases.Compare(f.ev1, f.ev2)

	co := cases.Company{Name: "Klinik Sonnenberg GmbH", Addresses: []cases.Address{
		{Text: "Sonnenbergstraße 12\n79100 Freiburg im Breisgau", Country: "DE"},
		{Text: "Seestrasse 40\n8002 Zürich", Country: "CH"},
	}}
	c, err := cases.Open("2024-017", stamp("2024-10-21"), co, []string{site}, "dendritic-cell-therapy",
		&cases.Source{Text: "Alerte d'une autorité européenne", Date: "2024-10-18"})
	must := func(_ cases.Event, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	must(c.AttachScan(stamp("2024-10-28"), cases.ScanRef{Site: site, Scan: "scan-1", Verdict: qualify.IllegalPromotion, Finished: f.ev1.Finished}))
	must(c.Letter(stamp("2024-11-04"), cases.Letter{Date: "2024-11-04", Scope: scope, Deadline: "2024-11-19", Signatory: "Paul Exemple, directeur de l'inspection"}))
	must(c.Observe(stamp("2024-11-12"), cases.Observation{Date: "2024-11-12", Kind: cases.Written,
		Summary: "son site a une vocation purement informative et s'adresse aux patients suisses francophones",
		Answer:  "la version française du site, qui présente le produit comme un traitement du cancer et invite à prendre rendez-vous, s'adresse au public français"}))
	must(c.Observe(stamp("2024-11-18"), cases.Observation{Date: "2024-11-18", Kind: cases.Written,
		Summary: "elle a retiré de son site les allégations contestées."}))
	must(c.Observe(stamp("2024-11-20"), cases.Observation{Date: "2024-11-20", Kind: cases.Oral,
		Summary: "elle se borne à organiser le séjour en Allemagne de patients qui l'ont sollicitée",
		Answer:  "le site propose aux patients résidant en France un suivi à domicile par une infirmière : il ne se borne donc pas à organiser un séjour à l'étranger"}))
	must(c.RecordFollowUp(stamp("2024-11-25"), cases.FollowUpRecord{Date: "2024-11-25", Comparisons: []cases.CountsBySite{f.since.Counts()}},
		[]cases.ScanRef{{Site: site, Scan: "scan-2", Verdict: qualify.IllegalPromotion, Finished: f.ev2.Finished}}))
	must(c.Decide(stamp("2024-11-27"), cases.Decision{Date: "2024-11-27", Scope: scope,
		Signatory: "Marie Exemple, directrice générale adjointe chargée des opérations"}))
	f.c = c
	return f
}

// input is what each document is drafted from.
func (f fixture) input(doc string) Input {
	if doc == Letter {
		return Input{Case: f.c, Evidence: []cases.Evidence{f.ev1}, Date: day("2024-11-04")}
	}
	return Input{Case: f.c, Evidence: []cases.Evidence{f.ev2}, Since: []cases.Comparison{f.since}, Date: day("2024-11-27")}
}
