package federation

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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
// In a query, runs joined by punctuation without spaces (151.3, 2025-147,
// 투자정책과-1234) are one unit, a phrase, so numbers match whole. Text in
// NFD (decomposed jamo, combining marks) gives the same terms as in NFC, with
// offsets into the text as given; queries are NFC already (Query.Normalize).

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
	start, end int  // bytes; a character composed from conjoining jamo or followed by combining marks spans them all
	rstart     int  // runes
	gapBefore  bool // whitespace separated it from the previous character of the run
}

// run is a maximal stretch of one script: a word, or CJK characters with
// only whitespace between them. The slices are reused between calls of the
// scan callback.
type run struct {
	script     script
	word       []byte // scriptWord: the folded word, NFC
	start, end int    // scriptWord: bytes
	rstart     int    // scriptWord: runes
	rend       int
	chars      []char // CJK scripts
	nonASCII   bool   // scriptWord: word has a non-ASCII rune (may need NFC)
	// joined is set when only joining punctuation (see isJoiner), at least
	// one character of it and no space, separates the run from the previous
	// one: "151.3", "2025-147", "K-water". Queries search such runs as one
	// phrase; in the index their tokens are at consecutive positions anyway.
	joined bool
	sep    string // joined: the punctuation between the runs
}

// isJoiner reports whether r (folded) joins the runs on either side of it
// into one query phrase when no space is around it: the decimal point,
// hyphens, slashes, thousands separators and colons of numbers, dates,
// document numbers and times.
func isJoiner(r rune) bool {
	switch r {
	case '.', '-', '/', ',', ':', '\u2010', '\u2011', '\u2012', '\u2013', '\u2212':
		return true
	}
	return false
}

// Hangul conjoining jamo (Unicode 3.12): leading consonants, vowels and
// trailing consonants that compose into the precomposed syllables.
const (
	jamoL, jamoLCount = 0x1100, 19
	jamoV, jamoVCount = 0x1161, 21
	jamoT, jamoTCount = 0x11A7, 28 // jamoT itself is "no trailing consonant"
	syllableBase      = 0xAC00
	syllableCount     = jamoLCount * jamoVCount * jamoTCount
)

// compose returns the character that prev followed directly by r is, when
// r does not start a character of its own: a decomposed (NFD) Hangul
// syllable's vowel or final consonant, a kana voicing mark, or another
// combining mark, which is kept out of the terms. Text in NFD thus gives the
// same terms as in NFC, with offsets into the text as it is. ok is false
// when r starts a new character.
func compose(prev, r rune) (rune, bool) {
	switch {
	case r >= syllableBase && r < syllableBase+syllableCount:
		return 0, false // the common case: a syllable
	case r >= jamoV && r < jamoV+jamoVCount:
		if prev >= jamoL && prev < jamoL+jamoLCount {
			return syllableBase + ((prev-jamoL)*jamoVCount+(r-jamoV))*jamoTCount, true
		}
		return 0, false
	case r > jamoT && r < jamoT+jamoTCount:
		if prev >= syllableBase && prev < syllableBase+syllableCount && (prev-syllableBase)%jamoTCount == 0 {
			return prev + r - jamoT, true
		}
		return 0, false
	case r == 0x3099 || r == 0x309A: // kana (semi-)voiced sound mark
		if c := norm.NFC.String(string([]rune{prev, r})); utf8.RuneCountInString(c) == 1 {
			r, _ := utf8.DecodeRuneInString(c)
			return r, true
		}
		return prev, true
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc):
		return prev, true
	}
	return 0, false
}

// scan calls fn for every run of text in order until fn returns false.
func scan(text string, fn func(*run) bool) {
	var cur run
	open := false
	gap := false
	// link is 0 when the next run cannot be joined to the previous one, 1
	// directly after a run's last character, 2 after it and only joining
	// punctuation.
	link := 0
	prevEnd := 0 // byte after the previous run's last character
	flush := func() bool {
		if !open {
			return true
		}
		open = false
		if cur.script == scriptWord && cur.nonASCII && !norm.NFC.IsNormal(cur.word) {
			cur.word = norm.NFC.Append(nil, cur.word...)
		}
		return fn(&cur)
	}
	ri := 0
	for i := 0; i < len(text); ri++ {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r >= 0x300 && open && cur.script != scriptWord && !gap {
			if last := &cur.chars[len(cur.chars)-1]; last.end == i {
				if c, ok := compose(last.r, r); ok {
					last.r, last.end = c, i+size
					prevEnd = last.end
					i += size
					continue
				}
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
				cur.script, cur.word, cur.start, cur.rstart, cur.nonASCII = scriptWord, cur.word[:0], i, ri, false
				cur.joined, cur.sep = link == 2, ""
				if cur.joined {
					cur.sep = strings.Map(fold, text[prevEnd:i])
				}
			}
			cur.word = utf8.AppendRune(cur.word, f)
			cur.nonASCII = cur.nonASCII || f >= utf8.RuneSelf
			cur.end, cur.rend = i+size, ri+1
			link, prevEnd = 1, i+size
		case s != scriptNone: // CJK
			if open && cur.script != s {
				if !flush() {
					return
				}
			}
			if !open {
				open = true
				cur.script, cur.chars, gap = s, cur.chars[:0], false
				cur.joined, cur.sep = link == 2, ""
				if cur.joined {
					cur.sep = strings.Map(fold, text[prevEnd:i])
				}
			}
			cur.chars = append(cur.chars, char{r: f, start: i, end: i + size, rstart: ri, gapBefore: gap})
			gap = false
			link, prevEnd = 1, i+size
		case open && cur.script != scriptWord && unicode.IsSpace(r):
			gap = true // spacing between CJK characters does not count
			link = 0
		default:
			if !flush() {
				return
			}
			if link > 0 && isJoiner(f) {
				link = 2
			} else {
				link = 0
			}
		}
		i += size
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
