package claims

import (
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"vigie/internal/extract"
)

// A pattern is a sequence of elements matched against consecutive folded
// tokens of one sentence. Syntax (see rules/README.md):
//
//	word      the token equals word (folded: case and accents ignored)
//	word*     the token starts with word
//	*word     the token ends with word (German compounds: *zellen)
//	@class    any word of a class the rule files define
//	a|b*|c    any of the alternatives
//	[a|b]     optional element
//	~N        up to N tokens of anything
//	#         a number
//
// A pattern that starts with &N is unordered: its elements (words and
// numbers only) match distinct tokens, in any order, within N tokens.
type element struct {
	alts     []alt
	ids      []int32 // the alternatives' vocabulary ids, sorted (set by matcher.add)
	mask     uint64  // bit id%64 of each id: a token with none of them is not accepted
	number   bool
	optional bool
	gap      int // > 0: skip 0..gap tokens
}

type alt struct {
	word   string
	prefix bool // word* : the token starts with word
	suffix bool // *word : the token ends with word
}

type pattern struct {
	elems []element
	owner int // index of the rule or cue the pattern belongs to
	// need is the mask of the first word element after the first that a
	// match cannot skip, within reach tokens of the first: a start with no
	// token in reach whose mask meets it is not tried. 0: no such element.
	need  uint64
	reach int
	// own are the pattern's words that deny by themselves ("plus" in
	// "plus besoin de chimio", "pas" in "ne fait pas mal"): the claim
	// is made with them, and the "ne" that goes with them is part of it.
	own []string
	// within > 0: the pattern is unordered (&N), its elements match in
	// any order within that many tokens. Its anchor element, the one with
	// the fewest words, indexes it: a match is looked for around each
	// token the anchor accepts.
	within, anchor int
}

// ownNegatives lists the negative words among the pattern's words.
func (p *pattern) ownNegatives() {
	for _, e := range p.elems {
		for _, a := range e.alts {
			if w := a.word; (negativeStart(w) || negators(w) || w == "plus" || w == "rien" || w == "mehr") && !slices.Contains(p.own, w) {
				p.own = append(p.own, w)
			}
		}
	}
}

// prefilter sets the pattern's need and reach.
func (p *pattern) prefilter() {
	if p.within > 0 {
		return // any element may come first
	}
	reach := 0
	for _, e := range p.elems[1:] {
		switch {
		case e.gap > 0:
			reach += e.gap
		case e.optional:
			reach++
		case e.number:
			return
		default:
			p.need, p.reach = e.mask, reach+1
			return
		}
	}
}

// maxUnordered bounds the elements of an unordered pattern.
const maxUnordered = 6

// compilePattern parses a pattern; classes are the word classes @name may
// name. within is N for an unordered pattern (&N), else 0.
func compilePattern(src string, classes map[string][]string) (elems []element, within int, err error) {
	fields := strings.Fields(src)
	if len(fields) > 0 && strings.HasPrefix(fields[0], "&") {
		n, err := strconv.Atoi(fields[0][1:])
		if err != nil || n < 2 || n > 12 {
			return nil, 0, fmt.Errorf("pattern %q: window %q must be &2 to &12", src, fields[0])
		}
		within, fields = n, fields[1:]
	}
	for _, f := range fields {
		var e element
		if strings.HasPrefix(f, "~") {
			n, err := strconv.Atoi(f[1:])
			if err != nil || n < 1 || n > 12 {
				return nil, 0, fmt.Errorf("pattern %q: gap %q must be ~1 to ~12", src, f)
			}
			e.gap = n
			elems = append(elems, e)
			continue
		}
		if strings.HasPrefix(f, "[") && strings.HasSuffix(f, "]") {
			e.optional = true
			f = f[1 : len(f)-1]
		}
		if f == "#" {
			e.number = true
			elems = append(elems, e)
			continue
		}
		for _, a := range strings.Split(f, "|") {
			words := []string{a}
			if name, ok := strings.CutPrefix(a, "@"); ok {
				if words, ok = classes[name]; !ok {
					return nil, 0, fmt.Errorf("pattern %q: no word class %q", src, name)
				}
			}
			for _, w := range words {
				al, err := parseAlt(w)
				if err != nil {
					return nil, 0, fmt.Errorf("pattern %q: %w", src, err)
				}
				e.alts = append(e.alts, al)
			}
		}
		elems = append(elems, e)
	}
	if len(elems) == 0 {
		return nil, 0, fmt.Errorf("pattern %q is empty", src)
	}
	if within > 0 {
		if len(elems) < 2 || len(elems) > maxUnordered || len(elems) > within {
			return nil, 0, fmt.Errorf("pattern %q: an unordered pattern has 2 to %d elements, at most its window", src, maxUnordered)
		}
		for _, e := range elems {
			if e.optional || e.gap > 0 {
				return nil, 0, fmt.Errorf("pattern %q: an unordered pattern has no gaps or optional elements", src)
			}
		}
		return elems, within, nil
	}
	if first := elems[0]; first.optional || first.gap > 0 {
		return nil, 0, fmt.Errorf("pattern %q: must start with a word or #", src)
	}
	if last := elems[len(elems)-1]; last.gap > 0 {
		return nil, 0, fmt.Errorf("pattern %q: must not end with a gap", src)
	}
	return elems, 0, nil
}

// parseAlt parses one alternative: word, word* or *word.
func parseAlt(a string) (alt, error) {
	var al alt
	if w, ok := strings.CutSuffix(a, "*"); ok {
		al.prefix, a = true, w
	}
	if w, ok := strings.CutPrefix(a, "*"); ok {
		al.suffix, a = true, w
	}
	if al.prefix && al.suffix {
		return al, fmt.Errorf("%q: a word is matched by its start or its end, not both", "*"+a+"*")
	}
	toks := extract.Tokenize(a)
	if len(toks) != 1 || toks[0].Norm == "" || toks[0].Start != 0 || toks[0].End != len(a) {
		return al, fmt.Errorf("%q is not one word (write words apart, e.g. \"l effet\" for \"l'effet\")", a)
	}
	al.word = toks[0].Norm
	return al, nil
}

// validClassName reports whether name may name a word class.
func validClassName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// matcher finds every pattern of a set in a token sequence. Every word of
// every pattern is a vocabulary entry ("cancer", "cancer*" and "*cancer"
// apart); tries over their bytes give, in one walk of each token, the
// entries the token is, starts with or ends with. Elements are sets of
// entries, so matching never compares strings, and the first elements
// index the patterns: a token is tried only against the patterns it can
// start.
type matcher struct {
	patterns []pattern
	vocab    vocab
	classes  map[string][]string // word classes, by name (see compilePattern)
	firsts   [][]candidate       // vocabulary id → patterns whose first element has it
	numbers  []candidate         // patterns starting with #, but those of afterNum
	// afterNum: vocabulary id → patterns starting with # and then a word
	// element that has it ("# %", "# patients"). Pages are full of
	// numbers; such a pattern is tried only when the next token fits.
	afterNum [][]candidate
}

// candidate is a pattern an index entry leads to, with its prefilter (see
// pattern.need) at hand: most candidates fail it, and checking it here
// spares a look at the pattern itself.
type candidate struct {
	p     int32
	reach int16
	lang  uint8 // the rule's language (see langCode), 0 for any
	need  uint64
}

// langCode numbers the languages rules are written in. A sentence in one
// of them is matched against its own language's claim rules only (and
// every cue and therapy): the others' would name its claims second.
func langCode(lang string) uint8 {
	switch lang {
	case "fr":
		return 1
	case "en":
		return 2
	case "de":
		return 3
	}
	return 0
}

// vocab numbers the pattern words: fwd holds exact words and prefixes,
// rev the suffixes, reversed.
type vocab struct {
	fwd, rev trie
	size     int32 // entries
}

// trie is a byte trie over the bytes that occur in its words; a node ends
// at most one exact and one prefix entry. It is built as a dense
// transition table and looked up as a double array (see freeze).
type trie struct {
	class  [256]uint8 // byte → column; 0: no word has this byte
	cols   int
	next   []int32 // node*cols + column → child node, 0 for none
	exact  []int32 // node → the entry of the word ending here, -1 for none
	prefix []int32 // node → the entry of the prefix ending here, -1 for none
	slots  []slot  // the double array, set by freeze
}

// slot is a node of the double array: its children are at base+column,
// and it is a child of check (-1: a free slot). One slot is one load.
type slot struct {
	base, check   int32
	exact, prefix int32
}

func newTrie() trie {
	return trie{cols: 1, next: make([]int32, 1), exact: []int32{-1}, prefix: []int32{-1}}
}

func newMatcher() *matcher {
	return &matcher{vocab: vocab{fwd: newTrie(), rev: newTrie()}}
}

// id returns the entry of a (an exact word, a prefix or a suffix), adding
// it if it is new.
func (v *vocab) id(a alt) int32 {
	t, word, ends := &v.fwd, a.word, (*trie).exactEnds
	switch {
	case a.prefix:
		ends = (*trie).prefixEnds
	case a.suffix:
		t, ends = &v.rev, (*trie).prefixEnds
		b := []byte(word)
		slices.Reverse(b)
		word = string(b)
	}
	node := t.node(word)
	if e := ends(t); e[node] < 0 {
		e[node] = v.size
		v.size++
	}
	return ends(t)[node]
}

func (t *trie) exactEnds() []int32  { return t.exact }
func (t *trie) prefixEnds() []int32 { return t.prefix }

// node returns the node of word, adding the nodes it needs.
func (t *trie) node(word string) int {
	node := 0
	for i := 0; i < len(word); i++ {
		c := word[i]
		if t.class[c] == 0 {
			t.addColumn(c)
		}
		k := node*t.cols + int(t.class[c])
		if t.next[k] == 0 {
			t.next[k] = int32(len(t.exact))
			t.next = append(t.next, make([]int32, t.cols)...)
			t.exact = append(t.exact, -1)
			t.prefix = append(t.prefix, -1)
		}
		node = int(t.next[k])
	}
	return node
}

// addColumn gives byte c a column, widening every node's row.
func (t *trie) addColumn(c byte) {
	t.class[c] = uint8(t.cols)
	cols := t.cols + 1
	next := make([]int32, len(t.exact)*cols)
	for n := range t.exact {
		copy(next[n*cols:], t.next[n*t.cols:(n+1)*t.cols])
	}
	t.next, t.cols = next, cols
}

// freeze lays the trie out as a double array for lookup: slot s's child
// for column c is slot base+c when that slot's check is s. The dense table
// spends a row of every column on each node, most of them empty, and is
// larger than a core's cache; the double array packs the rows into one
// another, in breadth-first order so that the first bytes' slots, which
// every token reads, sit side by side.
func (t *trie) freeze() {
	t.slots = t.slots[:0]
	grow := func(n int) {
		for len(t.slots) < n {
			t.slots = append(t.slots, slot{check: -1, exact: -1, prefix: -1})
		}
	}
	grow(1)
	t.slots[0].exact, t.slots[0].prefix = t.exact[0], t.prefix[0]
	type item struct{ node, slot int32 }
	queue := []item{{0, 0}}
	free := 1 // no slot before it is free
	var cols []int32
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		row := t.next[int(it.node)*t.cols : int(it.node+1)*t.cols]
		cols = cols[:0]
		for c, child := range row {
			if child != 0 {
				cols = append(cols, int32(c))
			}
		}
		if len(cols) == 0 {
			continue
		}
		for free < len(t.slots) && t.slots[free].check >= 0 {
			free++
		}
		// The first base that puts every child on a free slot; the root's
		// slot is never free (no base+column reaches it: columns start at 1).
		base := max(0, int32(free)-cols[0])
	search:
		for ; ; base++ {
			for _, c := range cols {
				if k := int(base + c); k < len(t.slots) && (t.slots[k].check >= 0 || k == 0) {
					continue search
				}
			}
			break
		}
		grow(int(base+cols[len(cols)-1]) + 1)
		t.slots[it.slot].base = base
		for _, c := range cols {
			k := base + c
			child := row[c]
			t.slots[k] = slot{check: it.slot, exact: t.exact[child], prefix: t.prefix[child]}
			queue = append(queue, item{child, k})
		}
	}
}

func (v *vocab) freeze() {
	v.fwd.freeze()
	v.rev.freeze()
}

// lookup appends the entries tok is (exact), starts with (prefixes,
// shortest first) and ends with (suffixes, shortest first).
func (v *vocab) lookup(dst []int32, tok string) []int32 {
	t := &v.fwd
	sl := t.slots
	s := int32(0)
	whole := true // tok is a path of the trie
	for i := 0; i < len(tok); i++ {
		if p := sl[s].prefix; p >= 0 {
			dst = append(dst, p)
		}
		c := t.class[tok[i]]
		k := sl[s].base + int32(c)
		if c == 0 || int(k) >= len(sl) || sl[k].check != s {
			whole = false
			break
		}
		s = k
	}
	if whole {
		if p := sl[s].prefix; p >= 0 {
			dst = append(dst, p)
		}
		if e := sl[s].exact; e >= 0 {
			dst = append(dst, e)
		}
	}
	if t = &v.rev; len(t.exact) == 1 {
		return dst // no suffix
	}
	sl, s = t.slots, 0
	for i := len(tok) - 1; i >= 0; i-- {
		c := t.class[tok[i]]
		k := sl[s].base + int32(c)
		if c == 0 || int(k) >= len(sl) || sl[k].check != s {
			return dst
		}
		s = k
		if p := sl[s].prefix; p >= 0 {
			dst = append(dst, p)
		}
	}
	return dst
}

func (m *matcher) add(src string, owner int) error { return m.addIn(src, owner, 0) }

// addIn adds a pattern of a rule written for lang (a langCode; 0: any).
func (m *matcher) addIn(src string, owner int, lang uint8) error {
	elems, within, err := compilePattern(src, m.classes)
	if err != nil {
		return err
	}
	m.vocab.fwd.slots, m.vocab.rev.slots = nil, nil // to be frozen again
	if len(m.patterns) >= 1<<20 {
		return fmt.Errorf("too many patterns")
	}
	idx := int32(len(m.patterns))
	for k := range elems {
		e := &elems[k]
		for _, a := range e.alts {
			id := m.vocab.id(a)
			if i, found := slices.BinarySearch(e.ids, id); !found {
				e.ids = slices.Insert(e.ids, i, id)
			}
			e.mask |= 1 << (id & 63)
		}
	}
	m.patterns = append(m.patterns, pattern{elems: elems, owner: owner, within: within})
	m.patterns[idx].prefilter()
	m.patterns[idx].ownNegatives()
	for len(m.firsts) < int(m.vocab.size) {
		m.firsts = append(m.firsts, nil)
		m.afterNum = append(m.afterNum, nil)
	}
	c := candidate{p: idx, reach: int16(m.patterns[idx].reach), lang: lang, need: m.patterns[idx].need}
	first := &elems[0]
	if within > 0 {
		pat := &m.patterns[idx]
		for k := range elems {
			if e := &elems[k]; !e.number && (elems[pat.anchor].number || len(e.ids) < len(elems[pat.anchor].ids)) {
				pat.anchor = k
			}
		}
		first = &elems[pat.anchor]
	}
	if first.number {
		if within == 0 && len(elems) > 1 && elems[1].gap == 0 && !elems[1].optional && !elems[1].number {
			for _, id := range elems[1].ids {
				m.afterNum[id] = append(m.afterNum[id], c)
			}
			return nil
		}
		m.numbers = append(m.numbers, c)
		return nil
	}
	for _, id := range first.ids {
		m.firsts[id] = append(m.firsts[id], c)
	}
	return nil
}

// match is one occurrence of a pattern: tokens [start, end).
type match struct {
	owner      int32 // index in Rules.owners
	start, end int32
	pattern    int32 // index in matcher.patterns
	// used: for an unordered pattern, bit k is set when token start+k is
	// one of its elements (the others are words between them). 0 otherwise.
	used uint16
}

// find appends to dst every match in toks, leftmost first; for one pattern
// at one start, the shortest match.
func (m *matcher) find(dst []match, toks []extract.Token) []match {
	if m.vocab.fwd.slots == nil {
		m.vocab.freeze() // tests add patterns and find at once; Rules freeze when compiled
	}
	var s scanner
	s.reset(m, toks)
	return s.appendMatches(dst, 0, len(toks), 0)
}

// scanner holds the vocabulary entries of a document's tokens, looked up
// once, and the scratch space of matching. Its zero value is ready for
// reset.
type scanner struct {
	m        *matcher
	sentence int // where the current sentence's matches begin in dst
	toks     []extract.Token
	off      []int32  // token i's entries are ids[off[i]:off[i+1]]
	ids      []int32  //
	mask     []uint64 // token i: bit id%64 of each of its entries
	tried    []int32  // pattern → 1 + the token it was last tried at
}

// reset looks up the entries of toks.
func (s *scanner) reset(m *matcher, toks []extract.Token) {
	s.m, s.toks = m, toks
	s.off = append(slices.Grow(s.off[:0], len(toks)+1), 0)
	s.ids = slices.Grow(s.ids[:0], len(toks)/2)
	s.mask = slices.Grow(s.mask[:0], len(toks))
	for _, t := range toks {
		n := len(s.ids)
		s.ids = m.vocab.lookup(s.ids, t.Norm)
		var mask uint64
		for _, id := range s.ids[n:] {
			mask |= 1 << (id & 63)
		}
		s.off = append(s.off, int32(len(s.ids)))
		s.mask = append(s.mask, mask)
	}
	if cap(s.tried) < len(m.patterns) {
		s.tried = make([]int32, len(m.patterns))
	}
	s.tried = s.tried[:len(m.patterns)]
	clear(s.tried)
}

// appendMatches appends the matches within the tokens [from, to) (one
// sentence, in language lang: a langCode, 0 for any), their offsets
// relative to from.
func (s *scanner) appendMatches(dst []match, from, to int, lang uint8) []match {
	m := s.m
	s.sentence = len(dst)
	for i := from; i < to; i++ {
		for _, id := range s.ids[s.off[i]:s.off[i+1]] {
			for _, c := range m.firsts[id] {
				if (c.lang == 0 || lang == 0 || c.lang == lang) && s.inReach(c, i, to) {
					dst = s.try(dst, c.p, i, from, to)
				}
			}
		}
		if n := s.toks[i].Norm; n != "" && n[0] >= '0' && n[0] <= '9' {
			for _, c := range m.numbers {
				if (c.lang == 0 || lang == 0 || c.lang == lang) && s.inReach(c, i, to) {
					dst = s.try(dst, c.p, i, from, to)
				}
			}
			if i+1 < to {
				for _, id := range s.ids[s.off[i+1]:s.off[i+2]] {
					for _, c := range m.afterNum[id] {
						if c.lang == 0 || lang == 0 || c.lang == lang {
							dst = s.try(dst, c.p, i, from, to)
						}
					}
				}
			}
		}
	}
	return dst
}

// inReach reports whether a token within c.reach tokens after token i may
// have the word c needs (always, when it needs none).
func (s *scanner) inReach(c candidate, i, to int) bool {
	if c.need == 0 {
		return true
	}
	for j, end := i+1, min(to, i+1+int(c.reach)); j < end; j++ {
		if s.mask[j]&c.need != 0 {
			return true
		}
	}
	return false
}

// try matches pattern p from token i, whose first element it accepts.
func (s *scanner) try(dst []match, p int32, i, from, to int) []match {
	if s.tried[p] == int32(i+1) {
		return dst // the token has two entries of the first element
	}
	s.tried[p] = int32(i + 1)
	pat := &s.m.patterns[p]
	if pat.within == 0 {
		if end, ok := s.matchFrom(pat.elems, 1, i+1, to); ok {
			dst = append(dst, match{owner: int32(pat.owner), start: int32(i - from), end: int32(end - from), pattern: p})
		}
		return dst
	}
	start, end, used, ok := s.unordered(pat, i, from, to)
	if !ok {
		return dst
	}
	mt := match{owner: int32(pat.owner), start: int32(start - from), end: int32(end - from), pattern: p, used: used}
	// Two tokens of one match may each be its anchor: one match still.
	if slices.Contains(dst[s.sentence:], mt) {
		return dst
	}
	return append(dst, mt)
}

// unordered matches an unordered pattern whose anchor element accepts
// token i: every other element on a token of its own, all within
// pat.within tokens of the sentence [from, to). It returns the shortest
// such match, the leftmost of equal ones.
func (s *scanner) unordered(pat *pattern, i, from, to int) (start, end int, used uint16, ok bool) {
	lo, hi := max(from, i-pat.within+1), min(to, i+pat.within)
	// Every word element needs a token of the window that may have it.
	var window uint64
	for j := lo; j < hi; j++ {
		window |= s.mask[j]
	}
	for k := range pat.elems {
		if e := &pat.elems[k]; !e.number && e.mask&window == 0 {
			return 0, 0, 0, false
		}
	}
	if !s.accepts(&pat.elems[pat.anchor], i) {
		return 0, 0, 0, false
	}
	var taken, bestTaken uint32 // bit j-lo: token j holds an element
	best := pat.within + 1      // the best span so far
	// No match is shorter than its elements, nor starts before first.
	shortest, first := len(pat.elems), max(lo, i-len(pat.elems)+1)
	// place puts the lowest element of left on a free token, the match
	// spanning [mn, mx) so far.
	var place func(left uint, mn, mx int)
	place = func(left uint, mn, mx int) {
		if best == shortest && start == first {
			return // nothing can beat it
		}
		if left == 0 {
			if mx-mn < best || mx-mn == best && mn < start {
				best, start, end, bestTaken = mx-mn, mn, mx, taken
			}
			return
		}
		k := bits.TrailingZeros(left)
		for j := max(lo, mx-best); j < hi && j < mn+best; j++ {
			if bit := uint32(1) << (j - lo); taken&bit == 0 && s.accepts(&pat.elems[k], j) {
				taken |= bit
				place(left&^(1<<k), min(mn, j), max(mx, j+1))
				taken &^= bit
			}
		}
	}
	taken = 1 << (i - lo)
	place((uint(1)<<len(pat.elems)-1)&^(1<<pat.anchor), i, i+1)
	if best > pat.within {
		return 0, 0, 0, false
	}
	return start, end, uint16(bestTaken >> (start - lo)), true
}

// accepts reports whether element e accepts token j.
func (s *scanner) accepts(e *element, j int) bool {
	if e.number {
		n := s.toks[j].Norm
		return n != "" && n[0] >= '0' && n[0] <= '9'
	}
	if s.mask[j]&e.mask == 0 {
		return false
	}
	ids := s.ids[s.off[j]:s.off[j+1]]
	if len(e.ids) <= 8 { // most elements: a scan beats a search
		for _, id := range ids {
			for _, x := range e.ids {
				if x == id {
					return true
				}
			}
		}
		return false
	}
	for _, id := range ids {
		if _, found := slices.BinarySearch(e.ids, id); found {
			return true
		}
	}
	return false
}

// matchFrom matches elems[k:] against the tokens [i, to), returning the
// end token.
func (s *scanner) matchFrom(elems []element, k, i, to int) (int, bool) {
	for ; k < len(elems); k++ {
		e := &elems[k]
		switch {
		case e.gap > 0:
			// A pattern never ends with a gap. When a plain word follows
			// it, only the positions that word accepts are worth trying.
			next := &elems[k+1]
			plain := next.gap == 0 && !next.optional
			for skip := 0; skip <= e.gap && i+skip <= to; skip++ {
				if j := i + skip; plain && (j == to || !s.accepts(next, j)) {
					continue
				}
				if end, ok := s.matchFrom(elems, k+1, i+skip, to); ok {
					return end, true
				}
			}
			return 0, false
		case e.optional:
			if i < to && s.accepts(e, i) {
				if end, ok := s.matchFrom(elems, k+1, i+1, to); ok {
					return end, true
				}
			}
			// Without it: the next element at i.
		default:
			if i == to || !s.accepts(e, i) {
				return 0, false
			}
			i++
		}
	}
	return i, true
}
