package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The kinds of import, one per official source.
const (
	// KindEMA is the EMA's "Medicines output — European public assessment
	// reports" spreadsheet.
	KindEMA = "ema"
	// KindBDPM is the French Base de données publique des médicaments.
	KindBDPM = "bdpm"
)

// kinds in merge order: the EMA's register first, so that the French
// register's denominations of centralised products merge into its entries.
var kinds = []string{KindEMA, KindBDPM}

// Id prefixes of products an import adds.
const (
	emaPrefix = "ema-"
	cisPrefix = "cis-"
)

// Import is what reading one official source gave: its products and the
// rows it skipped, with the digests of the files read. It is stored as
// JSON in the import folder, never in the embedded seed.
type Import struct {
	Kind     string    `json:"kind"`     // KindEMA or KindBDPM
	Imported time.Time `json:"imported"` // when the import ran (UTC)
	// AsOf is the date of the data: where a source reports an end without
	// its date, the end is recorded as known by AsOf.
	AsOf     Date         `json:"as_of"`
	Files    []SourceFile `json:"files"`
	Products []Product    `json:"products"`
	Skipped  []Skip       `json:"skipped"`
}

// SourceFile is one file an import read.
type SourceFile struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"` // hex
	Size   int64  `json:"size"`
}

// Skip groups the rows of a file an import left out for one reason.
type Skip struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
	Rows   []int  `json:"rows"` // line numbers (BDPM) or spreadsheet row numbers (EMA), 1-based
}

// skip records that row of file was left out for reason.
func (im *Import) skip(file string, row int, reason string) {
	for i := range im.Skipped {
		if s := &im.Skipped[i]; s.File == file && s.Reason == reason {
			s.Rows = append(s.Rows, row)
			return
		}
	}
	im.Skipped = append(im.Skipped, Skip{File: file, Reason: reason, Rows: []int{row}})
}

// SkippedRows returns how many rows the import left out.
func (im *Import) SkippedRows() int {
	n := 0
	for _, s := range im.Skipped {
		n += len(s.Rows)
	}
	return n
}

// loadedImport is an import file read back, with its bytes for the digest.
type loadedImport struct {
	name string
	data []byte
	imp  *Import
}

// fileName is the name Save gives an import of kind made at t: names sort
// by kind, then time.
func fileName(kind string, t time.Time) string {
	return "imported-" + kind + "-" + t.UTC().Format("20060102T150405.000000000Z") + ".json"
}

// Save writes im as a new file in dir (created if missing) and returns its
// path. It never overwrites a file.
func Save(dir string, im *Import) (string, error) {
	if !slices.Contains(kinds, im.Kind) {
		return "", fmt.Errorf("save import: kind %q: %w", im.Kind, errInvalid)
	}
	data, err := encodeImport(im)
	if err != nil {
		return "", fmt.Errorf("save import: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("save import: %w", err)
	}
	path := filepath.Join(dir, fileName(im.Kind, im.Imported))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", fmt.Errorf("save import: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync() // the snapshot digest will cover these bytes: they must be on disk
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", fmt.Errorf("save import: %w", err)
	}
	return path, nil
}

// Load returns the registry Vigie relies on: the embedded seed merged with
// the latest import of each kind found in dir (the files Save writes). A
// dir that does not exist holds no imports. An import file that cannot be
// read or breaks the registry's rules is an error, never skipped: the
// snapshot must cover exactly the data relied on.
func Load(dir string) (*Registry, error) {
	f, err := parseSeed(seed)
	if err != nil {
		return nil, err
	}
	imports, err := latestImports(dir)
	if err != nil {
		return nil, err
	}
	return build(f, seed, imports)
}

// encodeImport is the content of an import file.
func encodeImport(im *Import) ([]byte, error) {
	data, err := json.MarshalIndent(im, "", " ")
	return append(data, '\n'), err
}

// LoadWith returns the registry Load(dir) would return after Save(dir, im),
// without saving: a check that im merges, and what it would add.
func LoadWith(dir string, im *Import) (*Registry, error) {
	f, err := parseSeed(seed)
	if err != nil {
		return nil, err
	}
	imports, err := latestImports(dir)
	if err != nil {
		return nil, err
	}
	data, err := encodeImport(im)
	if err != nil {
		return nil, fmt.Errorf("registry import: %w", err)
	}
	next := loadedImport{name: fileName(im.Kind, im.Imported), data: data, imp: im}
	imports = slices.DeleteFunc(imports, func(l loadedImport) bool { return l.imp.Kind == im.Kind })
	imports = append(imports, next)
	slices.SortStableFunc(imports, func(a, b loadedImport) int {
		return slices.Index(kinds, a.imp.Kind) - slices.Index(kinds, b.imp.Kind)
	})
	return build(f, seed, imports)
}

// latestImports reads the latest import of each kind in dir, in merge order.
func latestImports(dir string) ([]loadedImport, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("registry imports: %w", err)
	}
	var out []loadedImport
	for _, kind := range kinds {
		prefix := "imported-" + kind + "-"
		latest := ""
		for _, e := range entries {
			if n := e.Name(); e.Type().IsRegular() && strings.HasPrefix(n, prefix) && strings.HasSuffix(n, ".json") && n > latest {
				latest = n
			}
		}
		if latest == "" {
			continue
		}
		l, err := readImport(filepath.Join(dir, latest), kind)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// maxImportFile bounds an import file read back (the whole BDPM is ~10 MB).
const maxImportFile = 256 << 20

func readImport(path, kind string) (loadedImport, error) {
	st, err := os.Stat(path)
	if err != nil {
		return loadedImport{}, fmt.Errorf("registry import: %w", err)
	}
	if st.Size() > maxImportFile {
		return loadedImport{}, fmt.Errorf("registry import %s: larger than %d MiB", path, maxImportFile>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return loadedImport{}, fmt.Errorf("registry import: %w", err)
	}
	var im Import
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&im); err != nil {
		return loadedImport{}, fmt.Errorf("registry import %s: %w", path, err)
	}
	if im.Kind != kind {
		return loadedImport{}, fmt.Errorf("registry import %s: kind %q in a file named for %q: %w", path, im.Kind, kind, errInvalid)
	}
	return loadedImport{name: filepath.Base(path), data: data, imp: &im}, nil
}
