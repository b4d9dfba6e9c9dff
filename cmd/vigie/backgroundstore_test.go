package main

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/scan"
)

// blockingStore saves a scan when the test releases it, and records the
// order of the saves and whether two ever ran at once.
type blockingStore struct {
	mu       sync.Mutex
	started  chan string // a save began: its scan id
	release  map[string]chan error
	running  int
	overlap  bool
	finished []string
}

func (s *blockingStore) SaveScan(_ context.Context, r *scan.SiteReport) error {
	s.mu.Lock()
	s.running++
	s.overlap = s.overlap || s.running > 1
	ch := s.release[r.ID]
	s.mu.Unlock()
	s.started <- r.ID
	err := <-ch
	s.mu.Lock()
	s.running--
	s.finished = append(s.finished, r.ID)
	s.mu.Unlock()
	return err
}

func TestBackgroundStoreSavesInOrderWhileTheCommandGoesOn(t *testing.T) {
	fs := &blockingStore{started: make(chan string, 3), release: map[string]chan error{}}
	ids := []string{"scan-a", "scan-b", "scan-c"}
	for _, id := range ids {
		fs.release[id] = make(chan error, 1)
	}
	bg := &backgroundStore{store: fs}
	returned := make(chan struct{})
	go func() {
		for _, id := range ids {
			bg.SaveScan(context.Background(), &scan.SiteReport{ID: id, URL: "https://" + id + ".example/"})
		}
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(10 * time.Second):
		t.Fatal("SaveScan waited for the store: the command could not print while it saves")
	}
	for i, id := range ids {
		if got := <-fs.started; got != id {
			t.Fatalf("save %d is of %s, want %s: saves in the order the scans were made", i, got, id)
		}
		select {
		case got := <-fs.started:
			t.Fatalf("%s began before %s ended", got, id)
		default:
		}
		if id == "scan-b" {
			fs.release[id] <- errors.New("disk full")
		} else {
			fs.release[id] <- nil
		}
	}
	errs := bg.wait()
	if len(fs.finished) != 3 || fs.overlap {
		t.Errorf("finished %v, overlap %v: want all three, one at a time", fs.finished, fs.overlap)
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "scan-b") || !strings.Contains(errs[0].Error(), "https://scan-b.example/") || !strings.Contains(errs[0].Error(), "disk full") {
		t.Errorf("wait: %v, want the failed save named with its site, scan and cause", errs)
	}
}

func TestBackgroundStoreWithNothingToWaitFor(t *testing.T) {
	if errs := (&backgroundStore{}).wait(); errs != nil {
		t.Errorf("wait with no save: %v", errs)
	}
}
