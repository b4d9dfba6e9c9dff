package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"vigie/internal/scan"
)

// writeSitesJSON writes {"sites": reports} exactly as writeJSON would, but
// encodes the long lists of a site — its pages and its claims — one element
// at a time: a site of thousands of pages and a hundred thousand claims is
// never held as one JSON document (twice: compact, then indented) in
// memory.
func writeSitesJSON(w io.Writer, reports []*scan.SiteReport) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if len(reports) == 0 {
		bw.WriteString("{\n  \"sites\": []\n}\n")
		return bw.Flush()
	}
	bw.WriteString("{\n  \"sites\": [")
	for i, r := range reports {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		if err := writeSiteJSON(bw, r); err != nil {
			return err
		}
	}
	bw.WriteString("\n  ]\n}\n")
	return bw.Flush()
}

// The site object's own members are indented by three levels.
const (
	siteFields = "\n      "
	listItems  = "        "
)

func writeSiteJSON(w *bufio.Writer, r *scan.SiteReport) error {
	shallow := *r
	shallow.Pages, shallow.Claims = nil, nil
	compact, err := marshal(shallow)
	if err != nil {
		return err
	}
	var head bytes.Buffer
	if err := json.Indent(&head, compact, "    ", "  "); err != nil {
		return err
	}
	rest := head.Bytes()
	for _, list := range []struct {
		key     string
		n       int
		item    func(int) any
		present bool // not nil
	}{
		{`"pages": null`, len(r.Pages), func(i int) any { return &r.Pages[i] }, r.Pages != nil},
		{`"claims": null`, len(r.Claims), func(i int) any { return &r.Claims[i] }, r.Claims != nil},
	} {
		// The member of the site itself, at its indentation: nested
		// objects are indented deeper, and strings never hold a bare quote.
		at := bytes.Index(rest, []byte(siteFields+list.key))
		if at < 0 {
			return fmt.Errorf("site report: %s not found", list.key)
		}
		w.Write(rest[:at+len(siteFields)+len(list.key)-len("null")])
		rest = rest[at+len(siteFields)+len(list.key):]
		if !list.present {
			w.WriteString("null")
			continue
		}
		if list.n == 0 {
			w.WriteString("[]")
			continue
		}
		w.WriteByte('[')
		// One encoder and two buffers for all the items: a site's claims
		// are encoded while it is stored, and garbage raises the peak.
		var compact, buf bytes.Buffer
		enc := json.NewEncoder(&compact)
		enc.SetEscapeHTML(false)
		for i := 0; i < list.n; i++ {
			compact.Reset()
			if err := enc.Encode(list.item(i)); err != nil {
				return err
			}
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteString("\n" + listItems)
			buf.Reset()
			if err := json.Indent(&buf, bytes.TrimRight(compact.Bytes(), "\n"), listItems, "  "); err != nil {
				return err
			}
			w.Write(buf.Bytes())
		}
		w.WriteString(siteFields + "]")
	}
	_, err = w.Write(rest)
	return err
}

// marshal encodes v as writeJSON does (no HTML escaping), compact.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
