package qualify

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"vigie/internal/claims"
	"vigie/internal/classify"
)

// The sentences of the grounds, in the register of the agency's decisions.

func frenchText(a claims.Audience) string {
	if !a.FrenchPublic {
		return fmt.Sprintf("Il n'est pas établi que le site s'adresse au public français (signaux relevés : %s).", orNone(a.Signals))
	}
	return fmt.Sprintf("Le site est accessible en langue française et s'adresse ainsi au public et aux professionnels de santé français (signaux relevés : %s).", strings.Join(a.Signals, ", "))
}

func presentationText(name string, cs []Claim, idx []int) string {
	if len(idx) == 0 {
		return "Le site ne présente pas de produit comme possédant des propriétés curatives ou préventives à l'égard des maladies humaines."
	}
	return fmt.Sprintf("Le site présente le produit « %s » comme possédant des propriétés curatives ou préventives à l'égard des maladies humaines, notamment en ces termes : %s ; ce produit constitue ainsi un médicament par présentation au sens de l'article L.5111-1 du code de la santé publique.", name, quotes(cs, idx, 4))
}

func atmpText(name, label string, isATMP, byNature bool, cs []Claim, manip []int, d *Derivation) string {
	switch {
	case !isATMP && d != nil && d.Result.Class != "needs_more_facts":
		return fmt.Sprintf("Selon la description qu'en donne le site, le produit « %s » n'est pas un médicament de thérapie innovante (%s).", name, d.Result.Class)
	case !isATMP:
		return fmt.Sprintf("Les éléments relevés ne permettent pas de qualifier le produit « %s » de médicament de thérapie innovante.", name)
	case byNature && len(manip) == 0:
		return fmt.Sprintf("Le produit « %s » est, par sa nature, un %s au sens de l'article 2 du règlement (CE) n° 1394/2007 ; le site ne décrit pas son procédé de fabrication.", name, label)
	}
	var subst []string
	var described []string
	if d != nil && d.Product.Cells != nil {
		described = d.Product.Cells.Manipulations
	}
	for _, m := range described {
		if slices.Contains(classify.Substantial, m) {
			subst = append(subst, classify.ManipulationFR[m])
		}
	}
	what := "comporte au moins une manipulation substantielle des cellules"
	if len(subst) > 0 {
		what = fmt.Sprintf("comporte des manipulations substantielles des cellules (%s), qui ne figurent pas à l'annexe I du règlement", strings.Join(subst, ", "))
	}
	return fmt.Sprintf("Selon la description qu'en donne le site lui-même (%s), le procédé %s ; le produit « %s » constitue ainsi un %s au sens de l'article 2 du règlement (CE) n° 1394/2007.", quotes(cs, manip, 3), what, name, label)
}

func functionText(name string, atmp bool) string {
	if !atmp {
		return fmt.Sprintf("Il n'est pas établi que le produit « %s » restaure, corrige ou modifie des fonctions physiologiques par une action pharmacologique, immunologique ou métabolique.", name)
	}
	return fmt.Sprintf("En tant que médicament de thérapie innovante agissant par une action pharmacologique, immunologique ou métabolique, le produit « %s » constitue également un médicament par fonction au sens de l'article L.5111-1 du code de la santé publique.", name)
}

func authorisationText(name string, known, authorised bool, reg Snapshot, at time.Time) string {
	switch {
	case !known:
		return "Aucun produit n'a pu être identifié sur le site."
	case authorised:
		return fmt.Sprintf("Le produit « %s » bénéficie d'une autorisation de mise sur le marché en vigueur au %s (registre du %s, %s).", name, FrenchDate(at), reg.Date, reg.Digest)
	}
	return fmt.Sprintf("Le produit « %s » ne bénéficie, au %s, d'aucune autorisation de mise sur le marché délivrée par la Commission européenne, ni d'aucune autorisation permettant sa mise à disposition en France (registre du %s, %s).", name, FrenchDate(at), reg.Date, reg.Digest)
}

func testimonialText(cs []Claim, idx []int) string {
	if len(idx) == 0 {
		return "Le site ne relaie pas de témoignages de patients."
	}
	return fmt.Sprintf("Le site relaie des témoignages de patients faisant état de leur guérison ou de l'efficacité du traitement : %s.", quotes(cs, idx, 3))
}

func travelText(cs []Claim, idx []int) string {
	if len(idx) == 0 {
		return "Le site n'incite pas les patients à se rendre à l'étranger pour y être traités."
	}
	return fmt.Sprintf("Le site est de nature à inciter les patients à se rendre à l'étranger pour y recevoir le traitement, ou leur propose un suivi à distance : %s.", quotes(cs, idx, 3))
}

func advertisingText(name string, adv bool, cs []Claim, offer []int) string {
	if !adv {
		return "Les pages examinées ne visent pas à promouvoir la prescription, la délivrance, la vente ou la consommation d'un médicament."
	}
	s := fmt.Sprintf("L'ensemble de ces informations vise à promouvoir la prescription, la délivrance, la vente ou la consommation du produit « %s » auprès du public et des professionnels de santé ; il constitue une publicité au sens de l'article L.5122-1 du code de la santé publique", name)
	if len(offer) > 0 {
		s += fmt.Sprintf(", le site proposant en outre de l'obtenir : %s", quotes(cs, offer, 2))
	}
	return s + "."
}

func unauthorisedAdText(name string, holds bool) string {
	if !holds {
		return "La publicité ne porte pas sur un médicament dépourvu d'autorisation."
	}
	return fmt.Sprintf("Seuls peuvent faire l'objet d'une publicité les médicaments ayant obtenu une autorisation de mise sur le marché ; tel n'est pas le cas du produit « %s ».", name)
}

func visaText(holds, unauth bool) string {
	switch {
	case !holds:
		return "Aucune méconnaissance de l'obligation de visa n'est établie."
	case unauth:
		return "La publicité, qui requiert un visa préalable de l'Agence, n'a pas été et ne pouvait pas être autorisée, le produit ne disposant d'aucune autorisation de mise sur le marché."
	}
	return "La publicité a été diffusée sans le visa préalable de l'Agence."
}

func publicBanText(name string, holds bool) string {
	if !holds {
		return "L'interdiction de la publicité auprès du public pour les médicaments soumis à prescription n'est pas en cause."
	}
	return fmt.Sprintf("Le produit « %s » est un médicament de thérapie innovante soumis à prescription médicale : il ne peut faire l'objet d'aucune publicité auprès du public.", name)
}

var months = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// FrenchDate writes a day as the agency does: "27 novembre 2024", "1er
// mars 2025"; times are taken in UTC, as the evidence records them.
func FrenchDate(t time.Time) string {
	t = t.UTC()
	day := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %d", day, months[t.Month()-1], t.Year())
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "aucun"
	}
	return strings.Join(s, ", ")
}
