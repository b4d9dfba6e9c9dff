package classify

import (
	"fmt"
	"slices"
	"strings"
)

// Classes, as in DESIGN.md, and the outcome when the facts do not decide.
const (
	GeneTherapy        = "gene_therapy"
	SomaticCellTherapy = "somatic_cell_therapy"
	TissueEngineered   = "tissue_engineered"
	CombinedATMP       = "combined_atmp"
	CellTherapyProduct = "cell_therapy_product"
	LabileBloodProduct = "labile_blood_product"
	NotATMP            = "not_atmp"
	NeedsMoreFacts     = "needs_more_facts"
)

// Result is a classification (`vigie classify --format json`).
type Result struct {
	Name      string   `json:"name,omitempty"`
	Class     string   `json:"class"`
	ATMP      bool     `json:"atmp"`
	Medicinal bool     `json:"medicinal"`
	Grounds   []Ground `json:"grounds"`
	Missing   []string `json:"missing,omitempty"` // with needs_more_facts: the facts that would decide
}

// Ground is one step of the reasoning, with its legal basis.
type Ground struct {
	Text     string   `json:"text"`
	Articles []string `json:"articles"`
}

const (
	artATMP     = "Règlement (CE) n° 1394/2007, art. 2"
	artAnnexI   = "Règlement (CE) n° 1394/2007, annexe I"
	artGT       = "Directive 2001/83/CE, annexe I, partie IV, 2.1"
	artSCT      = "Directive 2001/83/CE, annexe I, partie IV, 2.2"
	artMedicine = "Directive 2001/83/CE, art. 1er, 2)"
	artCSP      = "CSP L.5111-1"
	artTissues  = "Directive 2004/23/CE"
	artBlood    = "Directive 2002/98/CE"
)

// Classify applies the definitions, in the order their precedence requires:
// gene therapy before the cell classes, tissue engineering before somatic
// cell therapy, the device test for combined products.
func Classify(p *Product) Result {
	r := Result{Name: p.Name, Grounds: []Ground{}}
	say := func(text string, arts ...string) { r.Grounds = append(r.Grounds, Ground{text, arts}) }
	medicinalPurpose := p.purpose("treat", "prevent", "diagnose")
	medicinalAction := p.Action == "pharmacological" || p.Action == "immunological" || p.Action == "metabolic"

	// 1. Nucleic acids: gene therapy, unless a vaccine against an
	// infectious disease. Transience alone does not exclude.
	geneticallyModified := p.Cells != nil && slices.Contains(p.Cells.Manipulations, "genetic_modification")
	recombinant := p.has("recombinant_nucleic_acid") || p.has("mrna") ||
		p.NucleicAcid.Recombinant != nil && *p.NucleicAcid.Recombinant
	if recombinant || geneticallyModified {
		if p.NucleicAcid.InfectiousDiseaseVaccine && !geneticallyModified {
			say("Le produit est un vaccin contre une maladie infectieuse : il est exclu de la définition des médicaments de thérapie génique.", artGT)
			return r.finish(NotATMP, medicinalPurpose || medicinalAction)
		}
		if geneticallyModified {
			say("Les cellules sont génétiquement modifiées : la substance active contient un acide nucléique recombinant dont l'expression produit l'effet recherché.", artGT)
		} else {
			say("La substance active est ou contient un acide nucléique recombinant administré pour réguler, réparer, remplacer, ajouter ou supprimer une séquence génétique.", artGT)
		}
		if p.NucleicAcid.Transient {
			say("Le caractère transitoire de l'expression n'exclut pas la qualification (avis du comité des thérapies innovantes sur les ARN messagers thérapeutiques).", artGT)
		}
		if len(p.Purposes) == 0 {
			r.Missing = append(r.Missing, "purposes")
			return r.finish(NeedsMoreFacts, false)
		}
		say("Un produit qui relève à la fois de la thérapie génique et d'une autre classe est un médicament de thérapie génique.", artATMP)
		return r.finish(GeneTherapy, true)
	}

	// 2. Cells and tissues.
	if !p.has("cells") && !p.has("tissues") && p.Cells == nil {
		say("Le produit ne contient ni acide nucléique recombinant, ni cellules ou tissus : ce n'est pas un médicament de thérapie innovante.", artATMP)
		return r.finish(NotATMP, medicinalPurpose && medicinalAction)
	}
	c := p.Cells
	if c == nil {
		r.Missing = append(r.Missing, "cells.manipulations", "cells.same_essential_function")
		return r.finish(NeedsMoreFacts, false)
	}
	if c.BloodComponent {
		say("Le produit est un composant d'un don de sang (concentré de globules rouges, plaquettes, plasma) : un produit sanguin labile, hors du champ des médicaments de thérapie innovante.", artBlood)
		return r.finish(LabileBloodProduct, false)
	}
	var substantial, all []string
	for _, m := range c.Manipulations {
		if slices.Contains(Substantial, m) {
			substantial = append(substantial, ManipulationFR[m])
		}
		all = append(all, ManipulationFR[m])
	}
	switch {
	case len(substantial) > 0:
		say(fmt.Sprintf("Les cellules ont fait l'objet de manipulations substantielles (%s), qui ne figurent pas à l'annexe I du règlement et modifient leurs caractéristiques biologiques, leurs fonctions physiologiques ou leurs propriétés structurelles.", strings.Join(substantial, ", ")), artATMP, artAnnexI)
	case len(c.Manipulations) > 0:
		say(fmt.Sprintf("Les manipulations subies (%s) figurent à l'annexe I du règlement : elles ne sont pas substantielles.", strings.Join(all, ", ")), artAnnexI)
	}
	homologous := c.SameEssentialFunction
	switch {
	case len(substantial) > 0:
	case homologous == nil:
		if c.Manipulations == nil {
			r.Missing = append(r.Missing, "cells.manipulations")
		}
		r.Missing = append(r.Missing, "cells.same_essential_function")
		return r.finish(NeedsMoreFacts, false)
	case *homologous && c.Manipulations == nil:
		r.Missing = append(r.Missing, "cells.manipulations")
		return r.finish(NeedsMoreFacts, false)
	case *homologous:
		say("Les cellules, sans manipulation substantielle, sont destinées à la même fonction essentielle chez le receveur et chez le donneur : il s'agit d'un produit de thérapie cellulaire, qui n'est pas un médicament.", artTissues, artATMP)
		return r.finish(CellTherapyProduct, false)
	default:
		say("Les cellules ne sont pas destinées à être utilisées pour la même fonction essentielle chez le receveur et chez le donneur (usage non homologue).", artATMP)
	}

	// 3. Engineered cells: the device test, then tissue engineering, then
	// somatic cell therapy.
	if p.Device.Present && p.Device.Integral {
		if c.Viable == nil {
			r.Missing = append(r.Missing, "cells.viable")
			return r.finish(NeedsMoreFacts, false)
		}
		if *c.Viable || medicinalAction {
			say("Le produit incorpore comme partie intégrante un dispositif médical, et sa partie cellulaire contient des cellules viables (ou dont l'action est principale) : c'est un médicament combiné de thérapie innovante.", artATMP)
			return r.finish(CombinedATMP, true)
		}
	}
	if p.purpose("regenerate", "repair", "replace") {
		say("Les cellules issues de l'ingénierie sont présentées ou utilisées pour régénérer, réparer ou remplacer un tissu humain : c'est un produit issu de l'ingénierie tissulaire, qui l'emporte sur la thérapie cellulaire somatique.", artATMP)
		return r.finish(TissueEngineered, true)
	}
	if medicinalPurpose {
		if p.Action == "" {
			r.Missing = append(r.Missing, "action")
			return r.finish(NeedsMoreFacts, false)
		}
		if medicinalAction {
			say(fmt.Sprintf("Les cellules sont présentées ou utilisées pour traiter, prévenir ou diagnostiquer une maladie par leur action %s : c'est un médicament de thérapie cellulaire somatique.", actionFR[p.Action]), artSCT, artATMP)
			return r.finish(SomaticCellTherapy, true)
		}
	}
	if len(p.Purposes) == 0 {
		r.Missing = append(r.Missing, "purposes")
	} else {
		r.Missing = append(r.Missing, "action")
	}
	return r.finish(NeedsMoreFacts, false)
}

var actionFR = map[string]string{
	"pharmacological": "pharmacologique", "immunological": "immunologique", "metabolic": "métabolique",
}

// finish sets the outcome and its concluding ground.
func (r *Result) finish(class string, medicinal bool) Result {
	say := func(text string, arts ...string) { r.Grounds = append(r.Grounds, Ground{text, arts}) }
	r.Class = class
	r.ATMP = class == GeneTherapy || class == SomaticCellTherapy || class == TissueEngineered || class == CombinedATMP
	r.Medicinal = medicinal || r.ATMP
	switch {
	case class == NeedsMoreFacts:
		say(fmt.Sprintf("Les faits fournis ne permettent pas de conclure ; il manque : %s.", strings.Join(r.Missing, ", ")))
	case r.ATMP:
		say("Médicament de thérapie innovante, il est aussi un médicament par fonction.", artMedicine, artCSP)
	case r.Medicinal:
		say("Le produit reste un médicament, hors des médicaments de thérapie innovante.", artMedicine, artCSP)
	}
	return *r
}
