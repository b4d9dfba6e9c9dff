package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// lookupJSON is the part of `vigie registry lookup --format json` the tests read.
type lookupJSON struct {
	Query   string
	At      string
	Matches []struct {
		ID, Name, INN, Class string
		Authorised           bool
		Routes               []string
		Status, Since, Until string
		Source               string
	}
	Snapshot struct{ Date, Digest string }
}

func lookup(t *testing.T, args ...string) lookupJSON {
	t.Helper()
	code, stdout, stderr := vigie(t, "", append([]string{"registry", "lookup", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("lookup %v: exit %d: %s", args, code, stderr)
	}
	var got lookupJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("lookup %v: %v in %s", args, err, stdout)
	}
	return got
}

func TestRegistryLookup(t *testing.T) {
	data := t.TempDir()
	k := lookup(t, "--data", data, "--at", "2026-11-22", "Kymriah")
	if len(k.Matches) != 1 {
		t.Fatalf("lookup Kymriah = %+v, want one match", k)
	}
	if m := k.Matches[0]; !m.Authorised || m.Name != "Kymriah" || m.INN != "tisagenlecleucel" || m.Class != "gene_therapy" ||
		!slices.Equal(m.Routes, []string{"eu_centralised"}) || m.Status != "authorised" || m.Since != "2018-08-22" ||
		m.Until != "" || !strings.Contains(m.Source, "EMA EPAR Kymriah") {
		t.Errorf("lookup Kymriah = %+v", m)
	}
	if k.Query != "Kymriah" || k.At != "2026-11-22" || !strings.HasPrefix(k.Snapshot.Digest, "sha256:") {
		t.Errorf("lookup Kymriah: query %q at %q snapshot %+v", k.Query, k.At, k.Snapshot)
	}

	// A withdrawn product is not authorised after its withdrawal.
	for _, tt := range []struct {
		at   string
		want bool
	}{{"2015-05-05", true}, {"2015-05-06", false}, {"2026-11-22", false}} {
		p := lookup(t, "--data", data, "--at", tt.at, "provenge")
		if len(p.Matches) != 1 || p.Matches[0].Authorised != tt.want || p.Matches[0].Until != "2015-05-06" {
			t.Errorf("lookup provenge --at %s = %+v, want authorised %v, until 2015-05-06", tt.at, p.Matches, tt.want)
		}
	}

	// A therapy that is no product: matches is an empty list, the text says so.
	for _, q := range [][]string{{"dendritic cell therapy"}, {"dendritic", "cell", "therapy"}, {"dendritic-cell-therapy"}} {
		code, stdout, stderr := vigie(t, "", append([]string{"registry", "lookup", "--format", "json", "--data", data}, q...)...)
		if code != 0 || !strings.Contains(stdout, `"matches": []`) {
			t.Errorf("lookup %q: exit %d, %s%s: want \"matches\": []", q, code, stdout, stderr)
		}
		code, stdout, _ = vigie(t, "", append([]string{"registry", "lookup", "--data", data}, q...)...)
		if code != 0 || !strings.Contains(stdout, "no authorised product") {
			t.Errorf("lookup %q (text): exit %d, %s: want \"no authorised product\"", q, code, stdout)
		}
	}
}

func TestRegistryImportThenLookup(t *testing.T) {
	data := t.TempDir()
	if m := lookup(t, "--data", data, "examplicel").Matches; len(m) != 0 {
		t.Fatalf("examplicel known before the import: %+v", m)
	}
	code, stdout, stderr := vigie(t, "", "registry", "import", "--format", "json", "--data", data, "--as-of", "2026-11-20",
		"--ema", "../../internal/registry/testdata/ema/medicines-output.xlsx",
		"--bdpm", "../../internal/registry/testdata/bdpm/cp1252-crlf")
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	var out struct {
		Imports []struct {
			Kind                     string
			Products, Matched, Added int
			Skipped                  []struct {
				Reason string
				Rows   []int
			}
			Saved string
		}
		Snapshot struct {
			Digest string
			Parts  []struct{ Name string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Imports) != 2 || out.Imports[0].Kind != "ema" || out.Imports[0].Products != 6 || out.Imports[0].Added != 3 ||
		len(out.Imports[0].Skipped) != 3 || out.Imports[1].Kind != "bdpm" || out.Imports[1].Products != 8 ||
		len(out.Imports[1].Skipped) != 1 || out.Imports[1].Skipped[0].Rows[0] != 7 || len(out.Snapshot.Parts) != 3 {
		t.Errorf("import output %+v", out)
	}
	for _, im := range out.Imports {
		if filepath.Dir(im.Saved) != filepath.Join(data, "registry") {
			t.Errorf("saved %s, want it under %s/registry", im.Saved, data)
		}
	}
	e := lookup(t, "--data", data, "--at", "2026-11-22", "Examplicel")
	if len(e.Matches) != 1 || !e.Matches[0].Authorised || e.Matches[0].Class != "unknown" || e.Snapshot.Digest != out.Snapshot.Digest {
		t.Errorf("lookup Examplicel after the import = %+v", e)
	}
	if k := lookup(t, "--data", data, "tisagenlecleucel"); len(k.Matches) != 1 || k.Matches[0].ID != "kymriah" {
		t.Errorf("lookup tisagenlecleucel after the import = %+v, want only the seed's kymriah", k.Matches)
	}
}

// The analyzer and the scanner read the registry of the data directory.
func TestAnalyzeUsesTheImportedRegistry(t *testing.T) {
	data, bdpm := t.TempDir(), t.TempDir()
	row := "61234567\tKYMRIAH 1,2 x 10^6 - 6 x 10^8 cellules, dispersion pour perfusion\tdispersion pour perfusion\tintraveineuse\tAutorisation suspendue\tProc\xe9dure centralis\xe9e\tNon commercialis\xe9e\t22/08/2018\t\tEU/1/18/1297\t NOVARTIS EUROPHARM\tOui\r\n"
	if err := os.WriteFile(filepath.Join(bdpm, "CIS_bdpm.txt"), []byte(row), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := vigie(t, "", "registry", "import", "--data", data, "--as-of", "2026-01-01", "--bdpm", bdpm); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	page := "<html lang=fr><body><p>Kymriah (tisagenlecleucel) est une thérapie CAR-T.</p></body></html>"
	authorised := func() bool {
		code, stdout, stderr := vigie(t, page, "analyze", "--format", "json", "-")
		if code != 0 {
			t.Fatalf("analyze: exit %d: %s", code, stderr)
		}
		var r struct {
			Therapies []struct {
				ID         string
				Authorised bool
			}
		}
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatal(err)
		}
		for _, th := range r.Therapies {
			if th.ID == "kymriah" {
				return th.Authorised
			}
		}
		t.Fatalf("analyze found no kymriah in %s", stdout)
		return false
	}
	t.Setenv("VIGIE_DATA", t.TempDir())
	if !authorised() {
		t.Error("Kymriah not authorised with the seed alone")
	}
	t.Setenv("VIGIE_DATA", data)
	if authorised() {
		t.Error("Kymriah authorised although the imported BDPM reports it suspended")
	}
}

func TestRegistryErrors(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"malformed BDPM", []string{"import", "--bdpm", "../../internal/registry/testdata/bdpm/malformed"}, "CIS_bdpm.txt line 3: 5 tab-separated fields"},
		{"malformed EMA", []string{"import", "--ema", "../../internal/registry/testdata/ema/bad-date.xlsx"}, `bad-date.xlsx row 11: marketing authorisation date "31/02/2026"`},
		{"missing file", []string{"import", "--ema", "/nonexistent/medicines.xlsx"}, "/nonexistent/medicines.xlsx: no such file"},
		{"not a BDPM folder", []string{"import", "--bdpm", t.TempDir()}, "no CIS_bdpm.txt"},
		{"nothing to import", []string{"import"}, "give --ema FILE or --bdpm DIR"},
		{"bad --as-of", []string{"import", "--as-of", "2026", "--bdpm", "."}, `--as-of "2026"`},
		{"bad --at", []string{"lookup", "--at", "22/11/2026", "kymriah"}, `--at "22/11/2026"`},
		{"no name", []string{"lookup"}, "requires at least 1 arg"},
		{"unknown subcommand", []string{"frob"}, `unknown command "frob"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"registry"}, tt.args...)
			if tt.args[0] == "import" || tt.args[0] == "lookup" {
				args = append(args, "--data", data)
			}
			code, stdout, stderr := vigie(t, "", args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, stderr)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "vigie: ") || !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want one line containing %q", stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
		})
	}
	if entries, _ := os.ReadDir(filepath.Join(data, "registry")); len(entries) != 0 {
		t.Errorf("failed imports left files: %v", entries)
	}
}
