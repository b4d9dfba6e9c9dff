package cases

import "time"

// Deadline is a date by which the agency or the company must act.
type Deadline struct {
	What    string `json:"what"` // observations, follow_up
	Date    string `json:"date"` // YYYY-MM-DD, the last day
	Overdue bool   `json:"overdue"`
	Action  string `json:"action"` // what is due, in a few words
}

// Deadlines returns the case's open deadlines on day today: the company's
// deadline for observations while a letter awaits them (overdue: its time
// is up and the decision is to be taken), and the follow-up due
// FollowUpDays after publication until a follow-up is made.
func (c *Case) Deadlines(today time.Time) []Deadline {
	day := today.UTC().Format(DateLayout)
	var out []Deadline
	switch c.State {
	case LetterSent, Observations:
		l := c.Letters[len(c.Letters)-1]
		out = append(out, Deadline{What: "observations", Date: l.Deadline, Overdue: day > l.Deadline,
			Action: "the company's observations; then the decision"})
	case Published:
		p, err := ParseDate(c.Publication.Date)
		if err != nil {
			return out
		}
		due := p.AddDate(0, 0, FollowUpDays).Format(DateLayout)
		out = append(out, Deadline{What: "follow_up", Date: due, Overdue: day > due,
			Action: "scan the sites again: vigie case followup"})
	}
	return out
}

// Overdue says whether any deadline of the case has passed on day today.
func (c *Case) Overdue(today time.Time) bool {
	for _, d := range c.Deadlines(today) {
		if d.Overdue {
			return true
		}
	}
	return false
}
