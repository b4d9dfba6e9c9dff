package scan_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"vigie/internal/crawl/crawltest"
	"vigie/internal/evidence"
	"vigie/internal/scan"
	"vigie/internal/store"
)

// lostStore loses every scan, as a process killed before saving would.
type lostStore struct{}

func (lostStore) SaveScan(context.Context, *scan.SiteReport) error {
	return errors.New("killed before saving")
}

func TestResumeCompletesWithoutFetchingAgain(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	site := crawltest.MultilingualClinic()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		site.ServeHTTP(w, r)
	}))
	defer srv.Close()
	seed := srv.URL + "/"

	// An interrupted scan: two pages archived, nothing saved.
	first := newScanner(t)
	first.Crawl.MaxPages, first.Crawl.Concurrency = 2, 1
	first.Store = lostStore{}
	if _, err := first.Scan(context.Background(), seed); err == nil {
		t.Fatal("the interrupted scan was saved")
	}

	sc := newScanner(t)
	sc.DataDir = first.DataDir
	st, err := store.Open(context.Background(), filepath.Join(sc.DataDir, "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc.Store = st
	saved := func(id string) bool { _, err := st.Report(context.Background(), id); return err == nil }
	dir, err := sc.Interrupted(seed, saved)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	before := map[string]int{}
	for p, n := range hits {
		before[p] = n
	}
	mu.Unlock()

	r, err := sc.Resume(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != filepath.Base(dir) || r.Archive != dir {
		t.Errorf("resumed scan %s in %s, want the interrupted one %s", r.ID, r.Archive, dir)
	}
	var urls []string
	for _, p := range r.Pages {
		urls = append(urls, strings.TrimPrefix(p.URL, srv.URL))
	}
	if len(r.Pages) != 3 || r.Qualification.Verdict != "illegal_promotion" {
		t.Errorf("pages %v, verdict %s: want the whole site", urls, r.Qualification.Verdict)
	}
	mu.Lock()
	for _, p := range []string{"/", "/fr/accueil", "/fr/tarifs"} {
		if hits[p] != 1 {
			t.Errorf("%s fetched %d times (%d before resuming), want once in all", p, hits[p], before[p])
		}
	}
	mu.Unlock()
	if _, err := evidence.VerifyArchive(dir); err != nil {
		t.Errorf("resumed archive does not verify: %v", err)
	}
	if !saved(r.ID) {
		t.Error("the resumed scan was not saved")
	}
	if _, err := sc.Interrupted(seed, saved); !errors.Is(err, scan.ErrNothingToResume) {
		t.Errorf("after resuming, Interrupted = %v, want nothing to resume", err)
	}
}
