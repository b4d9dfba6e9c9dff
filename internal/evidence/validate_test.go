package evidence_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	nlnwa "github.com/nlnwa/gowarc"
)

// indexEntry is one record as an independent reader saw it.
type indexEntry struct {
	Offset int64
	Type   string
	ID     string
}

// ourIndex lists the records of path as ReadFile sees them.
func ourIndex(t *testing.T, path string) []indexEntry {
	t.Helper()
	var idx []indexEntry
	for _, r := range readAll(t, path) {
		idx = append(idx, indexEntry{Offset: r.Offset, Type: r.Type, ID: "<" + r.ID + ">"})
	}
	return idx
}

// TestNlnwaStrictValidation reads the sample file with nlnwa/gowarc, an
// independent implementation, in strict mode, and validates every block
// and payload digest.
func TestNlnwaStrictValidation(t *testing.T) {
	path, _, _ := writeSample(t)
	r, err := nlnwa.NewWarcFileReader(path, 0, nlnwa.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []indexEntry
	for {
		rec, off, validation, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("nlnwa Next at %d: %v (%v)", off, err, validation)
		}
		if !validation.Valid() {
			t.Errorf("nlnwa: record at %d: %v", off, validation)
		}
		v := &nlnwa.Validation{}
		if err := rec.ValidateDigest(v); err != nil || !v.Valid() {
			t.Errorf("nlnwa ValidateDigest(%s at %d) = %v, %v", rec.WarcHeader().Get(nlnwa.WarcRecordID), off, err, v)
		}
		got = append(got, indexEntry{Offset: off, Type: rec.Type().String(), ID: rec.WarcHeader().Get(nlnwa.WarcRecordID)})
	}
	if diff := cmp.Diff(ourIndex(t, path), got); diff != "" {
		t.Errorf("nlnwa index (-ours +nlnwa):\n%s", diff)
	}
}

// TestNlnwaDetectsTampering makes sure the nlnwa check above can fail.
func TestNlnwaDetectsTampering(t *testing.T) {
	path, refs, _ := writeSample(t)
	tamperResponseBody(t, path, refs[0].Offset)
	r, err := nlnwa.NewWarcFileReader(path, 0, nlnwa.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		rec, off, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			t.Fatalf("nlnwa read %s to the end without a digest error", path)
		}
		if err == nil && off == refs[0].Offset {
			// In strict mode Next already checks digests; check again in
			// case a later version defers it.
			err = rec.ValidateDigest(&nlnwa.Validation{})
		}
		if err == nil {
			continue
		}
		if off != refs[0].Offset || !strings.Contains(err.Error(), "digest") {
			t.Errorf("nlnwa at offset %d: %v, want a digest error at offset %d", off, err, refs[0].Offset)
		}
		return
	}
}

// TestWarcioJS indexes the sample file with warcio.js (Webrecorder), when
// Node and warcio are installed: npx must find warcio from the package
// directory, or from the directory named by VIGIE_WARCIO_DIR.
func TestWarcioJS(t *testing.T) {
	if _, err := exec.LookPath("npx"); err != nil {
		skipOutsideCI(t, "warcio.js check: npx (Node.js) not installed")
	}
	dir := os.Getenv("VIGIE_WARCIO_DIR")
	probe := exec.Command("npx", "--no-install", "warcio", "--help")
	probe.Dir = dir
	if err := probe.Run(); err != nil {
		skipOutsideCI(t, "warcio.js check: npm package warcio not installed (npm install warcio@2.4.11, set VIGIE_WARCIO_DIR)")
	}
	path, _, _ := writeSample(t)
	cmd := exec.Command("npx", "--no-install", "warcio", "index", path, "-f", "offset,warc-type,warc-record-id")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("warcio index: %v\n%s", err, stderr.String())
	}
	if strings.Contains(stderr.String(), "Content-Length Too Small") {
		t.Errorf("warcio index warned:\n%s", stderr.String())
	}
	var got []indexEntry
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var e struct {
			Offset int64  `json:"offset"`
			Type   string `json:"warc-type"`
			ID     string `json:"warc-record-id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("warcio index line %q: %v", sc.Text(), err)
		}
		got = append(got, indexEntry(e))
	}
	if diff := cmp.Diff(ourIndex(t, path), got); diff != "" {
		t.Errorf("warcio.js index (-ours +warcio):\n%s", diff)
	}
}

// skipOutsideCI skips a test that needs a component a developer may not
// have; in CI (CI set), where .ci/run installs it, its absence is a failure.
func skipOutsideCI(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip("skipping " + why)
}
