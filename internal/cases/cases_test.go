package cases

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2024, 10, 30, 9, 0, 0, 0, time.UTC)

func stamp(d int) Stamp {
	return Stamp{Actor: "inspectrice.dupont", At: t0.Add(time.Duration(d) * 24 * time.Hour)}
}

func company() Company {
	return Company{Name: "Klinik Sonnenberg GmbH", Addresses: []Address{
		{Text: "Seestraße 12, 78462 Konstanz", Country: "DE"}, {Text: "Rue du Lac 3, 1204 Genève", Country: "CH"}}}
}

// investigated opens a case with one scan attached.
func investigated(t *testing.T) *Case {
	t.Helper()
	c, err := Open("VIG-2024-0001", stamp(0), company(), []string{"https://klinik.example/"}, "dendritic-cell-therapy",
		&Source{Text: "alerte du BfArM", Date: "2024-10-28"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachScan(stamp(0), ScanRef{Site: "https://klinik.example/", Scan: "scan-1", Verdict: "illegal_promotion"}); err != nil {
		t.Fatal(err)
	}
	return c
}

// must fails the test when a command is refused: must(t)(c.Letter(…)).
func must(t *testing.T) func(Event, error) {
	return func(_ Event, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestProcedure(t *testing.T) {
	c := investigated(t)
	if c.State != Investigation {
		t.Fatalf("state after a scan = %s, want %s", c.State, Investigation)
	}
	e, err := c.Letter(stamp(5), Letter{Date: "2024-11-04"})
	must(t)(e, err)
	if l := c.Letters[0]; l.Deadline != "2024-11-19" || l.Scope != ScopeAdvertising || len(l.Scans) != 1 || l.Scans[0] != "scan-1" {
		t.Errorf("letter = %+v, want the default deadline 15 days later, scope advertising, relying on scan-1", l)
	}
	must(t)(c.Observe(stamp(13), Observation{Date: "2024-11-12", Kind: Written, Summary: "nous informons seulement"}))
	must(t)(c.Observe(stamp(21), Observation{Date: "2024-11-20", Kind: Oral, Summary: "audition"}))
	must(t)(c.Observe(stamp(21), Observation{Date: "2024-11-20", Kind: Written, Summary: "nous complétons"}))
	if late := []bool{c.Observations[0].Late, c.Observations[1].Late, c.Observations[2].Late}; late[0] || late[1] || !late[2] {
		t.Errorf("late = %v; want only the written observations after the deadline late (a hearing is set by the agency)", late)
	}
	if d := c.Deadlines(time.Date(2024, 11, 20, 0, 0, 0, 0, time.UTC)); len(d) != 1 || !d[0].Overdue || d[0].Date != "2024-11-19" {
		t.Errorf("deadlines on 20 November = %+v, want the observations deadline overdue", d)
	}
	if d := c.Deadlines(time.Date(2024, 11, 19, 0, 0, 0, 0, time.UTC)); len(d) != 1 || d[0].Overdue {
		t.Errorf("deadlines on 19 November = %+v, want the deadline open on its last day", d)
	}
	must(t)(c.Decide(stamp(28), Decision{Date: "2024-11-27", Signatory: "Jeanne Martin, directrice générale"}))
	must(t)(c.Publish(stamp(29), Publication{Date: "2024-11-28"}))
	if d := c.Deadlines(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)); len(d) != 1 || d[0].What != "follow_up" || d[0].Date != "2024-12-28" || !d[0].Overdue {
		t.Errorf("deadlines after publication = %+v, want a follow-up due 30 days later, overdue", d)
	}
	must(t)(c.RecordFollowUp(stamp(40), FollowUpRecord{Date: "2024-12-09"}, []ScanRef{{Site: "https://klinik.example/", Scan: "scan-2"}}))
	if c.State != FollowUp || len(c.Scans) != 2 || !c.Scans[1].FollowUp {
		t.Errorf("after follow-up: state %s, scans %+v", c.State, c.Scans)
	}
	must(t)(c.Close(stamp(41), "claims removed"))

	// Replaying the events gives the same case.
	again, err := Replay(c.ID, c.Events)
	if err != nil {
		t.Fatal(err)
	}
	if again.State != Closed || again.Decision.Signatory != "Jeanne Martin, directrice générale" || len(again.Observations) != 3 || again.Company.Addresses[1].Country != "CH" {
		t.Errorf("replayed case = %+v", again)
	}
	wantKinds := []string{KindOpened, KindScan, KindLetter, KindObservation, KindObservation, KindObservation, KindDecision, KindPublication, KindFollowUp, KindClosed}
	for i, e := range again.Events {
		if e.Kind != wantKinds[i] || e.Actor != "inspectrice.dupont" {
			t.Errorf("event %d = %s by %s, want %s", i+1, e.Kind, e.Actor, wantKinds[i])
		}
	}
	if _, err := c.Letter(stamp(42), Letter{}); !errors.Is(err, ErrRefused) {
		t.Errorf("letter on a closed case: err = %v, want ErrRefused", err)
	}
}

func TestRefusedMoves(t *testing.T) {
	signal, err := Open("VIG-2024-0002", stamp(0), company(), []string{"https://klinik.example/"}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	withLetter := func(t *testing.T) *Case {
		c := investigated(t)
		must(t)(c.Letter(stamp(5), Letter{Date: "2024-11-04", Deadline: "2024-11-19"}))
		return c
	}
	tests := []struct {
		name string
		move func(t *testing.T) error
		want string
	}{
		{"letter without evidence", func(t *testing.T) error { _, err := signal.Letter(stamp(1), Letter{}); return err }, "no evidence"},
		{"decision before a letter", func(t *testing.T) error {
			_, err := investigated(t).Decide(stamp(1), Decision{Signatory: "X, directeur"})
			return err
		}, "--urgent"},
		{"urgent without reason", func(t *testing.T) error {
			_, err := investigated(t).Decide(stamp(1), Decision{Signatory: "X, directeur", Urgent: true})
			return err
		}, "reason"},
		{"decision before the deadline", func(t *testing.T) error {
			_, err := withLetter(t).Decide(stamp(20), Decision{Date: "2024-11-19", Signatory: "X, directeur"})
			return err
		}, "has not passed"},
		{"decision dated before the letter", func(t *testing.T) error {
			_, err := withLetter(t).Decide(stamp(10), Decision{Date: "2024-11-01", Signatory: "X", Urgent: true, Reason: "danger"})
			return err
		}, "before the letter"},
		{"decision without signatory", func(t *testing.T) error {
			_, err := withLetter(t).Decide(stamp(30), Decision{Date: "2024-11-27"})
			return err
		}, "signatory"},
		{"activities after an advertising letter", func(t *testing.T) error {
			_, err := withLetter(t).Decide(stamp(30), Decision{Date: "2024-11-27", Scope: ScopeActivities, Signatory: "X"})
			return err
		}, "advertising only"},
		{"observations without a letter", func(t *testing.T) error {
			_, err := investigated(t).Observe(stamp(1), Observation{Date: "2024-11-01", Kind: Written, Summary: "s"})
			return err
		}, "no letter"},
		{"observations of an unknown kind", func(t *testing.T) error {
			_, err := withLetter(t).Observe(stamp(9), Observation{Date: "2024-11-10", Kind: "email", Summary: "s"})
			return err
		}, "written or oral"},
		{"observations before the letter", func(t *testing.T) error {
			_, err := withLetter(t).Observe(stamp(9), Observation{Date: "2024-11-01", Kind: Written, Summary: "s"})
			return err
		}, "before the letter"},
		{"publication without decision", func(t *testing.T) error { _, err := withLetter(t).Publish(stamp(9), Publication{}); return err }, "no decision"},
		{"follow-up before any letter", func(t *testing.T) error {
			_, err := investigated(t).RecordFollowUp(stamp(9), FollowUpRecord{}, nil)
			return err
		}, "nothing to follow up"},
		{"deadline before the letter", func(t *testing.T) error {
			_, err := investigated(t).Letter(stamp(5), Letter{Date: "2024-11-04", Deadline: "2024-11-01"})
			return err
		}, "must come after"},
		{"a date in the future", func(t *testing.T) error {
			_, err := investigated(t).Letter(stamp(5), Letter{Date: "2024-11-05"})
			return err
		}, "after today"},
		{"a deadline years away", func(t *testing.T) error {
			_, err := investigated(t).Letter(stamp(5), Letter{Date: "2024-11-04", Deadline: "2099-12-31"})
			return err
		}, "more than a year"},
		{"a letter before its scan", func(t *testing.T) error {
			c, _ := Open("VIG-2024-0004", stamp(0), company(), []string{"https://klinik.example/"}, "", nil)
			must(t)(c.AttachScan(stamp(3), ScanRef{Site: "https://klinik.example/", Scan: "scan-9", Verdict: "illegal_promotion", Finished: stamp(3).At}))
			_, err := c.Letter(stamp(5), Letter{Date: "2024-11-01"})
			return err
		}, "before the scan it relies on"},
		{"a decision before the observations", func(t *testing.T) error {
			c := withLetter(t)
			must(t)(c.Observe(stamp(30), Observation{Date: "2024-11-28", Kind: Written, Summary: "s"}))
			_, err := c.Decide(stamp(30), Decision{Date: "2024-11-27", Signatory: "X"})
			return err
		}, "before the observations"},
		{"malformed date", func(t *testing.T) error {
			_, err := investigated(t).Letter(stamp(5), Letter{Date: "4/11/2024"})
			return err
		}, "YYYY-MM-DD"},
		{"scan of another site", func(t *testing.T) error {
			_, err := investigated(t).AttachScan(stamp(1), ScanRef{Site: "https://other.example/", Scan: "s"})
			return err
		}, "not a site"},
		{"bytes that are not UTF-8", func(t *testing.T) error {
			c := investigated(t)
			must(t)(c.Letter(stamp(5), Letter{Date: "2024-11-04"}))
			_, err := c.Observe(stamp(9), Observation{Date: "2024-11-10", Kind: Written, Summary: "nous \xff informons"})
			return err
		}, "not UTF-8"},
		{"urgent after the deadline", func(t *testing.T) error {
			_, err := withLetter(t).Decide(stamp(30), Decision{Date: "2024-11-27", Signatory: "X", Urgent: true, Reason: "danger"})
			return err
		}, "not needed"},
		{"decision with no scan showing a violation", func(t *testing.T) error {
			c, err := Open("VIG-2024-0003", stamp(0), company(), []string{"https://klinik.example/"}, "", nil)
			if err != nil {
				return err
			}
			must(t)(c.AttachScan(stamp(0), ScanRef{Site: "https://klinik.example/", Scan: "scan-1", Verdict: "no_violation_found"}))
			must(t)(c.Letter(stamp(5), Letter{Date: "2024-11-04"}))
			_, err = c.Decide(stamp(30), Decision{Date: "2024-11-27", Signatory: "X"})
			return err
		}, "nothing to decide on"},
		{"no actor", func(t *testing.T) error {
			_, err := investigated(t).Letter(Stamp{At: t0.AddDate(0, 0, 10)}, Letter{Date: "2024-11-04"})
			return err
		}, "who makes it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.move(t)
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want ErrRefused saying %q", err, tt.want)
			}
		})
	}
	// The urgent decision with its reason is accepted and recorded.
	c := investigated(t)
	must(t)(c.Decide(stamp(1), Decision{Signatory: "X, directeur", Urgent: true, Reason: "patients en danger immédiat"}))
	if !c.Decision.Urgent || c.Decision.Reason != "patients en danger immédiat" || c.Decision.Date != "2024-10-31" {
		t.Errorf("urgent decision = %+v", c.Decision)
	}
	if _, err := Open("X", stamp(0), Company{Name: "A"}, []string{"https://a.example/"}, "", nil); !errors.Is(err, ErrRefused) {
		t.Errorf("a company without address: err = %v", err)
	}
	if _, err := Open("X", stamp(0), Company{Name: "A", Addresses: []Address{{Text: "x", Country: "Germany"}}}, []string{"https://a.example/"}, "", nil); !errors.Is(err, ErrRefused) {
		t.Errorf("country Germany: err = %v", err)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	c := investigated(t)
	must(t)(c.Letter(stamp(5), Letter{Date: "2024-11-04"}))
	must(t)(c.Observe(stamp(13), Observation{Date: "2024-11-12", Kind: Written, Summary: "nous informons seulement"}))
	if err := Verify(c.ID, c.Events); err != nil {
		t.Fatalf("untouched log: %v", err)
	}
	clone := func() []Event { return append([]Event(nil), c.Events...) }
	tests := []struct {
		name   string
		change func([]Event) []Event
		want   string
	}{
		{"edited data", func(es []Event) []Event {
			es[3].Data = json.RawMessage(strings.Replace(string(es[3].Data), "informons", "vendons", 1))
			return es
		}, "event 4 (observation"},
		{"edited actor", func(es []Event) []Event { es[2].Actor = "someone.else"; return es }, "event 3 (letter"},
		{"edited time", func(es []Event) []Event { es[2].At = es[2].At.Add(time.Second); return es }, "event 3"},
		{"removed event", func(es []Event) []Event { return append(es[:1], es[2:]...) }, "event 3 found where event 2"},
		{"reordered", func(es []Event) []Event { es[1], es[2] = es[2], es[1]; return es }, "event 3 found where event 2"},
		{"cut head", func(es []Event) []Event { return es[1:] }, "event 2 found where event 1"},
		{"rehashed edit", func(es []Event) []Event {
			es[2].Actor = "someone.else"
			h, _ := es[2].digest()
			es[2].Hash = h
			return es
		}, "event 4 (observation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(c.ID, tt.change(clone()))
			if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify = %v, want ErrTampered naming %q", err, tt.want)
			}
			if _, err := Replay(c.ID, tt.change(clone())); !errors.Is(err, ErrTampered) {
				t.Errorf("Replay = %v, want ErrTampered", err)
			}
		})
	}
	// Appending after the chain keeps it whole; the original is intact.
	if err := Verify(c.ID, c.Events); err != nil {
		t.Errorf("original after the tests: %v", err)
	}
}

func TestCompare(t *testing.T) {
	at := time.Date(2024, 11, 2, 10, 0, 0, 0, time.UTC)
	claim := func(url, cat, quote string) Claim {
		return Claim{Category: cat, Stance: "promotional", Quote: quote, URL: url, Captured: at}
	}
	home, prices, gone := "https://k.example/fr/", "https://k.example/fr/tarifs", "https://k.example/fr/temoignages"
	relied := Evidence{Scan: "scan-1", Site: "https://k.example/",
		Pages: []Page{{URL: home, Status: 200}, {URL: prices, Status: 200}, {URL: gone, Status: 200}},
		Claims: []Claim{
			claim(home, "safety", "Sans aucun effet secondaire."),
			claim(home, "efficacy", "Notre vaccin détruit les tumeurs."),
			claim(prices, "offer", "Le traitement complet coûte 9 800 €."),
			claim(gone, "testimonial", "Je suis guérie, merci !"),
			{Category: "efficacy", Stance: "reported", Quote: "Selon la presse, il guérirait.", URL: home},
		}}
	latest := Evidence{Scan: "scan-2", Site: "https://k.example/",
		Pages:    []Page{{URL: home, Status: 200}, {URL: prices, Status: 200}, {URL: gone, Status: 404}},
		Failures: []PageFailure{},
		Claims: []Claim{
			claim(home, "efficacy", "Notre  vaccin détruit les tumeurs."),
			claim(prices, "offer", "Réservez dès aujourd'hui."),
		}}
	got := Compare(relied, latest)
	quotes := func(cs []Claim) string {
		var q []string
		for _, c := range cs {
			q = append(q, c.Quote)
		}
		return strings.Join(q, " | ")
	}
	if q := quotes(got.Remaining); q != "Notre  vaccin détruit les tumeurs." {
		t.Errorf("remaining = %q", q)
	}
	if q := quotes(got.Removed); q != "Sans aucun effet secondaire. | Le traitement complet coûte 9 800 €." {
		t.Errorf("removed = %q", q)
	}
	if q := quotes(got.New); q != "Réservez dès aujourd'hui." {
		t.Errorf("new = %q", q)
	}
	if q := quotes(got.Unreachable); q != "Je suis guérie, merci !" || len(got.UnreachablePages) != 1 || got.UnreachablePages[0].Reason != "HTTP status 404" {
		t.Errorf("unreachable = %q, pages %+v; want the 404 page's claim unreachable, not removed", q, got.UnreachablePages)
	}

	// A site that could not be reached at all: nothing is removed.
	down := Compare(relied, Unreachable(relied.Site, "", at, "connection refused"))
	if len(down.Removed) != 0 || len(down.Remaining) != 0 || len(down.Unreachable) != 4 {
		t.Errorf("site down: removed %d, remaining %d, unreachable %d; want all 4 unreachable", len(down.Removed), len(down.Remaining), len(down.Unreachable))
	}
	if c := down.Counts(); c.Unreachable != 4 || c.Removed != 0 {
		t.Errorf("counts = %+v", c)
	}
}

// A page answered with status 200 under another title and without any claim
// (a maintenance or challenge page, a "soft 404") is not a removal; a page
// edited under its own title is.
func TestCompareReplacedPageIsUnreachable(t *testing.T) {
	home, faq := "https://k.example/fr/", "https://k.example/fr/faq"
	relied := Evidence{Scan: "s1", Pages: []Page{{URL: home, Status: 200, Title: "Clinique K – Vaccin dendritique"}, {URL: faq, Status: 200, Title: "FAQ"}},
		Claims: []Claim{
			{Category: "safety", Stance: "promotional", Quote: "Sans douleur.", URL: home},
			{Category: "efficacy", Stance: "promotional", Quote: "Il guérit.", URL: faq},
		}}
	latest := Evidence{Scan: "s2", Pages: []Page{{URL: home, Status: 200, Title: "Site en maintenance"}, {URL: faq, Status: 200, Title: " faq "}}}
	got := Compare(relied, latest)
	if len(got.Removed) != 1 || got.Removed[0].URL != faq {
		t.Errorf("removed %+v; want only the FAQ's claim (same title, edited)", got.Removed)
	}
	if len(got.Unreachable) != 1 || got.Unreachable[0].URL != home || !strings.Contains(got.UnreachablePages[0].Reason, `"Site en maintenance"`) {
		t.Errorf("unreachable %+v, pages %+v; want the home page's claim, the maintenance title named", got.Unreachable, got.UnreachablePages)
	}
	// The same page with a claim left on it (another category) was edited.
	latest.Claims = []Claim{{Category: "offer", Stance: "promotional", Quote: "Réservez.", URL: home}}
	if got := Compare(relied, latest); len(got.Removed) != 2 {
		t.Errorf("removed %d; a retitled page that still has claims was edited, not replaced", len(got.Removed))
	}
}

func TestDecisionScans(t *testing.T) {
	site := "https://klinik.example/"
	c := investigated(t) // scan-1, illegal_promotion
	must(t)(c.Letter(stamp(5), Letter{Date: "2024-11-04"}))
	must(t)(c.RecordFollowUp(stamp(10), FollowUpRecord{Date: "2024-11-09"}, []ScanRef{{Site: site, Scan: "scan-2", Verdict: "illegal_promotion"}}))
	must(t)(c.RecordFollowUp(stamp(11), FollowUpRecord{Date: "2024-11-10"}, []ScanRef{{Site: site, Scan: "scan-3", Verdict: "illegal_promotion", Incomplete: true}}))
	must(t)(c.RecordFollowUp(stamp(12), FollowUpRecord{Date: "2024-11-11"}, []ScanRef{{Site: site, Scan: "scan-4", Verdict: "no_violation_found"}}))
	if c.State != LetterSent {
		t.Errorf("follow-ups before the decision moved the case to %s", c.State)
	}
	must(t)(c.Decide(stamp(30), Decision{Date: "2024-11-27", Signatory: "X"}))
	if got := strings.Join(c.Decision.Scans, ","); got != "scan-2" {
		t.Errorf("decision relies on %s, want scan-2: the latest complete scan still showing the violation", got)
	}
}

func TestCompareTruncatedPageIsUnreachable(t *testing.T) {
	url := "https://k.example/fr/"
	relied := Evidence{Scan: "s1", Pages: []Page{{URL: url, Status: 200}},
		Claims: []Claim{{Category: "safety", Stance: "promotional", Quote: "Sans douleur.", URL: url}}}
	latest := Evidence{Scan: "s2", Pages: []Page{{URL: url, Status: 200, Truncated: true}}}
	got := Compare(relied, latest)
	if len(got.Removed) != 0 || len(got.Unreachable) != 1 || !strings.Contains(got.UnreachablePages[0].Reason, "cut short") {
		t.Errorf("a page cut short: removed %d, unreachable %+v; want its claims unreachable", len(got.Removed), got.UnreachablePages)
	}
}
