package qualify

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"vigie/internal/claims"
	"vigie/internal/classify"
	"vigie/internal/extract"
)

//go:embed derive.yaml
var deriveData []byte

// stems maps facts to the word stems that show them.
type stems struct {
	Manipulations map[string][]string `yaml:"manipulations"`
	Origin        map[string][]string `yaml:"origin"`
	Purposes      map[string][]string `yaml:"purposes"`
	Actions       map[string][]string `yaml:"actions"`
}

// loadStems reads the embedded table once; it is never modified.
var loadStems = sync.OnceValues(func() (*stems, error) {
	var s stems
	if err := yaml.Unmarshal(deriveData, &s); err != nil {
		return nil, fmt.Errorf("qualify: derive.yaml: %w", err)
	}
	return &s, nil
})

// Derivation is the product description a site's own words give, with the
// claims each fact rests on.
type Derivation struct {
	Product  classify.Product `json:"product"`
	Evidence map[string][]int `json:"evidence"` // fact ("cells.manipulations.culture") → claim indexes
	Result   classify.Result  `json:"classification"`
}

// Derive builds the description of the product a site sells from its own
// process description (manipulation claims) and claims about what the
// product does, then classifies it. therapy is the lexicon's entry for it.
func Derive(th claims.Therapy, cs []Claim) (*Derivation, error) {
	st, err := loadStems()
	if err != nil {
		return nil, err
	}
	d := &Derivation{Evidence: map[string][]int{}}
	p := &d.Product
	p.Name = th.Name
	// A site repeats its claims from page to page: each text is read once
	// for each table.
	type key struct {
		table *map[string][]string
		text  string
	}
	seen := map[key][]string{}
	found := func(table *map[string][]string, text string) []string {
		if out, ok := seen[key{table, text}]; ok {
			return out
		}
		var out []string
		words := foldedWords(text)
		for fact, ss := range *table {
			for _, w := range words {
				if hasStem(w, ss) {
					out = append(out, fact)
					break
				}
			}
		}
		slices.Sort(out)
		seen[key{table, text}] = out
		return out
	}
	var manip, origins []string
	for i, c := range cs {
		// The site's own words on the pages where it promotes the product,
		// as for every other ground.
		if c.Stance != claims.Promotional || !c.PagePromotional {
			continue
		}
		switch c.Category {
		case "manipulation":
			for _, m := range found(&st.Manipulations, c.Match+" "+c.Quote) {
				if !slices.Contains(manip, m) {
					manip = append(manip, m)
				}
				d.Evidence["cells.manipulations."+m] = append(d.Evidence["cells.manipulations."+m], i)
			}
			for _, o := range found(&st.Origin, c.Quote) {
				origins = append(origins, o)
				d.Evidence["cells.origin."+o] = append(d.Evidence["cells.origin."+o], i)
			}
		case "efficacy", "success_rate", "safety", "universality", "alternative", "testimonial", "natural":
			for _, pu := range found(&st.Purposes, c.Quote) {
				if !slices.Contains(p.Purposes, pu) {
					p.Purposes = append(p.Purposes, pu)
				}
				d.Evidence["purposes."+pu] = append(d.Evidence["purposes."+pu], i)
			}
			for _, a := range found(&st.Actions, c.Quote) {
				d.Evidence["action."+a] = append(d.Evidence["action."+a], i)
			}
		}
	}
	switch {
	case th.Class == "gene_therapy" && len(manip) == 0:
		// A gene therapy the site does not describe: a recombinant
		// nucleic acid given as such.
		p.Substances = []string{"recombinant_nucleic_acid"}
	case len(manip) > 0 || th.Class != "not_atmp":
		p.Substances = []string{"cells"}
		p.Cells = &classify.Cells{Manipulations: manip} // nil when nothing is said: not "no manipulation"
		switch {
		case slices.Contains(origins, "allogeneic"):
			p.Cells.Origin = "allogeneic" // autologous and allogeneic counts as allogeneic
		case slices.Contains(origins, "autologous"):
			p.Cells.Origin = "autologous"
		}
		viable := true // cells given to act in the body
		p.Cells.Viable = &viable
	}
	switch {
	case len(d.Evidence["action.metabolic"]) > len(d.Evidence["action.immunological"]):
		p.Action = "metabolic"
	case len(d.Evidence["action.immunological"]) > 0:
		p.Action = "immunological"
	case len(p.Purposes) > 0:
		p.Action = "pharmacological"
	}
	d.Result = classify.Classify(p)
	return d, nil
}

func hasStem(word string, stems []string) bool {
	for _, s := range stems {
		if strings.HasPrefix(word, s) {
			return true
		}
	}
	return false
}

// foldedWords splits text into folded words, as claims matches them.
func foldedWords(text string) []string {
	toks := extract.Tokenize(text)
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.Norm
	}
	return words
}

// manipulationClaims are the claims that show the cells' manipulations, in
// order, each once.
func (d *Derivation) manipulationClaims() []int {
	seen := map[int]bool{}
	var idx []int
	for fact, is := range d.Evidence {
		if !strings.HasPrefix(fact, "cells.manipulations.") {
			continue
		}
		for _, i := range is {
			if !seen[i] {
				seen[i] = true
				idx = append(idx, i)
			}
		}
	}
	slices.Sort(idx)
	return idx
}
