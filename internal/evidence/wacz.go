package evidence

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// WACZVersion is the version of the WACZ specification WriteWACZ follows.
const WACZVersion = "1.1.1"

// WACZ describes a WACZ bundle (Web Archive Collection Zipped,
// https://specs.webrecorder.net/wacz/1.1.1/) to write.
type WACZ struct {
	Title       string    // datapackage.json title
	Software    string    // datapackage.json software, e.g. "vigie/0.1"
	Created     time.Time // datapackage.json created; zero means now
	MainPageURL string    // datapackage.json mainPageURL, "" for none
	WARCs       []WARCPart
	Extra       []ExtraFile // other files carried as they are (e.g. the ledger)
	Pages       []WACZPage
}

// WARCPart is a WARC file to put under archive/ in a bundle, by its base
// name, stored without compression so that index offsets stay valid.
type WARCPart struct {
	Path  string // the file on disk
	Limit int64  // bytes of it to include (a verified prefix, leaving out an incomplete tail); 0 means the whole file
}

// ExtraFile is a file carried in a bundle as it is.
type ExtraFile struct {
	Path  string // the file on disk
	Name  string // its path in the bundle, e.g. "ledger.jsonl"
	Limit int64  // bytes of it to include; 0 means the whole file
}

// WACZPage is one entry of pages/pages.jsonl.
type WACZPage struct {
	URL      string
	Title    string    // "" for none
	TS       time.Time // capture time; zero: the WARC-Date of RecordID
	RecordID string    // the response record of the page, "urn:uuid:…"
}

// WACZResource is one file of a bundle as datapackage.json lists it.
type WACZResource struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Hash  string `json:"hash"` // "sha256:<hex>"
	Bytes int64  `json:"bytes"`
}

// WACZSummary says what WriteWACZ wrote.
type WACZSummary struct {
	Resources []WACZResource // the files datapackage.json lists
	Indexed   int            // lines of indexes/index.cdxj
	Pages     int            // pages of pages/pages.jsonl
	Digest    string         // "sha256:<hex>" of datapackage.json, as datapackage-digest.json gives it
}

// WriteWACZ writes the bundle z as a ZIP to w: archive/*.warc(.gz) stored
// uncompressed; indexes/index.cdxj, the CDXJ lines of every record (see
// CDXJLine) sorted bytewise; pages/pages.jsonl, a header line then one line
// per page (id, url, ts, title); the extra files; datapackage.json (profile
// "data-package", wacz_version, title, software, created, resources with
// their SHA-256 and size) and datapackage-digest.json (the SHA-256 of
// datapackage.json). It reads every WARC through ReadFile: a file that
// does not parse up to its Limit is an error (wrapping ErrCorrupt), as are
// two WARCs with the same base name and a page whose record is not in the
// bundle. It does not verify digests or the ledger: see VerifyArchive.
func WriteWACZ(w io.Writer, z WACZ) (*WACZSummary, error) {
	created := z.Created
	if created.IsZero() {
		created = time.Now()
	}
	created = created.UTC().Truncate(time.Second)
	zw := zip.NewWriter(w)
	sum := &WACZSummary{}
	listed := true // datapackage.json lists every file but itself and its digest
	add := func(name string, r io.Reader) error {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: created})
		if err != nil {
			return fmt.Errorf("evidence: wacz %s: %w", name, err)
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(fw, h), r)
		if err != nil {
			return fmt.Errorf("evidence: wacz %s: %w", name, err)
		}
		if listed {
			sum.Resources = append(sum.Resources, WACZResource{Name: path.Base(name), Path: name,
				Hash: "sha256:" + hex.EncodeToString(h.Sum(nil)), Bytes: n})
		}
		return nil
	}

	var index []string
	dates := map[string]time.Time{}
	names := map[string]bool{}
	for _, part := range z.WARCs {
		name := filepath.Base(part.Path)
		if names[name] {
			return nil, fmt.Errorf("evidence: wacz: two WARC files named %s", name)
		}
		names[name] = true
		lines, err := indexPart(part, name, dates)
		if err != nil {
			return nil, err
		}
		index = append(index, lines...)
		if err := addFile(add, "archive/"+name, part.Path, part.Limit); err != nil {
			return nil, err
		}
	}
	sort.Strings(index)
	sum.Indexed = len(index)
	if err := add("indexes/index.cdxj", strings.NewReader(joinLines(index))); err != nil {
		return nil, err
	}

	pages, err := pagesJSONL(z.Pages, dates)
	if err != nil {
		return nil, err
	}
	sum.Pages = len(z.Pages)
	if err := add("pages/pages.jsonl", bytes.NewReader(pages)); err != nil {
		return nil, err
	}
	for _, x := range z.Extra {
		if err := addFile(add, x.Name, x.Path, x.Limit); err != nil {
			return nil, err
		}
	}

	dp := struct {
		Profile     string         `json:"profile"`
		Version     string         `json:"wacz_version"`
		Title       string         `json:"title"`
		Software    string         `json:"software"`
		Created     string         `json:"created"`
		MainPageURL string         `json:"mainPageURL,omitempty"`
		Resources   []WACZResource `json:"resources"`
	}{"data-package", WACZVersion, z.Title, z.Software, created.Format(time.RFC3339), z.MainPageURL, sum.Resources}
	dpJSON, err := json.MarshalIndent(dp, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("evidence: wacz datapackage: %w", err)
	}
	listed = false
	if err := add("datapackage.json", bytes.NewReader(dpJSON)); err != nil {
		return nil, err
	}
	digest := sha256.Sum256(dpJSON)
	sum.Digest = "sha256:" + hex.EncodeToString(digest[:])
	dg, _ := json.MarshalIndent(map[string]string{"path": "datapackage.json", "hash": sum.Digest}, "", "  ")
	if err := add("datapackage-digest.json", bytes.NewReader(dg)); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("evidence: wacz: %w", err)
	}
	return sum, nil
}

// indexPart returns the CDXJ lines of the records of part and notes the
// WARC-Date of each record in dates.
func indexPart(part WARCPart, name string, dates map[string]time.Time) ([]string, error) {
	var lines []string
	err := ReadFile(part.Path, func(r *Record) error {
		if part.Limit > 0 && r.Offset+r.Size > part.Limit {
			return nil
		}
		dates[r.ID] = r.Date
		if line, ok := CDXJLine(r, name); ok {
			lines = append(lines, line)
		}
		return nil
	})
	var re *ReadError
	if errors.As(err, &re) && part.Limit > 0 && re.Offset >= part.Limit {
		err = nil // in the part left out
	}
	if err != nil {
		return nil, fmt.Errorf("evidence: wacz: %w", err)
	}
	return lines, nil
}

// addFile adds limit bytes of the file at p (all of it for 0) as name.
func addFile(add func(string, io.Reader) error, name, p string, limit int64) error {
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("evidence: wacz: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if limit > 0 {
		r = io.LimitReader(f, limit)
	}
	return add(name, r)
}

func joinLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// pagesJSONL renders pages/pages.jsonl.
func pagesJSONL(pages []WACZPage, dates map[string]time.Time) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(map[string]string{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})
	for i, p := range pages {
		ts := p.TS
		if ts.IsZero() {
			d, ok := dates[p.RecordID]
			if !ok {
				return nil, fmt.Errorf("evidence: wacz: page %s: record %q is not in the bundle", p.URL, p.RecordID)
			}
			ts = d
		}
		id := strings.TrimPrefix(p.RecordID, "urn:uuid:")
		if id == "" {
			id = fmt.Sprintf("page-%d", i)
		}
		line := struct {
			ID    string `json:"id"`
			URL   string `json:"url"`
			TS    string `json:"ts"`
			Title string `json:"title,omitempty"`
		}{id, p.URL, ts.UTC().Format(time.RFC3339Nano), p.Title}
		if err := enc.Encode(line); err != nil {
			return nil, fmt.Errorf("evidence: wacz: page %s: %w", p.URL, err)
		}
	}
	return b.Bytes(), nil
}
