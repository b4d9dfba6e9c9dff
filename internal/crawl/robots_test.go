package crawl

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// robotsSite serves robots.txt with the given status and body, and pages
// / (linking to every other), /private/x, /private/public, /open.
func robotsSite(status int, robots string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		fmt.Fprint(w, robots)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, page, "fr", r.URL.Path, "", "Texte de la page.",
			`<a href="/private/x">x</a> <a href="/private/public">p</a> <a href="/open">o</a> <a href="/q?id=1">q</a>`)
	})
	return mux
}

func TestRobots(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		robots  string
		agent   string
		fetched []string // paths visited
		seedErr bool     // the seed itself is refused
	}{
		{
			name: "our group, longest match wins", status: 200,
			robots:  "User-agent: *\nDisallow: /\n\nUser-agent: vigie\nDisallow: /private/\nAllow: /private/public\n",
			fetched: []string{"/", "/open", "/private/public", "/q?id=1"},
		},
		{
			name: "star group when none names us", status: 200,
			robots:  "User-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /private\nDisallow: /*?id=\n",
			fetched: []string{"/", "/open"},
		},
		{
			name: "user agent's product token picks the group", status: 200, agent: "InspecteurBot/2.0 (+agence)",
			robots:  "User-agent: inspecteurbot\nDisallow: /open\n",
			fetched: []string{"/", "/private/public", "/private/x", "/q?id=1"},
		},
		{
			name: "no robots.txt: everything allowed", status: 404, robots: "not found",
			fetched: []string{"/", "/open", "/private/public", "/private/x", "/q?id=1"},
		},
		{
			name: "unparseable robots.txt: everything allowed", status: 200, robots: "Disallow: /open\nCrawl-delay: soon\n",
			fetched: []string{"/", "/open", "/private/public", "/private/x", "/q?id=1"},
		},
		{name: "seed disallowed", status: 200, robots: "User-agent: *\nDisallow: /\n", seedErr: true},
		{name: "server error: complete disallow (RFC 9309)", status: 503, robots: "busy", seedErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, robotsSite(tt.status, tt.robots))
			arch := &memArchive{}
			res, pages, err := crawlSite(t, srv, Config{AllowPrivate: true, Rate: -1, UserAgent: tt.agent}, arch)
			if tt.seedErr {
				if !errors.Is(err, ErrUnreachable) || !errors.Is(err, ErrDisallowed) || !strings.Contains(err.Error(), "--ignore-robots") {
					t.Errorf("err = %v, want the seed unreachable because disallowed", err)
				}
				if len(pages) != 0 {
					t.Errorf("visited %d pages of a site that disallows them", len(pages))
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for p := range pages {
					got = append(got, p)
				}
				sort.Strings(got)
				if diff := cmp.Diff(tt.fetched, got); diff != "" {
					t.Errorf("visited (-want +got):\n%s", diff)
				}
				if want := 5 - len(tt.fetched); len(res.Disallowed) != want {
					t.Errorf("Disallowed = %q, want %d URLs", res.Disallowed, want)
				}
			}
			// robots.txt is evidence of what the site asked, whatever it says.
			if len(res.Robots) != 1 || res.Robots[0].Status != tt.status || res.Robots[0].Ref.RecordID == "" {
				t.Errorf("Robots = %+v, want robots.txt archived with status %d", res.Robots, tt.status)
			}
			if len(arch.exs) == 0 || !strings.Contains(arch.exs[0].URL, "/robots.txt") {
				t.Errorf("first exchange archived is not robots.txt")
			}
		})
	}
}

func TestRobotsCrawlDelayLowersTheRate(t *testing.T) {
	srv := serve(t, robotsSite(200, "User-agent: *\nCrawl-delay: 0.3\n"))
	start := time.Now()
	res, pages, err := crawlSite(t, srv, Config{AllowPrivate: true, Rate: -1, Concurrency: 4, MaxSitemaps: -1}, &memArchive{})
	if err != nil {
		t.Fatal(err)
	}
	// Five pages, each one Crawl-delay after the one before.
	if elapsed, floor := time.Since(start), 4*300*time.Millisecond-50*time.Millisecond; len(pages) != 5 || elapsed < floor {
		t.Errorf("%d pages in %s, want 5 pages in at least %s", len(pages), elapsed, floor)
	}
	if !hasLine(res.Notes, "Crawl-delay 300ms") {
		t.Errorf("Notes = %q, want the Crawl-delay applied", res.Notes)
	}
}

func TestIgnoreRobots(t *testing.T) {
	srv := serve(t, robotsSite(200, "User-agent: *\nDisallow: /\nCrawl-delay: 30\n"))
	cfg := Config{AllowPrivate: true, Rate: -1, IgnoreRobots: true}
	if _, _, err := crawlSite(t, srv, cfg, &memArchive{}); err == nil || !strings.Contains(err.Error(), "reason") {
		t.Errorf("ignoring robots.txt without a reason: err = %v, want refused", err)
	}
	cfg.IgnoreRobotsReason = "constat d'infraction,\nordre de mission 2026-117"
	res, pages, err := crawlSite(t, srv, cfg, &memArchive{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 5 || len(res.Disallowed) != 0 || len(res.Robots) != 1 {
		t.Errorf("%d pages, disallowed %q, robots %d: want every page, robots.txt still archived", len(pages), res.Disallowed, len(res.Robots))
	}
	p := cfg.Parameters()
	if p["robots"] != "ignored" || p["ignore-robots-reason"] != "constat d'infraction, ordre de mission 2026-117" {
		t.Errorf("Parameters = %q, want robots ignored and the reason on one line", p)
	}
	if p := (Config{}).Parameters(); p["robots"] != "honoured" || p["ignore-robots-reason"] != "" {
		t.Errorf("default Parameters = %q, want robots honoured", p)
	}
}
