package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHeaderDocs(t *testing.T) {
	for _, c := range []struct {
		file          string
		want          HeaderFields // Summary: a prefix
		summaryEnding string
	}{
		{"docs/hwp/nts_ruling_2008-12-26_beopgyu-yangdo-2008-0091.hwp", HeaderFields{
			Number: "법규양도2008-0091", Subject: "양도", Date: "2008-12-26",
			Title:   "상가를 구분 소유한 자 들이 공동으로 상가를 재건축하는 경우 양도소득세 과세 여부",
			Summary: "상가(그 부수토지 포함) 1동을 구분 소유하는 자들이"}, "양도에 해당함"},
		{"docs/hwp/moef_tax_reply_2022-02-23_intl-tax-98.hwp", HeaderFields{
			Number: "기획재정부 국제조세제도과-98", Subject: "국조", Date: "2022-02-23",
			Title:   "국내결손이 발생한 경우 외국납부세액공제 이월공제 배제금액 계산방법",
			Summary: "｢법인세법｣ 제57조제1항에 따른 외국법인세액 중"}, "계산하는 것임"},
		{"docs/hwp/nts_review_decision_2014-01-14_jeokbu-2013-0554.hwp", HeaderFields{
			Number: "국세청적부2013-0554", Subject: "법인", Date: "2014-01-14",
			Title:   "청구법인이 모법인으로부터 받은 반도체 임가공용역 대가에 연구개발용역에 대한 대가가 포함되어 있지 않음",
			Summary: "모법인과 1999년 연구개발용역을 계약하고"}, "받지 않았음이 확인됨"},
		{"docs/hwp/supreme_court_tax_case_2015-06-11_2015du38849.hwp", HeaderFields{
			Number: "대법원-2015-두-38849", Subject: "소득", Date: "2015-06-11",
			Title:   "(심리불속행) 주주임원 단기채권이 사외에 유출된 것이 분명하다고 보기 어려움",
			Summary: "(원심 요지) 원고가 대표이사로 취임하면서"}, "분명하다고 보기는 어려움"},
		{"docs/hwp/tax_tribunal_decision_2009-10-27_josim-2009-jeon-9999.hwp", HeaderFields{
			Number: "조심2009전9999", Subject: "부가", Date: "2009-10-27",
			Title:   "부과처분과 관련한 거래금액의 실질 귀속이 누구인지 여부",
			Summary: "청구인과 청구인외 000은 명의대여에 대한 각서를"}, "볼수 있는지 여부"},
	} {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			res, err := File(c.file, corpusFile(t, c.file))
			if err != nil {
				t.Fatal(err)
			}
			h := Header(res.Text)
			if h.Number != c.want.Number || h.Subject != c.want.Subject || h.Date != c.want.Date || h.Title != c.want.Title {
				t.Errorf("got  %+v\nwant %+v", h, c.want)
			}
			if !strings.HasPrefix(h.Summary, c.want.Summary) || !strings.HasSuffix(h.Summary, c.summaryEnding) {
				t.Errorf("summary %q", h.Summary)
			}
		})
	}
}

func TestHeaderLayouts(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       HeaderFields
	}{
		{"cells on lines, value over several lines",
			"[ 문서번호 ]\n부가1265-1184 (1979. 5. 1.)\n[ 제 목 ]\n관광지 선박의\n운송용역\n[ 요 지 ]\n과세됨\n[ 회 신 ]\n본문",
			HeaderFields{Number: "부가1265-1184", Date: "1979-05-01", Title: "관광지 선박의 운송용역", Summary: "과세됨"}},
		{"label and value on one line",
			"문서번호\t서면2팀-123 (2006.02.03)\n세목: 법인\n제목：접대비 한도\n요지\t손금불산입함\n관련법령\t법인세법",
			HeaderFields{Number: "서면2팀-123", Subject: "법인", Date: "2006-02-03", Title: "접대비 한도", Summary: "손금불산입함"}},
		{"bracket label with value",
			"[문서번호] 조심2009전9999 (2009.10.27)\n[제목] 실질 귀속\n[요지] 기각함\n[결정내용] …",
			HeaderFields{Number: "조심2009전9999", Date: "2009-10-27", Title: "실질 귀속", Summary: "기각함"}},
		{"court case number, dashes are not a date",
			"[ 사건번호 ]\n대법원-2020-두-41733(2020.09.24)\n[ 제 목 ]\n당부",
			HeaderFields{Number: "대법원-2020-두-41733", Date: "2020-09-24", Title: "당부"}},
		{"impossible date",
			"[ 문서번호 ]\n부가-1 (2009.02.30)\n[ 제 목 ]\n가",
			HeaderFields{Number: "부가-1 (2009.02.30)", Title: "가"}},
		{"body labels after the summary are not read",
			"[ 제 목 ]\n첫 제목\n[ 요 지 ]\n요지 내용\n[ 회 신 ]\n본문\n[ 제 목 ]\n둘째 제목\n문서번호\n가-2 (2001.1.1)",
			HeaderFields{Title: "첫 제목", Summary: "요지 내용"}},
		{"no header", "보도자료\n2024. 6. 21.(금)\n제목이 없는 글", HeaderFields{}},
		{"empty", "", HeaderFields{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Header(c.text); got != c.want {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
	long := "[ 요 지 ]\n" + strings.Repeat("가나다라마 ", 400)
	if n := len([]rune(Header(long).Summary)); n != maxSummaryRunes {
		t.Errorf("summary of %d runes, want %d", n, maxSummaryRunes)
	}
}

// TestNTSBulk reads all 1,000 rulings and decisions of the NTS collection:
// at least 99% must extract and give a header with title, number and date.
func TestNTSBulk(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "bulk", "nts")
	files, err := filepath.Glob(filepath.Join(dir, "*.hwp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 1000 {
		t.Fatalf("%d files in %s, want 1000", len(files), dir)
	}
	var extracted, complete, withSubject, withSummary int
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res, err := File(filepath.Base(f), data)
		if err != nil {
			t.Logf("not extracted: %v", err)
			continue
		}
		extracted++
		h := Header(res.Text)
		if h.Title == "" || h.Number == "" || h.Date == "" {
			t.Logf("incomplete header: %s: %+v", filepath.Base(f), h)
			continue
		}
		complete++
		if h.Subject != "" {
			withSubject++
		}
		if h.Summary != "" {
			withSummary++
		}
	}
	t.Logf("%d files: %d extracted, %d with title+number+date (%d also with 세목, %d with 요지)", len(files), extracted, complete, withSubject, withSummary)
	if min := len(files) * 99 / 100; extracted < min || complete < min {
		t.Errorf("below 99%%: %d extracted, %d complete headers of %d", extracted, complete, len(files))
	}
}
