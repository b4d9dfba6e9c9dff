package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAuthorised(t *testing.T) {
	r, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id   string
		at   string
		want bool
	}{
		{"kymriah", "2026-11-22", true},
		{"kymriah", "2018-08-21", false}, // the day before the Commission decision
		{"kymriah", "2018-08-22", true},
		{"glybera", "2015-01-01", true},
		{"glybera", "2017-10-25", false}, // expired that day
		{"glybera", "2026-11-22", false},
		{"dendritic-cell-therapy", "2026-11-22", false}, // not a product of the registry
		// Withdrawn products are not authorised after their withdrawal.
		{"provenge", "2015-05-05", true},
		{"provenge", "2015-05-06", false},
		{"provenge", "2026-11-22", false},
		{"alofisel", "2024-12-12", true},
		{"alofisel", "2024-12-13", false},
		{"chondrocelect", "2016-11-29", true}, // withdrawn in July, effective 30 November
		{"chondrocelect", "2016-11-30", false},
		{"skysona", "2021-11-18", false},
		{"zalmoxis", "2019-10-09", false},
		// Suspended in 2014, expired in 2018: not authorised from the suspension.
		{"maci", "2014-11-18", true},
		{"maci", "2014-11-19", false},
		// Dates known to the month or year are read in favour of the authorisation.
		{"zynteglo", "2019-04-30", false},
		{"zynteglo", "2019-05-01", true},
		{"zynteglo", "2022-12-31", true},
		{"zynteglo", "2023-01-01", false},
		{"casgevy", "2024-01-31", false},
		{"casgevy", "2024-02-01", true},
	}
	for _, tt := range tests {
		if got := r.Authorised(tt.id, date(tt.at)); got != tt.want {
			t.Errorf("Authorised(%q, %s) = %v, want %v", tt.id, tt.at, got, tt.want)
		}
	}
}

func TestAuthorisedByRoute(t *testing.T) {
	data, err := os.ReadFile("testdata/routes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, id, at string
		want         bool
	}{
		{"German hospital exemption (§4b AMG) is no French authorisation", "hospital-de", "2026-11-22", false},
		{"French hospital exemption (MTI-PP) is no marketing authorisation", "hospital-fr", "2026-11-22", false},
		{"early access authorises", "early", "2024-03-01", true},
		{"a later EU refusal does not end early access", "early", "2026-11-22", true},
		{"before early access", "early", "2024-02-29", false},
		{"national authorisation in force", "national", "2021-09-14", true},
		{"national authorisation suspended", "national", "2021-09-15", false},
		{"parallel import withdrawn in 2019, in force in 2019", "imported", "2019-12-31", true},
		{"parallel import withdrawn in 2019", "imported", "2020-01-01", false},
		{"no route", "nothing", "2026-11-22", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Authorised(tt.id, date(tt.at)); got != tt.want {
				t.Errorf("Authorised(%q, %s) = %v, want %v", tt.id, tt.at, got, tt.want)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	r, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  []string // ids, in order
	}{
		{"KYMRIAH", []string{"kymriah"}},
		{"kymriah", []string{"kymriah"}},
		{"ciloleucel", []string{"yescarta"}},
		{"Axicabtagène-Ciloleucel", []string{"yescarta"}},
		{"  tisagenlecleucel ", []string{"kymriah"}},
		{"CTL019", []string{"kymriah"}},
		{"Lenmeldy", []string{"libmeldy"}}, // a brand
		{"sipuleucel-T", []string{"provenge"}},
		{"dendritic cell therapy", nil},
		{"dendritic-cell-therapy", nil}, // the claims lexicon's id
		{"stem-cell-therapy", nil},
		{"car-t-cell-therapy", nil},
		{"", nil},
		{"t", nil}, // too short to search inside names
		{"Kymriah CAR-T", []string{"kymriah"}},
		{"Kymriahx", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range r.Lookup(tt.query) {
			got = append(got, p.ID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Lookup(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
}

func TestCheck(t *testing.T) {
	r, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	at := date("2026-11-22")
	a := r.Check("Kymriah", at)
	if len(a.Matches) != 1 {
		t.Fatalf("Check(Kymriah) = %+v, want one match", a)
	}
	m := a.Matches[0]
	if !m.Authorised || m.Class != "gene_therapy" || m.INN != "tisagenlecleucel" || m.Status != StatusAuthorised ||
		m.Since.String() != "2018-08-22" || !m.Until.IsZero() || !slices.Equal(m.Routes, []Route{EUCentralised}) ||
		!strings.Contains(m.Source, "EMA EPAR Kymriah") {
		t.Errorf("Check(Kymriah).Matches[0] = %+v", m)
	}
	if g := r.Check("glybera", at).Matches[0]; g.Authorised || g.Status != StatusExpired || g.Until.String() != "2017-10-25" {
		t.Errorf("Check(glybera) = %+v, want expired until 2017-10-25", g)
	}
	d := r.Check("dendritic cell therapy", at)
	if d.Matches == nil || len(d.Matches) != 0 || d.At != "2026-11-22" || d.Snapshot.Digest == "" {
		t.Errorf("Check(dendritic cell therapy) = %+v, want no match, with the snapshot", d)
	}
}

func TestSnapshotDigestCanBeRecomputed(t *testing.T) {
	r, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	d, digest := r.Snapshot()
	if d != "2026-11-22" || len(digest) != len("sha256:")+64 {
		t.Errorf("Snapshot() = %q, %q", d, digest)
	}
	data, err := os.ReadFile("data/products.yaml")
	if err != nil {
		t.Fatal(err)
	}
	part := sha256.Sum256(data)
	manifest := sha256.Sum256([]byte(hex.EncodeToString(part[:]) + "  seed:data/products.yaml\n"))
	if want := "sha256:" + hex.EncodeToString(manifest[:]); digest != want {
		t.Errorf("digest %s, want %s (sha256sum-style manifest of the seed)", digest, want)
	}
}

func TestParseErrors(t *testing.T) {
	const ok = `{id: x, name: X, class: gene_therapy, source: s, authorisations: [%s]}`
	auth := func(a string) string {
		return "snapshot: '2026-01-01'\nproducts: [" + fmt.Sprintf(ok, a) + "]"
	}
	tests := []struct{ name, data string }{
		{"bad date", auth("{route: eu_centralised, status: authorised, since: yesterday}")},
		{"no since", auth("{route: eu_centralised, status: authorised}")},
		{"unknown field", auth("{route: eu_centralised, status: authorised, since: '2020-01-01', colour: red}")},
		{"unknown route", auth("{route: gray_market, status: authorised, since: '2020-01-01'}")},
		{"unknown status", auth("{route: eu_centralised, status: pending, since: '2020-01-01'}")},
		{"withdrawn without end", auth("{route: eu_centralised, status: withdrawn, since: '2020-01-01'}")},
		{"suspended without date", auth("{route: eu_centralised, status: suspended, since: '2020-01-01'}")},
		{"authorised with an end", auth("{route: eu_centralised, status: authorised, since: '2020-01-01', until: '2021'}")},
		{"end before start", auth("{route: eu_centralised, status: withdrawn, since: '2020-01-01', until: '2019'}")},
		{"German national route", auth("{route: fr_national, country: DE, status: authorised, since: '2020-01-01'}")},
		{"listed twice", "snapshot: '2026-01-01'\nproducts: [" + fmt.Sprintf(ok, "") + ", " + fmt.Sprintf(ok, "") + "]"},
		{"bad class", "snapshot: '2026-01-01'\nproducts: [{id: x, name: X, class: potion, source: s, authorisations: []}]"},
		{"imported prefix", "snapshot: '2026-01-01'\nproducts: [{id: cis-1, name: X, class: unknown, source: s, authorisations: []}]"},
		{"no snapshot", "products: []"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.data)); err == nil {
				t.Errorf("Parse(%q) accepted bad data", tt.data)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2018-08-22", "2019-05", "2022"} {
		d, err := ParseDate(s)
		if err != nil || d.String() != s {
			t.Errorf("ParseDate(%q) = %v, %v, want %s", s, d, err, s)
		}
	}
	for _, s := range []string{"", "22/08/2018", "2019-13", "2019-5", "+201", "2019-+5", "2018-02-30", "0000"} {
		if d, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", s, d)
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Axicabtagène Ciloleucel", "axicabtagene ciloleucel"},
		{"dendritic-cell-therapy", "dendritic cell therapy"},
		{"  CŒURINE 5 mg, gélule ", "coeurine 5 mg gelule"},
		{"Straße", "strasse"},
		{"sipuleucel-T", "sipuleucel t"},
		{"CD34+ (ADA)", "cd34 ada"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestErrorsAreInvalid(t *testing.T) {
	_, err := Parse([]byte("snapshot: '2026-01-01'\nproducts: [{id: x, name: X, class: potion, source: s, authorisations: []}]"))
	if !errors.Is(err, errInvalid) || !strings.Contains(err.Error(), `product "x"`) {
		t.Errorf("Parse error %v: want it to name the product", err)
	}
}

// FuzzFold: folding is idempotent and leaves single spaces between words.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"Axicabtagène Ciloleucel", "CŒURINE 5 mg, gélule", "Straße", "ǅ\u0345x", "--a--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if again := Fold(got); again != got {
			t.Fatalf("Fold(%q) = %q, but Fold(%q) = %q", s, got, got, again)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Fatalf("Fold(%q) = %q: stray spaces", s, got)
		}
	})
}

// FuzzParseDate: what parses prints back as it was read.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2018-08-22", "2019-05", "2022", "2019-+5", "0001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err == nil && d.String() != s {
			t.Fatalf("ParseDate(%q) = %v", s, d)
		}
	})
}
