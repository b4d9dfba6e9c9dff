package cases

import (
	"strconv"
	"strings"
	"time"

	"vigie/internal/claims"
	"vigie/internal/qualify"
)

// Evidence is what one scan of a site showed, as the procedure relies on
// it: the qualification, the claims with their pages and records, and the
// pages that could not be fetched.
type Evidence struct {
	Scan          string                `json:"scan"`
	Site          string                `json:"site"`
	Started       time.Time             `json:"started"`
	Finished      time.Time             `json:"finished"`
	Archive       string                `json:"archive"`
	Ledger        string                `json:"ledger,omitempty"` // the archive's ledger head when the scan ended
	Qualification qualify.Qualification `json:"qualification"`
	Audience      claims.Audience       `json:"audience"`
	Therapies     []claims.Therapy      `json:"therapies"`
	Claims        []Claim               `json:"claims"` // in the scan's order: grounds cite them by index
	Pages         []Page                `json:"pages"`
	Failures      []PageFailure         `json:"failures,omitempty"`
}

// Claim is a claim of a scan with the page and record that prove it.
type Claim struct {
	Category string    `json:"category"`
	Stance   string    `json:"stance"`
	Quote    string    `json:"quote"`
	Rule     string    `json:"rule"`
	R5122    string    `json:"r5122_4,omitempty"`
	URL      string    `json:"url"`
	Record   string    `json:"record"`
	Captured time.Time `json:"captured"`
}

// Page is a page a scan archived.
type Page struct {
	URL    string `json:"url"`
	Status int    `json:"status"`
	Lang   string `json:"lang,omitempty"`
	Title  string `json:"title,omitempty"`
	Record string `json:"record"`
	// Truncated is set when the response was cut short (a timeout, a
	// size bound, a disconnection): what it lacks is unknown.
	Truncated bool `json:"truncated,omitempty"`
}

// PageFailure is a page that could not be checked, and why.
type PageFailure struct {
	URL    string `json:"url"`
	Reason string `json:"reason"`
}

// Unreachable returns the evidence of a follow-up scan of site that could
// not be made at all (the server did not answer): every page is a failure.
func Unreachable(site, scan string, at time.Time, reason string) Evidence {
	return Evidence{Scan: scan, Site: site, Started: at, Finished: at,
		Failures: []PageFailure{{URL: site, Reason: reason}}}
}

// ClaimKey identifies a claim across scans: its category and its words,
// spacing and surrounding quotation marks aside.
func ClaimKey(c Claim) string {
	return c.Category + "\x00" + strings.Join(strings.Fields(strings.Trim(c.Quote, " «»“”\"")), " ")
}

// page returns the scan's page at url, or nil.
func (e *Evidence) page(url string) *Page {
	for i := range e.Pages {
		if e.Pages[i].URL == url {
			return &e.Pages[i]
		}
	}
	return nil
}

// pageState says whether a page of the evidence was served (2xx) and, if
// not, why.
func (e *Evidence) pageState(url string) (ok bool, reason string) {
	for _, f := range e.Failures {
		if f.URL == url {
			return false, f.Reason
		}
	}
	if e.Scan == "" {
		return false, "the site could not be scanned"
	}
	for _, p := range e.Pages {
		if p.URL == url {
			if p.Truncated {
				return false, "the page was cut short (timeout, size bound or disconnection)"
			}
			if p.Status >= 200 && p.Status < 300 {
				return true, ""
			}
			return false, "HTTP status " + strconv.Itoa(p.Status)
		}
	}
	return false, "not reached by the crawl"
}
