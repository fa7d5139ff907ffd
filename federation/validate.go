package federation

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/plaza-portal/plaza/tenants"
)

// filterRE is what a tenant, type or format filter may look like: the shape
// of slugs and type names, never query syntax.
var filterRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// Normalize trims q, fills in defaults (page 1, DefaultSize, relevance order
// for a text and newest first without one) and checks the limits. Filters
// are lower-cased. It returns an Invalid error saying what is wrong.
func (q *Query) Normalize() error {
	const op = "search.query"
	if !utf8.ValidString(q.Text) {
		return tenants.Errorf(op, tenants.Invalid, "검색어에 올바르지 않은 문자가 있습니다 (UTF-8이 아님) / query is not valid UTF-8")
	}
	// NFC, the form the index holds: a decomposed Hangul syllable (ᄀ+ᅡ)
	// becomes one (가).
	q.Text = strings.TrimSpace(norm.NFC.String(q.Text))
	q.Tenant = strings.ToLower(strings.TrimSpace(q.Tenant))
	q.Type = strings.ToLower(strings.TrimSpace(q.Type))
	q.Format = strings.ToLower(strings.TrimSpace(q.Format))
	q.Sort = Sort(strings.ToLower(strings.TrimSpace(string(q.Sort))))

	if n := utf8.RuneCountInString(q.Text); n > MaxQueryRunes {
		return tenants.Errorf(op, tenants.Invalid, "검색어가 너무 깁니다 (%d자, 최대 %d자) / query too long (%d characters, at most %d)", n, MaxQueryRunes, n, MaxQueryRunes)
	}
	if n := len(strings.Fields(q.Text)); n > MaxQueryWords {
		return tenants.Errorf(op, tenants.Invalid, "검색어가 너무 깁니다 (%d단어, 최대 %d단어) / query too long (%d words, at most %d)", n, MaxQueryWords, n, MaxQueryWords)
	}
	if n := QueryCost(q.Text); n > MaxQueryCost {
		if singles := lone(q.Text); singles*singleCost > MaxQueryCost/2 {
			return tenants.Errorf(op, tenants.Invalid, "한 글자 낱말이 너무 많습니다 (%d개). 한 글자 낱말은 두 글자 이상과 붙여 쓰거나 줄여 주십시오 / too many one-syllable words (%d): join them to longer words or use fewer", singles, singles)
		}
		return tenants.Errorf(op, tenants.Invalid, "검색어가 너무 깁니다: 검색할 낱말 조각이 %d개로 최대 %d개를 넘습니다. 더 짧거나 적은 낱말로 검색하십시오 / query too long: it expands to %d search terms, at most %d; use fewer or shorter words", n, MaxQueryCost, n, MaxQueryCost)
	}
	switch {
	case q.Page == 0:
		q.Page = 1
	case q.Page < 1 || q.Page > MaxPage:
		return tenants.Errorf(op, tenants.Invalid, "페이지 번호는 1부터 %d까지입니다 / page must be between 1 and %d", MaxPage, MaxPage)
	}
	switch {
	case q.Size == 0:
		q.Size = DefaultSize
	case q.Size < 1 || q.Size > MaxPageSize:
		return tenants.Errorf(op, tenants.Invalid, "한 페이지의 결과 수는 1부터 %d까지입니다 / page size must be between 1 and %d", MaxPageSize, MaxPageSize)
	}
	switch q.Sort {
	case "":
		q.Sort = SortNewest
		if q.Text != "" {
			q.Sort = SortRelevance
		}
	case SortRelevance, SortNewest:
	default:
		return tenants.Errorf(op, tenants.Invalid, "정렬 방식 %q 를 알 수 없습니다 (relevance, newest) / unknown sort %q (relevance, newest)", clip(string(q.Sort)), clip(string(q.Sort)))
	}
	if q.Year != 0 && (q.Year < 1000 || q.Year > 9999) {
		return tenants.Errorf(op, tenants.Invalid, "연도 %d 가 올바르지 않습니다 (1000–9999) / invalid year %d (1000–9999)", q.Year, q.Year)
	}
	for _, f := range []struct{ name, ko, v string }{{"tenant", "기관", q.Tenant}, {"type", "문서 종류", q.Type}, {"format", "파일 형식", q.Format}} {
		if f.v != "" && !filterRE.MatchString(f.v) {
			return tenants.Errorf(op, tenants.Invalid, "%s 값 %q 가 올바르지 않습니다 / invalid %s %q", f.ko, clip(f.v), f.name, clip(f.v))
		}
	}
	return nil
}

// singleCost is what a lone CJK character costs in QueryCost. It is
// searched as a prefix and a wildcard over the terms of every field: the
// union of the postings of every bigram that holds the character, in most
// documents. On the benchmark index one costs about a hundred bigram terms
// of a phrase; 16 allows four in a query ("2024년 3월 4일" has three).
const singleCost = 16

// QueryCost is the number of index terms a query text expands to: the terms
// of each unit (every bigram of a Hangul run is a term of its phrase), a lone
// CJK character counting singleCost. The work of a search grows with it,
// whatever the index. A unit's alternative (its words apart, particles
// removed) never has more terms than the unit, so a search looks up at most
// twice this many; counting it would refuse a pasted title of 25 words.
func QueryCost(text string) int {
	n := 0
	for _, u := range QueryUnits(text) {
		if u.Single {
			n += singleCost
		} else {
			n += len(u.Terms)
		}
	}
	return n
}

// lone counts the units of a query that are a single CJK character.
func lone(text string) int {
	n := 0
	for _, u := range QueryUnits(text) {
		if u.Single {
			n++
		}
	}
	return n
}

// clip shortens a rejected value before an error message quotes it back.
func clip(s string) string {
	const n = 40
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
