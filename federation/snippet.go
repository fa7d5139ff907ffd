package federation

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultSnippetRunes is the snippet length used when none is given.
const DefaultSnippetRunes = 160

// Limits on the work one snippet may do: extracted texts can be megabytes.
const (
	snippetMaxMatches = 512
	snippetScanBytes  = 2 << 20
)

type match struct {
	unit         int
	start, end   int // bytes
	rstart, rend int // runes
}

// Snippet returns HTML for showing a hit: a window of about maxRunes
// characters of text around the place that matches the most query units,
// escaped, with the matches in <mark>. Matching is that of the index
// (Terms and QueryUnits), so it ignores spacing between Hangul syllables and
// finds words inside longer ones. Without a match it is the start of the
// text. Runs of whitespace become one space; cut ends get an ellipsis.
func Snippet(text, query string, maxRunes int) string {
	if maxRunes <= 0 {
		maxRunes = DefaultSnippetRunes
	}
	units := QueryUnits(query)
	matches := findMatches(text, units, maxRunes)

	start, end := 0, 0
	if len(matches) == 0 {
		end = forward(text, 0, maxRunes)
	} else {
		start, end = window(text, matches, maxRunes)
	}
	if end < len(text) {
		end = backToSpace(text, start, end)
	}
	for start < end {
		r, size := utf8.DecodeRuneInString(text[start:])
		if !unicode.IsSpace(r) {
			break
		}
		start += size
	}

	var marks []match
	for _, m := range matches {
		if m.end > start && m.start < end {
			m.start, m.end = max(m.start, start), min(m.end, end)
			marks = append(marks, m)
		}
	}
	sort.Slice(marks, func(i, j int) bool { return marks[i].start < marks[j].start })

	var b strings.Builder
	b.Grow(end - start + 32)
	if start > 0 {
		b.WriteString("…")
	}
	at := start
	for k := 0; k < len(marks); {
		ms, me := marks[k].start, marks[k].end
		for k++; k < len(marks) && marks[k].start <= me; k++ {
			me = max(me, marks[k].end)
		}
		ms = max(ms, at)
		if ms >= me {
			continue
		}
		writeEscaped(&b, text[at:ms])
		b.WriteString("<mark>")
		writeEscaped(&b, text[ms:me])
		b.WriteString("</mark>")
		at = me
	}
	writeEscaped(&b, text[at:end])
	out := strings.TrimRightFunc(b.String(), unicode.IsSpace)
	if end < len(text) && strings.TrimSpace(text[end:]) != "" {
		out += "…"
	}
	return out
}

// findMatches lists where the units occur in text: each unit whole where it
// occurs (its words side by side), else the words of its alternative.
func findMatches(text string, units []Unit, maxRunes int) []match {
	if len(units) == 0 || text == "" {
		return nil
	}
	whole := make([]Unit, len(units))
	for k, u := range units {
		u.Alt = nil
		whole[k] = u
	}
	ms := scanMatches(text, whole, maxRunes)
	found := make([]bool, len(units))
	for _, m := range ms {
		found[m.unit] = true
	}
	// Each word of an alternative is a unit of its own here, so the window
	// is chosen where the most of them are.
	var rest []Unit
	for k, u := range units {
		if !found[k] {
			rest = append(rest, u.Alt...)
		}
	}
	if len(rest) == 0 {
		return ms
	}
	// Numbered after the whole units, so the window counts each word.
	for _, m := range scanMatches(text, rest, maxRunes) {
		m.unit += len(units)
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].rstart < ms[j].rstart })
	return ms
}

// scanMatches lists where the units occur in text, stopping early once one
// window of maxRunes holds every unit.
func scanMatches(text string, units []Unit, maxRunes int) []match {
	longest := 1
	for _, u := range units {
		longest = max(longest, len(u.Terms))
		for _, a := range u.Alt {
			longest = max(longest, len(a.Terms))
		}
	}
	span := max(maxRunes*2/3, 1)
	last := make([]int, len(units)) // rune start of each unit's latest match
	for k := range last {
		last[k] = -1 << 30
	}
	var matches []match
	buf := make([]token, 0, longest*8)
	eachToken(text, func(t *token) bool {
		if len(buf) == cap(buf) {
			copy(buf, buf[len(buf)-longest+1:])
			buf = buf[:longest-1]
		}
		buf = append(buf, *t)
		found := false
		for k, u := range units {
			m, ok := matchAt(buf, u)
			if !ok {
				continue
			}
			m.unit = k
			matches = append(matches, m)
			last[k] = m.rstart
			found = true
		}
		if len(matches) >= snippetMaxMatches || t.End > snippetScanBytes {
			return false
		}
		if found {
			for _, r := range last {
				if r < t.rend-span {
					return true
				}
			}
			return false // every unit within one window
		}
		return true
	})
	return matches
}

// matchAt reports whether unit u, or a word of its alternative, ends at the
// last token of buf.
func matchAt(buf []token, u Unit) (match, bool) {
	t := &buf[len(buf)-1]
	if u.Single {
		s, e, rs, re, ok := singleIn(t, u.Text)
		return match{start: s, end: e, rstart: rs, rend: re}, ok
	}
	if len(u.Terms) > 0 && endsWith(buf, u.Terms) {
		f := buf[len(buf)-len(u.Terms)]
		return match{start: f.Start, end: t.End, rstart: f.rstart, rend: t.rend}, true
	}
	for _, a := range u.Alt {
		if m, ok := matchAt(buf, a); ok {
			return m, true
		}
	}
	return match{}, false
}

// window picks the byte range of about maxRunes runes that shows the most
// distinct units, earliest first.
func window(text string, ms []match, maxRunes int) (start, end int) {
	best, bestN, bestLast := 0, -1, 0
	for i, a := range ms {
		seen := map[int]bool{}
		lastEnd := a.end
		for _, b := range ms[i:] {
			if b.rstart >= a.rstart && b.rend <= a.rstart+maxRunes {
				seen[b.unit] = true
				lastEnd = max(lastEnd, b.end)
			}
		}
		if len(seen) > bestN {
			best, bestN, bestLast = i, len(seen), lastEnd
		}
	}
	a := ms[best]
	covered := utf8.RuneCountInString(text[a.start:bestLast])
	before := max(maxRunes-covered, 0) / 3
	start = backward(text, a.start, before)
	end = forward(text, start, maxRunes)
	if end == len(text) { // short tail: show more before instead
		if n := maxRunes - utf8.RuneCountInString(text[start:end]); n > 0 {
			start = backward(text, start, n)
		}
	}
	if start > 0 {
		start = forwardToSpace(text, start, a.start)
	}
	return start, end
}

// forward returns the byte offset n runes after from (or the end of text).
func forward(text string, from, n int) int {
	i := from
	for ; n > 0 && i < len(text); n-- {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return i
}

// backward returns the byte offset n runes before from (or 0).
func backward(text string, from, n int) int {
	i := from
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(text[:i])
		i -= size
	}
	return i
}

// forwardToSpace moves a window start to just after a nearby space, so the
// snippet does not begin inside a word, but never past limit.
func forwardToSpace(text string, start, limit int) int {
	for i, n := start, 0; i < limit && n < 12; n++ {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if unicode.IsSpace(r) {
			return i
		}
	}
	return start
}

// backToSpace moves a window end back to a nearby space, so the snippet does
// not end inside a word.
func backToSpace(text string, start, end int) int {
	if r, _ := utf8.DecodeRuneInString(text[end:]); unicode.IsSpace(r) {
		return end
	}
	for i, n := end, 0; i > start && n < 12; n++ {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if unicode.IsSpace(r) {
			return i - size
		}
		i -= size
	}
	return end
}

// isLeader reports whether r is a character of which tables of contents
// make dot leaders ("제1장 총칙 ········ 3").
func isLeader(r rune) bool {
	switch r {
	case '.', '·', '…', '‥', '⋯', '・', '･', '∙', '⋅', '․', '‧', '•':
		return true
	}
	return false
}

// minLeaderRun is the number of leader characters that are shown as one
// ellipsis; shorter runs ("...", "……") are ordinary punctuation.
const minLeaderRun = 4

// leaderRun returns the length in bytes of the run of leader characters,
// possibly spaced (". . . ."), at the start of s if it has at least
// minLeaderRun of them, else 0. Spaces after the run's last leader are not
// part of it.
func leaderRun(s string) int {
	n, end := 0, 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isLeader(r):
			n++
			i += size
			end = i
		case unicode.IsSpace(r) && n > 0:
			i += size
		default:
			i = len(s)
		}
	}
	if n < minLeaderRun {
		return 0
	}
	return end
}

// writeEscaped writes s as HTML text: escaped, whitespace and control
// characters collapsed to single spaces, runs of dot leaders to one
// ellipsis, invalid UTF-8 replaced.
func writeEscaped(b *strings.Builder, s string) {
	space := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if isLeader(r) {
			if n := leaderRun(s[i:]); n > 0 {
				b.WriteString("…")
				i += n
				space = false
				continue
			}
		}
		i += size
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		space = false
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r) // RuneError for invalid bytes
		}
	}
}

// CutBytes cuts s to at most n bytes without splitting a character.
func CutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
