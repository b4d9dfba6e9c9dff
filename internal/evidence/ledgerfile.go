package evidence

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ledgerFile appends entries to the ledger of an archive directory. The
// Writer's mutex guards it.
type ledgerFile struct {
	f       *os.File
	seq     int64  // of the next entry
	head    string // hash of the last entry
	pending []byte // sealed lines not yet written
}

// openLedger opens (creating it if needed) the ledger of dir, checks the
// entries already there so that the chain goes on from its head, and
// appends and syncs start.
func openLedger(dir string, start LedgerEntry) (*ledgerFile, error) {
	path := filepath.Join(dir, LedgerName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("evidence: open ledger: %w", err)
	}
	l, err := ReadLedger(f)
	if err == nil && l.Partial > 0 {
		err = errors.New("it ends in an incomplete line left by a writer that was killed; verify the archive and write to a new directory")
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("evidence: ledger %s: %w", path, err)
	}
	lf := &ledgerFile{f: f, seq: int64(len(l.Entries)), head: l.Head}
	if err := syncDir(dir); err != nil {
		f.Close()
		return nil, err
	}
	err = lf.add(start)
	if err == nil {
		err = lf.flush()
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return lf, nil
}

// add seals e as the next entry of the chain and keeps it for flush.
func (l *ledgerFile) add(e LedgerEntry) error {
	e.Seq = l.seq
	line, err := e.seal(l.head)
	if err != nil {
		return fmt.Errorf("evidence: ledger entry: %w", err)
	}
	l.pending = append(l.pending, line...)
	l.seq++
	l.head = e.Hash
	return nil
}

// flush writes the pending entries in one write and fsyncs the ledger.
func (l *ledgerFile) flush() error {
	return l.write(l.take())
}

// take returns the pending entries' lines, to be written.
func (l *ledgerFile) take() []byte {
	b := l.pending
	l.pending = nil
	return b
}

// write writes lines taken from the pending entries and fsyncs the ledger.
func (l *ledgerFile) write(lines []byte) error {
	if len(lines) == 0 {
		return nil
	}
	if _, err := l.f.Write(lines); err != nil {
		return fmt.Errorf("evidence: write ledger: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("evidence: fsync ledger: %w", err)
	}
	return nil
}

func (l *ledgerFile) close() error {
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("evidence: close ledger: %w", err)
	}
	return nil
}

// syncDir makes the creation of files in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("evidence: sync directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("evidence: sync directory %s: %w", dir, err)
	}
	return nil
}
