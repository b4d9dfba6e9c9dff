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

// A French number: "+33 1 84 60 27 19", "0033 (0)1…", "+33184602719".
// Looked for only around "+33" and "0033", so the whole text is never run
// through a regular expression.
var intlPhoneFR = regexp.MustCompile(`^(?:\+33|0033)\s?(?:\(0\))?\s?[1-9](?:[\s.\-]?\d{2}){4}(?:\D|$)`)

// hasFrenchPhone finds a French phone number in text with tokens toks.
func hasFrenchPhone(text string, toks []extract.Token) bool {
	for _, prefix := range []string{"+33", "0033"} {
		for off := 0; ; {
			i := strings.Index(text[off:], prefix)
			if i < 0 {
				break
			}
			end := min(len(text), off+i+32)
			if intlPhoneFR.MatchString(text[off+i : end]) {
				return true
			}
			off += i + len(prefix)
		}
	}
	// National format: 0X XX XX XX XX (spaces, dots or dashes), or ten digits.
	for i, t := range toks {
		n := t.Norm
		if len(n) == 10 && n[0] == '0' && n[1] >= '1' && n[1] <= '9' && allDigits(n) {
			return true
		}
		if len(n) != 2 || n[0] != '0' || n[1] < '1' || n[1] > '9' || i+4 >= len(toks) {
			continue
		}
		ok := true
		for k := 1; k <= 4 && ok; k++ {
			prev, cur := toks[i+k-1], toks[i+k]
			ok = len(cur.Norm) == 2 && allDigits(cur.Norm) && cur.Start-prev.End <= 1 &&
				(cur.Start == prev.End || strings.ContainsAny(text[prev.End:cur.Start], " .-\u00a0"))
		}
		if ok {
			return true
		}
	}
	return false
}

// hasEuroPrice finds an amount in euros: "12 500 €", "€250", "9 800 euros".
func hasEuroPrice(toks []extract.Token) bool {
	for i, t := range toks {
		switch t.Norm {
		case "€", "eur", "euro", "euros":
			for k := max(0, i-2); k < i; k++ {
				if isNumber(toks[k].Norm) {
					return true
				}
			}
			if t.Norm == "€" && i+1 < len(toks) && isNumber(toks[i+1].Norm) {
				return true
			}
		}
	}
	return false
}

func isNumber(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// audience reads the signals of doc; frenchPatients says whether a
// french_patients cue matched.
func (a *Analyzer) audience(doc *extract.Document, frenchPatients bool) Audience {
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
	toks := doc.Tokens
	if toks == nil {
		toks = extract.Tokenize(doc.Text)
	}
	boiler := extract.Tokenize(doc.Boilerplate)
	if hasFrenchPhone(doc.Text, toks) || hasFrenchPhone(doc.Boilerplate, boiler) {
		add(SignalPhone)
	}
	if hasEuroPrice(toks) || hasEuroPrice(boiler) {
		add(SignalPrice)
	}
	if mentionsCity(doc.Text, toks, a.Rules.cities) {
		add(SignalCity)
	}
	if frenchPatients {
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

func mentionsCity(text string, toks []extract.Token, cities map[string][][]string) bool {
	for i, t := range toks {
		if !capitalised(text, t) { // cheaper than the lookup, and as necessary
			continue
		}
		for _, c := range cities[t.Norm] {
			if i+len(c) <= len(toks) && matchesWords(toks[i:i+len(c)], c) {
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
func parseCities(data []byte) map[string][][]string {
	out := map[string][][]string{}
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
			out[words[0]] = append(out[words[0]], words)
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
