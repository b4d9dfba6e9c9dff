package claims

import (
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"

	"vigie/internal/extract"
)

// Registry says whether a medicine is authorised at a date. The registry
// package implements it.
type Registry interface {
	Authorised(id string, at time.Time) bool
}

// Analyzer analyses documents with one rule set. It is safe for concurrent use.
type Analyzer struct {
	Rules    *Rules
	Registry Registry // nil: no product counts as authorised
}

// maxQuote bounds a quote: a longer sentence is cut around the match.
const maxQuote = 400

// sentence is one sentence with its tokens and the matches in it.
type sentence struct {
	span      extract.Span
	toks      []extract.Token
	matches   []match
	reporting bool   // a reporting cue matched in the sentence
	lang      string // the language of the sentence's block
	block     int    // start of the sentence's block: quotations run across sentences
}

// workspace is the scratch space of one analysis, kept for the next: the
// tokens' vocabulary entries, the matches and the sentences, which no
// report refers to.
type workspace struct {
	sc    scanner
	all   []match
	sents []sentence
	seen  []uint32 // verdict word → the generation of the page that has it
	gen   uint32
}

// release drops the workspace's references to the document analysed.
func (ws *workspace) release() {
	clear(ws.sents)
	ws.sents = ws.sents[:0]
	ws.all = ws.all[:0]
	ws.sc.toks = nil
}

// Analyze reads doc and returns its page report. at is the capture date,
// against which authorisations are checked.
func (a *Analyzer) Analyze(doc *extract.Document, at time.Time) *Report {
	rep, _ := a.analyze(doc, at, true)
	return rep
}

// analyze reads doc; scored false leaves the verdict unweighed (its
// features only: what TrainVerdict learns from). It returns the voice's
// counts too.
func (a *Analyzer) analyze(doc *extract.Document, at time.Time, scored bool) (*Report, voiceCounts) {
	q := &quotes{text: doc.Text}
	ws, _ := a.Rules.spare.Get().(*workspace)
	if ws == nil {
		ws = new(workspace)
	}
	defer a.Rules.spare.Put(ws)
	defer ws.release()
	sents := a.match(ws, doc, q)
	rep := &Report{URL: doc.URL, Lang: doc.Lang, Title: doc.Title}

	// First pass: the page's voice, from its cues.
	vc := a.count(q, sents)
	rep.Voice = vc.voice()

	// Second pass: claims with their stance, and therapies.
	a.claims(rep, q, sents, doc.Lang, at, vc.claims, rep.Voice)
	rep.Audience = a.audience(doc, vc.frenchPatients)
	a.features(rep, vc.fp, vc.risks, vc.priced)
	if !scored {
		return rep, vc
	}
	a.score(rep, ws)
	switch {
	case !rep.Promotional || rep.Voice == VoiceProvider:
	case rep.Voice == VoiceNeutral:
		// The page promotes and speaks in no one's voice in particular
		// (no "nous"; its patients quoted): the claims it quotes are its
		// own, its patients' words its testimonials.
		a.claims(rep, q, sents, doc.Lang, at, vc.claims, VoiceProvider)
	default:
		// The page promotes what it seems to report (an advertorial in a
		// journalist's voice, a press release in the third person): it
		// speaks for the provider.
		rep.Voice = VoiceProvider
		a.claims(rep, q, sents, doc.Lang, at, vc.claims, rep.Voice)
	}
	return rep, vc
}

// claims sets rep's claims, with their stance in voice, and its therapies.
func (a *Analyzer) claims(rep *Report, q *quotes, sents []sentence, lang string, at time.Time, n int, voice string) {
	rep.Therapies = []Therapy{}
	rep.Claims = make([]Claim, 0, n)
	seenTherapy := map[string]bool{}
	type kept struct {
		claim int  // index in rep.Claims
		rule  rule // the rule that found it
	}
	seenCat := map[string]kept{}
	for _, s := range sents {
		clear(seenCat)
		for _, m := range s.matches {
			o := a.Rules.owners[m.owner]
			switch o.kind {
			case ownTherapy:
				t := a.Rules.therapies[o.idx]
				if seenTherapy[t.id] || containedInLonger(s.matches, m, a.Rules.owners) {
					continue
				}
				seenTherapy[t.id] = true
				rep.Therapies = append(rep.Therapies, a.therapy(t, lang, at))
			case ownRule:
				// One claim per category and sentence; where rules of two
				// languages match, the sentence's language names it.
				r := a.Rules.rules[o.idx]
				if k, seen := seenCat[r.category]; seen {
					// A sentence that asserts a claim asserts it even if
					// another match of it there is denied: in "pas de
					// nausées, pas de chute de cheveux" the first "pas"
					// seems to deny the second claim.
					sameLang := r.lang == s.lang && k.rule.lang != s.lang
					if sameLang || rep.Claims[k.claim].Stance == Negated {
						if c := a.claim(q, s, m, r, voice); sameLang || c.Stance == Promotional {
							rep.Claims[k.claim] = c
							seenCat[r.category] = kept{k.claim, r}
						}
					}
					continue
				}
				seenCat[r.category] = kept{len(rep.Claims), r}
				rep.Claims = append(rep.Claims, a.claim(q, s, m, r, voice))
			}
		}
	}
}

// voiceCounts are what a page's voice is decided from: its cues and claims,
// counted by sentence (one sentence matched by many rules is one statement).
type voiceCounts struct {
	fp             int // sentences where a provider speaks in the first person
	critical       int // sentences with warnings', investigations' or denials' cues
	scientific     int // sentences with scientific cues
	payer          int // sentences where an insurer speaks of what it pays
	attributed     int // claim sentences putting the claim in others' mouths
	byVerb         int // claim sentences with a reporting verb
	claimSentences int
	claims         int // one per category and sentence
	hasOffer       bool
	frenchPatients bool
	risks          bool // the page lists the treatment's risks
	priced         bool // a price not told in a story nor another seller's (see narrated)
	sells          bool // a price outside an insurer's words
	books          bool // a booking, a form or a contact to get the treatment, unattributed
	sponsored      int  // sentences saying the page is paid for ("sponsored content", "Anzeige")
}

// count makes the first pass over a page's sentences.
func (a *Analyzer) count(q *quotes, sents []sentence) voiceCounts {
	var c voiceCounts
	for _, s := range sents {
		claimed, attrib := false, false
		var cats uint32 // the categories claimed: one claim each
		// A reporter's "nous avons contacté" is an investigation, not the
		// provider speaking: the sentence's first person does not count.
		// Nor is an insurer's "nous remboursons": a payer speaks in the
		// first person of what it pays for, not of what it sells.
		// And "nous ne proposons pas ces injections" is what a hospital
		// or an insurer says: a first person denied, in a sentence that
		// claims nothing, does not count.
		// An offer or a price told in a story ("they offered me a free
		// video consultation", "j'ai payé 19 000 euros") is not the page's.
		notProvider, paying, denied, hasClaim, told := false, false, false, false, false
		for _, m := range s.matches {
			o := a.Rules.owners[m.owner]
			hasClaim = hasClaim || o.kind == ownRule
			switch {
			case o.kind == ownCue && cueKind(o.idx) == cueNarrated:
				// "Ils nous ont proposé une cure à 9 800 €": the first
				// person is the customer's, not a provider's.
				told, notProvider = true, true
			case o.kind == ownCue && (cueKind(o.idx) == cueInvestigation || cueKind(o.idx) == cuePayer):
				notProvider = true
				paying = paying || cueKind(o.idx) == cuePayer
			case o.kind == ownCue && (cueKind(o.idx) == cueNegation || cueKind(o.idx) == cueNegationNear || cueKind(o.idx) == cueParticle):
				denied = true
			}
		}
		if paying {
			c.payer++ // once a sentence: one statement of what is paid for
		}
		// Cues count once a sentence, as claims do: however many first
		// persons or warnings' words it holds, a sentence is one statement.
		speaks, warns, science, paid := false, false, false, false
		for _, m := range s.matches {
			o := a.Rules.owners[m.owner]
			switch {
			case o.kind == ownCue && cueKind(o.idx) == cueFirstPerson:
				speaks = speaks || !notProvider && !q.inQuotes(s.block, s.toks[m.start].Start) && !(denied && !hasClaim && a.deniedCue(s, m))
			case o.kind == ownCue && cueKind(o.idx) == cueSponsored:
				// The page's own label opens its sentence ("Sponsored ·",
				// "Anzeige"); news speak of "a sponsored post".
				label := m.start == 0 && !denied && !s.reporting && !q.inQuotes(s.block, s.toks[m.start].Start)
				paid = paid || label
				speaks = speaks || label && !notProvider
			case o.kind == ownCue && (cueKind(o.idx) == cueInvestigation || cueKind(o.idx) == cueNegation || cueKind(o.idx) == cueCritical):
				// Denying the evidence ("aucune preuve", "kein Nachweis")
				// is what warnings, fact checks and decisions do.
				warns = true
			case o.kind == ownCue && cueKind(o.idx) == cueScientific:
				science = true
			case o.kind == ownCue && cueKind(o.idx) == cueFrenchPatients:
				c.frenchPatients = true
			case o.kind == ownCue && cueKind(o.idx) == cueRisks:
				c.risks = c.risks || a.listsRisks(s)
			case o.kind == ownRule:
				claimed = true
				r := &a.Rules.rules[o.idx]
				cats |= 1 << r.cat
				if r.category == "offer" && !told {
					c.hasOffer = true
					c.books = c.books || !r.price && !a.attributed(q, s, m)
				}
				c.priced = c.priced || r.price && !told
				// A price outside the payer's words is a seller's.
				c.sells = c.sells || r.price && !paying && !told
				// A patient's words are quoted by nature: their marks
				// do not make the page a report.
				attrib = attrib || !r.quoted && a.attributed(q, s, m)
			}
		}
		c.claims += bits.OnesCount32(cats)
		c.fp += b2i(speaks)
		c.sponsored += b2i(paid)
		c.critical += b2i(warns)
		c.scientific += b2i(science)
		if claimed {
			c.claimSentences++
			if attrib {
				c.attributed++
			}
			if s.reporting {
				c.byVerb++
			}
		}
	}
	return c
}

// voice decides how the page speaks; rules/README.md states the order.
func (c *voiceCounts) voice() string {
	switch {
	case c.sponsored >= 1 && (c.books || c.sells) && c.critical*2 <= c.claimSentences:
		// An advertorial reports in a journalist's voice ("the clinic
		// reports", "according to its director") on behalf of the clinic
		// that pays for it, takes its bookings, and warns only in its
		// small print ("not approved by the FDA"): a fact check about a
		// paid post warns throughout.
		return VoiceProvider
	case c.critical >= 2 && c.critical > c.fp:
		return VoiceReporting
	case c.critical >= 1 && c.critical*2 >= c.fp && (c.byVerb >= 2 || c.critical >= 2) && c.attributed*2 >= c.claimSentences:
		// A doctor's or a pharmacist's warning speaks in the first
		// person too ("my patients"), and puts most of the claims it
		// warns of in the sellers' mouths: with reporting verbs, or in
		// quotation marks when it warns twice.
		return VoiceReporting
	case c.payer >= 3 && c.payer*2 >= c.fp && !c.sells:
		// An insurer telling its members what it pays for, and what it
		// does not, reports on the treatments others sell; one that
		// quotes its own prices is a seller.
		return VoiceReporting
	case c.scientific >= 3 && c.fp == 0:
		return VoiceScientific
	case c.byVerb >= 3 && c.attributed*2 >= c.claimSentences && c.fp <= 1:
		// Most claims are put in someone else's mouth with reporting
		// verbs (quotation marks alone are testimonials too): a news
		// report, even if a quoted "nous" slipped through.
		return VoiceReporting
	case c.fp >= 2 || c.fp >= 1 && c.hasOffer:
		return VoiceProvider
	case c.attributed >= 2 && c.fp == 0 && c.attributed*4 >= c.claimSentences && !c.books:
		// Claims put in others' mouths, and no provider: a report, unless
		// the page goes on making claims of its own (a webinar's page
		// quotes its doctor twice and promises the rest itself) or takes
		// bookings (a sign-up page quoting its customers).
		return VoiceReporting
	default:
		return VoiceNeutral
	}
}

// deniedCue reports whether a negation stands next to the cue m: "nous ne
// proposons pas", "bieten wir nicht an", "we do not offer".
func (a *Analyzer) deniedCue(s sentence, m match) bool {
	for _, c := range s.matches {
		o := a.Rules.owners[c.owner]
		if o.kind != ownCue {
			continue
		}
		switch cueKind(o.idx) {
		case cueNegation, cueNegationNear, cueParticle:
			if c.end >= m.start-2 && c.start <= m.end+3 {
				return true
			}
		}
	}
	return false
}

// match runs the matcher over each sentence. The matches of quoted rules
// outside quotation marks are left out.
func (a *Analyzer) match(ws *workspace, doc *extract.Document, q *quotes) []sentence {
	toks := doc.Tokens
	if toks == nil {
		toks = extract.Tokenize(doc.Text)
	}
	sents := slices.Grow(ws.sents[:0], len(doc.Sentences))
	// The matches of all sentences share one array, each sentence holding
	// its slice of it (capped, so that appending never overwrites another's).
	all := slices.Grow(ws.all[:0], len(toks)/4) // about one match in four words on a clinic page
	sc := &ws.sc
	sc.reset(a.Rules.m, toks)
	ti, bi := 0, 0
	for _, sp := range doc.Sentences {
		for bi < len(doc.Blocks) && doc.Blocks[bi].End < sp.End {
			bi++
		}
		lang, blockStart := doc.Lang, sp.Start
		// The rules of the block's language only, when its words decided
		// it; a short block (a heading, a list item, a testimonial's
		// line) may be in another language than the page's: all rules.
		sure := false
		if bi < len(doc.BlockLang) {
			lang, blockStart = doc.BlockLang[bi], doc.Blocks[bi].Start
			sure = bi < len(doc.BlockLangSure) && doc.BlockLangSure[bi]
		}
		rulesLang := uint8(0)
		if sure {
			rulesLang = langCode(lang)
		}
		for ti < len(toks) && toks[ti].Start < sp.Start {
			ti++
		}
		j := ti
		for j < len(toks) && toks[j].End <= sp.End {
			j++
		}
		s := sentence{span: sp, toks: toks[ti:j], lang: lang, block: blockStart}
		if len(s.toks) > 0 {
			n := len(all)
			all = sc.appendMatches(all, ti, j, rulesLang)
			kept := n
			question := isQuestion(doc.Text[sp.Start:sp.End])
			for _, m := range all[n:] {
				// A patient's words in quotation marks are a testimonial,
				// not the question a patient asks ("« Docteur, est-ce que
				// je vais guérir ? »").
				if o := a.Rules.owners[m.owner]; o.kind == ownRule && a.Rules.rules[o.idx].quoted {
					at := s.toks[m.start].Start
					if question || !q.inQuotes(blockStart, at) || quotedQuestion(doc.Text[at:sp.End]) {
						continue
					}
				}
				all[kept] = m
				kept++
			}
			all = all[:kept]
			switch {
			case hasCue(a.Rules, all[n:], cueBoilerplate):
				// A cookie notice the extraction's classes missed ("Nous
				// utilisons des cookies…") speaks for the website: its
				// cues do not count. A claim merged into it still does.
				all = a.Rules.dropMatches(all, n, func(o owner) bool { return o.kind == ownCue })
			case question && hasCue(a.Rules, all[n:], cueAsking):
				all = a.Rules.dropMatches(all, n, func(o owner) bool { return o.kind == ownRule })
			case hasCue(a.Rules, all[n:], cueReferral):
				// "Ask your eye doctor to refer you", "adressées par votre
				// hématologue": a hospital's care pathway, not an offer to
				// the public.
				all = a.Rules.dropMatches(all, n, func(o owner) bool {
					return o.kind == ownRule && a.Rules.rules[o.idx].category == "offer"
				})
			}
			// Leftmost first: an unordered match may start before the
			// token it was found from.
			slices.SortStableFunc(all[n:], func(x, y match) int { return int(x.start - y.start) })
			if len(all) > n {
				s.matches = all[n:len(all):len(all)]
			}
		}
		ti = j
		for _, m := range s.matches {
			if o := a.Rules.owners[m.owner]; o.kind == ownCue && cueKind(o.idx) == cueReporting {
				s.reporting = true
			}
		}
		sents = append(sents, s)
	}
	ws.sents, ws.all = sents, all
	return sents
}

func (a *Analyzer) therapy(t therapyEntry, lang string, at time.Time) Therapy {
	name := t.names[lang]
	for _, l := range []string{"fr", "en"} {
		if name == "" {
			name = t.names[l]
		}
	}
	if name == "" {
		name = t.id
	}
	return Therapy{
		ID: t.id, Name: name, Class: t.class, Product: t.product,
		Authorised: t.product && a.Registry != nil && a.Registry.Authorised(t.id, at),
	}
}

// containedInLonger reports whether another therapy match strictly covers m:
// "cellules souches mésenchymateuses" names one therapy, not two.
func containedInLonger(ms []match, m match, owners []owner) bool {
	for _, o := range ms {
		if owners[o.owner].kind == ownTherapy && o.start <= m.start && o.end >= m.end && o.end-o.start > m.end-m.start {
			return true
		}
	}
	return false
}

func (a *Analyzer) claim(q *quotes, s sentence, m match, r rule, voice string) Claim {
	text := q.text
	ms, me := s.toks[m.start].Start, s.toks[m.end-1].End
	start, end := s.span.Start, s.span.End
	if end-start > maxQuote {
		start, end = window(s, ms, me)
	}
	// A copy: a report outlives its page's text, which is large. The match
	// lies within the quote, so it is a slice of the copy.
	// The claims of one sentence share their copy.
	if start != q.quoteStart || end != q.quoteEnd || q.quote == "" {
		q.quoteStart, q.quoteEnd, q.quote = start, end, strings.Clone(text[start:end])
	}
	quote := q.quote
	return Claim{
		Category: r.category, Stance: a.stance(q, s, m, voice), Quote: quote,
		Rule: r.id, Start: start, End: end, Match: quote[ms-start : me-start], R5122: a.Rules.r5122[r.category],
	}
}

// window cuts a long sentence to about maxQuote bytes around the match, on
// token boundaries.
func window(s sentence, ms, me int) (int, int) {
	slack := (maxQuote - (me - ms)) / 2
	if slack < 0 {
		slack = 0
	}
	start, end := ms, me
	for _, t := range s.toks {
		if t.Start >= ms-slack && t.Start < start {
			start = t.Start
		}
		if t.End <= me+slack && t.End > end {
			end = t.End
		}
	}
	return start, end
}

// features sets the verdict's documented features, those an inspector
// would name: what the page claims, whether it sells, who speaks. Their
// weights are the model's (score).
func (a *Analyzer) features(rep *Report, firstPerson int, risksListed, priced bool) {
	cats := map[string]bool{}
	offer := 0
	for _, c := range rep.Claims {
		if c.Stance != Promotional || c.Category == "manipulation" {
			continue
		}
		cats[c.Category] = true
		if c.Category == "offer" {
			offer++
		}
	}
	therapy := 0.0
	if len(rep.Therapies) > 0 {
		therapy = 1
	}
	// A page naming an authorised medicine is most often a hospital's or
	// an educator's: its claims must weigh more to make it promotion. One
	// naming several without a price is a hospital, an insurer or an
	// educator listing them; a seller comparing its price with theirs
	// ("a fraction of the price of Kymriah or Yescarta") counts once. One
	// named without a price counts twice: sellers who name an authorised
	// medicine undercut its price.
	authorised := 0.0
	for _, t := range rep.Therapies {
		if t.Product && t.Authorised {
			authorised++
		}
	}
	if priced {
		authorised = math.Min(authorised, 1)
	} else if authorised > 0 {
		authorised++
	}
	third := 0.0
	if rep.Voice == VoiceReporting || rep.Voice == VoiceScientific {
		third = 1
	}
	// Telling readers a treatment is not risk-free ("n'est pas sans
	// risque", "nicht ohne Risiko") or what its risks are ("side effects
	// include") is what those who inform do, and what sellers avoid.
	risks := b2f(risksListed)
	for _, c := range rep.Claims {
		if c.Category == "safety" && c.Stance == Negated {
			risks = 1
		}
	}
	rep.Features = []Feature{ // in verdictFeatures' order
		{Name: "promotional_categories", Value: float64(len(cats))},
		{Name: "offer", Value: b2f(offer > 0)},
		{Name: "first_person", Value: float64(firstPerson)},
		{Name: "therapy_named", Value: therapy},
		{Name: "third_party_voice", Value: third},
		{Name: "authorised_product_named", Value: authorised},
		{Name: "risks_stated", Value: risks},
		{Name: "voice_provider", Value: b2f(rep.Voice == VoiceProvider)},
		{Name: "voice_reporting", Value: b2f(rep.Voice == VoiceReporting)},
		{Name: "voice_scientific", Value: b2f(rep.Voice == VoiceScientific)},
	}
}

// hasCue reports whether a cue of kind is among ms. An asking cue in a
// question is a reader's question in the first person ("Dois-je arrêter mon
// traitement ?", "Can I keep my medication?"): it asserts nothing.
func hasCue(r *Rules, ms []match, kind cueKind) bool {
	for _, m := range ms {
		if o := r.owners[m.owner]; o.kind == ownCue && cueKind(o.idx) == kind {
			return true
		}
	}
	return false
}

// dropMatches removes from all[from:] the matches whose owner drop picks.
func (r *Rules) dropMatches(all []match, from int, drop func(owner) bool) []match {
	kept := from
	for _, m := range all[from:] {
		if !drop(r.owners[m.owner]) {
			all[kept] = m
			kept++
		}
	}
	return all[:kept]
}

// quotedQuestion reports whether the quotation that rest (the text from a
// quoted match to its sentence's end) lies in is a question: its first
// closing mark follows a question mark, as in "« Docteur, est-ce que je
// vais finir avec une prothèse ? » Pendant longtemps…", which the
// sentence goes on after.
func quotedQuestion(rest string) bool {
	i := strings.IndexAny(rest, "»”“\"")
	return i > 0 && strings.HasSuffix(strings.TrimRight(rest[:i], " \u00a0\u202f"), "?")
}

// isQuestion reports whether a sentence ends with a question mark, before
// any closing quotation marks.
func isQuestion(s string) bool {
	s = strings.TrimRight(s, " \t\n»”\"'’)")
	return strings.HasSuffix(s, "?")
}

// listsRisks reports whether a risks cue in s lists the treatment's risks:
// not where the sentence claims safety ("les effets secondaires possibles
// sont minimes"), denies them ("we are not aware of any serious
// complications"), or speaks of the standard treatment's ("knee
// replacement: possible complications include infection").
func (a *Analyzer) listsRisks(s sentence) bool {
	for _, m := range s.matches {
		o := a.Rules.owners[m.owner]
		switch {
		case o.kind == ownRule && (a.Rules.rules[o.idx].category == "safety" || a.Rules.rules[o.idx].category == "alternative"):
			return false
		case o.kind == ownCue && (cueKind(o.idx) == cueNegation || cueKind(o.idx) == cueNegationNear):
			return false
		}
	}
	return true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
