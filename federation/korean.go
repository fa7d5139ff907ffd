package federation

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The text analysis every search engine of Plaza shares, so that the embedded
// index, the Elasticsearch adapter and the snippets agree on what matches.
//
// Korean is written with spaces that vary (해외직접투자 / 해외 직접 투자) and
// with particles attached to words (예산을, 예산의). Hangul is therefore cut
// into overlapping bigrams, and whitespace between two Hangul syllables is
// ignored, so both spellings give the same bigrams at consecutive positions
// and a phrase over the bigrams of a query word finds it however it was
// spaced, also inside a longer word (검색엔진 in 검색엔진을). Hanja and kana are
// bigrammed the same way. Other letters and digits make whole lower-cased
// words; a change of script splits ("2024년" is "2024" and "년").

// TokenKind says how a token was made.
type TokenKind uint8

const (
	TokenWord    TokenKind = iota // a run of letters and digits other than CJK, lower-cased
	TokenBigram                   // two neighbouring CJK characters
	TokenUnigram                  // a CJK character with no CJK neighbour
)

// Token is one term of analysed text.
type Token struct {
	Term       string
	Start, End int // byte offsets into the original text; End is exclusive
	Position   int // from 1, consecutive across the whole text
	Kind       TokenKind
}

// maxWordBytes bounds a word token; longer runs (base64, hashes) are dropped.
const maxWordBytes = 128

type script uint8

const (
	scriptNone script = iota
	scriptWord
	scriptHangul
	scriptHan // Hanja and kana: bigrammed like Hangul, in runs of their own
)

// fold maps full-width ASCII to ASCII and lower-cases.
func fold(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFEE0
	}
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	if r >= 0x3000 && r < 0xFF00 { // CJK, Hangul: no case
		return r
	}
	return unicode.ToLower(r)
}

func scriptOf(r rune) script {
	switch {
	case r < utf8.RuneSelf:
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			return scriptWord
		}
		return scriptNone
	case r >= 0xAC00 && r <= 0xD7A3, // syllables
		r >= 0x1100 && r <= 0x11FF, // jamo
		r >= 0x3130 && r <= 0x318F, // compatibility jamo
		r >= 0xA960 && r <= 0xA97F, r >= 0xD7B0 && r <= 0xD7FF:
		return scriptHangul
	case unicode.Is(unicode.Han, r), unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
		return scriptHan
	case unicode.IsLetter(r), unicode.IsDigit(r), unicode.IsMark(r):
		return scriptWord
	}
	return scriptNone
}

// char is one CJK character of a run.
type char struct {
	r          rune
	start, end int  // bytes
	rstart     int  // runes
	gapBefore  bool // whitespace separated it from the previous character of the run
}

// run is a maximal stretch of one script: a word, or CJK characters with
// only whitespace between them. The slices are reused between calls of the
// scan callback.
type run struct {
	script     script
	word       []byte // scriptWord: the folded word
	start, end int    // scriptWord: bytes
	rstart     int    // scriptWord: runes
	rend       int
	chars      []char // CJK scripts
}

// scan calls fn for every run of text in order until fn returns false.
func scan(text string, fn func(*run) bool) {
	var cur run
	open := false
	gap := false
	flush := func() bool {
		if !open {
			return true
		}
		open = false
		return fn(&cur)
	}
	ri := 0
	for i, r := range text {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			size = 1
			if i+3 <= len(text) && text[i:i+3] == "\uFFFD" {
				size = 3
			}
		}
		f := fold(r)
		s := scriptOf(f)
		switch {
		case s == scriptWord:
			if open && cur.script != scriptWord {
				if !flush() {
					return
				}
			}
			if !open {
				open = true
				cur.script, cur.word, cur.start, cur.rstart = scriptWord, cur.word[:0], i, ri
			}
			cur.word = utf8.AppendRune(cur.word, f)
			cur.end, cur.rend = i+size, ri+1
		case s != scriptNone: // CJK
			if open && cur.script != s {
				if !flush() {
					return
				}
			}
			if !open {
				open = true
				cur.script, cur.chars, gap = s, cur.chars[:0], false
			}
			cur.chars = append(cur.chars, char{r: f, start: i, end: i + size, rstart: ri, gapBefore: gap})
			gap = false
		case open && cur.script != scriptWord && unicode.IsSpace(r):
			gap = true // spacing between CJK characters does not count
		default:
			if !flush() {
				return
			}
		}
		ri++
	}
	flush()
}

// token is a Token with rune offsets, for snippets.
type token struct {
	Token
	rstart, rend int
}

// eachToken calls fn for every token of text in order until fn returns false.
func eachToken(text string, fn func(*token) bool) {
	pos := 0
	var t token
	scan(text, func(c *run) bool {
		if c.script == scriptWord {
			if len(c.word) > maxWordBytes {
				return true
			}
			pos++
			t = token{Token{string(c.word), c.start, c.end, pos, TokenWord}, c.rstart, c.rend}
			return fn(&t)
		}
		if len(c.chars) == 1 {
			ch := c.chars[0]
			pos++
			t = token{Token{string(ch.r), ch.start, ch.end, pos, TokenUnigram}, ch.rstart, ch.rstart + 1}
			return fn(&t)
		}
		for k := 0; k+1 < len(c.chars); k++ {
			a, b := c.chars[k], c.chars[k+1]
			pos++
			t = token{Token{bigram(text, a, b), a.start, b.end, pos, TokenBigram}, a.rstart, b.rstart + 1}
			if !fn(&t) {
				return false
			}
		}
		return true
	})
}

func bigram(text string, a, b char) string {
	if a.end == b.start && !b.gapBefore {
		s := text[a.start:b.end]
		if r1, n := utf8.DecodeRuneInString(s); r1 == a.r {
			if r2, _ := utf8.DecodeRuneInString(s[n:]); r2 == b.r {
				return s // the common case: no folding, no gap
			}
		}
	}
	buf := make([]byte, 0, 8)
	buf = utf8.AppendRune(buf, a.r)
	return string(utf8.AppendRune(buf, b.r))
}

// Terms analyses text into the tokens an index holds for it.
func Terms(text string) []Token {
	out := make([]Token, 0, len(text)/4+1)
	eachToken(text, func(t *token) bool {
		out = append(out, t.Token)
		return true
	})
	return out
}

// Unit is one part of a query that a matching document must contain: a word,
// or a run of CJK characters (spacing removed). A document contains it where
// its Terms occur at consecutive positions of one field.
type Unit struct {
	Text  string   // normalised: lower-cased, no spaces inside CJK runs
	Terms []string // Text analysed like Terms does
	// Single is set for a lone CJK character ("년"): it matches any token
	// containing the character, not only the unigram.
	Single bool
	// Alt, when set, is the unit with a trailing particle removed from each
	// of its words (예산을 → 예산; 예산의 편성을 → 예산, 편성): a weaker
	// alternative, met when every one of these words occurs, anywhere. It
	// should count for less than the unit itself.
	Alt []Unit
}

// particles are the common particles (조사) stripped from query words; the
// two-syllable ones first, so 에서 is stripped whole.
var particles = []string{"에서", "으로", "에게", "을", "를", "이", "가", "은", "는", "의", "에", "로", "와", "과", "도", "만"}

// QueryUnits analyses a query into the units a document must all contain.
// Repeated units are given once.
func QueryUnits(text string) []Unit {
	var out []Unit
	seen := map[string]bool{}
	scan(text, func(c *run) bool {
		var u Unit
		if c.script == scriptWord {
			if len(c.word) > maxWordBytes {
				return true
			}
			u.Text = string(c.word)
			u.Terms = []string{u.Text}
		} else {
			rs := make([]rune, len(c.chars))
			for k, ch := range c.chars {
				rs[k] = ch.r
			}
			u.Text = string(rs)
			u.Terms = cjkTerms(rs)
			u.Single = len(rs) == 1
			if c.script == scriptHangul {
				u.Alt = alternative(c.chars)
			}
		}
		if !seen[u.Text] {
			seen[u.Text] = true
			out = append(out, u)
		}
		return true
	})
	return out
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

// alternative splits a Hangul run into its space-separated words and
// removes a trailing particle from each word that keeps at least two
// syllables without it. It is nil when no word had a particle.
func alternative(chars []char) []Unit {
	var words [][]rune
	var w []rune
	for _, ch := range chars {
		if ch.gapBefore && len(w) > 0 {
			words = append(words, w)
			w = nil
		}
		w = append(w, ch.r)
	}
	words = append(words, w)

	stripped := false
	var out []Unit
	seen := map[string]bool{}
	for _, w := range words {
		for _, p := range particles {
			if n := len([]rune(p)); len(w)-n >= 2 && string(w[len(w)-n:]) == p {
				w, stripped = w[:len(w)-n], true
				break
			}
		}
		if t := string(w); !seen[t] {
			seen[t] = true
			out = append(out, Unit{Text: t, Terms: cjkTerms(w), Single: len(w) == 1})
		}
	}
	if !stripped {
		return nil
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
