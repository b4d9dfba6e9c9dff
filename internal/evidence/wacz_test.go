package evidence_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/internal/evidence"
)

func TestSURT(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://127.0.0.1:8765/fr/a.html", "1,0,0,127:8765)/fr/a.html"},
		{"https://www.Clinic.example:8443/Fr/?b=2&a=1", "example,clinic:8443)/fr/?a=1&b=2"},
		{"http://example.com", "com,example)/"},
		{"http://example.com:80/", "com,example)/"},
		{"https://example.com:443/x", "com,example)/x"},
		{"http://www2.example.com/", "com,example)/"},
		{"http://WWW.example.com/", "com,example,www)/"}, // warcio strips "www." before lower-casing
		{"http://wwwx.example/", "example,wwwx)/"},
		{"http://[::1]:8080/x", "[::1]:8080)/x"},
		{"urn:vigie:screenshot:https://example.test/", "urn:vigie:screenshot:https://example.test/"},
		{"http://%zz/", "http://%zz/"},
	}
	for _, tt := range tests {
		if got := evidence.SURT(tt.in); got != tt.want {
			t.Errorf("SURT(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// bundle is a WACZ read back.
type bundle struct {
	files   map[string][]byte
	methods map[string]uint16
	order   []string
}

func readBundle(t *testing.T, data []byte) *bundle {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	b := &bundle{files: map[string][]byte{}, methods: map[string]uint16{}}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		b.files[f.Name], b.methods[f.Name] = content, f.Method
		b.order = append(b.order, f.Name)
	}
	return b
}

// extractWARCs writes the bundle's archive/ files to a new directory.
func (b *bundle) extractWARCs(t *testing.T) (dir string, paths []string) {
	t.Helper()
	dir = t.TempDir()
	for _, name := range b.order {
		if strings.HasPrefix(name, "archive/") {
			p := filepath.Join(dir, strings.TrimPrefix(name, "archive/"))
			if err := os.WriteFile(p, b.files[name], 0o644); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, p)
		}
	}
	return dir, paths
}

// sampleWACZ writes a rotated sample archive (two files) and its bundle.
func sampleWACZ(t *testing.T) (data []byte, sum *evidence.WACZSummary, refs []evidence.Ref, files []string) {
	t.Helper()
	dir := t.TempDir()
	files, refs = writeRotated(t, dir, 2000)
	z := evidence.WACZ{Title: "scan test", Software: "vigie/0.1", Created: started, MainPageURL: "https://example.test/",
		Extra: []evidence.ExtraFile{{Path: filepath.Join(dir, evidence.LedgerName), Name: "ledger.jsonl"}}}
	for _, f := range files {
		z.WARCs = append(z.WARCs, evidence.WARCPart{Path: f})
	}
	for i, ref := range refs[:3] {
		z.Pages = append(z.Pages, evidence.WACZPage{URL: sampleExchanges(t)[i].URL, Title: "Page " + strconv.Itoa(i), RecordID: ref.RecordID})
	}
	var out bytes.Buffer
	sum, err := evidence.WriteWACZ(&out, z)
	if err != nil {
		t.Fatalf("WriteWACZ: %v", err)
	}
	return out.Bytes(), sum, refs, files
}

func TestWriteWACZ(t *testing.T) {
	data, sum, refs, files := sampleWACZ(t)
	b := readBundle(t, data)
	var wantOrder []string
	for _, f := range files {
		wantOrder = append(wantOrder, "archive/"+filepath.Base(f))
	}
	wantOrder = append(wantOrder, "indexes/index.cdxj", "pages/pages.jsonl", "ledger.jsonl", "datapackage.json", "datapackage-digest.json")
	if diff := cmp.Diff(wantOrder, b.order); diff != "" {
		t.Errorf("bundle files (-want +got):\n%s", diff)
	}
	for _, f := range files {
		name := "archive/" + filepath.Base(f)
		orig, _ := os.ReadFile(f)
		if b.methods[name] != zip.Store || !bytes.Equal(orig, b.files[name]) {
			t.Errorf("%s: method %d, identical %v; want stored (0) byte for byte", name, b.methods[name], bytes.Equal(orig, b.files[name]))
		}
	}

	// datapackage.json: every other file, with its digest and size.
	var dp struct {
		Profile     string `json:"profile"`
		Version     string `json:"wacz_version"`
		Title       string `json:"title"`
		Software    string `json:"software"`
		Created     string `json:"created"`
		MainPageURL string `json:"mainPageURL"`
		Resources   []evidence.WACZResource
	}
	if err := json.Unmarshal(b.files["datapackage.json"], &dp); err != nil {
		t.Fatal(err)
	}
	if dp.Profile != "data-package" || dp.Version != "1.1.1" || dp.Title != "scan test" || dp.Software != "vigie/0.1" ||
		dp.Created != "2026-11-22T10:04:05Z" || dp.MainPageURL != "https://example.test/" {
		t.Errorf("datapackage.json = %+v", dp)
	}
	listed := map[string]bool{}
	for _, r := range dp.Resources {
		listed[r.Path] = true
		content, ok := b.files[r.Path]
		if !ok || r.Hash != "sha256:"+sha256Hex(content) || r.Bytes != int64(len(content)) || r.Name != filepath.Base(r.Path) {
			t.Errorf("resource %+v: in bundle %v, sha256 %s, %d bytes", r, ok, sha256Hex(content), len(content))
		}
	}
	for _, name := range b.order {
		if !listed[name] && !strings.HasPrefix(name, "datapackage") {
			t.Errorf("%s is not listed in datapackage.json", name)
		}
	}
	if diff := cmp.Diff(dp.Resources, sum.Resources); diff != "" {
		t.Errorf("summary resources differ from datapackage.json:\n%s", diff)
	}
	var dg struct{ Path, Hash string }
	if err := json.Unmarshal(b.files["datapackage-digest.json"], &dg); err != nil {
		t.Fatal(err)
	}
	if dg.Path != "datapackage.json" || dg.Hash != "sha256:"+sha256Hex(b.files["datapackage.json"]) || dg.Hash != sum.Digest {
		t.Errorf("datapackage-digest.json = %+v, want the sha256 of datapackage.json", dg)
	}

	checkIndex(t, b)

	// pages.jsonl: a header, then the pages with their capture times.
	lines := strings.Split(strings.TrimSpace(string(b.files["pages/pages.jsonl"])), "\n")
	if lines[0] != `{"format":"json-pages-1.0","id":"pages","title":"All Pages"}` || len(lines) != 4 || sum.Pages != 3 {
		t.Fatalf("pages.jsonl = %q", lines)
	}
	for i, l := range lines[1:] {
		var p struct{ ID, URL, TS, Title string }
		if err := json.Unmarshal([]byte(l), &p); err != nil {
			t.Fatal(err)
		}
		want := refs[i].Captured.Format(time.RFC3339Nano)
		if p.TS != want || p.URL != sampleExchanges(t)[i].URL || p.Title != "Page "+strconv.Itoa(i) || !strings.Contains(refs[i].RecordID, p.ID) {
			t.Errorf("page %d = %+v, want ts %s", i, p, want)
		}
	}
}

// checkIndex checks that the CDXJ index is sorted, and that every line
// lands on the record it names in the bundle's WARC files.
func checkIndex(t *testing.T, b *bundle) {
	t.Helper()
	dir, paths := b.extractWARCs(t)
	byPlace := map[string]*evidence.Record{}
	for _, p := range paths {
		for _, r := range readAll(t, p) {
			byPlace[filepath.Base(p)+"@"+strconv.FormatInt(r.Offset, 10)] = r
		}
	}
	index := strings.Split(strings.TrimSuffix(string(b.files["indexes/index.cdxj"]), "\n"), "\n")
	if !sort.StringsAreSorted(index) {
		t.Errorf("index.cdxj is not sorted:\n%s", strings.Join(index, "\n"))
	}
	if len(index) != 4 { // 3 responses and the resource; not the requests, metadata or warcinfo
		t.Errorf("index.cdxj has %d lines, want 4:\n%s", len(index), strings.Join(index, "\n"))
	}
	for _, line := range index {
		parts := strings.SplitN(line, " ", 3)
		var f struct{ URL, Mime, Status, Digest, Length, Offset, Filename string }
		if len(parts) != 3 || json.Unmarshal([]byte(parts[2]), &f) != nil {
			t.Fatalf("bad CDXJ line %q", line)
		}
		r := byPlace[f.Filename+"@"+f.Offset]
		if r == nil {
			t.Errorf("line %q: no record at %s offset %s in %s", line, f.Filename, f.Offset, dir)
			continue
		}
		got := []string{parts[0], parts[1], f.URL, f.Digest, f.Length}
		want := []string{evidence.SURT(r.TargetURI), r.Date.Format("20060102150405"), r.TargetURI, r.Header["WARC-Payload-Digest"], strconv.FormatInt(r.Size, 10)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("line %q (-record +index):\n%s", line, diff)
		}
		if r.Type == "response" && (f.Status != "200" || (f.Mime != "text/html" && f.Mime != "text/plain")) {
			t.Errorf("response line %q: status %q mime %q", line, f.Status, f.Mime)
		}
	}
}

// TestWACZWarcioJS re-indexes the WARC files taken out of the bundle with
// warcio.js, an independent implementation, and compares its CDXJ with
// ours (warcio writes the digest without its algorithm).
func TestWACZWarcioJS(t *testing.T) {
	dir := warcioDir(t)
	data, _, _, _ := sampleWACZ(t)
	b := readBundle(t, data)
	_, paths := b.extractWARCs(t)
	cmd := exec.Command("npx", append([]string{"--no-install", "warcio", "cdx-index", "--format", "cdxj"}, paths...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("warcio cdx-index: %v\n%s", err, stderr.String())
	}
	var theirs []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		theirs = append(theirs, sc.Text())
	}
	sort.Strings(theirs)
	var ours []string
	for _, l := range strings.Split(strings.TrimSpace(string(b.files["indexes/index.cdxj"])), "\n") {
		ours = append(ours, strings.Replace(l, `"digest":"sha256:`, `"digest":"`, 1))
	}
	if diff := cmp.Diff(ours, theirs); diff != "" {
		t.Errorf("CDXJ (-vigie +warcio):\n%s", diff)
	}
}

// warcioDir returns the directory npx finds warcio from, skipping the test
// outside CI when warcio is not installed.
func warcioDir(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("npx"); err != nil {
		skipOutsideCI(t, "warcio.js check: npx (Node.js) not installed")
	}
	dir := os.Getenv("VIGIE_WARCIO_DIR")
	probe := exec.Command("npx", "--no-install", "warcio", "--help")
	probe.Dir = dir
	if err := probe.Run(); err != nil {
		skipOutsideCI(t, "warcio.js check: npm package warcio not installed (npm install warcio@2.4.11, set VIGIE_WARCIO_DIR)")
	}
	return dir
}

func TestWACZLeavesOutAnIncompleteTail(t *testing.T) {
	path, refs, _ := writeSample(t)
	data, _ := os.ReadFile(path)
	cut := refs[3].Offset + 30 // the resource record, last in the file, cut short
	if err := os.WriteFile(path, data[:cut], 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sum, err := evidence.WriteWACZ(&out, evidence.WACZ{WARCs: []evidence.WARCPart{{Path: path, Limit: refs[3].Offset}}})
	if err != nil {
		t.Fatalf("WriteWACZ: %v", err)
	}
	b := readBundle(t, out.Bytes())
	if got := b.files["archive/"+filepath.Base(path)]; !bytes.Equal(got, data[:refs[3].Offset]) {
		t.Errorf("archived %d bytes, want the %d before the tail", len(got), refs[3].Offset)
	}
	if sum.Indexed != 3 {
		t.Errorf("%d records indexed, want the 3 responses", sum.Indexed)
	}
	// Without the limit the cut file is refused.
	if _, err := evidence.WriteWACZ(io.Discard, evidence.WACZ{WARCs: []evidence.WARCPart{{Path: path}}}); err == nil {
		t.Error("WriteWACZ(cut file, no limit) = nil error, want an error")
	}
}

func TestWACZRefuses(t *testing.T) {
	path, _, _ := writeSample(t)
	tests := []struct {
		name string
		z    evidence.WACZ
	}{
		{"two files with one name", evidence.WACZ{WARCs: []evidence.WARCPart{{Path: path}, {Path: path}}}},
		{"page without its record", evidence.WACZ{WARCs: []evidence.WARCPart{{Path: path}}, Pages: []evidence.WACZPage{{URL: "https://example.test/", RecordID: "urn:uuid:nope"}}}},
		{"missing file", evidence.WACZ{WARCs: []evidence.WARCPart{{Path: path + ".nope"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := evidence.WriteWACZ(io.Discard, tt.z); err == nil {
				t.Errorf("WriteWACZ(%s) = nil error, want an error", tt.name)
			}
		})
	}
}
