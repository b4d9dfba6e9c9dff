package registry

import (
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
	}
	for _, tt := range tests {
		if got := r.Authorised(tt.id, date(tt.at)); got != tt.want {
			t.Errorf("Authorised(%q, %s) = %v, want %v", tt.id, tt.at, got, tt.want)
		}
	}
}

func TestLookupAndSnapshot(t *testing.T) {
	r, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Lookup("KYMRIAH"); len(got) != 1 || got[0].INN != "tisagenlecleucel" {
		t.Errorf("Lookup(KYMRIAH) = %+v, want Kymriah", got)
	}
	if got := r.Lookup("ciloleucel"); len(got) != 1 || got[0].ID != "yescarta" {
		t.Errorf("Lookup(ciloleucel) = %+v, want Yescarta", got)
	}
	if got := r.Lookup("dendritic cell therapy"); len(got) != 0 {
		t.Errorf("Lookup(dendritic cell therapy) = %+v, want none", got)
	}
	d, digest := r.Snapshot()
	if d == "" || len(digest) != len("sha256:")+64 {
		t.Errorf("Snapshot() = %q, %q", d, digest)
	}
}

func TestParseErrors(t *testing.T) {
	for _, bad := range []string{
		"products: [{id: x, since: yesterday}]",
		"products: [{id: x, since: '2020-01-01'}, {id: x, since: '2020-01-01'}]",
		"products: [{id: x, since: '2020-01-01', colour: red}]",
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) accepted bad data", bad)
		}
	}
}
