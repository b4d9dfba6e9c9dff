package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"vigie/internal/cases"
)

func caseLetterCmd(e *env) *cobra.Command {
	var f caseFlags
	var l cases.Letter
	c := &cobra.Command{
		Use:   "letter ID",
		Short: "Record the letter of intent: what is intended and the deadline for observations",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return change(cmd.Context(), e, &f, args[0], func(c *cases.Case, s cases.Stamp) (cases.Event, error) {
				return c.Letter(s, l)
			})
		},
	}
	f.register(c, true)
	c.Flags().StringVar(&l.Date, "date", "", "the letter's date, YYYY-MM-DD (default: today)")
	c.Flags().StringVar(&l.Scope, "scope", "", "what is intended: advertising (default) or activities")
	c.Flags().StringVar(&l.Signatory, "signatory", "", `who signs the letter: "Name, title"`)
	c.Flags().StringVar(&l.Deadline, "deadline", "", fmt.Sprintf("last day for observations, YYYY-MM-DD (default: %d days after the letter)", cases.DefaultObservationDays))
	return c
}

func caseObserveCmd(e *env) *cobra.Command {
	var f caseFlags
	var o cases.Observation
	var attach []string
	c := &cobra.Command{
		Use:   "observe ID --date YYYY-MM-DD --kind written|oral --summary \"…\"",
		Short: "Record the company's written or oral observations",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Date == "" || o.Kind == "" || strings.TrimSpace(o.Summary) == "" {
				return usageErr(`case observe needs --date YYYY-MM-DD, --kind written|oral and --summary "…"`)
			}
			// Attachments are read before anything is recorded (a missing
			// file records nothing) and kept once the move is accepted.
			files := make([][]byte, len(attach))
			obs := o
			for i, p := range attach {
				b, err := os.ReadFile(p)
				if err != nil {
					return inputErr(fmt.Errorf("--attach: %w", err))
				}
				name := filepath.Base(p)
				if name == "." || name == string(filepath.Separator) {
					return usageErr("--attach %q: not a file", p)
				}
				files[i] = b
				sum := sha256.Sum256(b)
				obs.Attachments = append(obs.Attachments, cases.Attachment{Name: name, SHA256: hex.EncodeToString(sum[:]), Bytes: int64(len(b))})
			}
			return change(cmd.Context(), e, &f, args[0], func(c *cases.Case, s cases.Stamp) (cases.Event, error) {
				ev, err := c.Observe(s, obs)
				if err != nil {
					return ev, err
				}
				for i, a := range obs.Attachments {
					if err := keepAttachment(f.data, c.ID, a, files[i]); err != nil {
						return cases.Event{}, err
					}
				}
				return ev, nil
			})
		},
	}
	f.register(c, true)
	c.Flags().StringVar(&o.Date, "date", "", "when they were received (written) or heard (oral), YYYY-MM-DD")
	c.Flags().StringVar(&o.Kind, "kind", "", "written or oral")
	c.Flags().StringVar(&o.Summary, "summary", "", "what the company says, in a sentence or two (the decision answers it)")
	c.Flags().StringVar(&o.Answer, "answer", "", "the agency's answer, quoted in the decision (default: a standard answer)")
	c.Flags().StringArrayVar(&attach, "attach", nil, "a file received with the observations, kept under --data with its SHA-256 (repeatable)")
	return c
}

// keepAttachment stores an attachment under DATA/cases/ID/attachments,
// named by its digest so that a file is never overwritten by another. It is
// written before its event: a crash between the two leaves a file no event
// names, never an event naming a missing file.
func keepAttachment(data, id string, a cases.Attachment, b []byte) error {
	dir, err := dataDir(data)
	if err != nil {
		return err
	}
	folder := filepath.Join(dir, "cases", id, "attachments")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return fmt.Errorf("attachment %s: %w", a.Name, err)
	}
	if err := writeSynced(filepath.Join(folder, a.SHA256+"-"+a.Name), b); err != nil {
		return fmt.Errorf("attachment %s: %w", a.Name, err)
	}
	return nil
}

// writeSynced writes a file and syncs it before returning.
func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func caseDecideCmd(e *env) *cobra.Command {
	var f caseFlags
	var d cases.Decision
	c := &cobra.Command{
		Use:   "decide ID --signatory \"Name, title\"",
		Short: "Record the decision: what is suspended, when, signed by whom",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return change(cmd.Context(), e, &f, args[0], func(c *cases.Case, s cases.Stamp) (cases.Event, error) {
				return c.Decide(s, d)
			})
		},
	}
	f.register(c, true)
	c.Flags().StringVar(&d.Date, "date", "", "the decision's date, YYYY-MM-DD (default: today)")
	c.Flags().StringVar(&d.Scope, "scope", "", "what is suspended: advertising or activities (default: the letter's)")
	c.Flags().StringVar(&d.Signatory, "signatory", "", `who signs: "Name, title"`)
	c.Flags().BoolVar(&d.Urgent, "urgent", false, "decide without waiting for a letter of intent or its deadline (CSP L.5312-4: an emergency; needs --reason)")
	c.Flags().StringVar(&d.Reason, "reason", "", "why the decision is urgent, recorded in the case")
	return c
}

func casePublishCmd(e *env) *cobra.Command {
	var f caseFlags
	var p cases.Publication
	c := &cobra.Command{
		Use:   "publish ID",
		Short: "Record the publication of the decision and its public notice",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return change(cmd.Context(), e, &f, args[0], func(c *cases.Case, s cases.Stamp) (cases.Event, error) {
				return c.Publish(s, p)
			})
		},
	}
	f.register(c, true)
	c.Flags().StringVar(&p.Date, "date", "", "the publication's date, YYYY-MM-DD (default: today)")
	return c
}

func caseCloseCmd(e *env) *cobra.Command {
	var f caseFlags
	var reason string
	c := &cobra.Command{
		Use:   "close ID --reason \"…\"",
		Short: "Close the case (compliance, escalation…)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return change(cmd.Context(), e, &f, args[0], func(c *cases.Case, s cases.Stamp) (cases.Event, error) {
				return c.Close(s, reason)
			})
		},
	}
	f.register(c, true)
	c.Flags().StringVar(&reason, "reason", "", "why the case is closed")
	return c
}
