// Command mkema writes the EMA spreadsheet samples of the registry tests,
// in the layouts the EMA publishes (its "Medicines output — European public
// assessment reports" file): run it from the repository root with
//
//	go run ./internal/registry/testdata/mkema
//
// The products are the real ones of the seed where the tests need a match,
// and invented ones (Examplicel, Refusix, Retiracel…) elsewhere.
package main

import (
	"fmt"
	"log"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"
)

const dir = "internal/registry/testdata/ema"

func main() {
	for name, write := range map[string]func(*excelize.File, string) error{
		"medicines-output.xlsx":      current,
		"medicines-output-2019.xlsx": older,
		"bad-date.xlsx":              badDate,
		"no-header.xlsx":             noHeader,
	} {
		f := excelize.NewFile()
		if err := write(f, "Sheet1"); err != nil {
			log.Fatal(name, ": ", err)
		}
		if err := f.SaveAs(filepath.Join(dir, name)); err != nil {
			log.Fatal(err)
		}
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// rows writes rows from the first row; a time.Time becomes a date cell.
func rows(f *excelize.File, sheet string, first int, rs [][]any) error {
	style, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // a date cell, shown d/m/yyyy
	if err != nil {
		return err
	}
	for i, r := range rs {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, first+i)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				return err
			}
			if _, ok := v.(time.Time); ok {
				if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// titleBlock is what precedes the header in the EMA's file.
var titleBlock = [][]any{
	{"Medicines output: European public assessment reports"},
	{"Data extracted on: 20/11/2026 06:00"},
	{},
	{"This file contains the list of medicines for human and veterinary use assessed by the EMA (EPARs)."},
	{"For more information, see the EMA website."},
	{},
	{"Disclaimer: the information in this file is provided for information only."},
	{},
}

// current is the layout of 2024 onwards, header on row 9.
func current(f *excelize.File, sheet string) error {
	header := []any{"Category", "Name of medicine", "EMA product number", "Medicine status", "Opinion status",
		"International non-proprietary name (INN) / common name", "Active substance", "Therapeutic area (MeSH)",
		"Patient safety", "Advanced therapy", "Biosimilar", "Orphan medicine", "Marketing authorisation date",
		"Date of refusal of marketing authorisation", "Revision date", "URL"}
	data := [][]any{
		{"Human", "Kymriah", "EMEA/H/C/004090", "Authorised", "", "tisagenlecleucel", "tisagenlecleucel",
			"Lymphoma, Large B-Cell, Diffuse", "no", "yes", "no", "yes", day("2018-08-22"), "", day("2026-10-02"),
			"https://www.ema.europa.eu/en/medicines/human/EPAR/kymriah"},
		{"Human", "Aspirinex", "EMEA/H/C/009990", "Authorised", "", "acetylsalicylic acid", "acetylsalicylic acid",
			"Pain", "no", "no", "no", "no", "14/05/2020", "", "01/06/2025", "https://www.ema.europa.eu/en/medicines/human/EPAR/aspirinex"},
		{"Veterinary", "Canigenix", "EMEA/V/C/009991", "Authorised", "", "", "canine gene construct",
			"", "no", "yes", "no", "no", "02/02/2022", "", "02/02/2022", ""},
		{"Human", "Alofisel", "EMEA/H/C/004258", "Withdrawn", "", "darvadstrocel", "darvadstrocel",
			"Rectal Fistula", "no", "yes", "no", "yes", "23/03/2018", "", "20/12/2024",
			"https://www.ema.europa.eu/en/medicines/human/EPAR/alofisel"},
		{},
		{"Human", "Examplicel", "EMEA/H/C/009999", "Authorised", "", "exampcabtagene autoleucel", "exampcabtagène autoleucel",
			"Multiple Myeloma", "no", "yes", "no", "yes", day("2026-01-15"), "", "15/01/2026",
			"https://www.ema.europa.eu/en/medicines/human/EPAR/examplicel"},
		{"Human", "Refusix", "EMEA/H/C/009998", "Refused", "", "refusogene vector", "refusogene vector",
			"Glioma", "no", "yes", "no", "no", "", "10/10/2025", "12/10/2025", ""},
		{"Human", "Retiracel", "EMEA/H/C/009997", "Withdrawn", "", "retiracel", "retiracel",
			"Cartilage Diseases", "no", "yes", "no", "no", "01/03/2019", "", day("2023-06-30"), ""},
		{"Human", "Opinionem", "EMEA/H/C/009996", "Opinion", "Positive", "opinionogene", "opinionogene",
			"Hemophilia A", "no", "yes", "no", "yes", "", "", "01/11/2026", ""},
		{"Human", "Holoclar", "EMEA/H/C/002450", "Authorised", "",
			"ex vivo expanded autologous human corneal epithelial cells containing stem cells",
			"ex vivo expanded autologous human corneal epithelial cells containing stem cells",
			"Stem Cell Transplantation", "no", "yes", "no", "yes", day("2015-02-17"), "", "11/04/2025",
			"https://www.ema.europa.eu/en/medicines/human/EPAR/holoclar"},
	}
	if err := rows(f, sheet, 1, titleBlock); err != nil {
		return err
	}
	return rows(f, sheet, len(titleBlock)+1, append([][]any{header}, data...))
}

// older is the layout of the 2010s: other names, another order, no title
// block, the header on the first row.
func older(f *excelize.File, sheet string) error {
	return rows(f, sheet, 1, [][]any{
		{"Category", "Medicine name", "Therapeutic area", "International non-proprietary name (INN) / common name",
			"Active substance", "Product number", "Patient safety", "Authorisation status", "ATC code",
			"Additional monitoring", "Generic", "Biosimilar", "Conditional approval", "Exceptional circumstances",
			"Accelerated assessment", "Orphan medicine", "Marketing authorisation date",
			"Date of refusal of marketing authorisation", "Marketing authorisation holder/company name",
			"Pharmacotherapeutic group", "Date of opinion", "Decision date", "Revision number",
			"Condition / indication", "Species", "ATCvet code", "First published", "Revision date", "URL",
			"Advanced therapy"},
		{"Human", "Luxturna", "Leber Congenital Amaurosis", "voretigene neparvovec", "voretigene neparvovec",
			"EMEA/H/C/004451", "no", "Authorised", "S01XA27", "yes", "no", "no", "no", "no", "no", "yes",
			day("2018-11-22"), "", "Novartis Europharm Limited", "Other ophthalmologicals", "20/09/2018",
			"22/11/2018", "5", "", "", "", "23/11/2018", "10/06/2019",
			"https://www.ema.europa.eu/en/medicines/human/EPAR/luxturna", "yes"},
		{"Human", "Glybera", "Hyperlipoproteinemia Type I", "alipogene tiparvovec", "alipogene tiparvovec",
			"EMEA/H/C/002145", "no", "Withdrawn", "C10AX10", "yes", "no", "no", "no", "yes", "no", "yes",
			"25/10/2012", "", "uniQure biopharma B.V.", "Lipid modifying agents", "19/07/2012",
			"25/10/2012", "9", "", "", "", "02/11/2012", "27/10/2017",
			"https://www.ema.europa.eu/en/medicines/human/EPAR/glybera", "yes"},
	})
}

// badDate has an advanced therapy with an impossible date on row 11.
func badDate(f *excelize.File, sheet string) error {
	if err := rows(f, sheet, 1, titleBlock); err != nil {
		return err
	}
	return rows(f, sheet, len(titleBlock)+1, [][]any{
		{"Category", "Name of medicine", "EMA product number", "Medicine status", "Advanced therapy", "Marketing authorisation date"},
		{"Human", "Kymriah", "EMEA/H/C/004090", "Authorised", "yes", day("2018-08-22")},
		{"Human", "Examplicel", "EMEA/H/C/009999", "Authorised", "yes", "31/02/2026"},
	})
}

// noHeader is a spreadsheet of something else.
func noHeader(f *excelize.File, sheet string) error {
	var rs [][]any
	for i := range 60 {
		rs = append(rs, []any{fmt.Sprintf("line %d", i+1), "some value"})
	}
	return rows(f, sheet, 1, rs)
}
