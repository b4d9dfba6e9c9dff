package registry

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadEMA(t *testing.T) {
	im, err := ReadEMA("testdata/ema/medicines-output.xlsx", fixed)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID, Name, INN  string
		Status         Status
		Since, Until   string
		Number, Source string
	}
	var got []row
	for _, p := range im.Products {
		a := p.Authorisations[0]
		if p.Class != "unknown" || a.Route != EUCentralised || len(p.Authorisations) != 1 {
			t.Errorf("%s: class %s, authorisations %+v", p.ID, p.Class, p.Authorisations)
		}
		got = append(got, row{p.ID, p.Name, p.INN, a.Status, a.Since.String(), a.Until.String(), a.Number, a.Source})
	}
	want := []row{
		{"ema-004090", "Kymriah", "tisagenlecleucel", StatusAuthorised, "2018-08-22", "", "EMEA/H/C/004090",
			"EMA medicines output medicines-output.xlsx row 10: https://www.ema.europa.eu/en/medicines/human/EPAR/kymriah"},
		{"ema-004258", "Alofisel", "darvadstrocel", StatusWithdrawn, "2018-03-23", "2024-12-20", "EMEA/H/C/004258",
			"EMA medicines output medicines-output.xlsx row 13: https://www.ema.europa.eu/en/medicines/human/EPAR/alofisel; ended date not given, ended by the revision of 2024-12-20"},
		{"ema-009999", "Examplicel", "exampcabtagene autoleucel", StatusAuthorised, "2026-01-15", "", "EMEA/H/C/009999",
			"EMA medicines output medicines-output.xlsx row 15: https://www.ema.europa.eu/en/medicines/human/EPAR/examplicel"},
		{"ema-009998", "Refusix", "refusogene vector", StatusRefused, "2025-10-10", "", "EMEA/H/C/009998",
			"EMA medicines output medicines-output.xlsx row 16"},
		{"ema-009997", "Retiracel", "retiracel", StatusWithdrawn, "2019-03-01", "2023-06-30", "EMEA/H/C/009997",
			"EMA medicines output medicines-output.xlsx row 17; ended date not given, ended by the revision of 2023-06-30"},
		{"ema-002450", "Holoclar", "ex vivo expanded autologous human corneal epithelial cells containing stem cells", StatusAuthorised, "2015-02-17", "", "EMEA/H/C/002450",
			"EMA medicines output medicines-output.xlsx row 19: https://www.ema.europa.eu/en/medicines/human/EPAR/holoclar"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("products (-want +got):\n%s", diff)
	}
	wantSkips := []Skip{
		{File: "medicines-output.xlsx", Reason: "not an advanced therapy", Rows: []int{11}},
		{File: "medicines-output.xlsx", Reason: `not a human medicine (category "Veterinary")`, Rows: []int{12}},
		{File: "medicines-output.xlsx", Reason: `medicine status "Opinion" is not a decision on a marketing authorisation`, Rows: []int{18}},
	}
	if diff := cmp.Diff(wantSkips, im.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if p := im.Products[2]; len(p.Synonyms) != 0 {
		t.Errorf("Examplicel synonyms %v: want none (its active substance folds to its INN)", p.Synonyms)
	}
}

func TestReadEMAOlderLayout(t *testing.T) {
	im, err := ReadEMA("testdata/ema/medicines-output-2019.xlsx", fixed)
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Products) != 2 || len(im.Skipped) != 0 {
		t.Fatalf("products %+v, skipped %+v: want Luxturna and Glybera", im.Products, im.Skipped)
	}
	lux, gly := im.Products[0], im.Products[1]
	if lux.ID != "ema-004451" || lux.INN != "voretigene neparvovec" || lux.Authorisations[0].Since.String() != "2018-11-22" {
		t.Errorf("Luxturna = %+v", lux)
	}
	if a := gly.Authorisations[0]; a.Status != StatusWithdrawn || a.Until.String() != "2017-10-27" {
		t.Errorf("Glybera = %+v: want withdrawn, ended by its revision date", a)
	}
}

func TestReadEMAErrors(t *testing.T) {
	notXLSX := filepath.Join(t.TempDir(), "medicines.xlsx")
	if err := os.WriteFile(notXLSX, []byte("Category;Name of medicine\nHuman;Kymriah\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path      string
		want      []string
		malformed bool
	}{
		{"testdata/ema/bad-date.xlsx", []string{"testdata/ema/bad-date.xlsx row 11", `"31/02/2026"`, "marketing authorisation date"}, true},
		{"testdata/ema/no-header.xlsx", []string{"testdata/ema/no-header.xlsx: no header row", `"Name of medicine"`}, true},
		{notXLSX, []string{notXLSX + ": not an xlsx spreadsheet"}, true},
		{"testdata/ema/nonexistent.xlsx", []string{"nonexistent.xlsx"}, false},
	}
	for _, tt := range tests {
		_, err := ReadEMA(tt.path, fixed)
		if err == nil {
			t.Errorf("ReadEMA(%s) accepted it", tt.path)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("ReadEMA(%s) = %v, want it to say %q", tt.path, err, w)
			}
		}
		if errors.Is(err, ErrMalformed) != tt.malformed {
			t.Errorf("ReadEMA(%s) = %v: errors.Is(ErrMalformed) = %v", tt.path, err, !tt.malformed)
		}
	}
}

func TestParseEMADate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"22/08/2018", "2018-08-22"},
		{"2018-08-22", "2018-08-22"},
		{"43334", "2018-08-22"}, // an Excel serial date
		{"43334.75", "2018-08-22"},
		{"", ""},
	}
	for _, tt := range tests {
		d, err := parseEMADate(tt.in, false)
		if err != nil || d.String() != tt.want {
			t.Errorf("parseEMADate(%q) = %v, %v, want %s", tt.in, d, err, tt.want)
		}
	}
	for _, bad := range []string{"31/02/2020", "yesterday", "12", "1e9", "NaN"} {
		if d, err := parseEMADate(bad, false); err == nil {
			t.Errorf("parseEMADate(%q) = %v, want an error", bad, d)
		}
	}
}
