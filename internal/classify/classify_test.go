package classify

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReferenceExamples classifies every description of testdata/reference
// (each of LEGAL.md's reference table, and other authorised ATMPs) and
// compares with the class its first line expects.
func TestReferenceExamples(t *testing.T) {
	files, err := filepath.Glob("testdata/reference/*.yaml")
	if err != nil || len(files) < 20 {
		t.Fatalf("reference examples: %v, %d files", err, len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(b), "\n")
			want, _, _ := strings.Cut(strings.TrimPrefix(first, "# expect: "), " ")
			p, err := Parse(strings.NewReader(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			r := Classify(p)
			if r.Class != want {
				t.Errorf("class = %s, want %s; grounds: %+v", r.Class, want, r.Grounds)
			}
			atmp := want == GeneTherapy || want == SomaticCellTherapy || want == TissueEngineered || want == CombinedATMP
			if r.ATMP != atmp || (atmp && !r.Medicinal) {
				t.Errorf("atmp %v medicinal %v for %s", r.ATMP, r.Medicinal, want)
			}
			if len(r.Grounds) == 0 {
				t.Error("no grounds")
			}
			for _, g := range r.Grounds[:len(r.Grounds)-1] {
				if len(g.Articles) == 0 {
					t.Errorf("ground without article: %q", g.Text)
				}
			}
		})
	}
}

func TestNotMedicines(t *testing.T) {
	for _, name := range []string{"hsc-graft", "langerhans-islets", "red-cells"} {
		b, _ := os.ReadFile("testdata/reference/" + name + ".yaml")
		p, err := Parse(strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		if r := Classify(p); r.Medicinal {
			t.Errorf("%s: medicinal, want not a medicine", name)
		}
	}
}

func TestNeedsMoreFactsNamesThem(t *testing.T) {
	tests := []struct {
		yaml string
		want []string
	}{
		{"substances: [cells]\ncells: {viable: true}\npurposes: [treat]", []string{"cells.manipulations", "cells.same_essential_function"}},
		{"substances: [cells]\ncells: {manipulations: [culture]}\npurposes: [treat]", []string{"action"}},
		{"substances: [cells]\ncells: {manipulations: [culture]}", []string{"purposes"}},
		{"substances: [cells]\ncells: {manipulations: [expansion]}\npurposes: [repair]\ndevice: {present: true, integral: true}", []string{"cells.viable"}},
	}
	for _, tt := range tests {
		p, err := Parse(strings.NewReader(tt.yaml))
		if err != nil {
			t.Fatal(err)
		}
		r := Classify(p)
		if r.Class != NeedsMoreFacts || !cmp.Equal(r.Missing, tt.want) {
			t.Errorf("%q: class %s missing %v, want needs_more_facts missing %v", tt.yaml, r.Class, r.Missing, tt.want)
		}
	}
}

func TestParseErrorsNameTheField(t *testing.T) {
	tests := []struct{ in, want string }{
		{"name: x\ncolour: red", "colour"},
		{`{"name": "x", "colour": "red"}`, "colour"},
		{"substances: [plasma]", `substances: unknown value "plasma"`},
		{"substances: [cells]\ncells: {manipulations: [massage]}", `cells.manipulations: unknown value "massage"`},
		{"action: magical", `action: unknown value "magical"`},
		{"cells: {origin: martian}", `cells.origin: unknown value "martian"`},
		{"purposes: treat", "cannot unmarshal"},
		{"", "empty"},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.in))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) error = %v, want ErrInvalid naming %q", tt.in, err, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile("testdata/reference/dendritic-cells.yaml")
	f.Add(string(b))
	f.Add(`{"substances": ["cells"], "cells": {"manipulations": ["culture"]}}`)
	f.Fuzz(func(t *testing.T, in string) {
		p, err := Parse(strings.NewReader(in))
		if err != nil {
			return
		}
		r := Classify(p)
		if r.Class == "" || (r.Class == NeedsMoreFacts) != (len(r.Missing) > 0) {
			t.Fatalf("class %q with missing %v", r.Class, r.Missing)
		}
	})
}
