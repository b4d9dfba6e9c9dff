package claims

import (
	"slices"
	"strings"
	"testing"

	"vigie/internal/extract"
)

func TestPatternMatching(t *testing.T) {
	tests := []struct {
		pattern, text string
		want          string // matched words, "" for no match
	}{
		{"sans effet* secondaire*", "Un traitement SANS effets secondaires.", "SANS effets secondaires"},
		{"sans ~2 effet* secondaire*", "sans aucun effet secondaire", "sans aucun effet secondaire"},
		{"sans ~1 effet* secondaire*", "sans le moindre effet secondaire", ""},
		{"taux ~3 reponse ~6 #", "un taux de réponse de 87 %", "taux de réponse de 87"},
		{"# ~2 €", "12 500 € le cycle", "12 500 €"},
		{"l efficacite", "L'efficacité prouvée", "L'efficacité"},
		{"non invasi*", "une méthode non-invasive", "non-invasive"},
		{"guerison [complete|totale] possible", "guérison possible", "guérison possible"},
		{"guerison [complete|totale] possible", "guérison totale possible", "guérison totale possible"},
		{"oeuvre", "Œuvre", "Œuvre"},
		{"strasse", "Straße", "Straße"},
		{"car t", "les cellules CAR-T", "CAR-T"},
		{"car t", "car il faut", ""},
		// Suffixes: the head of a German compound is its last word.
		{"eigene* *zellen", "mit Ihren eigenen Stammzellen", "eigenen Stammzellen"},
		{"eigene* *zellen", "mit Ihren eigenen Zellen", "eigenen Zellen"},
		{"*krebs", "bei Krebsarten", ""},
		// Classes.
		{"@sick ~2 gueri*", "la maladie est guérie", "maladie est guérie"},
		{"@sick ~2 gueri*", "le patient est guéri", ""},
		// Unordered: any order within the window, the shortest span.
		{"&5 nebenwirkung* ausgeschlossen|selten", "Ernsthafte Nebenwirkungen sind praktisch ausgeschlossen.", "Nebenwirkungen sind praktisch ausgeschlossen"},
		{"&5 nebenwirkung* ausgeschlossen|selten", "Selten treten leichte Nebenwirkungen auf.", "Selten treten leichte Nebenwirkungen"},
		{"&3 nebenwirkung* ausgeschlossen|selten", "Selten treten leichte Nebenwirkungen auf.", ""},
		{"&4 # % besserung", "Besserung bei 78 % der Fälle", "Besserung bei 78 %"},
		{"&4 # % besserung", "78 % Besserung", "78 % Besserung"},
		{"&4 a a b", "a b", ""}, // each element on a token of its own
		{"&4 a a b", "a x b a", "a x b a"},
	}
	classes := map[string][]string{"sick": {"maladie*", "cancer*", "*krankheit"}}
	for _, tt := range tests {
		t.Run(tt.pattern+"/"+tt.text, func(t *testing.T) {
			m := newMatcher()
			m.classes = classes
			if err := m.add(tt.pattern, 0); err != nil {
				t.Fatal(err)
			}
			toks := extract.Tokenize(tt.text)
			ms := m.find(nil, toks)
			got := ""
			if len(ms) > 0 {
				got = tt.text[toks[ms[0].start].Start:toks[ms[0].end-1].End]
			}
			if got != tt.want {
				t.Errorf("match %q in %q = %q, want %q", tt.pattern, tt.text, got, tt.want)
			}
		})
	}
}

func TestPatternErrors(t *testing.T) {
	for _, bad := range []string{"", "~2 effet", "[sans] effet", "effet ~2", "effet ~0 x", "effet ~99 x", "l'effet", "a|",
		"*krebs*", "@nowhere ~2 effet", "effet &5 secondaire", "krebs.", "effet|&x", "&3 a", "&2 a b c", "&1 a", "&13 a b", "&4 a ~2 b", "&4 a [b]", "&x a b", "&8 a b c d e f g"} {
		if _, _, err := compilePattern(bad, map[string][]string{"known": {"a"}}); err == nil {
			t.Errorf("compilePattern(%q) accepted a bad pattern", bad)
		}
	}
}

func TestLoadRulesErrorsNameTheRule(t *testing.T) {
	tests := []struct{ file, want string }{
		{"rules: [{id: x.y, category: bogus, patterns: [a]}]", `rule "x.y": unknown category "bogus"`},
		{"rules: [{id: x.y, category: safety, patterns: [\"~3 a\"]}]", `rule "x.y": pattern`},
		{"rules: [{id: x.y, category: safety, patterns: [a], colour: red}]", "field colour not found"},
		{"cues: {shouting: [a]}", `unknown cue kind "shouting"`},
		{"therapies: [{id: t, class: magic, patterns: [a]}]", `therapy "t": unknown class "magic"`},
		{"rules: [{id: x.y, category: safety, patterns: [\"@ghost effet\"]}]", `rule "x.y": pattern "@ghost effet": no word class "ghost"`},
		{"classes: {Bad Name: [a]}", `class "Bad Name"`},
		{"classes: {c: []}", `class "c" has no words`},
		{"classes: {c: [\"a|b\"]}", `class "c": "a|b" is not a word`},
		{"classes: {c: [keine, null]}", `"null" is not a word: quote it`},
		{"classes: {c: word}", `a class is a list of words`},
	}
	for _, tt := range tests {
		_, err := compileRules(map[string][]byte{"bad.yaml": []byte(tt.file)})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "bad.yaml") {
			t.Errorf("compileRules(%q) error = %v, want it to name bad.yaml and say %q", tt.file, err, tt.want)
		}
	}
}

// An unordered pattern whose elements can each be its anchor ("x x", or
// two words in two classes) reports its match once.
func TestUnorderedMatchesOnce(t *testing.T) {
	m := newMatcher()
	m.classes = map[string][]string{"back": {"zertifiziert", "empfohlen"}, "auth": {"empfohlen", "zertifiziert", "klinik"}}
	for _, p := range []string{"&3 x x", "&3 @back @auth"} {
		if err := m.add(p, 0); err != nil {
			t.Fatal(err)
		}
	}
	for text, want := range map[string]int{"x x": 1, "zertifiziert und empfohlen": 1, "x y x und zertifiziert": 1} {
		if ms := m.find(nil, extract.Tokenize(text)); len(ms) != want {
			t.Errorf("%q: matches %v, want %d", text, ms, want)
		}
	}
}

// A class may be defined in one file and named in another; a name is
// defined once.
func TestWordClassesAcrossFiles(t *testing.T) {
	files := map[string][]byte{
		"a.yaml": []byte("rules: [{id: fr.safety.x, category: safety, patterns: [\"sans @fr.harm\"]}]"),
		"b.yaml": []byte("classes: {fr.harm: [\"risque*\", douleur]}"),
	}
	r, err := compileRules(files)
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]int{"sans risques": 1, "sans douleur": 1, "sans douleurs": 0} {
		if got := len(r.m.find(nil, extract.Tokenize(text))); got != want {
			t.Errorf("%q: %d matches, want %d", text, got, want)
		}
	}
	files["c.yaml"] = []byte("classes: {fr.harm: [mal]}")
	if _, err := compileRules(files); err == nil || !strings.Contains(err.Error(), `class "fr.harm" already defined in b.yaml`) {
		t.Errorf("a class defined twice: error %v", err)
	}
}

func FuzzMatch(f *testing.F) {
	rules, err := DefaultRules()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("Notre traitement est sans effets secondaires, 12 500 € : « guérison » assurée.")
	f.Add("It's free of side effects… 87 % success!")
	f.Fuzz(func(t *testing.T, text string) {
		toks := extract.Tokenize(text)
		for _, m := range rules.m.find(nil, toks) {
			if m.start < 0 || int(m.end) > len(toks) || m.start >= m.end {
				t.Fatalf("match %+v out of %d tokens", m, len(toks))
			}
		}
	})
}

// A token that is two words of a pattern's first element ("aucune" is
// both aucun* and aucune) starts one match, not two: cues are counted by
// match, and a page's voice must not depend on how a rule spells its
// alternatives.
func TestPatternMatchesOncePerStart(t *testing.T) {
	m := newMatcher()
	for _, p := range []string{"aucun*|aucune preuve", "# ~2 %|€", "preuve"} {
		if err := m.add(p, 0); err != nil {
			t.Fatal(err)
		}
	}
	toks := extract.Tokenize("Aucune preuve, 87 % et 12 € ; preuve.")
	ms := m.find(nil, toks)
	want := [][2]int{{0, 2}, {1, 2}, {2, 4}, {5, 7}, {7, 8}}
	if len(ms) != len(want) {
		t.Fatalf("matches %v, want %v", ms, want)
	}
	for i := range want {
		if [2]int{int(ms[i].start), int(ms[i].end)} != want[i] {
			t.Errorf("match %d = %v, want %v", i, ms[i], want[i])
		}
	}
}

// A sentence in a known language is matched against its own language's
// rules and the rules of no language (cues, therapies); in an unknown
// one, against all.
func TestPatternsOfOtherLanguagesAreSkipped(t *testing.T) {
	m := newMatcher()
	for i, p := range []struct {
		src  string
		lang uint8
	}{{"# ~2 €", langCode("fr")}, {"# ~2 €", langCode("en")}, {"notre clinique", 0}, {"€ #", langCode("de")}} {
		if err := m.addIn(p.src, i, p.lang); err != nil {
			t.Fatal(err)
		}
	}
	m.vocab.freeze()
	toks := extract.Tokenize("Notre clinique : 900 € € 12")
	owners := func(lang uint8) (got []int32) {
		var s scanner
		s.reset(m, toks)
		for _, mt := range s.appendMatches(nil, 0, len(toks), lang) {
			got = append(got, mt.owner)
		}
		slices.Sort(got)
		return got
	}
	for lang, want := range map[uint8][]int32{0: {0, 1, 2, 3}, langCode("fr"): {0, 2}, langCode("en"): {1, 2}, langCode("de"): {2, 3}} {
		if got := owners(lang); !slices.Equal(got, want) {
			t.Errorf("language %d: owners %v, want %v", lang, got, want)
		}
	}
}
