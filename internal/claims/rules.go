package claims

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

//go:embed rules/*.yaml rules/audience.txt rules/verdict.tsv
var embedded embed.FS

// DefaultRules returns the embedded rule set.
func DefaultRules() (*Rules, error) { return LoadRulesWithDefaults("") }

// LoadRulesWithDefaults returns the embedded rules with dir's files added or
// substituted by name ("" for none).
func LoadRulesWithDefaults(dir string) (*Rules, error) {
	sub, err := fs.Sub(embedded, "rules")
	if err != nil {
		return nil, err
	}
	return LoadRules(sub, dir)
}

// LoadRules compiles every *.yaml file of fsys, its list of French cities
// (audience.txt) and its verdict model (verdict.tsv). When dir is not "",
// its *.yaml files are read too: a file with the name of an embedded one
// replaces it, others are added; its audience.txt and verdict.tsv, if
// any, replace fsys's. Errors name the file and the rule.
func LoadRules(fsys fs.FS, dir string) (*Rules, error) {
	files := map[string][]byte{}
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		files[n] = b
	}
	if dir != "" {
		over, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			return nil, err
		}
		if len(over) == 0 {
			return nil, fmt.Errorf("rules directory %s: no *.yaml file", dir)
		}
		for _, p := range over {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			files[filepath.Base(p)] = b
		}
	}
	model, err := fs.ReadFile(fsys, verdictFile)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if dir != "" {
		if b, err := os.ReadFile(filepath.Join(dir, verdictFile)); err == nil {
			model = b
		}
	}
	if model == nil {
		return nil, fmt.Errorf("rules: no %s (the page verdict's model)", verdictFile)
	}
	files[verdictFile] = model
	r, err := compileRules(files)
	if err != nil {
		return nil, err
	}
	cities, err := fs.ReadFile(fsys, "audience.txt")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if dir != "" {
		if b, err := os.ReadFile(filepath.Join(dir, "audience.txt")); err == nil {
			cities = b
		}
	}
	r.cities = parseCities(cities)
	return r, nil
}

// ruleFile is the shape of one rules file.
type ruleFile struct {
	Categories []struct {
		ID      string `yaml:"id"`
		R5122_4 string `yaml:"r5122_4"`
	} `yaml:"categories"`
	Rules []struct {
		ID       string   `yaml:"id"`
		Category string   `yaml:"category"`
		Patterns []string `yaml:"patterns"`
		Quoted   bool     `yaml:"quoted"`  // the rule matches only within quotation marks
		Absence  bool     `yaml:"absence"` // the rule states an absence: a negator between its words denies it
		Price    bool     `yaml:"price"`   // the rule states a price (an offer rule)
	} `yaml:"rules"`
	Cues      map[string][]string   `yaml:"cues"`
	Classes   map[string]classWords `yaml:"classes"` // word classes patterns name as @name
	Therapies []struct {
		ID       string            `yaml:"id"`
		Class    string            `yaml:"class"`
		Product  bool              `yaml:"product"`
		Names    map[string]string `yaml:"names"`
		Patterns []string          `yaml:"patterns"`
	} `yaml:"therapies"`
}

// classWords are the words of a class. Each must be a string: YAML would
// otherwise turn `null`, `yes` or `no` into something else, or drop it.
type classWords []string

func (c *classWords) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.SequenceNode {
		return fmt.Errorf("line %d: a class is a list of words", n.Line)
	}
	for _, w := range n.Content {
		if w.Kind != yaml.ScalarNode || w.Tag != "!!str" {
			return fmt.Errorf("line %d: %q is not a word: quote it", w.Line, w.Value)
		}
		*c = append(*c, w.Value)
	}
	return nil
}

// Categories of DESIGN.md's taxonomy, in its order.
var Categories = []string{
	"efficacy", "success_rate", "safety", "natural", "universality", "alternative",
	"testimonial", "endorsement", "travel", "offer", "manipulation",
}

// Classes a therapy may have (DESIGN.md classification outcomes, or unknown).
var Classes = []string{
	"gene_therapy", "somatic_cell_therapy", "tissue_engineered", "combined_atmp",
	"cell_therapy_product", "labile_blood_product", "not_atmp", "unknown",
}

type cueKind int

const (
	cueNegation cueKind = iota
	cueNegationNear
	cueParticle
	cueReporting
	cueFirstPerson
	cueCritical
	cueScientific
	cueFrenchPatients
	cueInvestigation
	cueRisks
	cueAsking
	cuePayer
	cueBoilerplate
	cueReferral
	cueNarrated
	cueSponsored
	numCueKinds
)

var cueKinds = map[string]cueKind{
	"negation": cueNegation, "negation_near": cueNegationNear, "particle": cueParticle,
	"reporting": cueReporting, "first_person": cueFirstPerson, "critical": cueCritical,
	"scientific": cueScientific, "french_patients": cueFrenchPatients, "investigation": cueInvestigation,
	"risks": cueRisks, "asking": cueAsking, "payer": cuePayer, "boilerplate": cueBoilerplate,
	"referral": cueReferral, "narrated": cueNarrated, "sponsored": cueSponsored,
}

type ownerKind int

const (
	ownRule ownerKind = iota
	ownTherapy
	ownCue
)

type owner struct {
	kind ownerKind
	idx  int // into Rules.rules, Rules.therapies, or a cueKind
}

type rule struct {
	id, category string
	cat          int    // the category's index in Categories
	lang         string // the id's prefix: "fr" for fr.safety.no-risk
	quoted       bool   // matches only within quotation marks (a patient's words)
	absence      bool   // states an absence ("no side effects"): a negator between its words denies it
	price        bool   // states a price: sellers do, hospitals giving authorised medicines do not
}

// therapyEntry is one therapy of the lexicon.
type therapyEntry struct {
	id, class string
	product   bool
	names     map[string]string
}

// Rules is a compiled rule set. It is immutable and safe for concurrent use.
type Rules struct {
	rules     []rule
	therapies []therapyEntry
	r5122     map[string]string // category → R.5122-4 item
	owners    []owner
	m         *matcher
	cities    map[string][][]string // French cities, folded words, by first word
	spare     sync.Pool             // *workspace: the scratch space of analyses done
	verdict   *verdictModel         // rules/verdict.tsv
	wordIDs   []int32               // vocabulary id → index in verdict.words, -1 for none
}

// verdictFile names the verdict model among the files compileRules reads.
const verdictFile = "verdict.tsv"

func compileRules(files map[string][]byte) (*Rules, error) {
	r := &Rules{m: newMatcher(), r5122: map[string]string{}}
	model, err := parseVerdictModel(files[verdictFile])
	if err != nil {
		return nil, err
	}
	delete(files, verdictFile)
	r.verdict = model
	known := map[string]bool{}
	catIndex := map[string]int{}
	for i, c := range Categories {
		known[c] = true
		catIndex[c] = i
	}
	validClass := map[string]bool{}
	for _, c := range Classes {
		validClass[c] = true
	}
	seen := map[string]string{}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	parsed := make([]ruleFile, len(names))
	classFile := map[string]string{}
	r.m.classes = map[string][]string{}
	for i, name := range names {
		f := &parsed[i]
		dec := yaml.NewDecoder(bytes.NewReader(files[name]))
		dec.KnownFields(true)
		if err := dec.Decode(f); err != nil && !errors.Is(err, io.EOF) { // an empty file is fine
			return nil, fmt.Errorf("rules %s: %w", name, err)
		}
		// Classes first: a pattern may name a class of any file.
		for cl, words := range f.Classes {
			if !validClassName(cl) {
				return nil, fmt.Errorf("rules %s: class %q: a class name is lower-case letters, digits, '.', '_' or '-'", name, cl)
			}
			if prev, dup := classFile[cl]; dup {
				return nil, fmt.Errorf("rules %s: class %q already defined in %s", name, cl, prev)
			}
			if len(words) == 0 {
				return nil, fmt.Errorf("rules %s: class %q has no words", name, cl)
			}
			for _, w := range words {
				if strings.ContainsAny(w, "@|[]~# ") {
					return nil, fmt.Errorf("rules %s: class %q: %q is not a word (word, word* or *word)", name, cl, w)
				}
				if _, err := parseAlt(w); err != nil {
					return nil, fmt.Errorf("rules %s: class %q: %w", name, cl, err)
				}
			}
			classFile[cl] = name
			r.m.classes[cl] = words
		}
	}
	for i, name := range names {
		f := &parsed[i]
		for _, c := range f.Categories {
			if !known[c.ID] {
				return nil, fmt.Errorf("rules %s: unknown category %q", name, c.ID)
			}
			r.r5122[c.ID] = c.R5122_4
		}
		for _, ru := range f.Rules {
			where := fmt.Sprintf("rules %s: rule %q", name, ru.ID)
			if ru.ID == "" {
				return nil, fmt.Errorf("rules %s: a rule has no id", name)
			}
			if prev, dup := seen[ru.ID]; dup {
				return nil, fmt.Errorf("%s: id already used in %s", where, prev)
			}
			seen[ru.ID] = name
			if !known[ru.Category] {
				return nil, fmt.Errorf("%s: unknown category %q (want one of %s)", where, ru.Category, strings.Join(Categories, ", "))
			}
			if len(ru.Patterns) == 0 {
				return nil, fmt.Errorf("%s: no patterns", where)
			}
			o := len(r.owners)
			r.owners = append(r.owners, owner{kind: ownRule, idx: len(r.rules)})
			r.rules = append(r.rules, rule{id: ru.ID, category: ru.Category, cat: catIndex[ru.Category], lang: strings.SplitN(ru.ID, ".", 2)[0], quoted: ru.Quoted, absence: ru.Absence, price: ru.Price})
			lang := langCode(r.rules[len(r.rules)-1].lang)
			for _, p := range ru.Patterns {
				if err := r.m.addIn(p, o, lang); err != nil {
					return nil, fmt.Errorf("%s: %w", where, err)
				}
			}
		}
		for kindName, pats := range f.Cues {
			k, ok := cueKinds[kindName]
			if !ok {
				return nil, fmt.Errorf("rules %s: unknown cue kind %q", name, kindName)
			}
			o := len(r.owners)
			r.owners = append(r.owners, owner{kind: ownCue, idx: int(k)})
			for _, p := range pats {
				if err := r.m.add(p, o); err != nil {
					return nil, fmt.Errorf("rules %s: cue %s: %w", name, kindName, err)
				}
			}
		}
		for _, t := range f.Therapies {
			where := fmt.Sprintf("rules %s: therapy %q", name, t.ID)
			if t.ID == "" || len(t.Patterns) == 0 {
				return nil, fmt.Errorf("rules %s: a therapy needs an id and patterns", name)
			}
			if !validClass[t.Class] {
				return nil, fmt.Errorf("%s: unknown class %q", where, t.Class)
			}
			o := len(r.owners)
			r.owners = append(r.owners, owner{kind: ownTherapy, idx: len(r.therapies)})
			r.therapies = append(r.therapies, therapyEntry{id: t.ID, class: t.Class, product: t.Product, names: t.Names})
			for _, p := range t.Patterns {
				if err := r.m.add(p, o); err != nil {
					return nil, fmt.Errorf("%s: %w", where, err)
				}
			}
		}
	}
	if len(r.rules) == 0 {
		return nil, errors.New("rules: no claim rule loaded")
	}
	// The verdict's words are vocabulary entries too: the scanner looks
	// every token up once, for the patterns and the verdict alike.
	for k, w := range model.words {
		id := r.m.vocab.id(alt{word: w})
		for len(r.wordIDs) <= int(id) {
			r.wordIDs = append(r.wordIDs, -1)
		}
		r.wordIDs[id] = int32(k)
	}
	for len(r.m.firsts) < int(r.m.vocab.size) {
		r.m.firsts = append(r.m.firsts, nil)
		r.m.afterNum = append(r.m.afterNum, nil)
	}
	r.m.vocab.freeze()
	return r, nil
}

// R5122Item returns the item of CSP R.5122-4 a category maps to, or "".
func (r *Rules) R5122Item(category string) string { return r.r5122[category] }

// TherapyName returns a therapy's name in lang (falling back to French, then
// English), or "" for an unknown id.
func (r *Rules) TherapyName(id, lang string) string {
	for _, t := range r.therapies {
		if t.id != id {
			continue
		}
		for _, l := range []string{lang, "fr", "en"} {
			if n := t.names[l]; n != "" {
				return n
			}
		}
		return t.id
	}
	return ""
}
