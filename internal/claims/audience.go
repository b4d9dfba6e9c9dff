package claims

import (
	"bufio"
	"bytes"
	"net/url"
	"regexp"
	"strings"

	"vigie/internal/extract"
)

// Audience signals, named in reports. LEGAL.md section 4: a site is aimed at
// the French public when it has a French version; the others strengthen it.
const (
	SignalHTMLLang     = "html-lang-fr"
	SignalTextLang     = "text-lang-fr"
	SignalHreflang     = "hreflang-fr"
	SignalPath         = "path-fr"
	SignalParam        = "param-lang-fr"
	SignalTLD          = "tld-fr"
	SignalPhone        = "phone-fr"
	SignalPrice        = "price-eur"
	SignalCity         = "city-fr"
	SignalFrenchPatien = "patients-fr"
)

// frenchVersion are the signals that the page is, or has, a French version.
var frenchVersion = map[string]bool{
	SignalHTMLLang: true, SignalTextLang: true, SignalHreflang: true, SignalPath: true, SignalParam: true,
}

var (
	// +33 1 84 60 27 19, 0033 (0)1…, 01 84 60 27 19, 01.84.60.27.19
	phoneFR = regexp.MustCompile(`(?:\+33|0033)\s?(?:\(0\))?\s?[1-9](?:[\s.\-]?\d{2}){4}\b|\b0[1-9](?:[\s.\-]?\d{2}){4}\b`)
	priceEU = regexp.MustCompile(`(?i)\d[\d\s\x{00a0}.,]*\s?(?:€|eur\b|euros?\b)|€\s?\d`)
	patFR   = regexp.MustCompile(`(?i)patient(?:e)?s? français(?:es)?|french patients`)
)

func (a *Analyzer) audience(doc *extract.Document) Audience {
	var sig []string
	add := func(s string) { sig = append(sig, s) }
	if doc.DeclaredLang == "fr" {
		add(SignalHTMLLang)
	}
	if doc.Lang == "fr" {
		add(SignalTextLang)
	}
	for _, alt := range doc.Alternates {
		if strings.HasPrefix(alt.Lang, "fr") {
			add(SignalHreflang)
			break
		}
	}
	if u, err := url.Parse(doc.URL); err == nil && doc.URL != "" {
		for _, seg := range strings.Split(strings.ToLower(u.Path), "/") {
			if seg == "fr" || strings.HasPrefix(seg, "fr-") || strings.HasPrefix(seg, "fr_") {
				add(SignalPath)
				break
			}
		}
		for _, k := range []string{"lang", "language", "hl", "locale", "lng"} {
			if strings.HasPrefix(strings.ToLower(u.Query().Get(k)), "fr") {
				add(SignalParam)
				break
			}
		}
		if strings.HasSuffix(strings.ToLower(u.Hostname()), ".fr") {
			add(SignalTLD)
		}
	}
	all := doc.Text + "\n" + doc.Boilerplate
	if phoneFR.MatchString(all) {
		add(SignalPhone)
	}
	if priceEU.MatchString(all) {
		add(SignalPrice)
	}
	if mentionsCity(doc.Text, a.Rules.cities) {
		add(SignalCity)
	}
	if patFR.MatchString(doc.Text) {
		add(SignalFrenchPatien)
	}
	return Audience{FrenchPublic: frenchPublic(sig), Signals: nonNil(sig)}
}

// frenchPublic applies LEGAL.md: a French version suffices; otherwise two
// other signals are needed (a price in euros alone says nothing of France).
func frenchPublic(signals []string) bool {
	others := 0
	for _, s := range signals {
		if frenchVersion[s] {
			return true
		}
		others++
	}
	return others >= 2
}

// MergeAudience combines the audiences of a site's pages.
func MergeAudience(pages []Audience) Audience {
	seen := map[string]bool{}
	var sig []string
	for _, p := range pages {
		for _, s := range p.Signals {
			if !seen[s] {
				seen[s] = true
				sig = append(sig, s)
			}
		}
	}
	return Audience{FrenchPublic: frenchPublic(sig), Signals: nonNil(sig)}
}

func mentionsCity(text string, cities [][]string) bool {
	toks := extract.Tokenize(text)
	for i, t := range toks {
		for _, c := range cities {
			if c[0] != t.Norm {
				continue
			}
			if i+len(c) <= len(toks) && matchesWords(toks[i:i+len(c)], c) && capitalised(text, t) {
				return true
			}
		}
	}
	return false
}

func matchesWords(toks []extract.Token, words []string) bool {
	for i, w := range words {
		if toks[i].Norm != w {
			return false
		}
	}
	return true
}

// capitalised: "Nice" the city, not "nice" the adjective; "Tours", not "tours".
func capitalised(text string, t extract.Token) bool {
	c := text[t.Start]
	return c >= 'A' && c <= 'Z'
}

// parseCities reads the list of French cities: one per line, # comments.
func parseCities(data []byte) [][]string {
	var out [][]string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var words []string
		for _, t := range extract.Tokenize(line) {
			words = append(words, t.Norm)
		}
		if len(words) > 0 {
			out = append(out, words)
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
