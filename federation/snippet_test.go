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
