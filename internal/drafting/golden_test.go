package drafting

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/ from the current templates")

func loadEmbedded(t testing.TB) *Templates {
	t.Helper()
	tp, err := LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

// TestGolden drafts the three documents of the fixed case in both formats
// and compares them with testdata/<doc>.<format>.golden (go test -update
// rewrites them; read the diff before committing it).
func TestGolden(t *testing.T) {
	tp := loadEmbedded(t)
	f := newFixture(t, "")
	for _, doc := range documents {
		for _, format := range []string{Markdown, HTML} {
			t.Run(doc+"."+format, func(t *testing.T) {
				got, err := tp.Draft(doc, format, f.input(doc))
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", doc+"."+format+".golden")
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if diff := cmp.Diff(string(want), string(got)); diff != "" {
					t.Errorf("%s differs from %s (-want +got):\n%s", doc+"."+format, path, diff)
				}
			})
		}
	}
}
