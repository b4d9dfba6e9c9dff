// Package classify applies the definitions of advanced therapy medicinal
// products (Regulation (EC) No 1394/2007, art. 2 and Annex I; Directive
// 2001/83/EC Annex I part IV) to a product description, as the EMA's
// committee for advanced therapies would, and says which facts are missing
// when they do not decide. It sits above claims in the pipeline; qualify
// uses it to state the class of what a site sells.
package classify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Product is a product description (DESIGN.md, Classification). Pointers
// tell a fact that was not given from a fact that is false.
type Product struct {
	Name        string      `yaml:"name" json:"name"`
	Substances  []string    `yaml:"substances" json:"substances"`
	Cells       *Cells      `yaml:"cells" json:"cells"`
	Purposes    []string    `yaml:"purposes" json:"purposes"`
	Action      string      `yaml:"action" json:"action"`
	Device      Device      `yaml:"device" json:"device"`
	NucleicAcid NucleicAcid `yaml:"nucleic_acid" json:"nucleic_acid"`
}

// Cells describes the cells or tissues of a product.
type Cells struct {
	Viable                *bool    `yaml:"viable" json:"viable"`
	Origin                string   `yaml:"origin" json:"origin"`
	Manipulations         []string `yaml:"manipulations" json:"manipulations"`
	SameEssentialFunction *bool    `yaml:"same_essential_function" json:"same_essential_function"`
	BloodComponent        bool     `yaml:"blood_component" json:"blood_component"`
}

// Device describes a medical device in the product.
type Device struct {
	Present  bool `yaml:"present" json:"present"`
	Integral bool `yaml:"integral" json:"integral"`
	CEMarked bool `yaml:"ce_marked" json:"ce_marked"`
}

// NucleicAcid describes a nucleic acid in the product.
type NucleicAcid struct {
	Recombinant              *bool `yaml:"recombinant" json:"recombinant"`
	Transient                bool  `yaml:"transient" json:"transient"`
	InfectiousDiseaseVaccine bool  `yaml:"infectious_disease_vaccine" json:"infectious_disease_vaccine"`
}

// Vocabularies of the description.
var (
	Substances = []string{"cells", "tissues", "recombinant_nucleic_acid", "mrna", "protein", "chemical"}
	Purposes   = []string{"treat", "prevent", "diagnose", "regenerate", "repair", "replace"}
	Actions    = []string{"pharmacological", "immunological", "metabolic", "structural"}
	Origins    = []string{"autologous", "allogeneic", "xenogeneic", "autologous_and_allogeneic"}
	// NotSubstantial are the manipulations of Annex I of Regulation
	// 1394/2007 (digestion: the enzymatic step of a cell separation).
	NotSubstantial = []string{"cutting", "grinding", "shaping", "centrifugation", "soaking", "sterilisation",
		"irradiation", "separation", "concentration", "purification", "filtering", "lyophilisation",
		"freezing", "cryopreservation", "vitrification", "digestion"}
	// Substantial are manipulations that change the cells' biological
	// characteristics, physiological functions or structural properties.
	Substantial = []string{"culture", "expansion", "differentiation", "activation", "genetic_modification",
		"reprogramming", "loading", "engineering"}
)

// ManipulationFR names each manipulation in French, for the grounds.
var ManipulationFR = map[string]string{
	"cutting": "découpage", "grinding": "broyage", "shaping": "façonnage", "centrifugation": "centrifugation",
	"soaking": "trempage dans une solution antibiotique ou antimicrobienne", "sterilisation": "stérilisation",
	"irradiation": "irradiation", "separation": "séparation", "concentration": "concentration",
	"purification": "purification", "filtering": "filtration", "lyophilisation": "lyophilisation",
	"freezing": "congélation", "cryopreservation": "cryoconservation", "vitrification": "vitrification",
	"digestion": "digestion enzymatique", "culture": "mise en culture", "expansion": "expansion",
	"differentiation": "différenciation", "activation": "activation", "genetic_modification": "modification génétique",
	"reprogramming": "reprogrammation", "loading": "chargement en antigènes", "engineering": "ingénierie",
}

// ErrInvalid is wrapped by Parse's errors about the description itself.
var ErrInvalid = errors.New("invalid product description")

// Parse reads a description in YAML or JSON. Unknown fields and values
// outside the vocabularies are errors that name them.
func Parse(r io.Reader) (*Product, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, err
	}
	var p Product
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrInvalid)
	}
	if trimmed[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(trimmed))
		dec.KnownFields(true)
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
	}
	return &p, p.validate()
}

func (p *Product) validate() error {
	check := func(field string, values []string, allowed []string) error {
		for _, v := range values {
			if !slices.Contains(allowed, v) {
				return fmt.Errorf("%w: %s: unknown value %q (want one of %s)", ErrInvalid, field, v, strings.Join(allowed, ", "))
			}
		}
		return nil
	}
	if err := check("substances", p.Substances, Substances); err != nil {
		return err
	}
	if err := check("purposes", p.Purposes, Purposes); err != nil {
		return err
	}
	if p.Action != "" {
		if err := check("action", []string{p.Action}, Actions); err != nil {
			return err
		}
	}
	if p.Cells != nil {
		if p.Cells.Origin != "" {
			if err := check("cells.origin", []string{p.Cells.Origin}, Origins); err != nil {
				return err
			}
		}
		if err := check("cells.manipulations", p.Cells.Manipulations, append(slices.Clone(NotSubstantial), Substantial...)); err != nil {
			return err
		}
	}
	return nil
}

func (p *Product) has(substance string) bool { return slices.Contains(p.Substances, substance) }

func (p *Product) purpose(ps ...string) bool {
	for _, x := range ps {
		if slices.Contains(p.Purposes, x) {
			return true
		}
	}
	return false
}
