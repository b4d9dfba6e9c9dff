package registry

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// emaColumn is a column of the EMA's spreadsheet, found by its header.
type emaColumn int

const (
	colCategory emaColumn = iota
	colName
	colNumber
	colStatus
	colINN
	colSubstance
	colArea
	colATMP
	colOrphan
	colAuthorised
	colRefused
	colEnded
	colSuspended
	colRevised
	colURL
	nColumns
)

// emaHeaders are the folded headers of each column, across the layouts the
// EMA has published; a header ending in "*" matches by prefix.
var emaHeaders = [nColumns][]string{
	colCategory:   {"category"},
	colName:       {"name of medicine", "medicine name"},
	colNumber:     {"ema product number", "product number"},
	colStatus:     {"medicine status", "authorisation status"},
	colINN:        {"international non proprietary name inn common name"},
	colSubstance:  {"active substance"},
	colArea:       {"therapeutic area*"},
	colATMP:       {"advanced therapy"},
	colOrphan:     {"orphan medicine"},
	colAuthorised: {"marketing authorisation date"},
	colRefused:    {"date of refusal*", "refusal of marketing authorisation date"},
	colEnded:      {"withdrawal expiry*"},
	colSuspended:  {"suspension of marketing authorisation*"},
	colRevised:    {"revision date", "last updated date", "last update date"},
	colURL:        {"url", "medicine url"},
}

// required columns: without them a row cannot be read.
var emaRequired = []emaColumn{colCategory, colName, colStatus, colATMP, colAuthorised}

// emaStatuses maps the folded medicine statuses to statuses; other values
// (an opinion, an application withdrawn) are not decisions on an
// authorisation.
var emaStatuses = map[string]Status{
	"authorised": StatusAuthorised,
	"suspended":  StatusSuspended,
	"withdrawn":  StatusWithdrawn,
	"revoked":    StatusWithdrawn,
	"expired":    StatusExpired,
	"lapsed":     StatusExpired,
	"refused":    StatusRefused,
}

// maxHeaderRow bounds the search for the header row below the title block.
const maxHeaderRow = 50

// ReadEMA imports the EMA's "Medicines output — European public assessment
// reports" spreadsheet (xlsx): the human medicines marked as advanced
// therapies. The header row is found by its content below the title block
// and columns by their headers, so reordered and added columns are read
// alike. A file that breaks the layout is an error wrapping ErrMalformed
// that names the file and the row.
func ReadEMA(path string, opts ImportOptions) (*Import, error) {
	opts = opts.resolve()
	data, err := readSource(path)
	if err != nil {
		return nil, err
	}
	im := &Import{Kind: KindEMA, Imported: opts.Now, AsOf: opts.AsOf, Products: []Product{}, Skipped: []Skip{},
		Files: []SourceFile{sourceFile(filepath.Base(path), data)}}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 16 * maxSourceFile})
	if err != nil {
		return nil, fmt.Errorf("%s: not an xlsx spreadsheet: %v: %w", path, err, ErrMalformed)
	}
	defer f.Close()
	use1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		use1904 = *props.Date1904
	}
	for _, sheet := range f.GetSheetList() {
		found, err := readEMASheet(f, sheet, path, use1904, im)
		if err != nil || found {
			return im, err
		}
	}
	return nil, fmt.Errorf("%s: no header row with %q and %q in the first %d rows: %w",
		path, "Category", "Name of medicine", maxHeaderRow, ErrMalformed)
}

// readEMASheet reads one sheet; found is false when it has no header row.
func readEMASheet(f *excelize.File, sheet, path string, use1904 bool, im *Import) (found bool, err error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return false, fmt.Errorf("%s: sheet %q: %v: %w", path, sheet, err, ErrMalformed)
	}
	defer rows.Close()
	var cols [nColumns]int
	seen := map[string]int{}
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return found, fmt.Errorf("%s: sheet %q row %d: %v: %w", path, sheet, n, err, ErrMalformed)
		}
		if !found {
			if n > maxHeaderRow {
				return false, nil
			}
			if found, err = emaHeaderRow(cells, &cols); err != nil {
				return found, fmt.Errorf("%s: sheet %q row %d: %v: %w", path, sheet, n, err, ErrMalformed)
			}
			continue
		}
		if err := readEMARow(cells, cols, n, path, use1904, im, seen); err != nil {
			return found, err
		}
	}
	if err := rows.Error(); err != nil {
		return found, fmt.Errorf("%s: sheet %q: %v: %w", path, sheet, err, ErrMalformed)
	}
	return found, nil
}

// emaHeaderRow reports whether cells are the header row and maps the
// columns; a header row without a required column is an error.
func emaHeaderRow(cells []string, cols *[nColumns]int) (bool, error) {
	for c := range cols {
		cols[c] = -1
	}
	for i, cell := range cells {
		h := Fold(cell)
		for c, names := range emaHeaders {
			if cols[c] < 0 && headerIs(h, names) {
				cols[c] = i
			}
		}
	}
	if cols[colCategory] < 0 || cols[colName] < 0 {
		return false, nil
	}
	for _, c := range emaRequired {
		if cols[c] < 0 {
			return true, fmt.Errorf("header row without a %q column", emaHeaders[c][0])
		}
	}
	return true, nil
}

func headerIs(h string, names []string) bool {
	for _, n := range names {
		if p, ok := strings.CutSuffix(n, "*"); ok && strings.HasPrefix(h, p) || h == n {
			return true
		}
	}
	return false
}

// readEMARow reads data row n.
func readEMARow(cells []string, cols [nColumns]int, n int, path string, use1904 bool, im *Import, seen map[string]int) error {
	cell := func(c emaColumn) string {
		if i := cols[c]; i >= 0 && i < len(cells) {
			return strings.TrimSpace(cells[i])
		}
		return ""
	}
	if strings.TrimSpace(strings.Join(cells, "")) == "" {
		return nil // a blank row
	}
	file := filepath.Base(path)
	if cat := cell(colCategory); Fold(cat) != "human" {
		im.skip(file, n, fmt.Sprintf("not a human medicine (category %q)", cat))
		return nil
	}
	if Fold(cell(colATMP)) != "yes" {
		im.skip(file, n, "not an advanced therapy")
		return nil
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s row %d: %s: %w", path, n, fmt.Sprintf(format, args...), ErrMalformed)
	}
	name := cell(colName)
	if name == "" {
		return bad("no name of medicine")
	}
	date := func(c emaColumn) (Date, error) {
		d, err := parseEMADate(cell(c), use1904)
		if err != nil {
			return Date{}, bad("%s %v", emaHeaders[c][0], err)
		}
		return d, nil
	}
	var dates [nColumns]Date
	for _, c := range []emaColumn{colAuthorised, colRefused, colEnded, colSuspended, colRevised} {
		var err error
		if dates[c], err = date(c); err != nil {
			return err
		}
	}
	status, ok := emaStatuses[Fold(cell(colStatus))]
	if !ok {
		im.skip(file, n, fmt.Sprintf("medicine status %q is not a decision on a marketing authorisation", cell(colStatus)))
		return nil
	}
	number := cell(colNumber)
	src := fmt.Sprintf("EMA medicines output %s row %d", file, n)
	if u := cell(colURL); u != "" {
		src += ": " + u
	}
	a := Authorisation{Route: EUCentralised, Status: status, Since: dates[colAuthorised], Number: number, Source: src}
	if status == StatusRefused {
		a.Since = dates[colRefused]
	}
	if a.Since.IsZero() {
		im.skip(file, n, fmt.Sprintf("status %s without the date of the decision", status))
		return nil
	}
	// The end or suspension date where the layout has it; else the
	// revision date of the EPAR, which reports it (the end came by then).
	bound := func(exact Date, what string) Date {
		switch {
		case !exact.IsZero():
			return exact
		case !dates[colRevised].IsZero():
			a.Source += fmt.Sprintf("; %s date not given, %s by the revision of %s", what, what, dates[colRevised])
			return dates[colRevised]
		}
		a.Source += fmt.Sprintf("; %s date not given, %s by %s", what, what, im.AsOf)
		return im.AsOf
	}
	switch status {
	case StatusWithdrawn, StatusExpired:
		a.Until = bound(dates[colEnded], "ended")
	case StatusSuspended:
		a.Suspended = bound(dates[colSuspended], "suspended")
	}
	p := Product{
		ID: emaID(number, name), Name: name, INN: cell(colINN), Class: "unknown",
		Authorisations: []Authorisation{a}, Source: src,
	}
	if s := cell(colSubstance); p.INN == "" {
		p.INN = s
	} else if s != "" && Fold(s) != Fold(p.INN) {
		p.Synonyms = []string{s}
	}
	if err := a.check(); err != nil {
		// E.g. an end known by the data's date, before the authorisation's.
		im.skip(file, n, "inconsistent: "+err.Error())
		return nil
	}
	if first, dup := seen[p.ID]; dup {
		return bad("%s is already on row %d", p.ID, first)
	}
	seen[p.ID] = n
	im.Products = append(im.Products, p)
	return nil
}

// emaID names an imported EMA product by its number ("EMEA/H/C/004090" →
// "ema-004090"), else by its name.
func emaID(number, name string) string {
	if i := strings.LastIndexByte(number, '/'); i >= 0 && isDigits(number[i+1:]) {
		return emaPrefix + number[i+1:]
	}
	return emaPrefix + strings.ReplaceAll(Fold(name), " ", "-")
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// parseEMADate reads a date cell: dd/mm/yyyy text, yyyy-mm-dd text, or an
// Excel serial date (the raw value of a date-formatted cell). An empty
// cell is the zero Date.
func parseEMADate(s string, use1904 bool) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	if d, err := parseFrenchDate(s); err == nil {
		return d, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return DateOf(t), nil
	}
	// Serial dates: days since 1899-12-30 (1900 system), a fraction for
	// the time of day. Bounded to 1950–2100, so a stray number is not
	// taken for a date.
	if v, err := strconv.ParseFloat(s, 64); err == nil && v >= 18264 && v < 73051 {
		v = math.Floor(v)
		t, err := excelize.ExcelDateToTime(v, use1904)
		if err == nil {
			return DateOf(t), nil
		}
	}
	return Date{}, errors.New(strconv.Quote(s) + ": want dd/mm/yyyy or a date cell")
}
