package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
)

// The BDPM files the importer reads.
const (
	bdpmCIS   = "CIS_bdpm.txt"
	bdpmCompo = "CIS_COMPO_bdpm.txt"
)

// ErrMalformed marks a source file that does not follow its published
// layout. The error names the file and the line or row.
var ErrMalformed = errors.New("not in the source's published layout")

// ImportOptions says when an import runs and what date its data has. The
// zero value means: now, data of today.
type ImportOptions struct {
	Now  time.Time // when the import runs; zero: time.Now()
	AsOf Date      // date of the data (of the download); zero: the day of Now (UTC)
}

func (o ImportOptions) resolve() ImportOptions {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.UTC()
	if o.AsOf.IsZero() {
		o.AsOf = DateOf(o.Now)
	}
	return o
}

// bdpmRow is one line of CIS_bdpm.txt: tab-separated, no header, in this
// order (the BDPM's documentation).
type bdpmRow struct {
	CIS          string // code CIS, 8 digits
	Name         string // dénomination
	Form         string // forme pharmaceutique
	Routes       string // voies d'administration, ";"-separated
	Status       string // statut administratif de l'AMM
	Procedure    string // type de procédure d'autorisation
	Marketed     string // état de commercialisation
	Date         string // date d'AMM, dd/mm/yyyy
	BdM          string // statut BdM: "Alerte", "Warning disponibilité" or empty
	EUNumber     string // numéro de l'autorisation européenne
	Holders      string // titulaire(s), ";"-separated
	Surveillance string // surveillance renforcée: "Oui" or "Non"; absent from older files
}

// bdpmFields is the number of fields of a CIS_bdpm.txt line; older files
// lack the last one.
const bdpmFields = 12

// parseBDPMLine reads one non-empty line of CIS_bdpm.txt. Fields are
// trimmed (holders come with a leading space).
func parseBDPMLine(line string) (bdpmRow, error) {
	f := strings.Split(line, "\t")
	for len(f) > bdpmFields && strings.TrimSpace(f[len(f)-1]) == "" {
		f = f[:len(f)-1] // trailing tabs
	}
	if len(f) != bdpmFields && len(f) != bdpmFields-1 {
		return bdpmRow{}, fmt.Errorf("%d tab-separated fields, want %d", len(f), bdpmFields)
	}
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	f = append(f, "")
	r := bdpmRow{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11]}
	if !isCIS(r.CIS) {
		return bdpmRow{}, fmt.Errorf("CIS code %q: want 8 digits", r.CIS)
	}
	if r.Name == "" {
		return bdpmRow{}, errors.New("no denomination")
	}
	if r.Date != "" {
		if _, err := parseFrenchDate(r.Date); err != nil {
			return bdpmRow{}, err
		}
	}
	return r, nil
}

func isCIS(s string) bool {
	return len(s) == 8 && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// parseFrenchDate reads dd/mm/yyyy.
func parseFrenchDate(s string) (Date, error) {
	t, err := time.Parse("02/01/2006", s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want dd/mm/yyyy", s)
	}
	return DateOf(t), nil
}

// bdpmStatuses maps the folded administrative statuses to statuses.
var bdpmStatuses = map[string]Status{
	"autorisation active":    StatusAuthorised,
	"autorisation suspendue": StatusSuspended,
	"autorisation abrogee":   StatusWithdrawn, // repealed, usually at the holder's request
	"autorisation retiree":   StatusWithdrawn, // withdrawn by the agency
	"autorisation archivee":  StatusExpired,   // no longer valid, kept for the record
}

// bdpmRoute maps a folded procedure type to a route. A parallel
// distribution is of a centrally authorised product: its EU authorisation
// is what authorises it.
func bdpmRoute(procedure string) (Route, bool) {
	p := Fold(procedure)
	switch {
	case strings.HasPrefix(p, "procedure centralisee"), strings.Contains(p, "distribution parallele"):
		return EUCentralised, true
	case strings.HasPrefix(p, "procedure nationale"),
		strings.HasPrefix(p, "procedure de reconnaissance mutuelle"),
		strings.HasPrefix(p, "procedure decentralisee"):
		return FRNational, true
	case strings.Contains(p, "importation parallele"):
		return ParallelImport, true
	}
	return "", false
}

// ReadBDPM imports the French BDPM files in dir: CIS_bdpm.txt (required)
// and CIS_COMPO_bdpm.txt (optional: the active substances give the INNs).
// Every medicine is kept; rows whose status or procedure the registry does
// not know are skipped with the reason. A file that breaks the layout is
// an error wrapping ErrMalformed that names the file and the line.
func ReadBDPM(dir string, opts ImportOptions) (*Import, error) {
	opts = opts.resolve()
	im := &Import{Kind: KindBDPM, Imported: opts.Now, AsOf: opts.AsOf, Products: []Product{}, Skipped: []Skip{}}
	cisPath := filepath.Join(dir, bdpmCIS)
	data, err := readSource(cisPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no %s: not a BDPM folder", dir, bdpmCIS)
		}
		return nil, err
	}
	im.Files = append(im.Files, sourceFile(bdpmCIS, data))
	rows, err := parseCIS(cisPath, data)
	if err != nil {
		return nil, err
	}
	substances := map[string][]string{}
	compoPath := filepath.Join(dir, bdpmCompo)
	if compo, err := readSource(compoPath); err == nil {
		im.Files = append(im.Files, sourceFile(bdpmCompo, compo))
		if substances, err = parseCompo(compoPath, compo); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, lr := range rows {
		p, reason := bdpmProduct(lr.row, lr.line, substances[lr.row.CIS], im.AsOf)
		if reason != "" {
			im.skip(bdpmCIS, lr.line, reason)
			continue
		}
		im.Products = append(im.Products, p)
	}
	return im, nil
}

func sourceFile(name string, data []byte) SourceFile {
	sum := sha256.Sum256(data)
	return SourceFile{Name: name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
}

type lineRow struct {
	line int
	row  bdpmRow
}

// parseCIS reads CIS_bdpm.txt; path names it in errors.
func parseCIS(path string, data []byte) ([]lineRow, error) {
	text, _ := decodeText(data)
	var rows []lineRow
	seen := map[string]int{}
	for i, line := range splitLines(text) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		r, err := parseBDPMLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %v: %w", path, i+1, err, ErrMalformed)
		}
		if first, dup := seen[r.CIS]; dup {
			return nil, fmt.Errorf("%s line %d: CIS %s already on line %d: %w", path, i+1, r.CIS, first, ErrMalformed)
		}
		seen[r.CIS] = i + 1
		rows = append(rows, lineRow{i + 1, r})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no medicine: %w", path, ErrMalformed)
	}
	return rows, nil
}

// parseCompo reads CIS_COMPO_bdpm.txt into the active substances of each
// CIS: per component, its therapeutic fraction ("FT") where given (the
// base rather than the salt, closer to the INN), else its active
// substance ("SA").
func parseCompo(path string, data []byte) (map[string][]string, error) {
	text, _ := decodeText(data)
	type component struct{ cis, link string } // the 8th field links a substance to its fraction
	type substance struct {
		component
		code string
	}
	sa, ft := map[substance]string{}, map[component]string{}
	var order []substance
	for i, line := range splitLines(text) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 7 {
			return nil, fmt.Errorf("%s line %d: %d tab-separated fields, want 8: %w", path, i+1, len(f), ErrMalformed)
		}
		for j := range f {
			f[j] = strings.TrimSpace(f[j])
		}
		if !isCIS(f[0]) {
			return nil, fmt.Errorf("%s line %d: CIS code %q: want 8 digits: %w", path, i+1, f[0], ErrMalformed)
		}
		c := component{cis: f[0]}
		if len(f) > 7 {
			c.link = f[7]
		}
		switch f[6] {
		case "SA":
			s := substance{c, f[2]}
			if _, ok := sa[s]; !ok {
				order = append(order, s)
			}
			sa[s] = f[3]
		case "FT":
			ft[c] = f[3]
		}
	}
	out := map[string][]string{}
	for _, s := range order {
		name := sa[s]
		if f, ok := ft[s.component]; ok && s.link != "" {
			name = f
		}
		if name != "" && !slices.Contains(out[s.cis], name) {
			out[s.cis] = append(out[s.cis], name)
		}
	}
	return out, nil
}

// bdpmProduct maps a row to a product, or says why it is skipped.
func bdpmProduct(r bdpmRow, line int, substances []string, asOf Date) (Product, string) {
	status, ok := bdpmStatuses[Fold(r.Status)]
	if !ok {
		return Product{}, fmt.Sprintf("administrative status %q unknown", r.Status)
	}
	route, ok := bdpmRoute(r.Procedure)
	if !ok {
		return Product{}, fmt.Sprintf("procedure %q unknown", r.Procedure)
	}
	if r.Date == "" {
		return Product{}, "no date of authorisation"
	}
	since, _ := parseFrenchDate(r.Date) // checked by parseBDPMLine
	src := fmt.Sprintf("BDPM %s line %d (CIS %s): %s, %s", bdpmCIS, line, r.CIS, r.Status, r.Procedure)
	a := Authorisation{Route: route, Status: status, Since: since, Number: r.EUNumber, Source: src}
	if a.Number == "" || route != EUCentralised {
		a.Number = "CIS " + r.CIS
	}
	switch status {
	case StatusWithdrawn, StatusExpired:
		// The BDPM gives no end date: the end is known by the data's date.
		a.Until = asOf
		a.Source += fmt.Sprintf("; end date not given, ended by %s", asOf)
	case StatusSuspended:
		a.Suspended = asOf
		a.Source += fmt.Sprintf("; suspension date not given, suspended by %s", asOf)
	}
	p := Product{
		ID:             cisPrefix + r.CIS,
		Name:           r.Name,
		INN:            strings.Join(substances, " + "),
		Class:          "unknown",
		Authorisations: []Authorisation{a},
		Source:         fmt.Sprintf("BDPM %s line %d (CIS %s)", bdpmCIS, line, r.CIS),
	}
	if b := brandOf(r.Name); b != "" && Fold(b) != Fold(r.Name) {
		p.Brands = []string{b}
	}
	if err := a.check(); err != nil {
		// E.g. an end known by the data's date, before the authorisation's.
		return Product{}, "inconsistent: " + err.Error()
	}
	return p, ""
}

// brandOf returns the name a denomination starts with, before its
// strength and form: "DOLIPRANE 1000 mg, comprimé" → "DOLIPRANE".
func brandOf(denomination string) string {
	name, _, _ := strings.Cut(denomination, ",")
	words := strings.Fields(name)
	for i, w := range words {
		if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			words = words[:i]
			break
		}
	}
	return strings.Join(words, " ")
}
