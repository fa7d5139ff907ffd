package federation

import (
	"strings"
	"unicode/utf8"
)

// Unit is one part of a query that a matching document must contain: a word,
// or a run of CJK characters (spacing removed). A document contains it where
// its Terms occur at consecutive positions of one field.
type Unit struct {
	Text  string   // normalised: lower-cased, no spaces inside CJK runs
	Terms []string // Text analysed like Terms does
	// Single is set for a lone CJK character ("년"): it matches any token
	// containing the character, not only the unigram.
	Single bool
	// Alt, when set, is the unit's words on their own, each with a trailing
	// particle removed (예산을 → 예산; 예산의 편성을 → 예산, 편성; 봉화댐
	// 안전 → 봉화댐, 안전): a weaker alternative, met when every one of these
	// words occurs, anywhere and in any order. It should count for less than
	// the unit itself, which asks for the words side by side.
	Alt []Unit
}

// particles are the common particles (조사) stripped from query words; the
// two-syllable ones first, so 에서 is stripped whole.
var particles = []string{"에서", "으로", "에게", "을", "를", "이", "가", "은", "는", "의", "에", "로", "와", "과", "도", "만"}

// piece is one run of a query, analysed.
type piece struct {
	text   string
	terms  []string
	single bool
	joined bool   // to the previous piece, by joining punctuation
	sep    string // joined: the punctuation
	// words is, for Hangul, the run's space-separated words with a trailing
	// particle removed (see strip); stripped says whether one was.
	words    [][]rune
	stripped bool
}

// links reports whether b is searched in one phrase with a before it. A lone
// CJK character never is: it matches inside bigrams, not at a position.
func links(a, b *piece) bool { return b.joined && !a.single && !b.single }

// QueryUnits analyses a query into the units a document must all contain.
// Runs joined by punctuation inside one word of the query (151.3, 2025-147,
// K-water, 투자정책과-1234) make one unit, a phrase over all their terms.
// Repeated units are given once.
func QueryUnits(text string) []Unit {
	var pieces []piece
	dropped := false
	scan(text, func(c *run) bool {
		p := piece{joined: c.joined && !dropped, sep: c.sep}
		dropped = false
		if c.script == scriptWord {
			if len(c.word) > maxWordBytes {
				dropped = true // the index has no position for it
				return true
			}
			p.text = string(c.word)
			p.terms = []string{p.text}
		} else {
			rs := make([]rune, len(c.chars))
			for k, ch := range c.chars {
				rs[k] = ch.r
			}
			p.text = string(rs)
			p.terms = cjkTerms(rs)
			p.single = len(rs) == 1
			if c.script == scriptHangul {
				p.words, p.stripped = strip(c.chars)
			}
		}
		pieces = append(pieces, p)
		return true
	})

	var out []Unit
	seen := map[string]bool{}
	for i := 0; i < len(pieces); {
		j := i + 1
		for j < len(pieces) && links(&pieces[j-1], &pieces[j]) {
			j++
		}
		u := unitOf(pieces[i:j])
		u.Alt = alternative(pieces[i:j])
		if k := unitKey(u); !seen[k] {
			seen[k] = true
			out = append(out, u)
		}
		i = j
	}
	return out
}

// unitOf makes one unit of linked pieces.
func unitOf(ps []piece) Unit {
	if len(ps) == 1 {
		return Unit{Text: ps[0].text, Terms: ps[0].terms, Single: ps[0].single}
	}
	var text strings.Builder
	var terms []string
	for k, p := range ps {
		if k > 0 {
			text.WriteString(p.sep)
		}
		text.WriteString(p.text)
		terms = append(terms, p.terms...)
	}
	return Unit{Text: text.String(), Terms: terms}
}

// unitKey identifies a unit by what it matches.
func unitKey(u Unit) string {
	if u.Single {
		return "1\x00" + u.Text
	}
	return strings.Join(u.Terms, "\x00")
}

// cjkTerms is the bigrams of a CJK run, or its only character.
func cjkTerms(rs []rune) []string {
	if len(rs) == 1 {
		return []string{string(rs)}
	}
	out := make([]string, 0, len(rs)-1)
	for k := 0; k+1 < len(rs); k++ {
		out = append(out, string(rs[k:k+2]))
	}
	return out
}

// strip splits a Hangul run into its space-separated words and removes a
// trailing particle from each word that keeps at least two syllables
// without it.
func strip(chars []char) (words [][]rune, stripped bool) {
	var w []rune
	for _, ch := range chars {
		if ch.gapBefore && len(w) > 0 {
			words = append(words, w)
			w = nil
		}
		w = append(w, ch.r)
	}
	words = append(words, w)
	// A lone syllable between spaces (서울 시 예산) is searched with the word
	// before it, or after it when first: on its own it would match any word
	// that holds the character.
	for k := 0; k < len(words) && len(words) > 1; k++ {
		if len(words[k]) != 1 {
			continue
		}
		if k > 0 {
			words[k-1] = append(words[k-1], words[k]...)
		} else {
			words[1] = append(words[0], words[1]...)
		}
		words = append(words[:k], words[k+1:]...)
		k--
	}
	for k, w := range words {
		for _, p := range particles {
			if n := len([]rune(p)); len(w)-n >= 2 && string(w[len(w)-n:]) == p {
				words[k], stripped = w[:len(w)-n], true
				break
			}
		}
	}
	return words, stripped
}

// alternative is the units of linked pieces split into words with the
// particles removed: each Hangul run becomes its words, the first still linked to the piece before
// and the last to the piece after (예산을-2025 → 예산-2025), the others on
// their own. It is nil when no run has several words or a particle.
func alternative(ps []piece) []Unit {
	split := false
	for _, p := range ps {
		split = split || p.stripped || len(p.words) > 1
	}
	if !split {
		return nil
	}
	var alt []piece
	for k, p := range ps {
		if p.words == nil {
			alt = append(alt, p)
			continue
		}
		for n, w := range p.words {
			alt = append(alt, piece{text: string(w), terms: cjkTerms(w), single: len(w) == 1, joined: n == 0 && k > 0 && p.joined, sep: p.sep})
		}
	}
	var out []Unit
	seen := map[string]bool{}
	for i := 0; i < len(alt); {
		j := i + 1
		for j < len(alt) && links(&alt[j-1], &alt[j]) {
			j++
		}
		u := unitOf(alt[i:j])
		if k := unitKey(u); !seen[k] {
			seen[k] = true
			out = append(out, u)
		}
		i = j
	}
	return out
}

// endsWith reports whether the last tokens of window are terms, in order.
func endsWith(window []token, terms []string) bool {
	if len(terms) > len(window) {
		return false
	}
	w := window[len(window)-len(terms):]
	for k, t := range terms {
		if w[k].Term != t {
			return false
		}
	}
	return true
}

// singleIn returns the byte and rune range of the CJK character c inside
// token t, if t contains it.
func singleIn(t *token, c string) (start, end, rstart, rend int, ok bool) {
	if t.Kind == TokenWord {
		return 0, 0, 0, 0, false
	}
	first, n := utf8.DecodeRuneInString(t.Term)
	cr, cn := utf8.DecodeRuneInString(c)
	switch {
	case first == cr:
		return t.Start, t.Start + cn, t.rstart, t.rstart + 1, true
	case t.Kind == TokenBigram && strings.HasPrefix(t.Term[n:], c):
		return t.End - cn, t.End, t.rend - 1, t.rend, true
	}
	return 0, 0, 0, 0, false
}
