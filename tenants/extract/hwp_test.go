package extract

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
)

// docPhrases lists, per corpus document, phrases checked by hand to be in
// it. cells are whole table cells: each must come out as a line of its own,
// neither glued to its neighbours nor split.
var docPhrases = []struct {
	file    string
	phrases []string
	cells   []string
}{
	{"docs/hwp/kcdc_2016_gov_award_recommendation_forms.hwp",
		[]string{"임금체불에 따른 처분여부를 조회하여"},
		[]string{"추천제한 조회결과", "질병관리본부(감염병관리과) 일괄 조회"}},
	{"docs/hwp/kwater_2025_digital_platform_rfp.hwp",
		[]string{"RFP: Request For Proposal", "SFR-CLOUD-004"},
		[]string{"K-water 디지털플랫폼 구축", "㉰ 인감증명서 및 사용인감계 각 1부"}},
	{"docs/hwp/kwater_press_2026-01-30_bonghwa_dam.hwp",
		[]string{"안전 5대 수칙", "작업중지권"},
		[]string{"혹한기 봉화댐 건설 현장점검 ‘안전 온도 높인다’"}},
	{"docs/hwp/moef_integrated_fiscal_stats_2010-11.hwp",
		[]string{"공무원연금기여금"},
		[]string{"통 합 재 정 통 계", "168,550", "지출 및 순융자 (B)"}},
	{"docs/hwp/moef_integrated_fiscal_stats_2014-08.hwp",
		[]string{"기획재정부 홈페이지 공표 자료(안)"},
		[]string{"통합재정수입 (A)", "138,756"}},
	{"docs/hwp/moef_press_2024q1_overseas_direct_investment.hwp",
		[]string{"150.9억 달러", "stats.koreaexim.go.kr"},
		[]string{"전문과학기술업", "(△51.2)"}},
	{"docs/hwp/moef_tax_reply_2022-02-23_intl-tax-98.hwp",
		[]string{"국제조세제도과-98", "외국납부세액공제"},
		[]string{"국내결손이 발생한 경우 외국납부세액공제 이월공제 배제금액 계산방법"}},
	{"docs/hwp/moel_2025_work_report.hwp",
		[]string{"노조법 2·3조 개정"},
		[]string{"고용노동부 업무보고", "산업안전보건정책실"}},
	{"docs/hwp/mss_2025_startup_leap_business_plan_form.hwp",
		[]string{"파란색 글씨로 작성된 안내 문구"},
		[]string{"창업도약패키지 사업계획서 작성 목차 (일반형)", "2. 실현가능성 (Solution)"}},
	{"docs/hwp/nikl_2022_work_plan.hwp",
		[]string{"23종 20억 어절 공개"},
		[]string{"2022년 국립국어원 업무계획", "1-2. 국어사전 개편 및 다변화\t18"}},
	{"docs/hwp/nipa_2026_ai_semiconductor_pilot_call.hwp",
		[]string{"AI반도체 기반 해외 실증 환경 구축"},
		[]string{"2026년『AI-반도체 해외실증 지원』", "사업 공모 안내서(엣지형)"}},
	{"docs/hwp/nts_review_decision_2014-01-14_jeokbu-2013-0554.hwp",
		[]string{"이 건 과세전적부심사청구는 불채택 결정합니다."},
		[]string{"국세청적부2013-0554 (2014.01.14)", "[ 결정유형 ]"}},
	{"docs/hwp/nts_ruling_2008-12-26_beopgyu-yangdo-2008-0091.hwp",
		[]string{"소득세법 제88조【양도의 정의】"},
		[]string{"법규양도2008-0091 (2008.12.26.)", "상가를 구분 소유한 자 들이 공동으로 상가를 재건축하는 경우 양도소득세 과세 여부"}},
	{"docs/hwp/supreme_court_tax_case_2015-06-11_2015du38849.hwp",
		[]string{"상고를 기각"},
		[]string{"대법원-2015-두-38849 (2015.06.11)", "(심리불속행) 주주임원 단기채권이 사외에 유출된 것이 분명하다고 보기 어려움"}},
	{"docs/hwp/tax_tribunal_decision_2009-10-27_josim-2009-jeon-9999.hwp",
		[]string{"국세기본법 제14조 【실질과세】"},
		[]string{"조심2009전9999 (2009.10.27)", "부과처분과 관련한 거래금액의 실질 귀속이 누구인지 여부"}},
	{"docs/hwpx/moef_press_2024q1_overseas_direct_investment.hwpx",
		[]string{"150.9억 달러", "stats.koreaexim.go.kr"},
		[]string{"전문과학기술업", "(△51.2)"}},
	{"docs/hwpx/moef_press_2025q1_overseas_direct_investment.hwpx",
		[]string{"업종별 동향(상위 5개)"},
		[]string{"‘25년 1분기 해외직접투자는 151.3억 달러로 전년동기비 8.9% 감소", "2025년 1분기"}},
	{"edge/nibr_2023_wildlife_system_rfp__hwpx_content_with_hwp_extension.hwp",
		[]string{"제 안 요 청 서"},
		[]string{"야생동물 종합관리 시스템 고도화(2023년)", "생물다양성총괄과"}},
}

// checkText asserts the phrases and cells are in text and that the text is
// clean: valid UTF-8, no control characters but newline and tab.
func checkText(t *testing.T, text string, phrases, cells []string) {
	t.Helper()
	if strings.TrimSpace(text) == "" {
		t.Fatal("empty text")
	}
	for _, p := range phrases {
		if !strings.Contains(text, p) {
			t.Errorf("text lacks %q", p)
		}
	}
	lines := map[string]bool{}
	for l := range strings.Lines(text) {
		lines[strings.TrimRight(l, "\n")] = true
	}
	for _, c := range cells {
		if !lines[c] {
			t.Errorf("no line %q (cell text glued to a neighbour or missing)", c)
		}
	}
	if !utf8.ValidString(text) {
		t.Error("text is not valid UTF-8")
	}
	for _, r := range text {
		if r < 0x20 && r != '\n' && r != '\t' {
			t.Errorf("text holds control character %U", r)
			break
		}
	}
}

func TestHWPDocs(t *testing.T) {
	for _, d := range docPhrases {
		if filepath.Ext(d.file) != ".hwp" || strings.HasPrefix(d.file, "edge/") {
			continue
		}
		t.Run(filepath.Base(d.file), func(t *testing.T) {
			res, err := File(d.file, corpusFile(t, d.file))
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != HWP {
				t.Errorf("format %q, want hwp", res.Format)
			}
			checkText(t, res.Text, d.phrases, d.cells)
		})
	}
}

// TestHWPUncompressed reads the one corpus file stored without compression
// (and without a PrvText stream, so the body really is what is read).
func TestHWPUncompressed(t *testing.T) {
	const name = "docs/hwp/kcdc_2016_gov_award_recommendation_forms.hwp"
	data := corpusFile(t, name)
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range doc.File {
		switch f.Name {
		case "FileHeader":
			h, err := readOLEStream(f, len(data))
			if err != nil {
				t.Fatal(err)
			}
			if flags := binary.LittleEndian.Uint32(h[36:]); flags&hwpCompressed != 0 {
				t.Fatalf("flags %#x: the file was expected to be uncompressed", flags)
			}
		case "PrvText":
			t.Fatal("the file was expected to have no PrvText stream")
		}
	}
	res, err := File(name, data)
	if err != nil {
		t.Fatal(err)
	}
	checkText(t, res.Text, []string{"정부포상 추천자 현황", "공적"}, []string{"추천제한 조회결과"})
}

func TestHWPTitle(t *testing.T) {
	res, err := File("nikl.hwp", corpusFile(t, "docs/hwp/nikl_2022_work_plan.hwp"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Title != "2022년 국립국어원 업무계획" {
		t.Errorf("title %q", res.Title)
	}
	// The MOEF release declares the title "3": a placeholder, not a title.
	res, err = File("moef.hwp", corpusFile(t, "docs/hwp/moef_press_2024q1_overseas_direct_investment.hwp"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Title != "" {
		t.Errorf("placeholder title kept: %q", res.Title)
	}
}

func TestEdgeFiles(t *testing.T) {
	t.Run("HWPXNamedHWP", func(t *testing.T) {
		const name = "edge/nibr_2023_wildlife_system_rfp__hwpx_content_with_hwp_extension.hwp"
		res, err := File(name, corpusFile(t, name))
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != HWPX {
			t.Errorf("format %q, want hwpx", res.Format)
		}
		if !strings.Contains(res.Text, "야생동물 종합관리 시스템 고도화") {
			t.Error("text lacks the project name")
		}
	})
	for _, c := range []struct{ file, want string }{
		{"edge/drm_markany_wrapped.hwp", "DRM"},
		{"edge/html_error_page_named_hwp.hwp", "HTML"},
	} {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			res, err := File(c.file, corpusFile(t, c.file))
			var r *Refusal
			if !errors.As(err, &r) {
				t.Fatalf("got %v, %v; want a *Refusal", res, err)
			}
			if !strings.Contains(r.Reason, c.want) {
				t.Errorf("reason %q does not mention %s", r.Reason, c.want)
			}
		})
	}
}

// TestHWPRefusalFlags covers the FileHeader flags no corpus file has.
func TestHWPRefusalFlags(t *testing.T) {
	for _, c := range []struct {
		flags        uint32
		distribution bool
		want         string // in the reason; "" for no refusal
	}{
		{hwpCompressed, false, ""},
		{0, false, ""},
		{hwpCompressed | hwpPassword, false, "password"},
		{hwpCompressed | hwpDRM, false, "DRM"},
		{hwpCertDRM, false, "DRM"},
		{hwpCertEncrypted, false, "certificate"},
		{hwpCompressed | hwpDistribution, false, "distribution"},
		{hwpCompressed, true, "distribution"}, // ViewText without BodyText
	} {
		r := hwpRefusal(c.flags, c.distribution)
		switch {
		case c.want == "" && r != nil:
			t.Errorf("flags %#x: refused: %s", c.flags, r.Reason)
		case c.want != "" && (r == nil || !strings.Contains(r.Reason, c.want)):
			t.Errorf("flags %#x, distribution %v: got %v, want a refusal mentioning %s", c.flags, c.distribution, r, c.want)
		}
	}
}

// TestHWPTruncated cuts real files short: every cut must give an error, and
// none may panic.
func TestHWPTruncated(t *testing.T) {
	for _, name := range []string{
		"docs/hwp/nts_ruling_2008-12-26_beopgyu-yangdo-2008-0091.hwp",
		"docs/hwp/moef_press_2024q1_overseas_direct_investment.hwp",
	} {
		data := corpusFile(t, name)
		for _, n := range []int{8, 100, 512, 513, 1024, 4096, len(data) / 3, len(data) / 2, len(data) - 4096, len(data) - 1} {
			res, err := File("cut.hwp", data[:n])
			if err == nil {
				t.Errorf("%s cut to %d bytes: no error (%d runes of text)", filepath.Base(name), n, utf8.RuneCountInString(res.Text))
			} else if !IsRefusal(err) {
				t.Errorf("%s cut to %d bytes: %v is not a *Refusal", filepath.Base(name), n, err)
			}
		}
	}
}

// TestCorruptInputs feeds garbage behind each magic number.
func TestCorruptInputs(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	garbage := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rnd.Uint32())
		}
		return b
	}
	inputs := map[string][]byte{
		"random":      garbage(4096),
		"ole+garbage": append(append([]byte{}, oleMagic...), garbage(4096)...),
		"zip+garbage": append(append([]byte{}, zipMagic...), garbage(4096)...),
		"ole only":    oleMagic,
		"zip only":    zipMagic,
	}
	// A real HWP with its body sections overwritten by garbage.
	data := bytes.Clone(corpusFile(t, "docs/hwp/nts_ruling_2008-12-26_beopgyu-yangdo-2008-0091.hwp"))
	for i := 4096; i < len(data); i++ {
		data[i] ^= byte(rnd.Uint32())
	}
	inputs["hwp, scrambled after 4 KiB"] = data
	for name, in := range inputs {
		if _, err := File(name, in); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestParaText checks the control character rules of PARA_TEXT on a record
// built by hand.
func TestParaText(t *testing.T) {
	var u []uint16
	ctrl := func(c uint16) { u = append(u, c, 0, 0, 0, 0, 0, 0, c) } // inline/extended: 8 WCHARs
	text := func(s string) {
		for _, r := range s {
			if r >= 0x10000 {
				r1, r2 := utf16Pair(r)
				u = append(u, r1, r2)
			} else {
				u = append(u, uint16(r))
			}
		}
	}
	ctrl(2) // section definition
	text("가")
	ctrl(9) // tab
	text("나")
	u = append(u, 30) // non-breaking space
	text("다")
	ctrl(11)          // table
	text("𠀀")         // outside the BMP: a surrogate pair
	u = append(u, 10) // line break
	text("라")
	u = append(u, 31, 24, 0) // fixed-width space, hyphen, unusable
	ctrl(17)                 // footnote
	text("마")
	u = append(u, 0xD800) // lone surrogate: dropped
	text("바")
	u = append(u, 13) // paragraph end
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	var w strings.Builder
	paraText(&w, b)
	if got, want := w.String(), "가\t나 다𠀀\n라 -마바\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// A control cut short by the end of the record is dropped, not read past.
	w.Reset()
	paraText(&w, b[:len(b)-2*len(u)+2*3])
	if w.Len() != 0 {
		t.Errorf("truncated control gave %q", w.String())
	}
}

func utf16Pair(r rune) (uint16, uint16) {
	r -= 0x10000
	return uint16(0xD800 + r>>10), uint16(0xDC00 + r&0x3FF)
}

func TestHWPRecords(t *testing.T) {
	rec := func(tag, size uint32, body []byte) []byte {
		h := make([]byte, 4)
		binary.LittleEndian.PutUint32(h, tag|size<<20)
		return append(h, body...)
	}
	ok := rec(hwpTagParaText, 4, []byte{'A', 0, 13, 0})
	long := make([]byte, 8)
	binary.LittleEndian.PutUint32(long, hwpTagParaText|0xFFF<<20)
	binary.LittleEndian.PutUint32(long[4:], 6)
	long = append(long, 'B', 0, 'C', 0, 13, 0)
	var w strings.Builder
	if err := hwpSectionText(&w, append(ok, long...)); err != nil || w.String() != "A\nBC\n" {
		t.Errorf("got %q, %v", w.String(), err)
	}
	huge := bytes.Clone(long[:8])
	binary.LittleEndian.PutUint32(huge[4:], 0xFFFFFFFF)
	for name, b := range map[string][]byte{
		"short header":        {1, 2},
		"size past end":       rec(hwpTagParaText, 100, []byte{'A', 0}),
		"extended size cut":   long[:6],
		"extended size huge":  huge,
		"record after a good": append(bytes.Clone(ok), 0x43, 0, 0),
	} {
		w.Reset()
		if err := hwpSectionText(&w, b); !errors.Is(err, errHWPRecord) {
			t.Errorf("%s: got %v, want errHWPRecord", name, err)
		}
	}
}

// TestInflateLimited is the decompression bomb guard: 16 MiB of zeros
// deflate to about 16 KiB.
func TestInflateLimited(t *testing.T) {
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 16 {
		zw.Write(zeros)
	}
	zw.Close()
	if _, err := inflateLimited(buf.Bytes(), 4<<20); !errors.Is(err, errHWPTooLarge) {
		t.Errorf("got %v, want errHWPTooLarge", err)
	}
	out, err := inflateLimited(buf.Bytes(), 16<<20)
	if err != nil || len(out) != 16<<20 {
		t.Errorf("within the limit: %d bytes, %v", len(out), err)
	}
	if _, err := inflateLimited(buf.Bytes()[:buf.Len()/2], 16<<20); err == nil {
		t.Error("truncated deflate stream: no error")
	}
}

// TestHWPAndHWPXAgree compares the two formats of the same MOEF press
// release: the texts must be nearly the same.
func TestHWPAndHWPXAgree(t *testing.T) {
	a, err := File("a.hwp", corpusFile(t, "docs/hwp/moef_press_2024q1_overseas_direct_investment.hwp"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := File("b.hwpx", corpusFile(t, "docs/hwpx/moef_press_2024q1_overseas_direct_investment.hwpx"))
	if err != nil {
		t.Fatal(err)
	}
	sim := bigramJaccard(a.Text, b.Text)
	t.Logf("HWP %d runes, HWPX %d runes, character-bigram Jaccard similarity %.4f", utf8.RuneCountInString(a.Text), utf8.RuneCountInString(b.Text), sim)
	if sim < 0.99 {
		t.Errorf("similarity %.4f < 0.99", sim)
	}
}

// bigramJaccard is the Jaccard similarity of the sets of character bigrams
// of a and b, white space removed.
func bigramJaccard(a, b string) float64 {
	set := func(s string) map[[2]rune]bool {
		rs := []rune(strings.Join(strings.Fields(s), ""))
		m := make(map[[2]rune]bool, len(rs))
		for i := 0; i+1 < len(rs); i++ {
			m[[2]rune{rs[i], rs[i+1]}] = true
		}
		return m
	}
	sa, sb := set(a), set(b)
	inter := 0
	for k := range sa {
		if sb[k] {
			inter++
		}
	}
	union := len(sa) + len(sb) - inter
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}

// BenchmarkHWP measures extraction throughput over a few corpus files of
// different sizes.
func BenchmarkHWP(b *testing.B) {
	var files [][]byte
	var total int64
	for _, name := range []string{
		"docs/hwp/nts_review_decision_2014-01-14_jeokbu-2013-0554.hwp",
		"docs/hwp/moef_press_2024q1_overseas_direct_investment.hwp",
		"docs/hwp/nikl_2022_work_plan.hwp",
		"docs/hwp/moel_2025_work_report.hwp",
		"docs/hwp/kcdc_2016_gov_award_recommendation_forms.hwp",
	} {
		data := corpusFile(b, name)
		files = append(files, data)
		total += int64(len(data))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range files {
			if _, err := readHWP(data); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// FuzzFile feeds mutated small corpus files through File: whatever the
// bytes, it must return a result or an error, never panic or hang. PDF
// inputs are left to the PDF reader's own fuzzing.
func FuzzFile(f *testing.F) {
	for _, name := range []string{
		"docs/hwp/tax_tribunal_decision_2009-10-27_josim-2009-jeon-9999.hwp",
		"docs/hwp/moef_integrated_fiscal_stats_2014-08.hwp",
		"edge/html_error_page_named_hwp.hwp",
	} {
		f.Add(corpusFile(f, name))
	}
	f.Add(buildZip(f, map[string]string{
		"mimetype":              hwpxMimeType,
		"Contents/content.hpf":  `<opf:package xmlns:opf="http://www.idpf.org/2007/opf/"><opf:metadata><opf:title>시험 문서</opf:title></opf:metadata><opf:manifest><opf:item id="s0" href="Contents/section0.xml"/></opf:manifest><opf:spine><opf:itemref idref="s0"/></opf:spine></opf:package>`,
		"Contents/section0.xml": `<hs:sec xmlns:hs="s" xmlns:hp="p"><hp:p><hp:run><hp:t>가나<hp:tab/>다</hp:t></hp:run></hp:p></hs:sec>`,
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		if format, _ := Detect("fuzz", data); format == PDF {
			return // PDFium in wasm is too slow to fuzz here; TestPDFCorrupt covers hostile PDFs
		}
		res, err := File("fuzz", data)
		if err != nil {
			if !IsRefusal(err) {
				t.Fatalf("error %v is not a *Refusal", err)
			}
			return
		}
		if !utf8.ValidString(res.Text) {
			t.Fatal("invalid UTF-8")
		}
	})
}
