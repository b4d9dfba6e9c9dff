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
	if e.number {
		return tok != "" && tok[0] >= '0' && tok[0] <= '9'
	}
	for _, a := range e.alts {
		if tok == a.word || a.prefix && strings.HasPrefix(tok, a.word) {
			return true
		}
	}
	return false
}

// matcher finds every pattern of a set in a token sequence. Patterns are
// indexed by their first element, so each token costs a few map lookups
// whatever the number of patterns.
type matcher struct {
	patterns   []pattern
	exact      map[string][]int
	prefix     map[string][]int
	prefixLens []int
	numbers    []int
}

func newMatcher() *matcher {
	return &matcher{exact: map[string][]int{}, prefix: map[string][]int{}}
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
	for _, a := range first.alts {
		if !a.prefix {
			m.exact[a.word] = append(m.exact[a.word], idx)
			continue
		}
		if _, ok := m.prefix[a.word]; !ok {
			m.addPrefixLen(len(a.word))
		}
		m.prefix[a.word] = append(m.prefix[a.word], idx)
	}
	return nil
}

func (m *matcher) addPrefixLen(n int) {
	for _, l := range m.prefixLens {
		if l == n {
			return
		}
	}
	m.prefixLens = append(m.prefixLens, n)
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
	for i, t := range toks {
		cand = cand[:0]
		cand = append(cand, m.exact[t.Norm]...)
		for _, n := range m.prefixLens {
			if n <= len(t.Norm) {
				cand = append(cand, m.prefix[t.Norm[:n]]...)
			}
		}
		if t.Norm[0] >= '0' && t.Norm[0] <= '9' {
			cand = append(cand, m.numbers...)
		}
		for _, p := range cand {
			if end, ok := m.matchFrom(m.patterns[p].elems, 1, toks, i+1); ok {
				dst = append(dst, match{owner: m.patterns[p].owner, start: i, end: end})
			}
		}
	}
	return dst
}

// matchFrom matches elems[k:] against toks[i:], returning the end token.
func (m *matcher) matchFrom(elems []element, k int, toks []extract.Token, i int) (int, bool) {
	if k == len(elems) {
		return i, true
	}
	e := &elems[k]
	switch {
	case e.gap > 0:
		for skip := 0; skip <= e.gap && i+skip <= len(toks); skip++ {
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
		return m.matchFrom(elems, k+1, toks, i)
	default:
		if i < len(toks) && e.accepts(toks[i].Norm) {
			return m.matchFrom(elems, k+1, toks, i+1)
		}
		return 0, false
	}
}
