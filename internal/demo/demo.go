// Package demo serves the bundled demo websites on loopback: fictional
// sites written for Vigie (a clinic promoting an unauthorised cell therapy,
// an educational page, a news investigation, a hospital page on an
// authorised CAR-T medicine), each on its own port.
package demo

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"time"
)

//go:embed sites
var sites embed.FS

// Site is one demo website and the verdict a scan of it must reach.
type Site struct {
	Name    string // folder under sites/
	Title   string
	URL     string // entry page, set by Serve
	Verdict string // expected qualification verdict
}

// Sites lists the demo sites in the order the demo scans them.
func Sites() []Site {
	return []Site{
		{Name: "clinic", Title: "Klinik Sonnenberg: an unauthorised dendritic cell therapy sold to French patients", Verdict: "illegal_promotion"},
		{Name: "info", Title: "Patient information on dendritic cell therapy", Verdict: "no_violation_found"},
		{Name: "news", Title: "A news investigation quoting the clinics' claims", Verdict: "no_violation_found"},
		{Name: "hospital", Title: "A hospital page on Kymriah, an authorised CAR-T medicine", Verdict: "no_violation_found"},
	}
}

// Server serves the demo sites until Close.
type Server struct {
	Sites   []Site
	servers []*http.Server
}

// Serve starts one HTTP server per demo site on 127.0.0.1, each on a port
// the system chooses.
func Serve() (*Server, error) {
	s := &Server{}
	for _, site := range Sites() {
		root, err := fs.Sub(sites, "sites/"+site.Name)
		if err != nil {
			s.Close()
			return nil, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("demo: listen: %w", err)
		}
		srv := &http.Server{Handler: http.FileServerFS(root), ReadHeaderTimeout: 10 * time.Second}
		// Serve returns only when closed; a failure shows as an
		// unreachable site in the scan that follows.
		go func() { _ = srv.Serve(ln) }()
		s.servers = append(s.servers, srv)
		site.URL = "http://" + ln.Addr().String() + "/"
		s.Sites = append(s.Sites, site)
	}
	return s, nil
}

// Close stops every server.
func (s *Server) Close() error {
	var errs []error
	for _, srv := range s.servers {
		errs = append(errs, srv.Close())
	}
	return errors.Join(errs...)
}
