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
