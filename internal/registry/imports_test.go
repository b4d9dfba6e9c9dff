package registry

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// imported saves the sample EMA and BDPM imports in a new folder.
func imported(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "registry")
	ema, err := ReadEMA("testdata/ema/medicines-output.xlsx", fixed)
	if err != nil {
		t.Fatal(err)
	}
	bdpm, err := ReadBDPM("testdata/bdpm/cp1252-crlf", fixed)
	if err != nil {
		t.Fatal(err)
	}
	for _, im := range []*Import{bdpm, ema} {
		if _, err := Save(dir, im); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadMergesImportsIntoTheSeed(t *testing.T) {
	dir := imported(t)
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id, at string
		want   bool
	}{
		{"kymriah", "2026-11-22", true},
		{"ema-009999", "2026-01-14", false}, // Examplicel: only in the EMA import
		{"ema-009999", "2026-01-15", true},
		{"ema-009997", "2023-06-29", true}, // Retiracel: withdrawn, known by its EPAR's revision
		{"ema-009997", "2023-06-30", false},
		{"ema-009998", "2026-11-22", false}, // refused
		{"alofisel", "2024-12-12", true},    // the seed's date, not the import's later bound
		{"alofisel", "2024-12-13", false},
		{"glybera", "2017-10-25", false},
		{"cis-63456789", "2026-11-22", true},  // a French national authorisation
		{"cis-64567890", "2026-11-22", true},  // a parallel import
		{"cis-65678901", "2026-11-19", true},  // withdrawn: known by the file's date only
		{"cis-65678901", "2026-11-20", false}, //
		{"cis-66789012", "2026-11-20", false}, // suspended
		{"cis-67890123", "2026-11-22", false}, // skipped: unknown procedure
	}
	for _, tt := range tests {
		if got := r.Authorised(tt.id, date(tt.at)); got != tt.want {
			t.Errorf("Authorised(%q, %s) = %v, want %v", tt.id, tt.at, got, tt.want)
		}
	}

	// Imported rows of seed products merge into them: same id and class,
	// found by the register's denomination, no second product.
	for _, q := range []string{"KYMRIAH 1,2 x 10^6 - 6 x 10^8 cellules, dispersion pour perfusion", "tisagenlecleucel", "Kymriah"} {
		got := r.Lookup(q)
		if len(got) != 1 || got[0].ID != "kymriah" || got[0].Class != "gene_therapy" {
			t.Errorf("Lookup(%q) = %+v, want only the seed's kymriah", q, got)
		}
	}
	if _, ok := r.Product("cis-61234567"); ok {
		t.Error("the BDPM's Kymriah was added apart, not merged into the seed's")
	}
	k, _ := r.Product("kymriah")
	if len(k.Authorisations) != 1 || !strings.Contains(k.Authorisations[0].Source, "EMA EPAR Kymriah; EMA medicines output") ||
		!strings.Contains(k.Authorisations[0].Source, "BDPM CIS_bdpm.txt line 1") {
		t.Errorf("kymriah authorisations = %+v, want one, citing the seed and both imports", k.Authorisations)
	}
	if got := r.Lookup("exemplamol"); len(got) != 2 {
		t.Errorf("Lookup(exemplamol) = %d products, want the national and the imported one", len(got))
	}

	infos := r.Imports()
	if len(infos) != 2 || infos[0].Kind != KindEMA || infos[0].Matched != 3 || infos[0].Added != 3 ||
		infos[1].Kind != KindBDPM || infos[1].Matched != 3 || infos[1].Added != 5 {
		t.Errorf("Imports() = %+v, want EMA 3 matched 3 added, BDPM 3 matched 5 added", infos)
	}
	seedOnly, _ := Default()
	_, seedDigest := seedOnly.Snapshot()
	d, digest := r.Snapshot()
	if d != "2026-11-22" || digest == seedDigest || len(r.Parts()) != 3 {
		t.Errorf("Snapshot() = %s %s over %v: want the imports covered", d, digest, r.Parts())
	}
	again, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, d2 := again.Snapshot(); d2 != digest {
		t.Errorf("Load twice: digests %s and %s", digest, d2)
	}
}

func TestLoadTakesTheLatestImportOfEachKind(t *testing.T) {
	dir := imported(t)
	older, err := ReadEMA("testdata/ema/medicines-output-2019.xlsx", ImportOptions{Now: fixed.Now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	path, err := Save(dir, older)
	if err != nil {
		t.Fatal(err)
	}
	preview, err := LoadWith(dir, older)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range r.Parts() {
		names = append(names, p.Name)
	}
	if len(names) != 3 || names[1] != filepath.Base(path) || !strings.HasPrefix(names[2], "imported-bdpm-") {
		t.Errorf("parts %v: want the seed, the latest EMA import, the BDPM import", names)
	}
	if _, ok := r.Product("ema-009999"); ok {
		t.Error("a product of the earlier EMA import is still there")
	}
	if _, d1 := preview.Snapshot(); d1 != func() string { _, d := r.Snapshot(); return d }() {
		t.Error("LoadWith and Load after Save give different snapshots")
	}
}

func TestLoadRefusesBadImports(t *testing.T) {
	dir := imported(t)
	entries, _ := os.ReadDir(dir)
	path := filepath.Join(dir, entries[0].Name())
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append([]byte("{\"colour\": 1, "), data[1:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), entries[0].Name()) {
		t.Errorf("Load of a damaged import = %v, want an error naming it", err)
	}
	if r, err := Load(filepath.Join(t.TempDir(), "none")); err != nil || r.Len() == 0 {
		t.Errorf("Load of a missing folder = %v: want the seed", err)
	}
}

func TestCombine(t *testing.T) {
	seedAuth := Authorisation{Route: EUCentralised, Status: StatusWithdrawn, Since: mustDate("2018-03-23"),
		Until: mustDate("2024-12-13"), Source: "seed", origin: originSeed}
	emaAuth := Authorisation{Route: EUCentralised, Status: StatusAuthorised, Since: mustDate("2018-03-23"), Source: "ema", origin: originEMA}
	tests := []struct {
		name      string
		old, new  Authorisation
		status    Status
		until     string
		sourceHas string
	}{
		{"same status keeps the curated dates", seedAuth,
			Authorisation{Route: EUCentralised, Status: StatusExpired, Since: mustDate("2018-03-23"), Until: mustDate("2024-12-20"), Source: "ema", origin: originEMA},
			StatusWithdrawn, "2024-12-13", "seed; ema"},
		{"a newer status wins", emaAuth,
			Authorisation{Route: EUCentralised, Status: StatusWithdrawn, Since: mustDate("2018-03-23"), Until: mustDate("2026-11-20"), Source: "ema2", origin: originEMA},
			StatusWithdrawn, "2026-11-20", "ema2 (was authorised per ema)"},
		{"the BDPM does not override the EMA on a centralised product", emaAuth,
			Authorisation{Route: EUCentralised, Status: StatusWithdrawn, Since: mustDate("2018-03-23"), Until: mustDate("2026-11-20"), Source: "bdpm", origin: originBDPM},
			StatusAuthorised, "", "the EMA register prevails"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := combine(tt.old, tt.new)
			if got.Status != tt.status || got.Until.String() != tt.until || !strings.Contains(got.Source, tt.sourceHas) {
				t.Errorf("combine = %+v, want %s until %q, source with %q", got, tt.status, tt.until, tt.sourceHas)
			}
		})
	}
}

func TestSaveNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	im := &Import{Kind: KindEMA, Imported: fixed.Now, AsOf: fixed.AsOf}
	if _, err := Save(dir, im); err != nil {
		t.Fatal(err)
	}
	if _, err := Save(dir, im); err == nil {
		t.Error("Save wrote over an earlier import")
	}
	if _, err := Save(dir, &Import{Kind: "rumour"}); err == nil {
		t.Error("Save accepted an unknown kind")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || !slices.ContainsFunc(entries, func(e os.DirEntry) bool { return e.Name() == "imported-ema-20261122T093000.000000000Z.json" }) {
		t.Errorf("files %v", entries)
	}
}
