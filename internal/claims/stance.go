package claims

import "strings"

// negativeStart are words that make a claim by themselves ("sans effets
// secondaires", "aucun risque"): a French "ne" before them is part of the
// claim ("n'a aucun effet secondaire"), not its negation.
var negativeStart = map[string]bool{
	"sans": true, "aucun": true, "aucune": true, "pas": true, "zero": true, "peu": true,
	"jamais": true, "nul": true, "no": true, "without": true, "free": true, "never": true,
	"few": true, "minimal": true, "non": true, "ohne": true, "kein": true, "keine": true,
	"keinerlei": true, "kaum": true, "wenig": true, "nicht": true,
}

// negators deny what follows them.
var negators = map[string]bool{
	"sans": true, "pas": true, "aucun": true, "aucune": true, "jamais": true, "not": true,
	"never": true, "without": true, "ohne": true, "kein": true, "keine": true, "nicht": true,
}

// nearWindow is how many words may stand between a negator and its claim.
const nearWindow = 3

// stance decides whether the page asserts the claim, reports someone else's,
// or denies it. Negation wins; then the page's voice; on a neutral page,
// attribution or quotation marks make the claim reported.
func (a *Analyzer) stance(text string, s sentence, m match, voice string) string {
	if a.negated(s, m) {
		return Negated
	}
	switch voice {
	case VoiceReporting, VoiceScientific:
		return Reported
	case VoiceProvider:
		// A provider relaying testimonials or a professor's words adopts
		// them: that is promotion (R.5122-4 6° and 12°).
		return Promotional
	}
	if a.attributed(text, s, m) {
		return Reported
	}
	return Promotional
}

func (a *Analyzer) negated(s sentence, m match) bool {
	negStart := negativeStart[s.toks[m.start].Norm]
	// Two negators in one claim cancel out: "pas sans risque" (but "peu
	// ou pas d'effets secondaires" is one claim: peu is no negator).
	negs := 0
	for _, t := range s.toks[m.start:m.end] {
		if negators[t.Norm] {
			negs++
		}
	}
	if negs >= 2 {
		return true
	}
	for _, c := range s.matches {
		o := a.Rules.owners[c.owner]
		if o.kind != ownCue {
			continue
		}
		before := c.end <= m.start && m.start-c.end <= nearWindow
		// A negator inside a gapped match ("les essais n'ont pas montré de
		// bénéfice") negates it, unless it is the claim's own negative word
		// ("peu ou pas d'effets secondaires").
		inside := c.start > m.start && c.end <= m.end && !negativeStart[s.toks[c.start].Norm]
		switch cueKind(o.idx) {
		case cueNegation:
			if c.end <= m.start || c.start >= m.end {
				return true
			}
		case cueNegationNear:
			if before || inside {
				return true
			}
		case cueParticle:
			if before && !negStart || inside {
				return true
			}
		}
	}
	return false
}

// attributed reports whether the claim is put in someone else's mouth: a
// reporting verb in its sentence, or quotation marks around it.
func (a *Analyzer) attributed(text string, s sentence, m match) bool {
	return s.reporting || inQuotes(text, s.block, s.toks[m.start].Start)
}

// quoteLookback bounds how far back an opening quotation mark is looked for.
const quoteLookback = 600

// inQuotes reports whether position pos of text lies inside quotation
// marks opened since from (looking back quoteLookback bytes at most).
func inQuotes(text string, from, pos int) bool {
	if pos-from > quoteLookback {
		from = pos - quoteLookback
	}
	seg := text[from:pos]
	if strings.Count(seg, "«") > strings.Count(seg, "»") {
		return true
	}
	if strings.Count(seg, "“") > strings.Count(seg, "”") {
		return true
	}
	if strings.Count(seg, "„") > strings.Count(seg, "“") {
		return true
	}
	return strings.Count(seg, "\"")%2 == 1
}
