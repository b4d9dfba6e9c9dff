package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vigie/internal/cases"
)

// ErrConflict is returned when an event does not follow the last stored
// event of its case: another change was recorded in between. Reload the
// case and try again.
var ErrConflict = errors.New("the case changed meanwhile")

// CreateCase numbers a new case of the year of at ("VIG-2026-0001", …),
// opens it with open (given the id) and stores it with its first event, in
// one transaction.
func (s *Store) CreateCase(ctx context.Context, at time.Time, open func(id string) (*cases.Case, error)) (*cases.Case, error) {
	var c *cases.Case
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		year := at.UTC().Year()
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) FROM cases WHERE year = ?`, year).Scan(&n); err != nil {
			return fmt.Errorf("number case: %w", err)
		}
		id := fmt.Sprintf("VIG-%d-%04d", year, n+1)
		var err error
		if c, err = open(id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO cases (id, year, number, created) VALUES (?, ?, ?, ?)`,
			id, year, n+1, formatTime(at)); err != nil {
			return fmt.Errorf("insert case: %w", err)
		}
		for _, e := range c.Events {
			if err := insertEvent(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AppendEvents stores events after the last stored event of their case,
// in one transaction. The first must follow that event (its Seq and Prev),
// else ErrConflict.
func (s *Store) AppendEvents(ctx context.Context, events ...cases.Event) error {
	if len(events) == 0 {
		return nil
	}
	return s.Transact(ctx, func(tx *sql.Tx) error {
		first := events[0]
		var seq int
		var hash string
		err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM case_events WHERE case_id = ? ORDER BY seq DESC LIMIT 1`, first.Case).Scan(&seq, &hash)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("case %s: %w", first.Case, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("case %s: last event: %w", first.Case, err)
		}
		if first.Seq != seq+1 || first.Prev != hash {
			return fmt.Errorf("case %s: event %d: %w", first.Case, first.Seq, ErrConflict)
		}
		for _, e := range events {
			if err := insertEvent(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

func insertEvent(ctx context.Context, tx *sql.Tx, e cases.Event) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO case_events (case_id, seq, at, actor, kind, before_state, after_state, data, prev, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Case, e.Seq, e.At.UTC().Format(cases.TimeLayout), e.Actor, e.Kind,
		e.Before, e.After, string(e.Data), e.Prev, e.Hash); err != nil {
		return fmt.Errorf("case %s: insert event %d: %w", e.Case, e.Seq, err)
	}
	return nil
}

// CaseEvents returns the events of a case in the order of their numbers,
// as stored (unverified: cases.Verify or cases.Replay checks them).
func (s *Store) CaseEvents(ctx context.Context, id string) ([]cases.Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT case_id, seq, at, actor, kind, before_state, after_state, data, prev, hash
		FROM case_events WHERE case_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("case %s: events: %w", id, err)
	}
	defer rows.Close()
	var out []cases.Event
	for rows.Next() {
		var e cases.Event
		var at, data string
		if err := rows.Scan(&e.Case, &e.Seq, &at, &e.Actor, &e.Kind, &e.Before, &e.After, &data, &e.Prev, &e.Hash); err != nil {
			return nil, fmt.Errorf("case %s: events: %w", id, err)
		}
		if e.At, err = time.Parse(cases.TimeLayout, at); err != nil {
			return nil, fmt.Errorf("case %s: event %d: time %q: %w", id, e.Seq, at, err)
		}
		e.Data = []byte(data)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("case %s: events: %w", id, err)
	}
	if len(out) == 0 {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE id = ?`, id).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("case %s: %w", id, ErrNotFound)
		}
	}
	return out, nil
}

// Case loads, verifies and replays a case.
func (s *Store) Case(ctx context.Context, id string) (*cases.Case, error) {
	events, err := s.CaseEvents(ctx, id)
	if err != nil {
		return nil, err
	}
	return cases.Replay(id, events)
}

// CaseIDs lists the cases, oldest first.
func (s *Store) CaseIDs(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM cases ORDER BY year, number`)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
