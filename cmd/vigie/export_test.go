package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigie/internal/evidence"
)

// needTool skips a test that needs an external program a developer may
// not have; in CI (CI set), where .ci/run installs it, its absence fails.
func needTool(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip("skipping: " + why)
}

// unzipped is a WACZ bundle read back, its WARC files and ledger extracted.
type unzipped struct {
	files map[string][]byte
	dir   string // archive/* and the ledger, extracted
	warcs []string
}

// checkWACZ reads the bundle at path and checks it as a replay tool
// would: every file listed with the right SHA-256 and size, the digest of
// datapackage.json, WARC files stored, a sorted index whose every line
// lands on the record it names, pages with their capture times.
func checkWACZ(t *testing.T, path string) *unzipped {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("%s is not a zip: %v", path, err)
	}
	defer zr.Close()
	u := &unzipped{files: map[string][]byte{}, dir: t.TempDir()}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		u.files[f.Name] = b
		if strings.HasPrefix(f.Name, "archive/") || f.Name == evidence.LedgerName {
			if strings.HasPrefix(f.Name, "archive/") && f.Method != zip.Store {
				t.Errorf("%s is compressed in the zip, want stored", f.Name)
			}
			p := filepath.Join(u.dir, filepath.Base(f.Name))
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if f.Name != evidence.LedgerName {
				u.warcs = append(u.warcs, p)
			}
		}
	}
	var dp struct {
		Profile   string `json:"profile"`
		Version   string `json:"wacz_version"`
		Resources []struct {
			Path, Hash string
			Bytes      int
		}
	}
	if err := json.Unmarshal(u.files["datapackage.json"], &dp); err != nil || dp.Profile != "data-package" || dp.Version != "1.1.1" {
		t.Fatalf("datapackage.json: %v %+v", err, dp)
	}
	listed := map[string]bool{}
	for _, r := range dp.Resources {
		listed[r.Path] = true
		b, ok := u.files[r.Path]
		sum := sha256.Sum256(b)
		if !ok || r.Hash != "sha256:"+hex.EncodeToString(sum[:]) || r.Bytes != len(b) {
			t.Errorf("resource %s: in bundle %v, hash and size must match", r.Path, ok)
		}
	}
	for _, name := range []string{"indexes/index.cdxj", "pages/pages.jsonl"} {
		if !listed[name] {
			t.Errorf("%s not listed in datapackage.json", name)
		}
	}
	var dg struct{ Path, Hash string }
	json.Unmarshal(u.files["datapackage-digest.json"], &dg)
	sum := sha256.Sum256(u.files["datapackage.json"])
	if dg.Path != "datapackage.json" || dg.Hash != "sha256:"+hex.EncodeToString(sum[:]) {
		t.Errorf("datapackage-digest.json = %+v, want the sha256 of datapackage.json", dg)
	}

	records := map[string]*evidence.Record{}
	for _, w := range u.warcs {
		if err := evidence.ReadFile(w, func(r *evidence.Record) error {
			records[filepath.Base(w)+"@"+strconv.FormatInt(r.Offset, 10)] = r
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	index := strings.Split(strings.TrimSuffix(string(u.files["indexes/index.cdxj"]), "\n"), "\n")
	if len(index) == 0 || !sort.StringsAreSorted(index) {
		t.Errorf("index.cdxj empty or not sorted")
	}
	for _, line := range index {
		parts := strings.SplitN(line, " ", 3)
		var f struct{ URL, Digest, Length, Offset, Filename string }
		if len(parts) != 3 || json.Unmarshal([]byte(parts[2]), &f) != nil {
			t.Fatalf("bad CDXJ line %q", line)
		}
		r := records[f.Filename+"@"+f.Offset]
		if r == nil || r.TargetURI != f.URL || strconv.FormatInt(r.Size, 10) != f.Length ||
			f.Digest != r.Header["WARC-Payload-Digest"] || parts[1] != r.Date.Format("20060102150405") {
			t.Errorf("CDXJ line %q does not land on its record", line)
		}
	}
	return u
}

// pages returns the url → ts of pages/pages.jsonl, checking its header.
func (u *unzipped) pages(t *testing.T) map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(string(u.files["pages/pages.jsonl"])), "\n")
	if lines[0] != `{"format":"json-pages-1.0","id":"pages","title":"All Pages"}` {
		t.Errorf("pages.jsonl header = %s", lines[0])
	}
	out := map[string]string{}
	for _, l := range lines[1:] {
		var p struct{ URL, TS, Title string }
		if err := json.Unmarshal([]byte(l), &p); err != nil || p.TS == "" || p.Title == "" {
			t.Errorf("page line %s: %v", l, err)
		}
		out[p.URL] = p.TS
	}
	return out
}

// warcioCDXJ indexes WARC files with warcio.js, skipping outside CI when it
// is not installed.
func warcioCDXJ(t *testing.T, warcs []string) []string {
	t.Helper()
	if _, err := exec.LookPath("npx"); err != nil {
		needTool(t, "warcio.js check: npx (Node.js) not installed")
	}
	dir := os.Getenv("VIGIE_WARCIO_DIR")
	probe := exec.Command("npx", "--no-install", "warcio", "--help")
	probe.Dir = dir
	if probe.Run() != nil {
		needTool(t, "warcio.js check: npm package warcio not installed (npm install warcio@2.4.11, set VIGIE_WARCIO_DIR)")
	}
	cmd := exec.Command("npx", append([]string{"--no-install", "warcio", "cdx-index", "--format", "cdxj"}, warcs...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("warcio cdx-index: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	sort.Strings(lines)
	return lines
}

func TestExportScanAsWACZ(t *testing.T) {
	s := scanClinic(t)
	out := filepath.Join(t.TempDir(), "clinic.wacz")
	code, stdout, stderr := vigie(t, "", "export", "--data", s.data, "--wacz", s.id, "--out", out)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, out) || !strings.Contains(stdout, "against the ledger") {
		t.Errorf("export output does not name the bundle and the ledger check:\n%s", stdout)
	}
	u := checkWACZ(t, out)
	pages := u.pages(t)
	for _, p := range []string{"/", "/fr/accueil", "/fr/tarifs"} {
		found := false
		for url := range pages {
			found = found || strings.HasSuffix(url, p) && strings.Count(url, "/") == 2+strings.Count(p, "/")
		}
		if !found {
			t.Errorf("pages.jsonl %v lacks %s", pages, p)
		}
	}

	// The bundle carries verifiable evidence: its WARC and ledger verify.
	if code, stdout, stderr := vigie(t, "", "verify", u.dir); code != 0 || !strings.Contains(stdout, "result        intact") {
		t.Errorf("verify of the bundle's archive: exit %d\n%s%s", code, stdout, stderr)
	}

	// An independent implementation reads the same records at the same places.
	var ours []string
	for _, l := range strings.Split(strings.TrimSpace(string(u.files["indexes/index.cdxj"])), "\n") {
		ours = append(ours, strings.Replace(l, `"digest":"sha256:`, `"digest":"`, 1))
	}
	if diff := cmp.Diff(ours, warcioCDXJ(t, u.warcs)); diff != "" {
		t.Errorf("CDXJ (-vigie +warcio):\n%s", diff)
	}
}

func TestExportCommandCases(t *testing.T) {
	orig := scanClinic(t)
	tests := []struct {
		name   string
		args   func(s *scanned, out string) []string
		tamper func(t *testing.T, s *scanned)
		code   int
		want   string // in stdout (code 0) or the error line
	}{
		{"archive directory", func(s *scanned, out string) []string { return []string{"--wacz", s.dir, "--out", out} }, nil, 0, "3 pages"},
		{"altered archive", func(s *scanned, out string) []string { return []string{"--wacz", s.dir, "--out", out} },
			func(t *testing.T, s *scanned) {
				i := s.firstResponse(t)
				s.rewrite(t, seqInts(0, len(s.recs)), map[int][]byte{i: s.flipBodyByte(t, i)})
			}, 1, "not exported: archive altered"},
		{"incomplete tail left out", func(s *scanned, out string) []string { return []string{"--wacz", s.dir, "--out", out} },
			func(t *testing.T, s *scanned) {
				lines := s.ledgerLines(t)
				s.writeLedger(t, lines[:len(lines)-2])
				last := s.recs[len(s.recs)-1]
				os.WriteFile(s.warc, s.raw[:last.Offset+10], 0o644)
			}, 0, "left out"},
		{"unknown scan", func(s *scanned, out string) []string {
			return []string{"--data", s.data, "--wacz", "20990101T000000Z-00000000", "--out", out}
		}, nil, 2, "neither a directory nor a scan"},
		{"no --out", func(s *scanned, out string) []string { return []string{"--wacz", s.dir} }, nil, 2, "--out"},
		{"bad format", func(s *scanned, out string) []string {
			return []string{"--format", "xml", "--wacz", s.dir, "--out", out}
		}, nil, 2, "--format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := orig.clone(t)
			if tt.tamper != nil {
				tt.tamper(t, s)
			}
			out := filepath.Join(t.TempDir(), "x.wacz")
			code, stdout, stderr := vigie(t, "", append([]string{"export"}, tt.args(s, out)...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, stdout, stderr)
			}
			got := stdout
			if code != 0 {
				got = stderr
				if strings.Count(stderr, "\n") != 1 {
					t.Errorf("stderr = %q, want one line", stderr)
				}
				if _, err := os.Stat(out); err == nil {
					t.Errorf("a failed export left %s", out)
				}
			} else {
				checkWACZ(t, out)
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("output does not say %q:\n%s", tt.want, got)
			}
		})
	}
}
