package registry

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fixed is the clock of the import tests.
var fixed = ImportOptions{Now: time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC), AsOf: mustDate("2026-11-20")}

func mustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestReadBDPMLayouts(t *testing.T) {
	want, err := ReadBDPM("testdata/bdpm/utf8-lf", fixed)
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"testdata/bdpm/cp1252-crlf", "testdata/bdpm/cp1252-cr"} {
		t.Run(dir, func(t *testing.T) {
			got, err := ReadBDPM(dir, fixed)
			if err != nil {
				t.Fatal(err)
			}
			// Same products, same line numbers: only the files' bytes differ.
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Import{}, "Files"), cmpopts.IgnoreUnexported(Authorisation{}, Date{})); diff != "" {
				t.Errorf("ReadBDPM(%s) differs from the UTF-8 one (-want +got):\n%s", dir, diff)
			}
		})
	}
}

func TestReadBDPM(t *testing.T) {
	im, err := ReadBDPM("testdata/bdpm/cp1252-crlf", fixed)
	if err != nil {
		t.Fatal(err)
	}
	if im.Kind != KindBDPM || len(im.Files) != 2 || im.Files[0].Name != "CIS_bdpm.txt" || len(im.Files[0].SHA256) != 64 {
		t.Errorf("Import = kind %q, files %+v", im.Kind, im.Files)
	}
	byID := map[string]Product{}
	for _, p := range im.Products {
		byID[p.ID] = p
	}
	if len(im.Products) != 8 {
		t.Errorf("%d products, want 8", len(im.Products))
	}
	tests := []struct {
		id, name, inn  string
		route          Route
		status         Status
		since, until   string
		suspended      string
		number, source string
	}{
		{"cis-61234567", "KYMRIAH 1,2 x 10^6 - 6 x 10^8 cellules, dispersion pour perfusion", "TISAGENLECLEUCEL",
			EUCentralised, StatusAuthorised, "2018-08-22", "", "", "EU/1/18/1297", "line 1"},
		{"cis-62345678", "GLYBERA 3 x 10^12 copies génomiques/mL, solution injectable", "ALIPOGÈNE TIPARVOVEC",
			EUCentralised, StatusExpired, "2012-10-25", "2026-11-20", "", "EU/1/12/791", "ended by 2026-11-20"},
		{"cis-63456789", "EXEMPLAMOL 1000 mg, comprimé", "PARACÉTAMOL",
			FRNational, StatusAuthorised, "2002-07-05", "", "", "CIS 63456789", "Procédure nationale"},
		{"cis-64567890", "EXEMPLAMOL 1000 mg, comprimé (Espagne)", "PARACÉTAMOL",
			ParallelImport, StatusAuthorised, "2019-03-12", "", "", "CIS 64567890", "importation parallèle"},
		{"cis-65678901", "CŒURINE 5 mg, gélule", "",
			FRNational, StatusWithdrawn, "2010-02-01", "2026-11-20", "", "CIS 65678901", "Autorisation abrogée"},
		{"cis-66789012", "SUSPENDIX 10 mg/mL, solution buvable", "",
			FRNational, StatusSuspended, "2015-09-15", "", "2026-11-20", "CIS 66789012", "suspended by 2026-11-20"},
		{"cis-69012345", "AMLOXEMPLE 5 mg, comprimé", "AMLODIPINE", // the therapeutic fraction, not the salt
			FRNational, StatusAuthorised, "2011-06-30", "", "", "CIS 69012345", "line 9"},
	}
	for _, tt := range tests {
		p, ok := byID[tt.id]
		if !ok {
			t.Errorf("no product %s", tt.id)
			continue
		}
		a := p.Authorisations[0]
		if p.Name != tt.name || p.INN != tt.inn || p.Class != "unknown" || len(p.Authorisations) != 1 ||
			a.Route != tt.route || a.Status != tt.status || a.Since.String() != tt.since ||
			a.Until.String() != tt.until || a.Suspended.String() != tt.suspended || a.Number != tt.number ||
			!strings.Contains(a.Source, tt.source) {
			t.Errorf("%s = %+v", tt.id, p)
		}
	}
	if got := byID["cis-63456789"].Brands; !slices.Equal(got, []string{"EXEMPLAMOL"}) {
		t.Errorf("brands of EXEMPLAMOL 1000 mg = %v, want [EXEMPLAMOL]", got)
	}
	want := []Skip{{File: "CIS_bdpm.txt", Reason: `procedure "Procédure inconnue" unknown`, Rows: []int{7}}}
	if diff := cmp.Diff(want, im.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

func TestReadBDPMErrors(t *testing.T) {
	tests := []struct {
		dir       string
		want      []string // in the message
		malformed bool
	}{
		{"testdata/bdpm/malformed", []string{"testdata/bdpm/malformed/CIS_bdpm.txt line 3", "5 tab-separated fields, want 12"}, true},
		{"testdata/bdpm/compo-malformed", []string{"CIS_COMPO_bdpm.txt line 4", `CIS code "6123"`}, true},
		{"testdata/ema", []string{"testdata/ema: no CIS_bdpm.txt"}, false},
		{"testdata/nonexistent", []string{"no CIS_bdpm.txt"}, false},
	}
	for _, tt := range tests {
		_, err := ReadBDPM(tt.dir, fixed)
		if err == nil {
			t.Errorf("ReadBDPM(%s) accepted it", tt.dir)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("ReadBDPM(%s) = %v, want it to say %q", tt.dir, err, w)
			}
		}
		if errors.Is(err, ErrMalformed) != tt.malformed {
			t.Errorf("ReadBDPM(%s) = %v: errors.Is(ErrMalformed) = %v", tt.dir, err, !tt.malformed)
		}
	}
}

func TestParseBDPMLine(t *testing.T) {
	line := "60002283\tANASTROZOLE EXEMPLE 1 mg, comprimé pelliculé\tcomprimé pelliculé\torale\tAutorisation active\tProcédure nationale\tCommercialisée\t16/03/2011\t\t\t ACCORD EXEMPLE\tNon"
	want := bdpmRow{"60002283", "ANASTROZOLE EXEMPLE 1 mg, comprimé pelliculé", "comprimé pelliculé", "orale",
		"Autorisation active", "Procédure nationale", "Commercialisée", "16/03/2011", "", "", "ACCORD EXEMPLE", "Non"}
	for _, l := range []string{line, line + "\t\t", strings.TrimSuffix(line, "\tNon")} {
		got, err := parseBDPMLine(l)
		if l == strings.TrimSuffix(line, "\tNon") {
			want.Surveillance = "" // older files have 11 fields
		}
		if err != nil || got != want {
			t.Errorf("parseBDPMLine(%q) = %+v, %v, want %+v", l, got, err, want)
		}
	}
	for _, bad := range []string{
		"",
		"6000228\tX\t\t\t\t\t\t\t\t\t\t", // 7 digits
		"60002283\t\tf\tr\ts\tp\tc\t16/03/2011\t\t\th\tNon",  // no denomination
		"60002283\tX\tf\tr\ts\tp\tc\t2011-03-16\t\t\th\tNon", // not dd/mm/yyyy
		"60002283\tX\tf\tr\ts\tp\tc\t16/03/2011\t\t\th\tNon\textra",
	} {
		if r, err := parseBDPMLine(bad); err == nil {
			t.Errorf("parseBDPMLine(%q) = %+v, want an error", bad, r)
		}
	}
}

func TestSplitLines(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"a\nb\n", []string{"a", "b"}},
		{"a\r\nb\r\n", []string{"a", "b"}},
		{"a\rb\r", []string{"a", "b"}},
		{"a\r\rb", []string{"a", "", "b"}},
		{"a\n\r\nb", []string{"a", "", "b"}},
		{"a", []string{"a"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := splitLines(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("splitLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct{ in, want, charset string }{
		{"CŒURINE g\xc3\xa9lule", "CŒURINE gélule", "UTF-8"},
		{"\xef\xbb\xbfProc\xc3\xa9dure", "Procédure", "UTF-8"},
		{"C\x8cURINE g\xe9lule", "CŒURINE gélule", "Windows-1252"},
	}
	for _, tt := range tests {
		if got, cs := decodeText([]byte(tt.in)); got != tt.want || cs != tt.charset {
			t.Errorf("decodeText(%q) = %q, %s, want %q, %s", tt.in, got, cs, tt.want, tt.charset)
		}
	}
}

// FuzzBDPMLine: no panic; what parses has a CIS code and trimmed fields
// without tabs or line ends, and parses again from its own fields alike.
func FuzzBDPMLine(f *testing.F) {
	f.Add("61234567\tKYMRIAH 1,2 x 10^6 cellules, dispersion\tdispersion\tintraveineuse\tAutorisation active\tProcédure centralisée\tCommercialisée\t22/08/2018\t\tEU/1/18/1297\t NOVARTIS\tOui")
	f.Add("60002283\tX\tf\tr\ts\tp\tc\t16/03/2011\t\t\th")
	f.Add("60002283\tX\tf\tr\ts\tp\tc\t31/02/2011\t\t\th\tNon\t\t")
	f.Add("\t\t\t\t\t\t\t\t\t\t\t")
	f.Fuzz(func(t *testing.T, line string) {
		r, err := parseBDPMLine(line)
		if err != nil {
			return
		}
		fields := []string{r.CIS, r.Name, r.Form, r.Routes, r.Status, r.Procedure, r.Marketed, r.Date, r.BdM, r.EUNumber, r.Holders, r.Surveillance}
		if !isCIS(r.CIS) || r.Name == "" {
			t.Fatalf("parseBDPMLine(%q) = %+v: no CIS code or name", line, r)
		}
		for _, f := range fields {
			if strings.ContainsAny(f, "\t") || f != strings.TrimSpace(f) {
				t.Fatalf("parseBDPMLine(%q): field %q not trimmed", line, f)
			}
		}
		again, err := parseBDPMLine(strings.Join(fields, "\t"))
		if err != nil || again != r {
			t.Fatalf("parseBDPMLine(%q) = %+v, but its fields parse to %+v, %v", line, r, again, err)
		}
		if r.Date != "" {
			if _, err := parseFrenchDate(r.Date); err != nil {
				t.Fatalf("parseBDPMLine(%q) kept a bad date %q", line, r.Date)
			}
		}
	})
}

// FuzzParseCIS: a whole file in any bytes: no panic; an error names the
// file and wraps ErrMalformed; every row kept gives a valid product.
func FuzzParseCIS(f *testing.F) {
	f.Add([]byte("61234567\tK\tf\tr\tAutorisation active\tProcédure centralisée\tc\t22/08/2018\t\t\th\tOui\r\n"))
	f.Add([]byte("6123\tK\r60002283\tX\tf\tr\ts\tp\tc\t16/03/2011\t\t\th\r"))
	f.Add([]byte("\xef\xbb\xbf\x8c\xe9\n\n"))
	f.Add([]byte("61234567\tK\tf\tr\tAutorisation abrog\xe9e\tProc\xe9dure nationale\tc\t22/08/2030\t\t\th\tOui\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := parseCIS("CIS_bdpm.txt", data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) || !strings.HasPrefix(err.Error(), "CIS_bdpm.txt") {
				t.Fatalf("parseCIS error %v: want ErrMalformed naming the file", err)
			}
			return
		}
		for _, r := range rows {
			p, reason := bdpmProduct(r.row, r.line, nil, mustDate("2026-11-20"))
			if reason != "" {
				continue
			}
			if err := p.check(); err != nil {
				t.Fatalf("line %d %+v gives an invalid product: %v", r.line, r.row, err)
			}
		}
	})
}
