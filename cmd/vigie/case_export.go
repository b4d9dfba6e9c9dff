package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"vigie/internal/cases"
	"vigie/internal/drafting"
	"vigie/internal/qualify"
)

// caseManifest is manifest.json of a case's evidence bundle.
type caseManifest struct {
	Case     string             `json:"case"`
	State    string             `json:"state"`
	Head     string             `json:"head"` // hash of the case's last event: case.json's events end there
	Exported time.Time          `json:"exported"`
	Registry []manifestRegistry `json:"registry"` // the registry snapshot each scan's qualification relied on
	Files    []manifestFile     `json:"files"`
}

type manifestRegistry struct {
	Scan string `json:"scan"`
	qualify.Snapshot
}

type manifestFile struct {
	Path   string `json:"path"` // relative to the bundle, with /
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

func caseExportCmd(e *env) *cobra.Command {
	var f caseFlags
	var df docFlags
	var out string
	c := &cobra.Command{
		Use:   "export ID --out DIR",
		Short: "Write a case's evidence bundle: its documents, the WACZ of its scans, its log, attachments and a manifest with SHA-256 of every file",
		Long: `Writes into DIR (new or empty): documents/ (the letter of intent once written, the
decision and the public notice once decided; md, html and pdf), evidence/<scan>.wacz
for every scan of the case (verified first, as vigie export does), attachments/
(files received with observations, digests checked), case.json (the case with its
hash-chained events), manifest.json (the registry snapshot each qualification
relied on, and the size and SHA-256 of every file) and SHA256SUMS, which
sha256sum -c checks.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(f.format, "text", "json"); err != nil {
				return err
			}
			if out == "" {
				return usageErr("case export needs --out DIR")
			}
			if err := emptyDir(out); err != nil {
				return err
			}
			ctx := cmd.Context()
			st, c, err := openCase(ctx, f.data, args[0])
			if err != nil {
				return err
			}
			defer st.Close()
			d, err := newDrafter(ctx, e, st, &df, len(reached(c)) > 0)
			if err != nil {
				return err
			}
			defer d.close()
			// The bundle is made beside --out and moved there once
			// complete: a failure leaves no partial bundle behind.
			parent, base := filepath.Split(filepath.Clean(out))
			if parent == "" {
				parent = "."
			}
			tmp, err := os.MkdirTemp(parent, base+".partial-")
			if err != nil {
				return inputErr(fmt.Errorf("--out: %w", err))
			}
			m, err := exportCase(ctx, d, c, f.data, tmp)
			if err == nil {
				os.Remove(out) // an empty directory, if any (emptyDir checked it)
				err = os.Rename(tmp, out)
			}
			if err != nil {
				os.RemoveAll(tmp)
				return err
			}
			if f.format == "json" {
				return writeJSON(e.stdout, m)
			}
			fmt.Fprintf(e.stdout, "case %s exported to %s: %d files, head %s\n", c.ID, out, len(m.Files), m.Head)
			for _, file := range m.Files {
				fmt.Fprintf(e.stdout, "  %s  %s\n", file.SHA256, file.Path)
			}
			return nil
		},
	}
	c.Flags().StringVar(&f.format, "format", "text", "output format: text or json")
	c.Flags().StringVar(&f.data, "data", "", "directory of the database and archives (default $VIGIE_DATA, else $XDG_DATA_HOME/vigie, else ~/.local/share/vigie)")
	c.Flags().StringVar(&out, "out", "", "the bundle's directory (new or empty)")
	df.register(c)
	return c
}

// reached lists the documents the case has reached: the letter once
// written, the decision and the notice once decided.
func reached(c *cases.Case) []string {
	var docs []string
	if len(c.Letters) > 0 {
		docs = append(docs, drafting.Letter)
	}
	if c.Decision != nil {
		docs = append(docs, drafting.Decision, drafting.Notice)
	}
	return docs
}

// emptyDir refuses a directory that holds anything: a bundle never
// overwrites or mixes with other files.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return inputErr(fmt.Errorf("--out: %w", err))
	}
	if len(entries) > 0 {
		return inputErr(fmt.Errorf("--out %s is not empty: a bundle goes to a new or empty directory", dir))
	}
	return nil
}

// exportCase writes the bundle of case c into the directory out.
func exportCase(ctx context.Context, d *drafter, c *cases.Case, data, out string) (*caseManifest, error) {
	m := &caseManifest{Case: c.ID, State: c.State, Head: c.Head(), Exported: d.now.UTC(), Registry: []manifestRegistry{}}
	for _, sub := range []string{"documents", "evidence", "attachments"} {
		if err := os.MkdirAll(filepath.Join(out, sub), 0o755); err != nil {
			return nil, inputErr(fmt.Errorf("--out: %w", err))
		}
	}
	for _, doc := range reached(c) {
		for _, format := range []string{drafting.Markdown, drafting.HTML, "pdf"} {
			b, err := d.draft(ctx, c, doc, format)
			if err != nil {
				return nil, err
			}
			if err := writeSynced(filepath.Join(out, "documents", doc+"."+format), b); err != nil {
				return nil, err
			}
		}
	}
	seen := map[string]bool{}
	for _, s := range c.Scans {
		if seen[s.Scan] {
			continue
		}
		seen[s.Scan] = true
		src, err := resolveExport(ctx, s.Scan, data)
		if err != nil {
			return nil, err
		}
		if _, err := export(ctx, src, filepath.Join(out, "evidence", s.Scan+".wacz")); err != nil {
			return nil, fmt.Errorf("scan %s: %w", s.Scan, err)
		}
		ev, err := evidenceOf(ctx, d.st, s.Scan)
		if err != nil {
			return nil, err
		}
		m.Registry = append(m.Registry, manifestRegistry{Scan: s.Scan, Snapshot: ev.Qualification.Registry})
	}
	dir, err := dataDir(data)
	if err != nil {
		return nil, err
	}
	for _, o := range c.Observations {
		for _, a := range o.Attachments {
			name := a.SHA256 + "-" + a.Name
			b, err := os.ReadFile(filepath.Join(dir, "cases", c.ID, "attachments", name))
			if err != nil {
				return nil, fmt.Errorf("attachment %s: %w", a.Name, err)
			}
			if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != a.SHA256 {
				return nil, &exitError{1, fmt.Errorf("attachment %s was altered: its SHA-256 is not the one recorded in the case", a.Name)}
			}
			if err := writeSynced(filepath.Join(out, "attachments", name), b); err != nil {
				return nil, err
			}
		}
	}
	var view bytes.Buffer
	if err := writeJSON(&view, viewCase(c, m.Exported)); err != nil {
		return nil, err
	}
	if err := writeSynced(filepath.Join(out, "case.json"), view.Bytes()); err != nil {
		return nil, err
	}
	if m.Files, err = digestTree(out); err != nil {
		return nil, err
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeSynced(filepath.Join(out, "manifest.json"), append(mb, '\n')); err != nil {
		return nil, err
	}
	var sums strings.Builder
	for _, file := range m.Files {
		fmt.Fprintf(&sums, "%s  %s\n", file.SHA256, file.Path)
	}
	if err := writeSynced(filepath.Join(out, "SHA256SUMS"), []byte(sums.String())); err != nil {
		return nil, err
	}
	return m, nil
}

// digestTree lists the files under root with their sizes and SHA-256, in
// the order of their paths.
func digestTree(root string) ([]manifestFile, error) {
	var files []manifestFile
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		// WACZ bundles can be large: hashed as a stream.
		fh, err := os.Open(path)
		if err != nil {
			return err
		}
		defer fh.Close()
		h := sha256.New()
		n, err := io.Copy(h, fh)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		files = append(files, manifestFile{Path: filepath.ToSlash(rel), Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))})
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, err
}
