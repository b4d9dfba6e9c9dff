package claims

import (
	"slices"
	"sort"
	"strings"

	"vigie/internal/extract"
)

// negativeStart are words that make a claim by themselves ("sans effets
// secondaires", "aucun risque"): a French "ne" before them is part of the
// claim ("n'a aucun effet secondaire"), not its negation.
func negativeStart(w string) bool {
	switch w {
	case "sans", "aucun", "aucune", "pas", "zero", "peu", "ni",
		"jamais", "nul", "no", "without", "free", "never",
		"few", "minimal", "non", "ohne", "kein", "keine",
		"keinerlei", "kaum", "wenig", "nicht":
		return true
	}
	return false
}

// negators deny what follows them. (Switches, not maps: they are asked
// for every word of every claim, and a switch hashes nothing.)
func negators(w string) bool {
	switch w {
	case "sans", "pas", "aucun", "aucune", "jamais", "not",
		"never", "without", "ohne", "kein", "keine", "nicht":
		return true
	}
	return false
}

// continuesNegation are words that carry on a negative claim rather than
// deny it: "sans prélèvement ni cicatrice", "no pain nor scarring".
func continuesNegation(w string) bool { return w == "ni" || w == "nor" || w == "noch" }

// restrictive reports whether the French particle at token k begins a
// restriction, not a negation: "ne font que masquer", "n'a que peu
// d'effets" (only, not "not"). A "pas", "jamais", "plus", "rien" or
// "aucun" before the "que" makes it a negation again ("ne sont pas que").
func restrictive(s sentence, k int) bool {
	for j := k + 1; j < len(s.toks) && j <= k+3; j++ {
		switch s.toks[j].Norm {
		case "que", "qu":
			return true
		case "pas", "jamais", "plus", "rien", "aucun", "aucune", "guere", "point", "ni", "nul", "nulle":
			return false
		}
	}
	return false
}

// contrastBetween reports whether a contrastive conjunction stands among
// the tokens [from, to) of s.
func contrastBetween(s sentence, from, to int) bool {
	for _, t := range s.toks[from:to] {
		switch t.Norm {
		case "sondern", "mais", "but", "sino":
			return true
		}
	}
	return false
}

// nearWindow is how many words may stand between a negator and its claim.
const nearWindow = 3

// stance decides whether the page asserts the claim, reports someone else's,
// or denies it. Negation wins; then the page's voice; on a neutral page,
// attribution or quotation marks make the claim reported.
func (a *Analyzer) stance(q *quotes, s sentence, m match, voice string) string {
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
	if a.attributed(q, s, m) {
		return Reported
	}
	return Promotional
}

func (a *Analyzer) negated(s sentence, m match) bool {
	negStart := negativeStart(s.toks[m.start].Norm)
	// The pattern's own negative words make the claim ("plus besoin de
	// chimiothérapie"); the "ne" before them is theirs.
	pat := &a.Rules.m.patterns[m.pattern]
	own := pat.own
	o := a.Rules.owners[m.owner]
	absence := o.kind == ownRule && a.Rules.rules[o.idx].absence
	if pat.within > 0 && absence {
		// An unordered claim of an absence ("Nebenwirkungen praktisch
		// ausgeschlossen") owns the negative words it is made of, and one
		// between them denies it ("Nebenwirkungen sind nicht
		// ausgeschlossen"). In other claims a negation between the words
		// is often the claim's own: "remarche sans canne", "la chimio ne
		// marchait plus".
		own = nil
		for k := m.start; k < m.end; k++ {
			w := s.toks[k].Norm
			switch {
			case m.used&(1<<(k-m.start)) != 0:
				if negativeStart(w) || negators(w) {
					own = append(own, w)
				}
			case negators(w) || (w == "ne" || w == "n") && !restrictive(s, int(k)):
				return true
			}
		}
	}
	// Two negators in one claim cancel out: "pas sans risque" (but "peu
	// ou pas d'effets secondaires" is one claim: peu is no negator).
	negs := 0
	for _, t := range s.toks[m.start:m.end] {
		if negators(t.Norm) && !slices.Contains(own, t.Norm) {
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
		// "keine Chemie, sondern körpereigene Botenstoffe", "pas un
		// médicament mais vos propres cellules": what follows the
		// contrast is asserted.
		before := c.end <= m.start && m.start-c.end <= nearWindow && !contrastBetween(s, int(c.end), int(m.start))
		// A negator inside a gapped match ("les essais n'ont pas montré de
		// bénéfice") negates it, unless it is the claim's own negative word
		// ("peu ou pas d'effets secondaires").
		// Nor does a "ni" that carries on a claim begun by a negative word.
		inner := s.toks[c.start].Norm
		inside := c.start > m.start && c.end <= m.end && !negativeStart(inner) && !(negStart && continuesNegation(inner)) && !slices.Contains(own, inner)
		switch cueKind(o.idx) {
		case cueNegation:
			// A denial of the evidence within the claim's own words denies
			// it too ("wissenschaftlich nicht abschließend belegt"), unless
			// the claim states an absence or the negative word is its own
			// ("eine Ausfallzeit gibt es nicht").
			within := c.start > m.start && c.end <= m.end && !absence && !ownsWord(s.toks[c.start:c.end], own)
			if c.end <= m.start || c.start >= m.end || within {
				return true
			}
		case cueNegationNear:
			// "ni produit chimique, ni risque de rejet": a claim that is
			// itself a "ni" carries on the list the "ni" before it began;
			// so does one that repeats the negative word it starts with
			// ("pas d'opé, pas d'anti-inflammatoires").
			first := s.toks[m.start].Norm
			chain := continuesNegation(first) && continuesNegation(inner) || negStart && inner == first
			if before && !chain || inside {
				return true
			}
		case cueParticle:
			if len(own) == 0 && (before && !negStart || inside) && !restrictive(s, int(c.start)) {
				return true
			}
		}
	}
	return false
}

// ownsWord reports whether one of toks is among a pattern's own negative words.
func ownsWord(toks []extract.Token, own []string) bool {
	for _, t := range toks {
		if slices.Contains(own, t.Norm) {
			return true
		}
	}
	return false
}

// attributed reports whether the claim is put in someone else's mouth: a
// reporting verb in its sentence, or quotation marks around it.
func (a *Analyzer) attributed(q *quotes, s sentence, m match) bool {
	return s.reporting || q.inQuotes(s.block, s.toks[m.start].Start)
}

// quoteLookback bounds how far back an opening quotation mark is looked for.
const quoteLookback = 600

// quotes indexes the quotation marks of a page's text, so that counting
// those before a claim is a search, not a scan of up to quoteLookback bytes
// for each claim and cue. Built on first use. It also keeps the last quote
// copied out of the text.
type quotes struct {
	text  string
	built bool
	start []int      // offsets of the marks, ascending
	end   []int      // their ends (marks never overlap: ascending too)
	cum   [][6]int32 // cum[i]: marks of each kind among the first i

	quoteStart, quoteEnd int    // the last claim's quote, text[quoteStart:quoteEnd]
	quote                string // copied
}

// The marks counted, by kind.
var quoteMarks = [6]string{"«", "»", "“", "”", "„", "\""}

func (q *quotes) build() {
	q.built = true
	// Every mark starts with one of these bytes (0xC2 and 0xE2 only ever
	// start a rune); IndexByte finds them far faster than a loop.
	type mark struct{ start, kind int }
	var marks []mark
	t := q.text
	for _, b := range []byte{'"', 0xC2, 0xE2} {
		for off := 0; ; {
			i := strings.IndexByte(t[off:], b)
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			for k, m := range quoteMarks {
				if strings.HasPrefix(t[i:], m) {
					marks = append(marks, mark{i, k})
					break
				}
			}
		}
	}
	slices.SortFunc(marks, func(a, b mark) int { return a.start - b.start })
	q.start = make([]int, len(marks))
	q.end = make([]int, len(marks))
	q.cum = make([][6]int32, len(marks)+1)
	for i, m := range marks {
		q.start[i], q.end[i] = m.start, m.start+len(quoteMarks[m.kind])
		q.cum[i+1] = q.cum[i]
		q.cum[i+1][m.kind]++
	}
}

// inQuotes reports whether position pos of the text lies inside quotation
// marks opened since from (looking back quoteLookback bytes at most).
func (q *quotes) inQuotes(from, pos int) bool {
	if pos-from > quoteLookback {
		from = pos - quoteLookback
	}
	if !q.built {
		q.build()
	}
	// The marks wholly within [from, pos).
	lo, _ := slices.BinarySearch(q.start, from)
	hi := sort.Search(len(q.end), func(i int) bool { return q.end[i] > pos })
	var n [6]int32
	if hi > lo {
		for k := range n {
			n[k] = q.cum[hi][k] - q.cum[lo][k]
		}
	}
	if n[0] > n[1] { // « »
		return true
	}
	if n[2] > n[3] { // “ ”
		return true
	}
	if n[4] > n[2] { // „ “
		return true
	}
	return n[5]%2 == 1
}
