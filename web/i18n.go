package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/plaza-portal/plaza/tenants"
)

// Languages of the pages. Korean is the default; English is chosen with
// ?lang=en and remembered in a cookie.
const (
	langKo     = "ko"
	langEn     = "en"
	langCookie = "lang"
)

// labels holds every label of the pages: key → {Korean, English}. Document
// types, disclosure levels and grounds are labelled by the domain
// (tenants.DocType.Label and friends).
var labels = map[string][2]string{
	"site":           {"Plaza 정보공개", "Plaza Open Information"},
	"tagline":        {"여러 공공기관이 공개한 행정문서를 한 번에 찾아보세요", "Search the documents of many Korean public bodies at once"},
	"skip":           {"본문 바로가기", "Skip to content"},
	"other_lang":     {"English", "한국어"},
	"footer":         {"Plaza는 공공기관 정보공개를 위한 오픈소스 포털입니다.", "Plaza is an open-source portal for public-sector information disclosure."},
	"search":         {"검색", "Search"},
	"search_label":   {"검색어", "Search terms"},
	"search_hint":    {"예: 해외직접투자, 업무계획, 양도소득세", "e.g. 해외직접투자, 업무계획, 양도소득세"},
	"search_docs":    {"문서 검색", "Search documents"},
	"bodies":         {"기관별 문서", "Documents by body"},
	"all_bodies":     {"모든 기관", "All bodies"},
	"no_bodies":      {"아직 공개된 문서가 없습니다.", "No documents have been published yet."},
	"latest":         {"최근 공개 문서", "Latest documents"},
	"hero_total":     {"공개 문서 %d건", "%d documents published"},
	"n_docs":         {"%d건", "%d documents"},
	"results":        {"검색 결과 %d건", "%d results"},
	"results_for":    {"‘%s’ 검색 결과 %d건", "%[2]d results for ‘%[1]s’"},
	"results_h":      {"검색 결과", "Results"},
	"no_results":     {"조건에 맞는 문서가 없습니다.", "No documents match."},
	"refine":         {"검색 조건", "Refine"},
	"active":         {"적용된 조건", "Active filters"},
	"remove":         {"%s 조건 해제", "Remove filter %s"},
	"clear_all":      {"조건 모두 해제", "Clear all filters"},
	"facet_tenant":   {"기관", "Body"},
	"facet_type":     {"문서 유형", "Type"},
	"facet_year":     {"생산 연도", "Year produced"},
	"facet_format":   {"파일 형식", "File format"},
	"sort":           {"정렬", "Sort"},
	"sort_relevance": {"정확도순", "Relevance"},
	"sort_newest":    {"최신순", "Newest"},
	"pages":          {"페이지 이동", "Pages"},
	"prev":           {"이전", "Previous"},
	"next":           {"다음", "Next"},
	"page_n":         {"%d 페이지", "Page %d"},
	"m_tenant":       {"기관", "Body"},
	"m_title":        {"제목", "Title"},
	"m_type":         {"유형", "Type"},
	"m_department":   {"부서", "Department"},
	"m_number":       {"문서번호", "Document number"},
	"m_produced":     {"생산일자", "Produced"},
	"m_disclosed":    {"공개일", "Disclosed"},
	"m_disclosure":   {"공개구분", "Disclosure"},
	"m_grounds":      {"비공개 근거", "Grounds for withholding"},
	"m_formats":      {"파일 형식", "Formats"},
	"metadata":       {"문서 정보", "Document details"},
	"summary":        {"요약", "Summary"},
	"files":          {"원문 파일", "Original files"},
	"file_name":      {"파일명", "File name"},
	"file_format":    {"형식", "Format"},
	"file_size":      {"크기", "Size"},
	"download":       {"내려받기", "Download"},
	"download_x":     {"%s 내려받기", "Download %s"},
	"view_pdf":       {"바로보기", "View"},
	"view_pdf_x":     {"%s 바로보기", "View %s"},
	"preview":        {"본문 미리보기", "Text preview"},
	"preview_cut":    {"앞부분 %d자만 보여 줍니다. 전체 내용은 원문 파일을 내려받아 확인하세요.", "Only the first %d characters are shown; download the original for the rest."},
	"no_text":        {"이 문서에서 추출한 본문이 없습니다.", "No text was extracted from this document."},
	"related":        {"관련 문서", "Related documents"},
	"tenant_docs":    {"%s의 문서 모두 보기", "All documents of %s"},
	"not_disclosed":  {"이 문서는 비공개입니다. 문서 목록 정보만 공개되며, 본문과 원문 파일은 제공하지 않습니다. 내용이 필요하면 정보공개를 청구할 수 있습니다.", "This document is not disclosed. Only its listing is public; its text and files are not provided. You may request its disclosure."},
	"partial":        {"부분공개 문서입니다. 비공개 근거에 해당하는 부분은 제외하고 공개합니다.", "Partly disclosed: the parts covered by the grounds below are withheld."},
	"request":        {"정보공개청구", "Request disclosure"},
	"request_title":  {"정보공개청구 안내", "How to request disclosure"},
	"request_doc":    {"청구할 문서", "The document to request"},
	"request_how":    {"누구나 공공기관이 가진 정보의 공개를 청구할 수 있습니다(공공기관의 정보공개에 관한 법률 제5조). 기관은 청구를 받은 날부터 10일 이내에 공개 여부를 결정해야 하며, 부득이한 경우 10일을 연장할 수 있습니다(제11조).", "Anyone may request the disclosure of information held by a public body (Official Information Disclosure Act, Art. 5). The body must decide within 10 days of receiving the request, extendable once by 10 days (Art. 11)."},
	"request_where":  {"Plaza에서 직접 청구하는 기능은 준비 중입니다. 지금은 정보공개포털(www.open.go.kr)이나 해당 기관에 서면·전자우편으로 청구하세요. 청구서에 기관명과 문서 제목을(문서번호가 있으면 그것도) 적으면 문서를 바로 찾을 수 있습니다.", "Requesting through Plaza itself is not available yet. For now, file the request on the national portal (www.open.go.kr) or with the body in writing or by e-mail, naming the body and the title of the document (and its number, if it has one) so it can be found at once."},
	"t_kind":         {"구분", "Kind"},
	"t_code":         {"기관코드", "Institution code"},
	"t_name_ko":      {"한글 이름", "Korean name"},
	"t_name_en":      {"영문 이름", "English name"},
	"t_docs":         {"공개 문서 수", "Documents"},
	"t_documents":    {"이 기관의 문서", "Documents of this body"},
	"error":          {"오류", "Error"},
	"error_status":   {"오류 %d", "Error %d"},
	"home":           {"처음으로", "Home"},
	"unknown":        {"-", "-"},

	"kind_city":               {"광역자치단체", "Metropolitan government"},
	"kind_district":           {"자치구", "Autonomous districts"},
	"kind_council":            {"의회", "Council"},
	"kind_agency":             {"소속·산하기관", "Agencies"},
	"kind_ministry":           {"중앙행정기관", "Ministries"},
	"kind_public-corporation": {"공사·공단", "Public corporations"},

	// One tenant's kind, where the group names above would be plural.
	"kind1_city":               {"광역자치단체", "Metropolitan government"},
	"kind1_district":           {"자치구", "Autonomous district"},
	"kind1_council":            {"의회", "Council"},
	"kind1_agency":             {"소속·산하기관", "Agency"},
	"kind1_ministry":           {"중앙행정기관", "Ministry"},
	"kind1_public-corporation": {"공사·공단", "Public corporation"},
}

// label returns the label for key in lang; an unknown key shows itself, so
// a missing label is visible rather than blank.
func label(lang, key string) string {
	l, ok := labels[key]
	if !ok {
		return key
	}
	if lang == langEn {
		return l[1]
	}
	return l[0]
}

// labelf formats the label for key with args.
func labelf(lang, key string, args ...any) string {
	return fmt.Sprintf(label(lang, key), args...)
}

// kindLabel names the group of tenants of a kind ("Ministries").
func kindLabel(lang string, k tenants.TenantKind) string { return label(lang, "kind_"+string(k)) }

// kindName names the kind of one tenant ("Ministry").
func kindName(lang string, k tenants.TenantKind) string { return label(lang, "kind1_"+string(k)) }

// language picks the page language: ?lang= first (and remembered in a
// cookie for a year), then the cookie, then Korean.
func language(c *fiber.Ctx) string {
	switch q := c.Query("lang"); q {
	case langKo, langEn:
		if c.Cookies(langCookie) != q {
			c.Cookie(&fiber.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: fiber.CookieSameSiteLaxMode})
		}
		return q
	}
	if c.Cookies(langCookie) == langEn {
		return langEn
	}
	return langKo
}
