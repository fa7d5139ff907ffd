package federation

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSnippet(t *testing.T) {
	for _, tc := range []struct {
		name, text, query string
		max               int
		want              string
	}{
		{"Simple", "올해 예산을 편성하였다.", "예산", 100, "올해 <mark>예산</mark>을 편성하였다."},
		{"ParticleInQuery", "올해 예산 편성 현황", "예산을", 100, "올해 <mark>예산</mark> 편성 현황"},
		{"SpacingInText", "2024년 해외 직접 투자 동향", "해외직접투자", 100, "2024년 <mark>해외 직접 투자</mark> 동향"},
		{"SpacingInQuery", "해외직접투자 동향", "해외 직접 투자", 100, "<mark>해외직접투자</mark> 동향"},
		{"InsideWord", "검색엔진을 도입", "검색엔진", 100, "<mark>검색엔진</mark>을 도입"},
		{"Latin", "K-water Digital Platform", "digital", 100, "K-water <mark>Digital</mark> Platform"},
		{"SingleSyllable", "2024년 예산", "년", 100, "2024<mark>년</mark> 예산"},
		{"SingleSyllableSecondOfBigram", "학년", "년", 100, "학<mark>년</mark>"},
		{"Several", "예산 편성 및 예산 집행", "예산 집행", 100, "예산 편성 및 <mark>예산 집행</mark>"},
		{"EscapedFirst", `<script>alert(1)</script> 예산 & "결산"`, "예산 script", 100,
			`&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; <mark>예산</mark> &amp; &#34;결산&#34;`},
		{"EscapedNoMatch", `<b>굵게</b>`, "없음", 100, `&lt;b&gt;굵게&lt;/b&gt;`},
		{"WhitespaceCollapsed", "예산\n\n\t편성", "편성", 100, "예산 <mark>편성</mark>"},
		{"NoMatchStart", "가나다라 마바사아 자차카타 파하", "없는말", 9, "가나다라 마바사아…"},
		{"Empty", "", "예산", 100, ""},
		// Runs joined by punctuation match whole.
		{"DecimalWhole", "총 151,617건 중 3,555건, 평균 151.3일", "151.3", 100, "총 151,617건 중 3,555건, 평균 <mark>151.3</mark>일"},
		{"DecimalNotApart", "총 151,617건 중 3,555건", "151.3", 100, "총 151,617건 중 3,555건"},
		{"DocumentNumberWhole", "2025-14 및 147 그리고 2025-147호", "2025-147", 100, "2025-14 및 147 그리고 <mark>2025-147</mark>호"},
		{"PercentWhole", "8.9% 증가, 9.8% 감소", "8.9%", 100, "<mark>8.9</mark>% 증가, 9.8% 감소"},
		{"HangulAndNumber", "문서번호 투자정책과-1234 참조", "투자정책과-1234", 100, "문서번호 <mark>투자정책과-1234</mark> 참조"},
		// Tables of contents: leader runs become one ellipsis.
		{"LeaderDots", "제1장 총칙 ··········· 3 제2장 예산 .......... 7", "예산", 100, "제1장 총칙 … 3 제2장 <mark>예산</mark> … 7"},
		{"LeaderEllipses", "1. 개요 ………………… 1", "개요", 100, "1. <mark>개요</mark> … 1"},
		{"LeaderSpaced", "부록 . . . . . 12", "부록", 100, "<mark>부록</mark> … 12"},
		{"ShortDotsKept", "등... 그리고…… 끝.", "끝", 100, "등... 그리고…… <mark>끝</mark>."},
		{"LeaderEscapingKept", "<b>목차</b>·····&", "목차", 100, "&lt;b&gt;<mark>목차</mark>&lt;/b&gt;…&amp;"},
		// Decomposed text: the marks cover its characters.
		{"NFDText", "\u110b\u1168\u1109\u1161\u11ab\u110b\u1173\u11af \u1111\u1167\u11ab\u1109\u1165\u11bc", "예산", 100,
			"<mark>\u110b\u1168\u1109\u1161\u11ab</mark>\u110b\u1173\u11af \u1111\u1167\u11ab\u1109\u1165\u11bc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Snippet(tc.text, tc.query, tc.max); got != tc.want {
				t.Fatalf("Snippet(%q, %q) =\n %q, want\n %q", tc.text, tc.query, got, tc.want)
			}
		})
	}
}

func TestSnippetWindow(t *testing.T) {
	filler := strings.Repeat("가나다라마 바사아자차 ", 100)
	text := filler + "정부는 해외직접투자 동향을 발표하였다. " + filler + "예산 결산 " + filler
	got := Snippet(text, "해외 직접 투자", 60)
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Fatalf("no ellipses: %q", got)
	}
	if !strings.Contains(got, "<mark>해외직접투자</mark>") {
		t.Fatalf("no match: %q", got)
	}
	plain := strings.NewReplacer("<mark>", "", "</mark>", "", "…", "").Replace(got)
	if n := utf8.RuneCountInString(plain); n > 60 {
		t.Fatalf("%d runes: %q", n, got)
	}
	if !utf8.ValidString(got) {
		t.Fatalf("invalid UTF-8: %q", got)
	}

	// The window with both units wins over the first lone match.
	text = "예산 " + filler + "예산 결산 보고 " + filler
	got = Snippet(text, "예산 결산", 40)
	if !strings.Contains(got, "<mark>예산 결산</mark>") && !strings.Contains(got, "<mark>예산</mark> <mark>결산</mark>") {
		t.Fatalf("best window not chosen: %q", got)
	}
}

func TestSnippetNeverCutsRunes(t *testing.T) {
	text := strings.Repeat("한글과 English 混合 텍스트입니다. ", 30)
	for n := 1; n < 80; n++ {
		for _, q := range []string{"", "english", "텍스트", "混合"} {
			got := Snippet(text, q, n)
			if !utf8.ValidString(got) {
				t.Fatalf("Snippet(%d, %q) invalid UTF-8: %q", n, q, got)
			}
			if strings.Count(got, "<mark>") != strings.Count(got, "</mark>") {
				t.Fatalf("unbalanced marks: %q", got)
			}
		}
	}
}

func BenchmarkSnippet(b *testing.B) {
	text := strings.Repeat("2024년도 예산을 편성하였으며 K-water 디지털플랫폼 구축 사업을 추진한다. ", 2000) + "해외직접투자 동향"
	for b.Loop() {
		Snippet(text, "해외 직접 투자", 160)
	}
}

// TestSnippetWordsApart: the words of a query found apart are shown where
// they are together, each marked.
func TestSnippetWordsApart(t *testing.T) {
	text := "안전 " + strings.Repeat("가나다라마 ", 40) + "봉화댐 건설 현장의 안전 점검"
	got := Snippet(text, "봉화댐 안전", 60)
	if !strings.Contains(got, "<mark>봉화댐</mark> 건설 현장의 <mark>안전</mark>") {
		t.Fatalf("Snippet = %q", got)
	}
}
