// Package cases runs the procedure of LEGAL.md section 6: a case gathers a
// company, its sites and their scans, the therapy and the source of the
// signal, and goes from signal to investigation, letter of intent,
// observations, decision, publication, follow-up and closure.
//
// A case is its events. Every change is an Event in an append-only log
// (who, when, what, the state before and after), hash-chained like the
// evidence ledger; the Case is what replaying the log gives. Commands
// (Open, Case.Letter, Case.Decide…) check the move against the current
// state and return the event to append, or an error wrapping
// ErrRefused that says why. The package does no I/O: the store keeps the
// events, cmd wires the scans. It sits above qualify and below drafting.
package cases

import (
	"time"

	"vigie/internal/qualify"
)

// States of a case, in the order of LEGAL.md section 6.
const (
	Signal        = "signal"
	Investigation = "investigation"
	LetterSent    = "letter_sent"
	Observations  = "observations"
	Decided       = "decided"
	Published     = "published"
	FollowUp      = "follow_up"
	Closed        = "closed"
)

// Scopes of a letter or decision: the advertising only, or all the
// company's activities relating to the therapy (LEGAL.md section 5, last
// paragraph).
const (
	ScopeAdvertising = "advertising"
	ScopeActivities  = "activities"
)

// Kinds of observation.
const (
	Written = "written"
	Oral    = "oral"
)

// DefaultObservationDays is the deadline for observations when a letter
// names none: fifteen days from the letter's date.
const DefaultObservationDays = 15

// FollowUpDays is the time after publication within which the sites are to
// be scanned again.
const FollowUpDays = 30

// Case is a procedure, as its events make it. Its fields are derived: change
// a case by appending events, never by setting them.
type Case struct {
	ID           string
	State        string
	Opened       time.Time
	Company      Company
	Sites        []string
	Therapy      string  // therapy id (claims lexicon): the one given at opening, else the first scan's
	Source       *Source // the signal; nil when none was given
	Scans        []ScanRef
	Letters      []Letter
	Observations []Observation
	Decision     *Decision
	Publication  *Publication
	FollowUps    []FollowUpRecord
	ClosedReason string
	Events       []Event
}

// Company is the company a case is about.
type Company struct {
	Name      string    `json:"name"`
	Addresses []Address `json:"addresses"`
}

// Address is a postal address; Country is an ISO 3166-1 alpha-2 code, "" when
// unknown.
type Address struct {
	Text    string `json:"text"`
	Country string `json:"country,omitempty"`
}

// Source is where the signal came from.
type Source struct {
	Text string `json:"text"`
	Date string `json:"date,omitempty"` // YYYY-MM-DD
}

// ScanRef is a scan attached to a case: the evidence of one site at one time.
type ScanRef struct {
	Site     string    `json:"site"`
	Scan     string    `json:"scan"`
	Verdict  string    `json:"verdict"`
	Therapy  string    `json:"therapy,omitempty"` // the therapy the scan's qualification is about
	Finished time.Time `json:"finished"`
	// Incomplete is set when pages of the scan could not be fetched or
	// were cut short: it does not show the whole site.
	Incomplete bool `json:"incomplete,omitempty"`
	// FollowUp is set for the scans made by a follow-up.
	FollowUp bool `json:"follow_up,omitempty"`
}

// Letter is a letter of intent.
type Letter struct {
	Date      string   `json:"date"` // YYYY-MM-DD
	Scope     string   `json:"scope"`
	Deadline  string   `json:"deadline"`            // for observations, YYYY-MM-DD
	Signatory string   `json:"signatory,omitempty"` // "Name, title"; "" when not recorded
	Scans     []string `json:"scans"`               // the scans the letter relies on
}

// Observation is the company's written or oral observations.
type Observation struct {
	Date        string       `json:"date"` // YYYY-MM-DD
	Kind        string       `json:"kind"` // written or oral
	Summary     string       `json:"summary"`
	Answer      string       `json:"answer,omitempty"` // the agency's answer, quoted in the decision
	Attachments []Attachment `json:"attachments,omitempty"`
	Late        bool         `json:"late,omitempty"` // received after the deadline
}

// Attachment is a file received with observations, kept under the data
// directory and identified by its digest.
type Attachment struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

// Decision is the signed decision.
type Decision struct {
	Date      string   `json:"date"` // YYYY-MM-DD
	Scope     string   `json:"scope"`
	Signatory string   `json:"signatory"`
	Scans     []string `json:"scans"` // the scans the decision relies on
	Urgent    bool     `json:"urgent,omitempty"`
	Reason    string   `json:"reason,omitempty"` // why urgent: no letter, no observations
}

// Publication is the publication of the decision and its notice.
type Publication struct {
	Date string `json:"date"` // YYYY-MM-DD
}

// FollowUpRecord is one follow-up: the sites scanned again and what the
// comparison found.
type FollowUpRecord struct {
	Date        string         `json:"date"` // YYYY-MM-DD
	Comparisons []CountsBySite `json:"sites"`
}

// CountsBySite is the outcome of a follow-up on one site.
type CountsBySite struct {
	Site        string `json:"site"`
	Relied      string `json:"relied"` // the scan compared with
	Scan        string `json:"scan"`   // the new scan; "" when the site could not be reached
	Removed     int    `json:"removed"`
	Remaining   int    `json:"remaining"`
	New         int    `json:"new"`
	Unreachable int    `json:"unreachable"`
}

// LatestScan returns the latest scan of site attached to the case.
func (c *Case) LatestScan(site string) (ScanRef, bool) {
	for i := len(c.Scans) - 1; i >= 0; i-- {
		if c.Scans[i].Site == site {
			return c.Scans[i], true
		}
	}
	return ScanRef{}, false
}

// Relied returns the scans the procedure relies on, one per site: the
// decision's once decided, else the latest letter's, else the latest scan of
// each site.
func (c *Case) Relied() []string {
	if c.Decision != nil {
		return c.Decision.Scans
	}
	if n := len(c.Letters); n > 0 {
		return c.Letters[n-1].Scans
	}
	return c.LatestScans()
}

// LatestScans returns the latest scan of each site, in the order of the
// sites.
func (c *Case) LatestScans() []string {
	var ids []string
	for _, s := range c.Sites {
		if r, ok := c.LatestScan(s); ok {
			ids = append(ids, r.Scan)
		}
	}
	return ids
}

// DecisionScans returns the scans a decision relies on, one per site: the
// latest complete scan that shows illegal promotion (a follow-up after the
// company's observations shows what remains at the date of the decision),
// else the scan the latest letter relied on, else the latest scan. It is an
// error wrapping ErrRefused when none of them shows illegal promotion:
// there is nothing to decide on.
func (c *Case) DecisionScans() ([]string, error) {
	var letter map[string]ScanRef
	if n := len(c.Letters); n > 0 {
		letter = map[string]ScanRef{}
		for _, id := range c.Letters[n-1].Scans {
			if r, ok := c.scan(id); ok {
				letter[r.Site] = r
			}
		}
	}
	var ids []string
	violation := false
	for _, site := range c.Sites {
		var pick ScanRef
		found := false
		for i := len(c.Scans) - 1; i >= 0 && !found; i-- {
			s := c.Scans[i]
			if s.Site == site && !s.Incomplete && s.Verdict == qualify.IllegalPromotion {
				pick, found = s, true
			}
		}
		if !found {
			pick, found = letter[site]
		}
		if !found {
			pick, found = c.LatestScan(site)
		}
		if found {
			ids = append(ids, pick.Scan)
			violation = violation || pick.Verdict == qualify.IllegalPromotion
		}
	}
	if !violation {
		return ids, refused("no scan of case %s shows illegal promotion: there is nothing to decide on (scan the sites again, or close the case)", c.ID)
	}
	return ids, nil
}

func (c *Case) scan(id string) (ScanRef, bool) {
	for _, s := range c.Scans {
		if s.Scan == id {
			return s, true
		}
	}
	return ScanRef{}, false
}

// Scope is the scope of the procedure: the decision's, else the latest
// letter's, else the advertising.
func (c *Case) Scope() string {
	switch {
	case c.Decision != nil:
		return c.Decision.Scope
	case len(c.Letters) > 0:
		return c.Letters[len(c.Letters)-1].Scope
	}
	return ScopeAdvertising
}

// Head is the hash of the case's last event: what `vigie case verify`
// reports and what the documents may cite.
func (c *Case) Head() string {
	if len(c.Events) == 0 {
		return ""
	}
	return c.Events[len(c.Events)-1].Hash
}
