package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// mustContain fails unless body holds every one of wants.
func mustContain(t *testing.T, what string, body []byte, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(string(body), w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what string, body []byte, nots ...string) {
	t.Helper()
	for _, w := range nots {
		if strings.Contains(string(body), w) {
			t.Errorf("%s: must not contain %q", what, w)
		}
	}
}

// htmlPage GETs a page and checks it is 200 HTML.
func htmlPage(t *testing.T, s *Server, target string, header ...string) []byte {
	t.Helper()
	res, body := get(t, s, target, header...)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d; body %.500s", target, res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("GET %s: Content-Type %q", target, ct)
	}
	return body
}

func TestPages(t *testing.T) {
	s, fx := newTestServer(t)
	press24, press25 := fx.docs[docPress24], fx.docs[docPress25]

	t.Run("Home", func(t *testing.T) {
		body := htmlPage(t, s, "/")
		mustContain(t, "home", body, `<html lang="ko">`, "기관별 문서", "최근 공개 문서", "중앙행정기관",
			"기획재정부", `href="/t/moef"`, "모든 기관", "서울특별시", `name="q"`, `<label for="q-home"`,
			`href="`+docURL(press25.Tenant, press25.ID)+`"`)
	})
	t.Run("HomeEnglish", func(t *testing.T) {
		res, body := get(t, s, "/?lang=en")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d", res.StatusCode)
		}
		mustContain(t, "home en", body, `<html lang="en">`, "Documents by body", "Latest documents",
			"Ministry of Economy and Finance", "Ministries", `hreflang="ko"`)
		var cookie *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == langCookie {
				cookie = c
			}
		}
		if cookie == nil || cookie.Value != "en" {
			t.Fatalf("no lang=en cookie set: %v", res.Cookies())
		}
		// The cookie keeps English without the parameter; ?lang=ko switches back.
		mustContain(t, "home by cookie", htmlPage(t, s, "/", "Cookie", "lang=en"), "Documents by body")
		mustContain(t, "home ko", htmlPage(t, s, "/?lang=ko", "Cookie", "lang=en"), "기관별 문서")
	})

	t.Run("Search", func(t *testing.T) {
		body := htmlPage(t, s, "/search?q="+url.QueryEscape("해외직접투자"))
		mustContain(t, "search", body, "검색 결과", "1분기 해외직접투자 동향", "기획재정부", "보도자료",
			`href="`+docURL(press24.Tenant, press24.ID)+`"`, `href="`+docURL(press25.Tenant, press25.ID)+`"`,
			"<mark>", "문서 유형", "생산 연도", "파일 형식", "정확도순", "최신순", "HWPX",
			// a facet link adds its filter to the query in force
			"q=%ED%95%B4%EC%99%B8%EC%A7%81%EC%A0%91%ED%88%AC%EC%9E%90&amp;type=press-release")
		mustNotContain(t, "search", body, "&lt;mark&gt;")
	})
	t.Run("SearchSpacingAndParticles", func(t *testing.T) {
		// 업무계획을 (with a particle) still finds the work plan.
		body := htmlPage(t, s, "/search?q="+url.QueryEscape("업무계획을"))
		mustContain(t, "search particle", body, docURL(fx.docs[docWorkPlan].Tenant, fx.docs[docWorkPlan].ID))
	})
	t.Run("SearchEnglish", func(t *testing.T) {
		body := htmlPage(t, s, "/search?lang=en&q="+url.QueryEscape("해외직접투자"))
		mustContain(t, "search en", body, "results for", "Press release", "Refine", "Relevance")
	})
	t.Run("SearchFilterActive", func(t *testing.T) {
		body := htmlPage(t, s, "/search?type=statistics")
		mustContain(t, "filtered", body, "적용된 조건", "문서 유형: 통계", "검색 결과 2건",
			`<input type="hidden" name="type" value="statistics">`, `aria-current="true"`)
		mustNotContain(t, "filtered", body, press24.Title)
	})
	t.Run("SearchPaging", func(t *testing.T) {
		body := htmlPage(t, s, "/search?page=2")
		mustContain(t, "page 2", body, `aria-label="페이지 이동"`, `aria-current="page"`, `rel="prev"`, `href="/search"`)
	})

	t.Run("Document", func(t *testing.T) {
		body := htmlPage(t, s, docURL(press24.Tenant, press24.ID))
		mustContain(t, "document", body, "1분기 해외직접투자 동향", "문서 정보", "기관", "유형", "부서", "대외경제국",
			"문서번호", "생산일자", "2024-06-21", "공개일", "공개구분", "공개", "원문 파일",
			"moef_press_2024q1_overseas_direct_investment.hwpx", "HWPX",
			`href="`+fileURL(press24.Tenant, press24.ID, 0)+`"`, `<pre class="preview"`, "본문 미리보기",
			"관련 문서", `href="`+docURL(press25.Tenant, press25.ID)+`"`, `href="/t/moef"`)
		mustNotContain(t, "document", body, `href="/request?doc=`, "비공개 근거")
	})
	t.Run("DocumentEnglish", func(t *testing.T) {
		body := htmlPage(t, s, docURL(press24.Tenant, press24.ID)+"?lang=en")
		mustContain(t, "document en", body, "Document details", "Produced", "Original files", "Text preview",
			"Related documents", "Ministry of Economy and Finance", "Press release")
	})
	t.Run("DocumentPDFInline", func(t *testing.T) {
		d := fx.docs[docWorkPlanPDF]
		body := htmlPage(t, s, docURL(d.Tenant, d.ID))
		mustContain(t, "pdf document", body, fileURL(d.Tenant, d.ID, 0)+"?inline=1", "바로보기", "PDF")
	})
	t.Run("DocumentWithheld", func(t *testing.T) {
		d := fx.docs[docWithheld]
		body := htmlPage(t, s, docURL(d.Tenant, d.ID))
		mustContain(t, "withheld", body, d.Title, "비공개", "비공개 근거", "정보공개법 제9조 제1항 제5호",
			"정보공개청구", `href="/request?doc=`+d.ID+`&amp;tenant=moef"`, "국제조세제도과")
		mustNotContain(t, "withheld", body, "/files/0", `<pre class="preview"`, `id="files-h"`, `id="preview-h"`)
	})
	t.Run("RequestGuidance", func(t *testing.T) {
		d := fx.docs[docWithheld]
		body := htmlPage(t, s, "/request?doc="+d.ID+"&tenant=moef")
		mustContain(t, "request", body, "정보공개청구 안내", "제11조", "www.open.go.kr", d.Title, "기획재정부", `href="`+docURL(d.Tenant, d.ID)+`"`,
			"비공개", "정보공개법 제9조 제1항 제5호")
		body = htmlPage(t, s, "/request?lang=en")
		mustContain(t, "request en", body, "How to request disclosure", "Art. 11")
		if res, _ := get(t, s, "/request?doc=nope&tenant=moef"); res.StatusCode != 404 {
			t.Fatalf("request for an unknown document: %d", res.StatusCode)
		}
		if res, _ := get(t, s, "/request?doc="+d.ID+"&tenant=nts"); res.StatusCode != 404 {
			t.Fatalf("request naming another tenant: %d", res.StatusCode)
		}
	})
	t.Run("LanguageLinkStaysOnSite", func(t *testing.T) {
		res, body := get(t, s, "//evil.example/x")
		if res.StatusCode != http.StatusNotFound || strings.Contains(string(body), `href="//evil.example`) {
			t.Fatalf("status %d; the language link may leave the site: %.300s", res.StatusCode, body)
		}
		mustContain(t, "language link", body, `class="lang" href="?lang=en"`)
	})
	t.Run("ScriptTitleEscaped", func(t *testing.T) {
		d := fx.docs[docScript]
		for _, target := range []string{docURL(d.Tenant, d.ID), "/t/nts", "/search?tenant=nts", "/"} {
			body := htmlPage(t, s, target)
			mustContain(t, target, body, "&lt;script&gt;alert(1)&lt;/script&gt; 테스트")
			mustNotContain(t, target, body, "<script")
		}
	})

	t.Run("Tenant", func(t *testing.T) {
		body := htmlPage(t, s, "/t/moef")
		mustContain(t, "tenant", body, "<h1>기획재정부</h1>", "중앙행정기관", "Ministry of Economy and Finance",
			"공개 문서 수", "5건", "이 기관의 문서", "통합재정통계", `action="/t/moef"`, "문서 유형")
		// The tenant is fixed, so it is no facet and no filter of links.
		mustNotContain(t, "tenant", body, "tenant=moef", "kwater")
		// Filters on a tenant page stay on it.
		body = htmlPage(t, s, "/t/moef?type=statistics")
		mustContain(t, "tenant filtered", body, "검색 결과 2건", `href="/t/moef"`, "5건")
		mustNotContain(t, "tenant filtered", body, "해외직접투자 동향")
	})
	t.Run("TenantEnglish", func(t *testing.T) {
		body := htmlPage(t, s, "/t/nikl?lang=en")
		mustContain(t, "tenant en", body, "National Institute of Korean Language", "Korean name", "국립국어원", "2 documents")
	})
	t.Run("TenantWithCode", func(t *testing.T) {
		body := htmlPage(t, s, "/t/gangdong-gu")
		mustContain(t, "default tenant", body, "강동구", "3240000", "자치구", "0건", "조건에 맞는 문서가 없습니다")
	})

	t.Run("NotFound", func(t *testing.T) {
		for _, target := range []string{
			"/d/moef/no-such-doc",
			"/d/no-such-tenant/" + press24.ID,
			"/d/nts/" + press24.ID, // another tenant's id
			"/d/moef/..%2f..%2fetc",
			"/t/no-such-tenant",
			"/no/such/page",
			fileURL(press24.Tenant, press24.ID, 7),
			"/d/nts/" + press24.ID + "/files/0",
		} {
			res, body := get(t, s, target)
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", target, res.StatusCode)
				continue
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("GET %s: Content-Type %q", target, ct)
			}
			mustContain(t, target, body, "오류 404", `href="/"`)
		}
	})
	t.Run("BadParams", func(t *testing.T) {
		for target, want := range map[string]string{
			"/search?page=abc":                      "page 값은 정수여야 합니다",
			"/search?page=-1":                       "페이지 번호는",
			"/search?year=20x4":                     "year 값은 정수여야 합니다",
			"/search?sort=oldest":                   "정렬 방식",
			"/t/moef?page=0x10":                     "정수",
			"/search?q=" + strings.Repeat("가", 600): "검색어가 너무 깁니다",
			"/search?page=0":                        "페이지 번호는 1부터 1000까지입니다",
			"/search?page=":                         "page 값은 정수여야 합니다",
			"/search?year=0":                        "연도는 1000부터 9999까지입니다",
			"/t/moef?page=0":                        "페이지 번호는",
			"/search?tenant=nope":                   "&#34;nope&#34;",
			"/search?tenant=nope&q=abc":             "unknown tenant",
			"/search?q=%ff%fe":                      "UTF-8",
			"/t/moef?q=%ff":                         "UTF-8",
		} {
			res, body := get(t, s, target)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("GET %.40s: status %d, want 400", target, res.StatusCode)
				continue
			}
			mustContain(t, target[:min(len(target), 40)], body, "오류 400", want)
		}
	})
	t.Run("SecurityHeaders", func(t *testing.T) {
		res, _ := get(t, s, "/")
		for h, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "strict-origin-when-cross-origin",
			"X-Frame-Options":        "DENY",
		} {
			if got := res.Header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("CSP %q", csp)
		}
	})
	t.Run("Static", func(t *testing.T) {
		res, body := get(t, s, "/static/style.css")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
			t.Fatalf("style.css: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		mustContain(t, "css", body, "--brand")
	})
}
