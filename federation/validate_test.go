package federation

import (
	"strings"
	"testing"

	"github.com/plaza-portal/plaza/tenants"
)

func TestQueryNormalize(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		q := Query{Text: "  예산  "}
		if err := q.Normalize(); err != nil {
			t.Fatal(err)
		}
		if q.Text != "예산" || q.Page != 1 || q.Size != DefaultSize || q.Sort != SortRelevance {
			t.Fatalf("got %+v", q)
		}
		q = Query{Tenant: " Seoul ", Format: "PDF"}
		if err := q.Normalize(); err != nil {
			t.Fatal(err)
		}
		if q.Sort != SortNewest || q.Tenant != "seoul" || q.Format != "pdf" {
			t.Fatalf("got %+v", q)
		}
		q = Query{Text: "예산", Sort: "newest", Page: MaxPage, Size: MaxPageSize, Year: 2024, Type: "press-release"}
		if err := q.Normalize(); err != nil {
			t.Fatal(err)
		}
	})
	for _, tc := range []struct {
		name string
		q    Query
	}{
		{"PageNegative", Query{Page: -1}},
		{"PageTooLarge", Query{Page: MaxPage + 1}},
		{"SizeNegative", Query{Size: -5}},
		{"SizeTooLarge", Query{Size: MaxPageSize + 1}},
		{"TextTooLong", Query{Text: strings.Repeat("가", MaxQueryRunes+1)}},
		{"UnknownSort", Query{Sort: "oldest"}},
		{"YearLow", Query{Year: 999}},
		{"YearHigh", Query{Year: 10000}},
		{"TenantNotSlug", Query{Tenant: "seoul/../x"}},
		{"TypeNotSlug", Query{Type: "보도자료"}},
		{"FormatNotSlug", Query{Format: "pdf OR 1=1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.q.Normalize()
			if !tenants.Is(err, tenants.Invalid) {
				t.Fatalf("got %v, want Invalid", err)
			}
			if tenants.PublicMessage(err) == "" {
				t.Fatal("no message")
			}
		})
	}
	t.Run("TextAtLimit", func(t *testing.T) {
		// As many characters and words as allowed, few terms.
		text := strings.Repeat("2024 ", MaxQueryWords-1) + "k-water"
		text += strings.Repeat("a", MaxQueryRunes-len(text))
		q := Query{Text: text}
		if err := q.Normalize(); err != nil || len(q.Text) != MaxQueryRunes {
			t.Fatal(len(q.Text), err)
		}
	})
}

// TestQueryNormalizeBoundsCost checks that a query's cost is bounded by its
// structure: the characters, words and terms it may expand to.
func TestQueryNormalizeBoundsCost(t *testing.T) {
	var words []string
	for k := range MaxQueryWords + 1 {
		words = append(words, "w"+strings.Repeat("x", k%5))
	}
	// run is a Hangul run of n syllables that does not end in a particle.
	run := func(n int) string { return string([]rune(strings.Repeat("해외직접투자동향", 10))[:n]) }
	for _, tc := range []struct {
		name string
		text string
		ok   bool
	}{
		{"TesterWorstCase", strings.Repeat("가", 500), false},
		{"RunesAtLimitOneSyllable", strings.Repeat("가", MaxQueryRunes), false},
		{"TooManyWords", strings.Join(words, " "), false},
		{"WordsAtLimit", strings.Join(words[:MaxQueryWords], " "), true},
		// A run of n syllables is one phrase of n-1 bigrams; its alternative
		// (particles stripped, words apart) is not counted, never being
		// larger.
		{"HangulRun65WithParticle", strings.Repeat("가", 64) + "을", true},
		{"HangulRun66WithParticle", strings.Repeat("가", 65) + "을", false},
		{"PastedTitleOf25Words", strings.TrimSpace(strings.Repeat("서울시 예산 편성 지침 ", 6)) + " 개정", true},
		{"HangulRun65", run(65), true},
		{"HangulRun66", run(66), false},
		{"HangulRunSpaced", strings.Join(strings.Fields(strings.Repeat("해외 직접 투자 동향 ", 9)), " "), false},
		{"FiveSingles", "가.나.다.라.마", false},
		{"FourSingles", "가.나.다.라", true},
		{"SomeSingles", "2024년 3월 4일 예산", true},
		{"ManyJoinedNumbers", strings.Repeat("1.2.3.4.5.6.7.8.9.10.", 4) + "1", true},
		{"TooManyJoinedNumbers", strings.Repeat("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.", 5), false},
		{"Title", "2025년도 서울특별시 예산안에 대한 심사보고서", true},
		{"LongTitle", "지방자치단체 출자·출연 기관의 운영에 관한 법률 시행령 일부개정령안 입법예고", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := Query{Text: tc.text}
			err := q.Normalize()
			if tc.ok && err != nil {
				t.Fatalf("%q (cost %d): %v", tc.text, QueryCost(tc.text), err)
			}
			if !tc.ok {
				if !tenants.Is(err, tenants.Invalid) {
					t.Fatalf("%q (cost %d): got %v, want Invalid", tc.text, QueryCost(tc.text), err)
				}
				msg := tenants.PublicMessage(err)
				long := strings.Contains(msg, "검색어가 너무 깁니다") && strings.Contains(msg, "query too long")
				singles := strings.Contains(msg, "한 글자 낱말이 너무 많습니다") && strings.Contains(msg, "one-syllable words")
				if long == singles || (singles != strings.Contains(tc.name, "Singles")) {
					t.Fatalf("message %q", msg)
				}
			}
			if err == nil && QueryCost(q.Text) > MaxQueryCost {
				t.Fatalf("accepted cost %d", QueryCost(q.Text))
			}
		})
	}
}

func TestQueryNormalizeUnicode(t *testing.T) {
	t.Run("InvalidUTF8", func(t *testing.T) {
		for _, text := range []string{"\xff\xfe", "예산\xff", "\xed\xa0\x80"} {
			q := Query{Text: text}
			err := q.Normalize()
			if !tenants.Is(err, tenants.Invalid) || !strings.Contains(tenants.PublicMessage(err), "UTF-8") {
				t.Fatalf("%q: got %v, want Invalid", text, err)
			}
		}
	})
	t.Run("NFDToNFC", func(t *testing.T) {
		nfd := "\u1112\u1162\u110b\u116c \u110c\u1175\u11a8\u110c\u1165\u11b8" // 해외 직접, decomposed
		q := Query{Text: " " + nfd + " "}
		if err := q.Normalize(); err != nil {
			t.Fatal(err)
		}
		if q.Text != "해외 직접" {
			t.Fatalf("got %q (% x)", q.Text, q.Text)
		}
	})
}
