package registry

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// largeBDPM writes a BDPM folder the size of the real one (about 15,000
// medicines), with the sample's rows among them.
func largeBDPM(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	sample, err := os.ReadFile("testdata/bdpm/utf8-lf/CIS_bdpm.txt")
	if err != nil {
		b.Fatal(err)
	}
	var cis, compo strings.Builder
	cis.Write(sample)
	for i := range 15000 {
		fmt.Fprintf(&cis, "7%07d\tMEDICAMENT%d %d mg, comprimé pelliculé\tcomprimé pelliculé\torale\tAutorisation active\tProcédure nationale\tCommercialisée\t01/02/2015\t\t\t LABORATOIRE %d\tNon\n", i, i, i%1000, i%300)
		fmt.Fprintf(&compo, "7%07d\tcomprimé\t%05d\tSUBSTANCE %d\t%d mg\tun comprimé\tSA\t1\n", i, i%5000, i%5000, i%1000)
	}
	for name, s := range map[string]string{bdpmCIS: cis.String(), bdpmCompo: compo.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkLoad is what every command that reads the registry pays: the
// seed, an EMA import and a full BDPM import.
func BenchmarkLoad(b *testing.B) {
	im, err := ReadBDPM(largeBDPM(b), fixed)
	if err != nil {
		b.Fatal(err)
	}
	ema, err := ReadEMA("testdata/ema/medicines-output.xlsx", fixed)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for _, im := range []*Import{im, ema} {
		if _, err := Save(dir, im); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if _, err := Load(dir); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadBDPM(b *testing.B) {
	dir := largeBDPM(b)
	for b.Loop() {
		if _, err := ReadBDPM(dir, fixed); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	im, err := ReadBDPM(largeBDPM(b), fixed)
	if err != nil {
		b.Fatal(err)
	}
	r, err := LoadWith(b.TempDir(), im)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		r.Lookup("dendritic cell therapy")
		r.Lookup("Kymriah")
	}
}
