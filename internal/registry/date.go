package registry

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// Date is a calendar date known to the day ("2018-08-22"), the month
// ("2019-05") or only the year ("2022"). Registry facts are copied from
// official sources, which do not always give the day; a Date keeps what is
// known rather than invent the rest. The zero Date means "no date".
type Date struct {
	year, month, day int // month and day are 0 when not known
}

// ParseDate reads "YYYY-MM-DD", "YYYY-MM" or "YYYY".
func ParseDate(s string) (Date, error) {
	bad := fmt.Errorf("date %q: want YYYY-MM-DD, YYYY-MM or YYYY", s)
	var d Date
	var err error
	switch len(s) {
	case 10:
		t, perr := time.Parse(time.DateOnly, s)
		if perr != nil {
			return Date{}, bad
		}
		return DateOf(t), nil
	case 7:
		if s[4] != '-' {
			return Date{}, bad
		}
		if d.month, err = strconv.Atoi(s[5:]); err != nil || d.month < 1 || d.month > 12 || s[5] == '+' || s[5] == '-' {
			return Date{}, bad
		}
		s = s[:4]
		fallthrough
	case 4:
		if d.year, err = strconv.Atoi(s); err != nil || d.year < 1 || s[0] == '+' || s[0] == '-' {
			return Date{}, bad
		}
		return d, nil
	}
	return Date{}, bad
}

// DateOf returns the day of t (in t's location) as a Date known to the day.
func DateOf(t time.Time) Date {
	return Date{year: t.Year(), month: int(t.Month()), day: t.Day()}
}

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d.year == 0 }

// String returns d in the layout ParseDate reads, or "" for the zero Date.
func (d Date) String() string {
	switch {
	case d.year == 0:
		return ""
	case d.month == 0:
		return fmt.Sprintf("%04d", d.year)
	case d.day == 0:
		return fmt.Sprintf("%04d-%02d", d.year, d.month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day)
}

// first is the first day d may stand for, at 00:00 UTC.
func (d Date) first() time.Time {
	m, day := d.month, d.day
	if m == 0 {
		m = 1
	}
	if day == 0 {
		day = 1
	}
	return time.Date(d.year, time.Month(m), day, 0, 0, 0, 0, time.UTC)
}

// next is the first day after the last day d may stand for, at 00:00 UTC.
func (d Date) next() time.Time {
	switch {
	case d.month == 0:
		return time.Date(d.year+1, 1, 1, 0, 0, 0, 0, time.UTC)
	case d.day == 0:
		return time.Date(d.year, time.Month(d.month)+1, 1, 0, 0, 0, 0, time.UTC)
	}
	return d.first().AddDate(0, 0, 1)
}

// Before reports whether d is known to end before e begins.
func (d Date) Before(e Date) bool { return d.next().Compare(e.first()) <= 0 }

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; "" is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON writes d as a JSON string.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a JSON string written by MarshalJSON.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date: %w", err)
	}
	return d.UnmarshalText([]byte(s))
}

// UnmarshalYAML reads a date written as a string or as a bare year (2022).
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a date must be a scalar", n.Line)
	}
	if err := d.UnmarshalText([]byte(n.Value)); err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	return nil
}

// MarshalYAML writes d as a string.
func (d Date) MarshalYAML() (any, error) { return d.String(), nil }
