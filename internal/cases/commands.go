package cases

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Stamp is who makes a change and when it is recorded.
type Stamp struct {
	Actor string
	At    time.Time
}

// DateLayout is the layout of procedure dates (letters, observations,
// decisions): days, as the documents give them.
const DateLayout = "2006-01-02"

// ParseDate parses a procedure date (YYYY-MM-DD).
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return t, nil
}

// refusal is a refused move: its message says why, and it is ErrRefused.
type refusal string

func (r refusal) Error() string        { return string(r) }
func (r refusal) Is(target error) bool { return target == ErrRefused }

func refused(format string, a ...any) error {
	return refusal(fmt.Sprintf(format, a...))
}

// text refuses strings that are not UTF-8: JSON would replace their bad
// bytes, and two different inputs would be recorded (and hashed) alike.
func text(ss ...string) error {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return refused("%q is not UTF-8 text", s)
		}
	}
	return nil
}

// Open returns a new case with its first event: the signal.
func Open(id string, s Stamp, co Company, sites []string, therapy string, src *Source) (*Case, error) {
	co.Name = strings.TrimSpace(co.Name)
	if err := text(append([]string{co.Name, therapy}, sites...)...); err != nil {
		return nil, err
	}
	if src != nil {
		if err := text(src.Text, src.Date); err != nil {
			return nil, err
		}
	}
	switch {
	case co.Name == "":
		return nil, refused("a case needs the company's name")
	case len(co.Addresses) == 0:
		return nil, refused("a case needs at least one postal address of the company (letters are sent there)")
	case len(sites) == 0:
		return nil, refused("a case needs at least one site")
	}
	for _, a := range co.Addresses {
		if err := text(a.Text, a.Country); err != nil {
			return nil, err
		}
		if strings.TrimSpace(a.Text) == "" {
			return nil, refused("an address is empty")
		}
		if a.Country != "" && (len(a.Country) != 2 || strings.ToUpper(a.Country) != a.Country) {
			return nil, refused("country %q: want an ISO 3166 code of two capital letters (DE, FR, CH…)", a.Country)
		}
	}
	if src != nil && src.Date != "" {
		if _, err := (&Case{}).date(src.Date, s); err != nil {
			return nil, refused("source: %v", err)
		}
	}
	c := &Case{ID: id}
	if _, err := c.record(s, KindOpened, Signal, openedData{Company: co, Sites: sites, Therapy: therapy, Source: src}); err != nil {
		return nil, err
	}
	return c, nil
}

// AttachScan records a scan of one of the case's sites as evidence; the
// first moves a signal to investigation.
func (c *Case) AttachScan(s Stamp, ref ScanRef) (Event, error) {
	if err := c.open(); err != nil {
		return Event{}, err
	}
	if !slices.Contains(c.Sites, ref.Site) {
		return Event{}, refused("site %s is not a site of case %s", ref.Site, c.ID)
	}
	after := c.State
	if after == Signal {
		after = Investigation
	}
	return c.record(s, KindScan, after, ref)
}

// Letter records a letter of intent. Its scope defaults to the
// advertising, its deadline to DefaultObservationDays after its date; it
// relies on the latest scan of each site.
func (c *Case) Letter(s Stamp, l Letter) (Event, error) {
	if err := c.open(); err != nil {
		return Event{}, err
	}
	switch c.State {
	case Signal:
		return Event{}, refused("case %s has no evidence yet: scan its sites before writing to the company", c.ID)
	case Decided, Published, FollowUp:
		return Event{}, refused("case %s is decided already: a letter of intent comes before the decision", c.ID)
	}
	if err := text(l.Signatory); err != nil {
		return Event{}, err
	}
	d, err := c.date(l.Date, s)
	if err != nil {
		return Event{}, err
	}
	l.Date = d.Format(DateLayout)
	if l.Scope, err = checkScope(l.Scope); err != nil {
		return Event{}, err
	}
	if l.Deadline == "" {
		l.Deadline = d.AddDate(0, 0, DefaultObservationDays).Format(DateLayout)
	}
	dl, err := ParseDate(l.Deadline)
	if err != nil {
		return Event{}, refused("deadline: %v", err)
	}
	if !dl.After(d) {
		return Event{}, refused("the deadline for observations (%s) must come after the letter (%s)", l.Deadline, l.Date)
	}
	if dl.After(d.AddDate(1, 0, 0)) {
		return Event{}, refused("the deadline for observations (%s) is more than a year after the letter (%s)", l.Deadline, l.Date)
	}
	// A letter states facts found before it was written.
	for _, id := range c.LatestScans() {
		if r, ok := c.scan(id); ok && !r.Finished.IsZero() && l.Date < r.Finished.UTC().Format(DateLayout) {
			return Event{}, refused("the letter's date (%s) is before the scan it relies on (%s, %s)", l.Date, id, r.Finished.UTC().Format(DateLayout))
		}
	}
	if n := len(c.Letters); n > 0 && l.Date < c.Letters[n-1].Date {
		return Event{}, refused("the letter's date (%s) is before the previous letter (%s)", l.Date, c.Letters[n-1].Date)
	}
	l.Scans = c.LatestScans()
	return c.record(s, KindLetter, LetterSent, l)
}

// Observe records the company's observations, written or oral, in answer
// to a letter of intent. Written observations after the deadline are
// recorded and marked late.
func (c *Case) Observe(s Stamp, o Observation) (Event, error) {
	if err := c.open(); err != nil {
		return Event{}, err
	}
	if c.State != LetterSent && c.State != Observations {
		if c.Decision != nil {
			return Event{}, refused("case %s is decided already: observations are heard before the decision", c.ID)
		}
		return Event{}, refused("case %s has no letter of intent: observations answer a letter", c.ID)
	}
	if err := text(o.Summary, o.Answer); err != nil {
		return Event{}, err
	}
	for _, a := range o.Attachments {
		if err := text(a.Name); err != nil {
			return Event{}, err
		}
	}
	if o.Kind != Written && o.Kind != Oral {
		return Event{}, refused("kind of observations %q: want written or oral", o.Kind)
	}
	if strings.TrimSpace(o.Summary) == "" {
		return Event{}, refused("observations need a summary: the decision answers them")
	}
	if o.Date == "" {
		return Event{}, refused("observations need their date (when they were received or heard)")
	}
	if _, err := c.date(o.Date, s); err != nil {
		return Event{}, err
	}
	last := c.Letters[len(c.Letters)-1]
	if o.Date < last.Date {
		return Event{}, refused("observations of %s come before the letter of %s they answer", o.Date, last.Date)
	}
	// Written observations after the deadline are late; a hearing is
	// held on the date the agency sets, which may follow the deadline.
	o.Late = o.Kind == Written && o.Date > last.Deadline
	return c.record(s, KindObservation, Observations, o)
}

// Decide records the decision. Without a letter of intent, or before the
// deadline for observations has passed, it needs d.Urgent with a reason
// (CSP L.5312-4: the adversarial procedure may be set aside only in an
// emergency). The decision relies on the latest scan of each site.
func (c *Case) Decide(s Stamp, d Decision) (Event, error) {
	if err := c.open(); err != nil {
		return Event{}, err
	}
	if err := text(d.Signatory, d.Reason); err != nil {
		return Event{}, err
	}
	d.Reason = strings.TrimSpace(d.Reason)
	if d.Urgent && d.Reason == "" {
		return Event{}, refused("an urgent decision needs its reason (--reason \"…\"), recorded in the case")
	}
	if !d.Urgent && d.Reason != "" {
		return Event{}, refused("a reason is only for an urgent decision")
	}
	switch c.State {
	case Signal:
		return Event{}, refused("case %s has no evidence yet: scan its sites before deciding", c.ID)
	case Decided, Published, FollowUp:
		return Event{}, refused("case %s is decided already (%s)", c.ID, c.Decision.Date)
	case Investigation:
		if !d.Urgent {
			return Event{}, refused("case %s has no letter of intent: the company must first be told what is intended and heard (CSP L.5312-4); a decision without it needs --urgent --reason \"…\"", c.ID)
		}
	}
	date, err := c.date(d.Date, s)
	if err != nil {
		return Event{}, err
	}
	d.Date = date.Format(DateLayout)
	if n := len(c.Observations); n > 0 && d.Date < c.Observations[n-1].Date {
		return Event{}, refused("the decision's date (%s) is before the observations of %s it answers", d.Date, c.Observations[n-1].Date)
	}
	if n := len(c.Letters); n > 0 {
		last := c.Letters[n-1]
		if d.Date < last.Date {
			return Event{}, refused("the decision's date (%s) is before the letter of intent (%s)", d.Date, last.Date)
		}
		if d.Date <= last.Deadline && !d.Urgent {
			return Event{}, refused("the deadline for observations (%s) has not passed on %s: deciding earlier needs --urgent --reason \"…\"", last.Deadline, d.Date)
		}
		if d.Date > last.Deadline && d.Urgent {
			// The decision would say it was taken before the deadline
			// and, a line later, that the deadline expired.
			return Event{}, refused("--urgent is not needed: the deadline for observations passed on %s", last.Deadline)
		}
		if d.Scope == "" {
			d.Scope = last.Scope
		}
	}
	if d.Scope, err = checkScope(d.Scope); err != nil {
		return Event{}, err
	}
	if n := len(c.Letters); n > 0 && d.Scope == ScopeActivities && c.Letters[n-1].Scope == ScopeAdvertising && !d.Urgent {
		return Event{}, refused("the letter of intent announced a suspension of the advertising only: suspending all activities needs a letter that says so")
	}
	if strings.TrimSpace(d.Signatory) == "" {
		return Event{}, refused("a decision needs its signatory (--signatory \"Name, title\")")
	}
	if d.Scans, err = c.DecisionScans(); err != nil {
		return Event{}, err
	}
	return c.record(s, KindDecision, Decided, d)
}

// Publish records the publication of the decision and its notice.
func (c *Case) Publish(s Stamp, p Publication) (Event, error) {
	if err := c.open(); err != nil {
		return Event{}, err
	}
	if c.Decision == nil {
		return Event{}, refused("case %s has no decision to publish", c.ID)
	}
	if c.Publication != nil {
		return Event{}, refused("case %s was published already (%s)", c.ID, c.Publication.Date)
	}
	date, err := c.date(p.Date, s)
	if err != nil {
		return Event{}, err
	}
	p.Date = date.Format(DateLayout)
	if p.Date < c.Decision.Date {
		return Event{}, refused("publication (%s) before the decision (%s)", p.Date, c.Decision.Date)
	}
	after := Published
	if c.State == FollowUp {
		after = FollowUp
	}
	return c.record(s, KindPublication, after, p)
}

// CanFollowUp says whether the case's sites may be scanned again for a
// follow-up: once the company has been written to, and until closure.
func (c *Case) CanFollowUp() error {
	if err := c.open(); err != nil {
		return err
	}
	if len(c.Letters) == 0 && c.Decision == nil {
		return refused("case %s has neither letter nor decision: there is nothing to follow up yet", c.ID)
	}
	return nil
}

// RecordFollowUp records a follow-up: the new scans and what the
// comparison with the scans relied on found. Before the decision it checks
// the company's answers (the state does not change); after it, the case is
// in follow-up.
func (c *Case) RecordFollowUp(s Stamp, r FollowUpRecord, scans []ScanRef) (Event, error) {
	if err := c.CanFollowUp(); err != nil {
		return Event{}, err
	}
	date, err := c.date(r.Date, s)
	if err != nil {
		return Event{}, err
	}
	r.Date = date.Format(DateLayout)
	for i := range scans {
		scans[i].FollowUp = true
	}
	after := c.State
	if c.Decision != nil {
		after = FollowUp
	}
	return c.record(s, KindFollowUp, after, followUpData{FollowUpRecord: r, Scans: scans})
}

// Close closes the case, with the reason (compliance, escalation…).
func (c *Case) Close(s Stamp, reason string) (Event, error) {
	if err := c.open(); err != nil {
		return Event{}, err
	}
	if strings.TrimSpace(reason) == "" {
		return Event{}, refused("closing a case needs the reason (--reason \"…\")")
	}
	if err := text(reason); err != nil {
		return Event{}, err
	}
	return c.record(s, KindClosed, Closed, closedData{Reason: strings.TrimSpace(reason)})
}

func (c *Case) open() error {
	if c.State == Closed {
		return refused("case %s is closed", c.ID)
	}
	return nil
}

// date is a command's date: the one given, else the day of the stamp. A
// procedure records what happened: a date after the stamp's day is refused.
func (c *Case) date(given string, s Stamp) (time.Time, error) {
	y, m, d := s.At.UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if given == "" {
		return today, nil
	}
	t, err := ParseDate(given)
	if err != nil {
		return time.Time{}, refused("%v", err)
	}
	if t.After(today) {
		return time.Time{}, refused("the date %s is after today (%s): record what happened, when it has happened", given, today.Format(DateLayout))
	}
	return t, nil
}

func checkScope(s string) (string, error) {
	switch s {
	case "":
		return ScopeAdvertising, nil
	case ScopeAdvertising, ScopeActivities:
		return s, nil
	}
	return "", refused("scope %q: want advertising or activities", s)
}

// record builds the event of a change, seals it after the case's last
// event and applies it.
func (c *Case) record(s Stamp, kind, after string, data any) (Event, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return Event{}, err
	}
	actor := strings.TrimSpace(s.Actor)
	if actor == "" {
		return Event{}, refused("every change of a case names who makes it")
	}
	if err := text(actor); err != nil {
		return Event{}, err
	}
	e := Event{Case: c.ID, At: s.At.UTC(), Actor: actor, Kind: kind, Before: c.State, After: after, Data: raw}
	var last *Event
	if n := len(c.Events); n > 0 {
		last = &c.Events[n-1]
	}
	if err := e.seal(last); err != nil {
		return Event{}, err
	}
	if err := c.apply(&e); err != nil {
		return Event{}, err
	}
	return e, nil
}
