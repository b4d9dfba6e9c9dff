// Package registry knows which medicines are authorised, by which route,
// since and until when. It sits at the bottom of the pipeline: claims asks
// it whether a product a page names is authorised at the capture date, and
// qualify records which snapshot it relied on.
package registry

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

//go:embed data/products.yaml
var seed []byte

// Product is a medicine of the registry.
type Product struct {
	ID     string `yaml:"id" json:"id"`
	Name   string `yaml:"name" json:"name"`
	INN    string `yaml:"inn" json:"inn"`
	Class  string `yaml:"class" json:"class"`
	Route  string `yaml:"route" json:"route"`   // eu_centralised, fr_national, early_access, hospital_exemption
	Status string `yaml:"status" json:"status"` // authorised, suspended, withdrawn, expired
	Since  string `yaml:"since" json:"since"`   // date of the authorisation, YYYY-MM-DD
	Until  string `yaml:"until,omitempty" json:"until,omitempty"`
	Source string `yaml:"source" json:"source"`

	since, until time.Time
}

// Registry is a read-only snapshot of authorised products. Safe for
// concurrent use.
type Registry struct {
	snapshot string // date of the snapshot
	digest   string // SHA-256 of the data it was read from
	products []Product
	byID     map[string]*Product
}

// Default returns the registry embedded in the binary.
func Default() (*Registry, error) { return Parse(seed) }

// Parse reads a registry file (YAML, the layout of data/products.yaml).
func Parse(data []byte) (*Registry, error) {
	var f struct {
		Snapshot string    `yaml:"snapshot"`
		Products []Product `yaml:"products"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	sum := sha256.Sum256(data)
	r := &Registry{snapshot: f.Snapshot, digest: "sha256:" + hex.EncodeToString(sum[:]), byID: map[string]*Product{}}
	for i := range f.Products {
		p := f.Products[i]
		var err error
		if p.since, err = time.Parse(time.DateOnly, p.Since); err != nil {
			return nil, fmt.Errorf("registry: product %q: since: %w", p.ID, err)
		}
		if p.Until != "" {
			if p.until, err = time.Parse(time.DateOnly, p.Until); err != nil {
				return nil, fmt.Errorf("registry: product %q: until: %w", p.ID, err)
			}
		}
		if _, dup := r.byID[p.ID]; dup {
			return nil, fmt.Errorf("registry: product %q listed twice", p.ID)
		}
		r.products = append(r.products, p)
		r.byID[p.ID] = &r.products[len(r.products)-1]
	}
	return r, nil
}

// Snapshot returns the date and content digest of the registry data, so a
// qualification can say what "not authorised" was checked against.
func (r *Registry) Snapshot() (date, digest string) { return r.snapshot, r.digest }

// Authorised reports whether product id held an authorisation at date at:
// granted on or before it, and not ended (withdrawn, expired) by then.
func (r *Registry) Authorised(id string, at time.Time) bool {
	p, ok := r.byID[id]
	if !ok {
		return false
	}
	if at.Before(p.since) {
		return false
	}
	if !p.until.IsZero() {
		return at.Before(p.until)
	}
	return p.Status == "authorised"
}

// Lookup returns the products whose id or name is name, or whose INN
// contains it, ignoring case.
func (r *Registry) Lookup(name string) []Product {
	q := strings.ToLower(strings.TrimSpace(name))
	var out []Product
	for _, p := range r.products {
		if q != "" && (p.ID == q || strings.ToLower(p.Name) == q || strings.Contains(strings.ToLower(p.INN), q)) {
			out = append(out, p)
		}
	}
	return out
}
