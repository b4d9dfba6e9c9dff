// Package vigie holds the tests that keep the architecture honest; the
// program is cmd/vigie and its stages are under internal/.
package vigie

import (
	"os/exec"
	"strings"
	"testing"
)

// allowed lists, for each package, the internal packages it may import
// (STYLE.md: dependencies point down the pipeline; store and web import the
// domain packages, never the reverse; nothing imports cmd).
var allowed = map[string][]string{
	"extract":         {},
	"registry":        {},
	"evidence":        {},
	"crawl":           {"extract", "evidence"},
	"render":          {"evidence"},
	"claims":          {"extract", "registry"},
	"classify":        {"extract", "registry", "claims"},
	"qualify":         {"extract", "registry", "claims", "classify"},
	"cases":           {"extract", "registry", "claims", "classify", "qualify", "evidence"},
	"drafting":        {"extract", "registry", "claims", "classify", "qualify", "evidence", "cases"},
	"scan":            {"extract", "registry", "evidence", "crawl", "render", "claims", "classify", "qualify"},
	"store":           {"extract", "registry", "evidence", "crawl", "claims", "classify", "qualify", "cases", "scan"},
	"demo":            {},
	"crawl/crawltest": {},
}

func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./internal/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], "vigie/internal/")
		ok, known := allowed[pkg]
		if !known {
			t.Errorf("package %s has no place in the pipeline: add it to allowed", pkg)
			continue
		}
		seen++
		for _, imp := range fields[1:] {
			if strings.HasPrefix(imp, "vigie/cmd") {
				t.Errorf("%s imports %s: nothing imports cmd", pkg, imp)
			}
			dep, internal := strings.CutPrefix(imp, "vigie/internal/")
			if !internal {
				continue
			}
			permitted := false
			for _, a := range ok {
				permitted = permitted || a == dep
			}
			if !permitted {
				t.Errorf("%s imports %s: against the pipeline's direction", pkg, dep)
			}
		}
	}
	if seen < 9 {
		t.Errorf("checked %d packages, want every internal package", seen)
	}
}
