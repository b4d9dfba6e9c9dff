package claims

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"
)

// The embedded model is what "vigie train" learns from the tuned corpus
// with the embedded rules: retrained here, every weight agrees to the
// fourth decimal (one in a hundred may differ by rounding).
func TestVerdictModelIsLearnedFromTheTunedCorpus(t *testing.T) {
	a := analyzer(t)
	var buf bytes.Buffer
	if err := a.TrainVerdict("testdata/corpus/tuned", captureDate, &buf); err != nil {
		t.Fatal(err)
	}
	got, err := parseVerdictModel(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	emb, err := os.ReadFile("rules/verdict.tsv")
	if err != nil {
		t.Fatal(err)
	}
	want, err := parseVerdictModel(emb)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got.bias-want.bias) > 1e-3 {
		t.Errorf("bias %.4f, embedded %.4f", got.bias, want.bias)
	}
	for i, f := range verdictFeatures {
		if math.Abs(got.features[i]-want.features[i]) > 1e-3 {
			t.Errorf("feature %s: %.4f, embedded %.4f", f.name, got.features[i], want.features[i])
		}
	}
	w := map[string]float64{}
	for i, word := range want.words {
		w[word] = want.weights[i]
	}
	off := 0
	for i, word := range got.words {
		if math.Abs(got.weights[i]-w[word]) > 1e-3 {
			off++
		}
	}
	if len(got.words) < 1000 || off > len(got.words)/100 || math.Abs(float64(len(got.words)-len(want.words))) > float64(len(want.words))/100 {
		t.Errorf("retrained: %d words (%d differ), embedded %d: run vigie train (README)", len(got.words), off, len(want.words))
	}
}

// A report lists every contribution to its score: the documented
// features, the words that weigh most, the others summed, the bias.
func TestVerdictFeaturesSumToTheScore(t *testing.T) {
	a := analyzer(t)
	r := analyzeString(t, a, `<p>Notre clinique propose un vaccin à cellules dendritiques sans effets secondaires. Réservez votre consultation : 9 800 €.</p>`)
	z, words := 0.0, 0
	for _, f := range r.Features {
		v := f.Value
		for _, vf := range verdictFeatures {
			if vf.name == f.Name {
				v = math.Min(v, vf.cap)
			}
		}
		z += v * f.Weight
		if strings.HasPrefix(f.Name, "word:") {
			words++
		}
	}
	if got := math.Round(1/(1+math.Exp(-z))*1000) / 1000; math.Abs(got-r.Score) > 0.002 || words == 0 || !r.Promotional {
		t.Errorf("features give %.3f, score %.3f (promotional %v, %d words): %+v", got, r.Score, r.Promotional, words, r.Features)
	}
	if _, err := parseVerdictModel([]byte("bias\t1\nword\tCafé\t0.2\n")); err == nil {
		t.Error("an unfolded word was accepted")
	}
	if _, err := parseVerdictModel([]byte("feature\tnope\t0.2\n")); err == nil {
		t.Error("an unknown feature was accepted")
	}
}

// The model weighs no French city: where a clinic or a patient is is a
// fact of the page, not its genre. Paris weighed 0.26 for promotion before
// training left the cities out.
func TestVerdictModelWeighsNoCity(t *testing.T) {
	a := analyzer(t)
	var buf bytes.Buffer
	// A clinic's page names Paris and Lyon; a news page names Lyon too.
	dir := t.TempDir()
	pages := map[string]string{
		"a.html": `<html lang="fr"><body><p>Notre clinique de Paris propose le vaccin dendritique. Réservez à Lyon ou à Paris : 9 800 €.</p></body></html>`,
		"b.html": `<html lang="fr"><body><p>Notre centre de Paris propose les cellules souches. Réservez votre séjour à Paris : 7 500 €.</p></body></html>`,
		"c.html": `<html lang="fr"><body><p>Notre institut de Paris propose les cellules NK. Réservez depuis Lyon : 8 900 €.</p></body></html>`,
		"d.html": `<html lang="fr"><body><p>Enquête à Lyon : selon l'ANSM, ces offres ne sont pas autorisées.</p></body></html>`,
		"e.html": `<html lang="fr"><body><p>Enquête à Lyon : l'ANSM met en garde les patients de Paris.</p></body></html>`,
		"f.html": `<html lang="fr"><body><p>Enquête à Lyon : ces cliniques vendent des promesses, selon l'agence.</p></body></html>`,
	}
	labels := `[`
	for i, name := range []string{"a.html", "b.html", "c.html", "d.html", "e.html", "f.html"} {
		if err := os.WriteFile(dir+"/"+name, []byte(pages[name]), 0o644); err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			labels += ","
		}
		labels += `{"file":"` + name + `","lang":"fr","promotional":` + map[bool]string{true: "true", false: "false"}[i < 3] + `,"french_public":true,"categories":[]}`
	}
	if err := os.WriteFile(dir+"/labels.json", []byte(labels+`]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := a.TrainVerdict(dir, captureDate, &buf); err != nil {
		t.Fatal(err)
	}
	m, err := parseVerdictModel(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	has := map[string]bool{}
	for _, w := range m.words {
		has[w] = true
	}
	if has["paris"] || has["lyon"] || !has["reservez"] {
		t.Errorf("words learned: %v; want reservez, and neither paris nor lyon", m.words)
	}
}
