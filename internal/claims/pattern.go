package claims

import (
	"fmt"
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
	first    [4]uint64 // the first bytes of alts' words: a token starting otherwise is not accepted
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
			c := toks[0].Norm[0]
			e.first[c>>6] |= 1 << (c & 63)
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

func (e *element) accepts(tok string) bool {
	if tok == "" {
		return false
	}
	if e.number {
		return tok[0] >= '0' && tok[0] <= '9'
	}
	if c := tok[0]; e.first[c>>6]&(1<<(c&63)) == 0 {
		return false
	}
	for _, a := range e.alts {
		if tok == a.word || a.prefix && strings.HasPrefix(tok, a.word) {
			return true
		}
	}
	return false
}

// matcher finds every pattern of a set in a token sequence. The first
// elements of all patterns are compiled into one trie over the bytes of
// folded words: each token is walked through it once, whatever the number
// of patterns, collecting the patterns whose first word it is or starts with.
type matcher struct {
	patterns []pattern
	trie     trie
	numbers  []int // patterns starting with #
}

// trie is a byte trie with a dense transition table over the bytes that
// occur in pattern words.
type trie struct {
	class  [256]uint8 // byte → column; 0: no pattern word has this byte
	cols   int
	next   []int32 // node*cols + column → child node, 0 for none
	exact  [][]int // node → patterns whose first word ends here
	prefix [][]int // node → patterns whose first word is a prefix ending here
}

func newMatcher() *matcher {
	m := &matcher{}
	m.trie.cols = 1
	m.trie.next = make([]int32, 1)
	m.trie.exact = make([][]int, 1)
	m.trie.prefix = make([][]int, 1)
	return m
}

func (t *trie) insert(word string, pattern int, prefix bool) {
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
			t.exact = append(t.exact, nil)
			t.prefix = append(t.prefix, nil)
		}
		node = int(t.next[k])
	}
	if prefix {
		t.prefix[node] = append(t.prefix[node], pattern)
	} else {
		t.exact[node] = append(t.exact[node], pattern)
	}
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

// candidates appends the patterns whose first word matches tok.
func (t *trie) candidates(dst []int, tok string) []int {
	node := 0
	for i := 0; i < len(tok); i++ {
		if p := t.prefix[node]; len(p) > 0 {
			dst = append(dst, p...)
		}
		c := t.class[tok[i]]
		if c == 0 {
			return dst
		}
		node = int(t.next[node*t.cols+int(c)])
		if node == 0 {
			return dst
		}
	}
	dst = append(dst, t.prefix[node]...)
	return append(dst, t.exact[node]...)
}

func (m *matcher) add(src string, owner int) error {
	elems, err := compilePattern(src)
	if err != nil {
		return err
	}
	idx := len(m.patterns)
	m.patterns = append(m.patterns, pattern{elems: elems, owner: owner})
	first := elems[0]
	if first.number {
		m.numbers = append(m.numbers, idx)
		return nil
	}
	if len(m.patterns) > 1<<20 {
		return fmt.Errorf("too many patterns")
	}
	for _, a := range first.alts {
		m.trie.insert(a.word, idx, a.prefix)
	}
	return nil
}

// match is one occurrence of a pattern: tokens [start, end).
type match struct {
	owner      int
	start, end int
}

// find appends to dst every match in toks, leftmost first; for one pattern
// at one start, the shortest match.
func (m *matcher) find(dst []match, toks []extract.Token) []match {
	var cand []int
	dst, _ = m.appendMatches(dst, cand, toks)
	return dst
}

// appendMatches is find with cand as scratch space for candidate patterns;
// it returns the scratch space for the next call.
func (m *matcher) appendMatches(dst []match, cand []int, toks []extract.Token) ([]match, []int) {
	for i, t := range toks {
		cand = m.trie.candidates(cand[:0], t.Norm)
		if t.Norm[0] >= '0' && t.Norm[0] <= '9' {
			cand = append(cand, m.numbers...)
		}
		for _, p := range cand {
			if end, ok := m.matchFrom(m.patterns[p].elems, 1, toks, i+1); ok {
				dst = append(dst, match{owner: m.patterns[p].owner, start: i, end: end})
			}
		}
	}
	return dst, cand
}

// matchFrom matches elems[k:] against toks[i:], returning the end token.
func (m *matcher) matchFrom(elems []element, k int, toks []extract.Token, i int) (int, bool) {
	for ; k < len(elems); k++ {
		e := &elems[k]
		switch {
		case e.gap > 0:
			// A pattern never ends with a gap. When a plain word follows
			// it, only the positions that word accepts are worth trying.
			next := &elems[k+1]
			plain := next.gap == 0 && !next.optional
			for skip := 0; skip <= e.gap && i+skip <= len(toks); skip++ {
				if j := i + skip; plain && (j == len(toks) || !next.accepts(toks[j].Norm)) {
					continue
				}
				if end, ok := m.matchFrom(elems, k+1, toks, i+skip); ok {
					return end, true
				}
			}
			return 0, false
		case e.optional:
			if i < len(toks) && e.accepts(toks[i].Norm) {
				if end, ok := m.matchFrom(elems, k+1, toks, i+1); ok {
					return end, true
				}
			}
			// Without it: the next element at i.
		default:
			if i == len(toks) || !e.accepts(toks[i].Norm) {
				return 0, false
			}
			i++
		}
	}
	return i, true
}
