package drafting

// sampleView is a view with every part filled, to check the templates
// when they are loaded.
func sampleView() *view {
	q := []quoteView{{Text: "a", Title: "t", URL: "https://x.example/fr/", Captured: "1er janvier 2026"}, {Text: "b", URL: "https://x.example/", Captured: "2 janvier 2026", Sep: " et "}}
	v := &view{Date: "1er janvier 2026", Place: "p", Company: "c", Therapy: "t", Activities: true,
		Addresses: []addressView{{Lines: []string{"l"}, Country: "France"}, {Lines: []string{"m"}}},
		Sites:     []siteView{{URL: "https://x.example/", Consulted: "1er janvier 2026"}},
		SitesText: "le site internet x", SitesOf: "du site internet x", Plural: true, Draft: true,
		Letter:   letterView{Date: "d", Deadline: "e", Activities: true},
		Breaches: "L.5122-3", Signatory: "s", SignatoryTitle: "t",
		NoAuthorisation: true, PublicBan: true, ATMP: true, Class: "c"}
	for _, k := range []string{"regulation_1394", "regulation_726", "csp", "site", "letter", "observation", "urgency"} {
		v.Vu = append(v.Vu, vuView{Kind: k, Oral: k == "observation", Late: true, HasLetter: k == "urgency"}, vuView{Kind: k})
	}
	for _, k := range []string{"observation", "no_observations", "remaining"} {
		v.Point6 = append(v.Point6, point6View{Kind: k, Oral: true, Late: true, Remaining: q[:1]}, point6View{Kind: k, Answer: "a", Remaining: q})
	}
	for _, id := range append(append([]string{}, groundOrder...), "unknown") {
		for _, full := range []bool{true, false} {
			g := groundView{ID: id, Therapy: "t", Sites: "le site internet x", Text: "t"}
			if full {
				g.Plural, g.Quotes, g.Remaining, g.Signals, g.Class, g.Manipulations, g.RegistryDate, g.ATMP, g.Unauthorised =
					true, q, q[:1], "s", "c", "m", "r", true, true
				g.Pages = []pageView{{Title: "t", URL: "u"}}
			}
			v.Grounds = append(v.Grounds, g)
		}
	}
	v.Grounds[len(v.Grounds)-1].Last = true
	v.GroundsBefore, v.GroundsAfter = v.Grounds, v.Grounds
	return v
}
