// Package indextest is what every federation.Index must find: the same
// fixtures (modelled on real disclosures of Korean public bodies) and the
// same Korean search cases, run by the embedded index and by the
// Elasticsearch one, so the two engines find the same documents.
package indextest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
)

// Date parses a date of the fixtures.
func Date(tb testing.TB, s string) tenants.Date {
	tb.Helper()
	d, err := tenants.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// Fixtures are entries modelled on real disclosures of Korean public bodies.
func Fixtures(tb testing.TB) []federation.Entry {
	tb.Helper()
	e := func(tenant, id, typ, title, produced string, formats []string, text string) federation.Entry {
		return federation.Entry{
			Tenant: tenant, ID: id, Revision: 1, Title: title, Type: typ,
			Produced: Date(tb, produced), Formats: formats, Disclosure: "full", Text: text,
		}
	}
	es := []federation.Entry{
		e("moef", "2024-0001", "press-release", "'24년 1분기 해외직접투자 동향", "2024-06-21", []string{"hwpx", "pdf"},
			"2024년 1분기 해외직접투자액은 전년 동기 대비 증가하였다. 업종별로는 금융보험업, 제조업 순이다."),
		e("moef", "2023-0412", "statistics", "2023년 해외 직접 투자 통계 연보", "2023-12", []string{"pdf"},
			"연간 해외 직접 투자 신고액과 송금액을 국가별, 업종별로 정리하였다."),
		e("moef", "2024-0107", "budget", "2025년도 예산안 편성 지침", "2024-03-29", []string{"hwp", "pdf"},
			"각 부처는 지출 구조조정을 통하여 예산을 편성하였다. 재정 건전성을 고려한다."),
		e("kwater", "rfp-2023-17", "procurement", "K-water 디지털플랫폼 구축 제안요청서", "2023-05-02", []string{"hwp"},
			"본 사업은 물관리 디지털 플랫폼과 통합 검색엔진을 구축하는 것을 목적으로 한다. Digital Twin 기반."),
		e("kwater", "rep-2022-03", "report", "스마트 물관리 디지털 플랫폼 운영 보고서", "2022", []string{"pdf"},
			"디지털플랫폼 운영 현황과 개선 과제를 정리하였다."),
		e("seoul", "min-2024-11", "minutes", "제321회 서울특별시의회 예산결산특별위원회 회의록", "2024-11-28", []string{"pdf"},
			"위원장은 2025년도 서울시 예산안에 대한 심사를 시작하였다. 예산의 효율적 집행을 요구하였다."),
		e("seoul", "ann-2024-05", "notice", "서울시 공공데이터 개방 계획 안내", "2024-05", []string{"hwpx"},
			"공공 데이터 포털에 OpenAPI를 제공합니다. 문의는 디지털정책과로 하십시오."),
		e("seoul", "wp-2024", "work-plan", "2024년 디지털정책관 주요업무계획", "2024-01-15", []string{"hwp", "hwpx", "pdf"},
			"AI 검색 서비스를 도입하고 행정 데이터를 통합한다."),
		e("busan", "res-2021-02", "research", "부산광역시 해양관광 활성화 방안 연구", "2021-08-30", []string{"pdf"},
			"해양 관광 수요를 분석하고 정책 과제를 제시하였다."),
		e("busan", "rul-2024-09", "ruling", "지방세 감면 관련 질의 회신", "2024-09-02", []string{"pdf"},
			"취득세 감면 요건에 해당하는지에 대하여 회신합니다."),
		e("nts", "rul-2020-1", "ruling", "부가가치세 과세표준 산정 질의", "2020-02-11", []string{"hwp"},
			"공급가액에 포함되는지 여부를 검토하였다."),
		e("nts", "xss-1", "other", "<script>alert(1)</script> 검토 결과", "2019", []string{"pdf"},
			"<script>alert('x')</script> 예산 검토 결과를 알립니다 & 공유합니다."),
	}
	es[0].Number = "투자정책과-1234"
	es[0].Department = "대외경제국 투자정책과"
	es[0].Summary = "1분기 해외직접투자 신고액 요약"
	es[10].Text = "" // not disclosed: snippet from the summary
	es[10].Summary = "과세표준 산정에 관한 질의 회신 요지"
	es[10].Disclosure = "none"
	return es
}

// IDs lists the hits as tenant/id.
func IDs(res *federation.Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Tenant+"/"+h.ID)
	}
	return out
}

// Korean runs the Korean search cases over x, which must hold the Fixtures
// (and show them: an engine that makes writes visible later waits first).
// Spacing and particles must not matter; a query's words may be apart.
func Korean(t *testing.T, x federation.Index) {
	for _, tc := range []struct {
		name, text string
		want       []string // all of these, in any order
		not        []string
	}{
		{"CompoundFindsSpaced", "해외직접투자", []string{"moef/2024-0001", "moef/2023-0412"}, nil},
		{"SpacedFindsCompound", "해외 직접 투자", []string{"moef/2024-0001", "moef/2023-0412"}, nil},
		{"DigitalPlatformCompound", "디지털플랫폼", []string{"kwater/rfp-2023-17", "kwater/rep-2022-03"}, nil},
		{"DigitalPlatformSpaced", "디지털 플랫폼", []string{"kwater/rfp-2023-17", "kwater/rep-2022-03"}, nil},
		{"WordInsideParticle", "검색엔진", []string{"kwater/rfp-2023-17"}, nil},
		{"QueryWithParticle", "예산을", []string{"moef/2024-0107", "seoul/min-2024-11", "nts/xss-1"}, nil},
		{"QueryParticleEveryWord", "예산의 편성을", []string{"moef/2024-0107"}, nil},
		{"EnglishCaseInsensitive", "DIGITAL twin", []string{"kwater/rfp-2023-17"}, nil},
		{"EnglishInHangulText", "openapi", []string{"seoul/ann-2024-05"}, nil},
		{"LatinPrefixOfTitle", "k-water", []string{"kwater/rfp-2023-17"}, nil},
		{"Number", "2024", []string{"moef/2024-0001", "seoul/wp-2024"}, nil},
		{"NumberWithUnit", "2025년도", []string{"moef/2024-0107", "seoul/min-2024-11"}, nil},
		{"DocumentNumber", "투자정책과-1234", []string{"moef/2024-0001"}, nil},
		{"Department", "투자정책과", []string{"moef/2024-0001"}, nil},
		{"Summary", "과세표준", []string{"nts/rul-2020-1"}, nil},
		{"AllUnitsMustMatch", "해외 투자 예산", nil, []string{"moef/2024-0001", "moef/2024-0107"}},
		{"WordsInAnyOrder", "회의록 서울특별시의회", []string{"seoul/min-2024-11"}, nil},
		{"WordsApart", "검색엔진 물관리", []string{"kwater/rfp-2023-17"}, []string{"kwater/rep-2022-03"}},
		{"WordsApartWithParticle", "플랫폼과 검색엔진을", []string{"kwater/rfp-2023-17"}, []string{"kwater/rep-2022-03"}},
		{"Nothing", "양자컴퓨터 반도체", nil, nil},
		{"NothingSearchable", "?!", nil, nil},
		{"SingleSyllable", "회", []string{"seoul/min-2024-11", "busan/rul-2024-09"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := x.Search(context.Background(), federation.Query{Text: tc.text, Size: 100})
			if err != nil {
				t.Fatalf("%q: %v", tc.text, err)
			}
			got := IDs(res)
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("%q: %s missing from %v", tc.text, w, got)
				}
			}
			for _, n := range tc.not {
				if slices.Contains(got, n) {
					t.Errorf("%q: %s unexpectedly in %v", tc.text, n, got)
				}
			}
			if tc.want == nil && tc.not == nil && res.Total != 0 {
				t.Errorf("%q: want nothing, got %v", tc.text, got)
			}
			if res.Total != len(got) {
				t.Errorf("total %d, hits %d", res.Total, len(got))
			}
		})
	}
}

func search(t *testing.T, x federation.Index, q federation.Query) *federation.Result {
	t.Helper()
	res, err := x.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

// Filters: each filter keeps exactly the matching fixtures; an unknown
// tenant keeps none.
func Filters(t *testing.T, x federation.Index) {
	all := search(t, x, federation.Query{})
	count := func(f []federation.FacetValue, v string) int {
		for _, x := range f {
			if x.Value == v {
				return x.Count
			}
		}
		return 0
	}
	for _, tc := range []struct {
		name  string
		q     federation.Query
		check func(federation.Hit) bool
		want  int
	}{
		{"Tenant", federation.Query{Tenant: "seoul"}, func(h federation.Hit) bool { return h.Tenant == "seoul" }, count(all.Facets.Tenant, "seoul")},
		{"Type", federation.Query{Type: "ruling"}, func(h federation.Hit) bool { return h.Type == "ruling" }, count(all.Facets.Type, "ruling")},
		{"Year", federation.Query{Year: 2024}, func(h federation.Hit) bool { return h.Produced.Year == 2024 }, count(all.Facets.Year, "2024")},
		{"Format", federation.Query{Format: "hwpx"}, func(h federation.Hit) bool { return slices.Contains(h.Formats, "hwpx") }, count(all.Facets.Format, "hwpx")},
		{"Combined", federation.Query{Text: "디지털", Tenant: "seoul", Format: "pdf"}, func(h federation.Hit) bool {
			return h.Tenant == "seoul" && slices.Contains(h.Formats, "pdf")
		}, 1},
		{"UnknownTenant", federation.Query{Tenant: "nowhere"}, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Size = 100
			res := search(t, x, tc.q)
			if res.Total != tc.want || len(res.Hits) != tc.want || tc.want == 0 && tc.check != nil {
				t.Fatalf("total %d hits %d, want %d", res.Total, len(res.Hits), tc.want)
			}
			for _, h := range res.Hits {
				if !tc.check(h) {
					t.Errorf("hit %s/%s does not pass the filter: %+v", h.Tenant, h.ID, h)
				}
			}
		})
	}
}

// Paging: pages neither repeat nor skip a hit.
func Paging(t *testing.T, x federation.Index) {
	for _, q := range []federation.Query{{}, {Text: "디지털"}, {Text: "년"}, {Sort: federation.SortNewest, Text: "예산"}} {
		t.Run(fmt.Sprintf("%q/%s", q.Text, q.Sort), func(t *testing.T) {
			full := q
			full.Size = 100
			want := IDs(search(t, x, full))
			if len(want) < 3 {
				t.Fatalf("too few hits to page: %v", want)
			}
			var got []string
			for page := 1; ; page++ {
				p := q
				p.Page, p.Size = page, 3
				res := search(t, x, p)
				if res.Total != len(want) {
					t.Fatalf("page %d total %d, want %d", page, res.Total, len(want))
				}
				if len(res.Hits) == 0 {
					break
				}
				got = append(got, IDs(res)...)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("pages give %v, want %v", got, want)
			}
		})
	}
}

// HitsAndSnippets: a hit carries the entry's fields; snippets are escaped
// HTML with the matches marked.
func HitsAndSnippets(t *testing.T, x federation.Index) {
	res := search(t, x, federation.Query{Text: "해외 직접 투자", Sort: federation.SortNewest})
	h := res.Hits[0]
	if h.Tenant != "moef" || h.ID != "2024-0001" || h.Title != "'24년 1분기 해외직접투자 동향" || h.Number != "투자정책과-1234" ||
		h.Department != "대외경제국 투자정책과" || h.Produced.String() != "2024-06-21" || !slices.Equal(h.Formats, []string{"hwpx", "pdf"}) ||
		h.Disclosure != "full" || h.Type != "press-release" || h.Score <= 0 {
		t.Fatalf("hit %+v", h)
	}
	if !strings.Contains(h.Snippet, "<mark>해외직접투자</mark>") {
		t.Fatalf("snippet %q", h.Snippet)
	}

	t.Run("Escaped", func(t *testing.T) {
		res := search(t, x, federation.Query{Text: "script 예산"})
		if res.Total != 1 {
			t.Fatalf("got %v", IDs(res))
		}
		h := res.Hits[0]
		if h.Title != "<script>alert(1)</script> 검토 결과" {
			t.Fatalf("title %q: the title is plain text", h.Title)
		}
		if strings.Contains(h.Snippet, "<script") || !strings.Contains(h.Snippet, "&lt;<mark>script</mark>&gt;") || !strings.Contains(h.Snippet, "&amp;") {
			t.Fatalf("snippet %q", h.Snippet)
		}
	})
	t.Run("FromSummaryWithoutText", func(t *testing.T) {
		res := search(t, x, federation.Query{Text: "과세표준"})
		if res.Total != 1 || !strings.Contains(res.Hits[0].Snippet, "<mark>과세표준</mark>") {
			t.Fatalf("got %+v", res.Hits)
		}
	})
	t.Run("NoTextStartOfText", func(t *testing.T) {
		res := search(t, x, federation.Query{Tenant: "busan", Type: "research"})
		if res.Total != 1 || !strings.HasPrefix(res.Hits[0].Snippet, "해양 관광 수요") || strings.Contains(res.Hits[0].Snippet, "<mark>") {
			t.Fatalf("got %+v", res.Hits)
		}
	})
}
