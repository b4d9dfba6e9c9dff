package claims

import (
	"fmt"
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
//	a|b*|c    any of the alternatives
//	[a|b]     optional element
//	~N        up to N tokens of anything
//	#         a number
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
	prefix bool
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
}

// ownNegatives lists the negative words among the pattern's words.
func (p *pattern) ownNegatives() {
	for _, e := range p.elems {
		for _, a := range e.alts {
			if w := a.word; (negativeStart[w] || negators[w] || w == "plus" || w == "rien" || w == "mehr") && !slices.Contains(p.own, w) {
				p.own = append(p.own, w)
			}
		}
	}
}

// prefilter sets the pattern's need and reach.
func (p *pattern) prefilter() {
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

func compilePattern(src string) ([]element, error) {
	var elems []element
	for _, f := range strings.Fields(src) {
		var e element
		if strings.HasPrefix(f, "~") {
			n, err := strconv.Atoi(f[1:])
			if err != nil || n < 1 || n > 12 {
				return nil, fmt.Errorf("pattern %q: gap %q must be ~1 to ~12", src, f)
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
			prefix := strings.HasSuffix(a, "*")
			a = strings.TrimSuffix(a, "*")
			toks := extract.Tokenize(a)
			if len(toks) != 1 || toks[0].Norm == "" {
				return nil, fmt.Errorf("pattern %q: %q is not one word (write words apart, e.g. \"l effet\" for \"l'effet\")", src, a)
			}
			e.alts = append(e.alts, alt{word: toks[0].Norm, prefix: prefix})
		}
		elems = append(elems, e)
	}
	if len(elems) == 0 {
		return nil, fmt.Errorf("pattern %q is empty", src)
	}
	if first := elems[0]; first.optional || first.gap > 0 {
		return nil, fmt.Errorf("pattern %q: must start with a word or #", src)
	}
	if last := elems[len(elems)-1]; last.gap > 0 {
		return nil, fmt.Errorf("pattern %q: must not end with a gap", src)
	}
	return elems, nil
}

// matcher finds every pattern of a set in a token sequence. Every word of
// every pattern is a vocabulary entry ("cancer", and "cancer*" apart); a
// trie over their bytes gives, in one walk of each token, the entries the
// token is or starts with. Elements are sets of entries, so matching never
// compares strings, and the first elements index the patterns: a token is
// tried only against the patterns it can start.
type matcher struct {
	patterns []pattern
	vocab    vocab
	firsts   [][]int32 // vocabulary id → patterns whose first element has it
	numbers  []int32   // patterns starting with #
}

// vocab is a byte trie with a dense transition table over the bytes that
// occur in pattern words; a node ends at most one exact and one prefix
// entry.
type vocab struct {
	class  [256]uint8 // byte → column; 0: no pattern word has this byte
	cols   int
	next   []int32 // node*cols + column → child node, 0 for none
	exact  []int32 // node → the entry of the word ending here, -1 for none
	prefix []int32 // node → the entry of the prefix ending here, -1 for none
	size   int32   // entries
}

func newMatcher() *matcher {
	m := &matcher{}
	m.vocab.cols = 1
	m.vocab.next = make([]int32, 1)
	m.vocab.exact = []int32{-1}
	m.vocab.prefix = []int32{-1}
	return m
}

// id returns the entry of word (as a prefix or an exact word), adding it
// if it is new.
func (v *vocab) id(word string, prefix bool) int32 {
	node := 0
	for i := 0; i < len(word); i++ {
		c := word[i]
		if v.class[c] == 0 {
			v.addColumn(c)
		}
		k := node*v.cols + int(v.class[c])
		if v.next[k] == 0 {
			v.next[k] = int32(len(v.exact))
			v.next = append(v.next, make([]int32, v.cols)...)
			v.exact = append(v.exact, -1)
			v.prefix = append(v.prefix, -1)
		}
		node = int(v.next[k])
	}
	ends := v.exact
	if prefix {
		ends = v.prefix
	}
	if ends[node] < 0 {
		ends[node] = v.size
		v.size++
	}
	return ends[node]
}

// addColumn gives byte c a column, widening every node's row.
func (v *vocab) addColumn(c byte) {
	v.class[c] = uint8(v.cols)
	cols := v.cols + 1
	next := make([]int32, len(v.exact)*cols)
	for n := range v.exact {
		copy(next[n*cols:], v.next[n*v.cols:(n+1)*v.cols])
	}
	v.next, v.cols = next, cols
}

// compact renumbers the nodes breadth first: the rows of the first bytes,
// which every token walks, are then side by side in memory, instead of
// spread over the table in the order the words were added.
func (v *vocab) compact() {
	n := len(v.exact)
	order := make([]int32, 0, n) // new number → old
	renum := make([]int32, n)    // old → new
	order = append(order, 0)
	for i := 0; i < len(order); i++ {
		row := v.next[int(order[i])*v.cols : int(order[i]+1)*v.cols]
		for _, child := range row {
			if child != 0 {
				renum[child] = int32(len(order))
				order = append(order, child)
			}
		}
	}
	next := make([]int32, len(v.next))
	exact := make([]int32, n)
	prefix := make([]int32, n)
	for nw, old := range order {
		for c, child := range v.next[int(old)*v.cols : int(old+1)*v.cols] {
			if child != 0 {
				next[nw*v.cols+c] = renum[child]
			}
		}
		exact[nw], prefix[nw] = v.exact[old], v.prefix[old]
	}
	v.next, v.exact, v.prefix = next, exact, prefix
}

// lookup appends the entries tok is (exact) or starts with (prefixes),
// shortest prefix first.
func (v *vocab) lookup(dst []int32, tok string) []int32 {
	node := 0
	for i := 0; i < len(tok); i++ {
		if p := v.prefix[node]; p >= 0 {
			dst = append(dst, p)
		}
		c := v.class[tok[i]]
		if c == 0 {
			return dst
		}
		node = int(v.next[node*v.cols+int(c)])
		if node == 0 {
			return dst
		}
	}
	if p := v.prefix[node]; p >= 0 {
		dst = append(dst, p)
	}
	if e := v.exact[node]; e >= 0 {
		dst = append(dst, e)
	}
	return dst
}

func (m *matcher) add(src string, owner int) error {
	elems, err := compilePattern(src)
	if err != nil {
		return err
	}
	if len(m.patterns) >= 1<<20 {
		return fmt.Errorf("too many patterns")
	}
	idx := int32(len(m.patterns))
	for k := range elems {
		e := &elems[k]
		for _, a := range e.alts {
			id := m.vocab.id(a.word, a.prefix)
			if i, found := slices.BinarySearch(e.ids, id); !found {
				e.ids = slices.Insert(e.ids, i, id)
			}
			e.mask |= 1 << (id & 63)
		}
	}
	m.patterns = append(m.patterns, pattern{elems: elems, owner: owner})
	m.patterns[idx].prefilter()
	m.patterns[idx].ownNegatives()
	for len(m.firsts) < int(m.vocab.size) {
		m.firsts = append(m.firsts, nil)
	}
	if elems[0].number {
		m.numbers = append(m.numbers, idx)
		return nil
	}
	for _, id := range elems[0].ids {
		m.firsts[id] = append(m.firsts[id], idx)
	}
	return nil
}

// match is one occurrence of a pattern: tokens [start, end).
type match struct {
	owner      int
	start, end int
	pattern    int32 // index in matcher.patterns
}

// find appends to dst every match in toks, leftmost first; for one pattern
// at one start, the shortest match.
func (m *matcher) find(dst []match, toks []extract.Token) []match {
	var s scanner
	s.reset(m, toks)
	return s.appendMatches(dst, 0, len(toks))
}

// scanner holds the vocabulary entries of a document's tokens, looked up
// once, and the scratch space of matching. Its zero value is ready for
// reset.
type scanner struct {
	m     *matcher
	toks  []extract.Token
	off   []int32  // token i's entries are ids[off[i]:off[i+1]]
	ids   []int32  //
	mask  []uint64 // token i: bit id%64 of each of its entries
	tried []int32  // pattern → 1 + the token it was last tried at
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
// sentence), their offsets relative to from.
func (s *scanner) appendMatches(dst []match, from, to int) []match {
	m := s.m
	for i := from; i < to; i++ {
		for _, id := range s.ids[s.off[i]:s.off[i+1]] {
			for _, p := range m.firsts[id] {
				dst = s.try(dst, p, i, from, to)
			}
		}
		if n := s.toks[i].Norm; n != "" && n[0] >= '0' && n[0] <= '9' {
			for _, p := range m.numbers {
				dst = s.try(dst, p, i, from, to)
			}
		}
	}
	return dst
}

// try matches pattern p from token i, whose first element it accepts.
func (s *scanner) try(dst []match, p int32, i, from, to int) []match {
	if s.tried[p] == int32(i+1) {
		return dst // the token has two entries of the first element
	}
	s.tried[p] = int32(i + 1)
	pat := &s.m.patterns[p]
	if pat.need != 0 {
		found := false
		for j := i + 1; j <= i+pat.reach && j < to; j++ {
			if s.mask[j]&pat.need != 0 {
				found = true
				break
			}
		}
		if !found {
			return dst
		}
	}
	if end, ok := s.matchFrom(pat.elems, 1, i+1, to); ok {
		dst = append(dst, match{owner: pat.owner, start: i - from, end: end - from, pattern: p})
	}
	return dst
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
	for _, id := range s.ids[s.off[j]:s.off[j+1]] {
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
