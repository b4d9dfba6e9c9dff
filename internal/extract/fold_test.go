package extract

import (
	"strings"
	"testing"
)

func TestTokenizeLoneCombiningMark(t *testing.T) {
	// A combining acute accent between spaces folds to nothing: it is no
	// word, and no token has an empty folded form.
	toks := Tokenize("Notre traitement \u0301 est efficace.")
	var words []string
	for _, tok := range toks {
		if tok.Norm == "" {
			t.Errorf("token %+v has an empty folded form", tok)
		}
		words = append(words, tok.Norm)
	}
	if got := strings.Join(words, " "); got != "notre traitement est efficace" {
		t.Errorf("Tokenize = %q, want the four words", got)
	}
}
