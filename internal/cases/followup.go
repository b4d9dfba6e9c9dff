package cases

import (
	"fmt"
	"strings"

	"vigie/internal/claims"
)

// Comparison is a follow-up of one site: the promotional claims of the scan
// relied on, sorted by what the new scan shows of them.
type Comparison struct {
	Site   string `json:"site"`
	Relied string `json:"relied"` // the scan compared with
	Scan   string `json:"scan"`   // the new scan; "" when the site could not be scanned
	// Removed are claims of the scan relied on whose page was served again
	// without them (quoted from the scan relied on).
	Removed []Claim `json:"removed"`
	// Remaining are claims still on the site, quoted from the new scan
	// (on their page, or on another page of the site).
	Remaining []Claim `json:"remaining"`
	// New are promotional claims of the new scan the scan relied on did not
	// have.
	New []Claim `json:"new"`
	// Unreachable are claims whose page could not be checked (an error, a
	// timeout, a 404, a refusal, a page the crawl did not reach): never
	// counted as removed.
	Unreachable      []Claim       `json:"unreachable"`
	UnreachablePages []PageFailure `json:"unreachable_pages"`
}

// Compare sorts the promotional claims of relied by what latest shows: a
// claim is remaining when the same words of the same category are on the
// site (its own page first), removed when its page was served without
// them, and unreachable when its page could not be checked.
func Compare(relied, latest Evidence) Comparison {
	cmp := Comparison{Site: relied.Site, Relied: relied.Scan, Scan: latest.Scan,
		Removed: []Claim{}, Remaining: []Claim{}, New: []Claim{}, Unreachable: []Claim{}, UnreachablePages: []PageFailure{}}
	byKey := map[string][]Claim{}
	for _, c := range latest.Claims {
		if c.Stance == claims.Promotional {
			byKey[ClaimKey(c)] = append(byKey[ClaimKey(c)], c)
		}
	}
	had := map[string]bool{}
	failed := map[string]bool{}
	for _, c := range relied.Claims {
		if c.Stance != claims.Promotional {
			continue
		}
		k := ClaimKey(c)
		had[k] = true
		if now, ok := pick(byKey[k], c.URL); ok {
			cmp.Remaining = append(cmp.Remaining, now)
			continue
		}
		ok, reason := latest.pageState(c.URL)
		if ok {
			reason = replaced(&relied, &latest, c.URL)
			ok = reason == ""
		}
		if ok {
			cmp.Removed = append(cmp.Removed, c)
			continue
		}
		cmp.Unreachable = append(cmp.Unreachable, c)
		if !failed[c.URL] {
			failed[c.URL] = true
			cmp.UnreachablePages = append(cmp.UnreachablePages, PageFailure{URL: c.URL, Reason: reason})
		}
	}
	for _, c := range latest.Claims {
		if c.Stance == claims.Promotional && !had[ClaimKey(c)] {
			cmp.New = append(cmp.New, c)
		}
	}
	return cmp
}

// replaced says why a page served again (status 2xx) is not evidence of a
// removal: it came back under another title and without a single claim,
// which is what an error, maintenance or bot-challenge page answered with
// status 200 (a "soft 404") looks like, and not what an edited page does.
// It returns "" for a page that may have been edited.
func replaced(relied, latest *Evidence, url string) string {
	before, now := relied.page(url), latest.page(url)
	if before == nil || now == nil || strings.Join(strings.Fields(strings.ToLower(before.Title)), " ") == strings.Join(strings.Fields(strings.ToLower(now.Title)), " ") {
		return ""
	}
	for _, c := range latest.Claims {
		if c.URL == url {
			return ""
		}
	}
	return fmt.Sprintf("served again under another title (%q, was %q) and without any claim: an error or maintenance page is not a removal, check it by hand", now.Title, before.Title)
}

// pick returns the claim of cs on url, else the first of cs.
func pick(cs []Claim, url string) (Claim, bool) {
	for _, c := range cs {
		if c.URL == url {
			return c, true
		}
	}
	if len(cs) > 0 {
		return cs[0], true
	}
	return Claim{}, false
}

// Counts returns the sizes of the comparison's lists.
func (c *Comparison) Counts() CountsBySite {
	return CountsBySite{Site: c.Site, Relied: c.Relied, Scan: c.Scan, Removed: len(c.Removed),
		Remaining: len(c.Remaining), New: len(c.New), Unreachable: len(c.Unreachable)}
}
