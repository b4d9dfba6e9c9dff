// Package registry knows which medicines are authorised, by which route,
// since and until when. It sits at the bottom of the pipeline: claims asks
// it whether a product a page names is authorised at the capture date, and
// qualify records which snapshot of it was relied on.
//
// The data is an embedded seed (data/products.yaml: the EU-authorised
// ATMPs, curated from the EMA's public assessment reports) merged with the
// latest import of each official source (the EMA's medicines output
// spreadsheet, the French BDPM files) found in a data folder. Every byte
// relied on is covered by the snapshot digest, so that "not authorised as
// of date D" can be proven later against the same data.
package registry

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

//go:embed data/products.yaml
var seed []byte

// seedName names the embedded seed among the parts of a snapshot.
const seedName = "seed:data/products.yaml"

// Registry is a read-only view of the products known at one snapshot. It
// is safe for concurrent use.
type Registry struct {
	date     string // snapshot date, YYYY-MM-DD
	digest   string // "sha256:" + hex, over the parts
	parts    []Part
	imports  []ImportInfo
	products []Product
	byID     map[string]int
	keys     []keys // per product, its folded names
}

// keys are the folded names of a product, computed once: folding is
// costly, and an import of the BDPM compares thousands of products.
type keys struct {
	name    string   // the name: the order of Lookup
	all     []string // id, name, INN, synonyms and brands: what Lookup compares
	names   []string // name and brands: what a register's denomination starts with
	inns    []string // INN and synonyms
	numbers []string // authorisation numbers
}

// Part is one file a snapshot relies on, with its SHA-256 digest.
type Part struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"` // hex
}

// ImportInfo says what one import added to the registry.
type ImportInfo struct {
	Name     string `json:"name"` // file name in the import folder
	Kind     string `json:"kind"`
	AsOf     Date   `json:"as_of"`
	Products int    `json:"products"` // products in the import
	Matched  int    `json:"matched"`  // merged into a product already known (the seed's, or an earlier import's)
	Added    int    `json:"added"`    // added as new products
}

// seedFile is the layout of data/products.yaml.
type seedFile struct {
	Snapshot string    `yaml:"snapshot"`
	Products []Product `yaml:"products"`
}

// Default returns the registry of the embedded seed alone.
func Default() (*Registry, error) { return Parse(seed) }

// Parse reads a registry file in the layout of data/products.yaml, alone.
// An authorisation without a source takes its product's.
func Parse(data []byte) (*Registry, error) {
	f, err := parseSeed(data)
	if err != nil {
		return nil, err
	}
	return build(f, data, nil)
}

func parseSeed(data []byte) (*seedFile, error) {
	var f seedFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("registry seed: %w", err)
	}
	if _, err := time.Parse(time.DateOnly, f.Snapshot); err != nil {
		return nil, fmt.Errorf("registry seed: snapshot %q: want YYYY-MM-DD: %w", f.Snapshot, errInvalid)
	}
	for i := range f.Products {
		p := &f.Products[i]
		for j := range p.Authorisations {
			if p.Authorisations[j].Source == "" {
				p.Authorisations[j].Source = p.Source
			}
		}
		if strings.HasPrefix(p.ID, emaPrefix) || strings.HasPrefix(p.ID, cisPrefix) {
			return nil, fmt.Errorf("registry seed: product %q: the prefixes %q and %q are for imported products: %w", p.ID, emaPrefix, cisPrefix, errInvalid)
		}
	}
	return &f, nil
}

// build merges the seed with the imports, in the order given.
func build(f *seedFile, seedData []byte, imports []loadedImport) (*Registry, error) {
	r := &Registry{date: f.Snapshot, byID: map[string]int{}}
	r.parts = append(r.parts, partOf(seedName, seedData))
	for _, p := range f.Products {
		if err := r.add(p, originSeed); err != nil {
			return nil, fmt.Errorf("registry seed: %w", err)
		}
	}
	for _, im := range imports {
		info, err := r.merge(im)
		if err != nil {
			return nil, fmt.Errorf("registry import %s: %w", im.name, err)
		}
		r.imports = append(r.imports, info)
		r.parts = append(r.parts, partOf(im.name, im.data))
		if d := im.imp.AsOf.String(); len(d) == len(time.DateOnly) && d > r.date {
			r.date = d
		}
	}
	r.digest = digestOf(r.parts)
	return r, nil
}

func partOf(name string, data []byte) Part {
	sum := sha256.Sum256(data)
	return Part{Name: name, SHA256: hex.EncodeToString(sum[:])}
}

// digestOf is the snapshot digest: the SHA-256 of the parts listed one a
// line as sha256sum prints them ("<hex>  <name>\n"), in order. Anyone can
// recompute it from the seed of the binary and the import files.
func digestOf(parts []Part) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%s  %s\n", p.SHA256, p.Name)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// add appends p as a new product.
func (r *Registry) add(p Product, origin string) error {
	if err := p.check(); err != nil {
		return err
	}
	if _, dup := r.byID[p.ID]; dup {
		return fmt.Errorf("product %q listed twice: %w", p.ID, errInvalid)
	}
	for i := range p.Authorisations {
		p.Authorisations[i].origin = origin
	}
	r.byID[p.ID] = len(r.products)
	r.products = append(r.products, p)
	r.keys = append(r.keys, keys{})
	r.index(len(r.products) - 1)
	return nil
}

// index computes the folded names of product i.
func (r *Registry) index(i int) {
	p := &r.products[i]
	add := func(list []string, s ...string) []string {
		for _, s := range s {
			if f := Fold(s); f != "" && !slices.Contains(list, f) {
				list = append(list, f)
			}
		}
		return list
	}
	k := keys{name: Fold(p.Name)}
	k.names = add(add(nil, p.Name), p.Brands...)
	k.inns = add(add(nil, p.INN), p.Synonyms...)
	k.all = add(add(add(nil, p.ID), k.names...), k.inns...)
	for _, a := range p.Authorisations {
		k.numbers = add(k.numbers, a.Number)
	}
	r.keys[i] = k
}

// Snapshot returns the date and content digest of the registry data, so a
// qualification can say what "not authorised" was checked against: the
// date is the latest of the seed's and the imports' data dates, the digest
// covers every file relied on (see Parts).
func (r *Registry) Snapshot() (date, digest string) { return r.date, r.digest }

// Parts returns the files the snapshot digest covers, in digest order.
func (r *Registry) Parts() []Part { return slices.Clone(r.parts) }

// Imports says what each import merged into the registry added.
func (r *Registry) Imports() []ImportInfo { return slices.Clone(r.imports) }

// Len returns the number of products.
func (r *Registry) Len() int { return len(r.products) }

// IDs returns the ids of the products, in the registry's order.
func (r *Registry) IDs() []string {
	ids := make([]string, len(r.products))
	for i, p := range r.products {
		ids[i] = p.ID
	}
	return ids
}

// Product returns the product with the id.
func (r *Registry) Product(id string) (Product, bool) {
	i, ok := r.byID[id]
	if !ok {
		return Product{}, false
	}
	return r.products[i], true
}

// Authorised reports whether product id held an authorisation at date at:
// by a route that authorises in France (the hospital exemption never
// does), granted on or before that day, and not ended (withdrawn, expired)
// or suspended by then. An unknown id is not authorised.
func (r *Registry) Authorised(id string, at time.Time) bool {
	i, ok := r.byID[id]
	return ok && r.products[i].AuthorisedAt(at)
}
