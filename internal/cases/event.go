package cases

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrTampered is wrapped by Verify and Replay when a case's log is not the
// chain its events were written as: an event edited, removed, added or
// reordered.
var ErrTampered = errors.New("case log altered")

// ErrRefused is wrapped by the commands when a move is impossible from the
// case's state (a decision before any letter without urgency, a letter on a
// closed case…). The error says why.
var ErrRefused = errors.New("refused")

// Kinds of event.
const (
	KindOpened      = "opened"
	KindScan        = "scan"
	KindLetter      = "letter"
	KindObservation = "observation"
	KindDecision    = "decision"
	KindPublication = "publication"
	KindFollowUp    = "follow_up"
	KindClosed      = "closed"
)

// Event is one change of a case. Events are chained: Prev is the previous
// event's Hash ("" for the first), and Hash is the SHA-256 of the event's
// canonical encoding (Canonical), so that editing, removing, inserting or
// reordering any event breaks the chain from that event on.
type Event struct {
	Case   string          `json:"case"`
	Seq    int             `json:"seq"` // 1 for the first event of a case
	At     time.Time       `json:"at"`  // when it was recorded, UTC
	Actor  string          `json:"actor"`
	Kind   string          `json:"kind"`
	Before string          `json:"before"` // the state before; "" for the opening
	After  string          `json:"after"`  // the state after
	Data   json.RawMessage `json:"data"`   // what changed: the kind's record, as JSON
	Prev   string          `json:"prev"`
	Hash   string          `json:"hash"`
}

// canonicalEvent is what an event's hash covers, field by field in a fixed
// order; the time is written as text so that the encoding does not depend
// on how a store keeps times.
type canonicalEvent struct {
	V      int             `json:"v"`
	Case   string          `json:"case"`
	Seq    int             `json:"seq"`
	At     string          `json:"at"`
	Actor  string          `json:"actor"`
	Kind   string          `json:"kind"`
	Before string          `json:"before"`
	After  string          `json:"after"`
	Data   json.RawMessage `json:"data"`
	Prev   string          `json:"prev"`
}

// TimeLayout is how event times are written (in the hash and in stores).
const TimeLayout = time.RFC3339Nano

// Canonical returns the bytes an event's Hash is the SHA-256 of: its fields
// but Hash, as compact JSON with the time in TimeLayout (UTC).
func (e *Event) Canonical() ([]byte, error) {
	var data bytes.Buffer
	if err := json.Compact(&data, e.Data); err != nil {
		return nil, fmt.Errorf("event %d: data: %w", e.Seq, err)
	}
	return json.Marshal(canonicalEvent{
		V: 1, Case: e.Case, Seq: e.Seq, At: e.At.UTC().Format(TimeLayout), Actor: e.Actor,
		Kind: e.Kind, Before: e.Before, After: e.After, Data: data.Bytes(), Prev: e.Prev,
	})
}

func (e *Event) digest() (string, error) {
	b, err := e.Canonical()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// seal sets Seq, Prev and Hash for an event to follow last (nil: the first).
func (e *Event) seal(last *Event) error {
	e.Seq, e.Prev = 1, ""
	if last != nil {
		e.Seq, e.Prev = last.Seq+1, last.Hash
	}
	h, err := e.digest()
	if err != nil {
		return err
	}
	e.Hash = h
	return nil
}

// Verify checks that events are one unbroken chain for case id: numbered
// from 1 without gap, each Prev the Hash of the one before, each Hash the
// digest of its event. The error wraps ErrTampered and names the first
// event that does not hold.
func Verify(id string, events []Event) error {
	if len(events) == 0 {
		return fmt.Errorf("case %s: no events: %w", id, ErrTampered)
	}
	prev := ""
	for i := range events {
		e := &events[i]
		switch {
		case e.Case != id:
			return fmt.Errorf("case %s: event %d belongs to case %s: %w", id, e.Seq, e.Case, ErrTampered)
		case e.Seq != i+1:
			return fmt.Errorf("case %s: event %d found where event %d should be (removed, added or reordered): %w", id, e.Seq, i+1, ErrTampered)
		case e.Prev != prev:
			return fmt.Errorf("case %s: event %d (%s) does not follow event %d: %w", id, e.Seq, e.Kind, i, ErrTampered)
		}
		h, err := e.digest()
		if err != nil {
			return fmt.Errorf("case %s: event %d (%s): %v: %w", id, e.Seq, e.Kind, err, ErrTampered)
		}
		if h != e.Hash {
			return fmt.Errorf("case %s: event %d (%s, %s by %s) was altered: its digest is %s, the chain recorded %s: %w",
				id, e.Seq, e.Kind, e.At.UTC().Format(time.RFC3339), e.Actor, h, e.Hash, ErrTampered)
		}
		prev = e.Hash
	}
	return nil
}

// Replay verifies events and builds the case they make.
func Replay(id string, events []Event) (*Case, error) {
	if err := Verify(id, events); err != nil {
		return nil, err
	}
	c := &Case{ID: id}
	for i := range events {
		if err := c.apply(&events[i]); err != nil {
			return nil, fmt.Errorf("case %s: event %d (%s): %w", id, events[i].Seq, events[i].Kind, err)
		}
	}
	return c, nil
}

// apply folds one event into the case.
func (c *Case) apply(e *Event) error {
	if e.Before != c.State {
		return fmt.Errorf("recorded from state %q, the case was %q: %w", e.Before, c.State, ErrTampered)
	}
	var err error
	switch e.Kind {
	case KindOpened:
		var d openedData
		if err = json.Unmarshal(e.Data, &d); err == nil {
			c.Opened, c.Company, c.Sites, c.Therapy, c.Source = e.At, d.Company, d.Sites, d.Therapy, d.Source
		}
	case KindScan:
		var d ScanRef
		if err = json.Unmarshal(e.Data, &d); err == nil {
			c.Scans = append(c.Scans, d)
			if c.Therapy == "" {
				c.Therapy = d.Therapy
			}
		}
	case KindLetter:
		var d Letter
		if err = json.Unmarshal(e.Data, &d); err == nil {
			c.Letters = append(c.Letters, d)
		}
	case KindObservation:
		var d Observation
		if err = json.Unmarshal(e.Data, &d); err == nil {
			c.Observations = append(c.Observations, d)
		}
	case KindDecision:
		var d Decision
		if err = json.Unmarshal(e.Data, &d); err == nil {
			c.Decision = &d
		}
	case KindPublication:
		var d Publication
		if err = json.Unmarshal(e.Data, &d); err == nil {
			c.Publication = &d
		}
	case KindFollowUp:
		var d followUpData
		if err = json.Unmarshal(e.Data, &d); err == nil {
			c.Scans = append(c.Scans, d.Scans...)
			c.FollowUps = append(c.FollowUps, d.FollowUpRecord)
		}
	case KindClosed:
		var d closedData
		if err = json.Unmarshal(e.Data, &d); err == nil {
			c.ClosedReason = d.Reason
		}
	default:
		return fmt.Errorf("unknown kind of event %q", e.Kind)
	}
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	c.State = e.After
	c.Events = append(c.Events, *e)
	return nil
}

type openedData struct {
	Company Company  `json:"company"`
	Sites   []string `json:"sites"`
	Therapy string   `json:"therapy,omitempty"`
	Source  *Source  `json:"source,omitempty"`
}

type followUpData struct {
	FollowUpRecord
	Scans []ScanRef `json:"scans"`
}

type closedData struct {
	Reason string `json:"reason"`
}
