package extract

import (
	"bytes"
	"crypto/md5"
	"crypto/rc4"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode"
)

// flat joins text on single spaces, so a phrase matches across the line
// breaks the layout put in it.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// pdfResults keeps what mustReadPDF read: the FAQ takes seconds and two
// tests read it.
var pdfResults sync.Map

func mustReadPDF(t testing.TB, rel string) *Result {
	t.Helper()
	if res, ok := pdfResults.Load(rel); ok {
		return res.(*Result)
	}
	res, err := File(rel, corpusFile(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != PDF {
		t.Fatalf("format = %q, want pdf", res.Format)
	}
	pdfResults.Store(rel, res)
	return res
}

func TestPDFCorpus(t *testing.T) {
	for _, tc := range []struct {
		file    string
		phrases []string // from different pages; tables included
	}{
		{"docs/pdf/nikl_2022_work_plan.pdf", []string{
			"2022년 국립국어원 업무계획",                    // cover
			"2-3. 국외 한국어교원 인증(K-teacher) 프로그램 개발", // contents
			"지속적 국어 말뭉치 구축, 공개로 인공지능 기술 발전 기반 강화", // p. 1
			"원시 말뭉치* 0.31억 어절 18억 어절 1.03억 어절",    // table, p. 1
			"국어문화학교 운영 996 1,245 249 25",          // budget table, last page
		}},
		{"docs/pdf/mss_notice_2025-147_startup_leap_package.pdf", []string{
			"중소벤처기업부 공고 제2025–147호",
			"창업기업의 성장과 도약을 지원하는",
			"실명등록 경로 : www.siren24.com",
			"추가지원사업비 0.65억원 합계 1.95억원", // table, last page
		}},
		{"docs/pdf/mss_2025_startup_leap_package_faq.pdf", []string{
			"1 사업 신청은 어떻게 하나요?",
			"우편 또는 방문을 통해 신청할 수 있나요?",
			"② 사업신청 K-스타트업 로그인 사업공고(모집중) 공고선택", // boxed flow chart
			"이종·동종업종 판단은 한국표준산업분류 코드의 세세분류(5자리) 일치 여부를",
			"‘협약체결 확약서’란 창업사업화 지원사업의 중복수혜 방지를 위해", // last page
		}},
	} {
		t.Run(tc.file[strings.LastIndex(tc.file, "/")+1:], func(t *testing.T) {
			res := mustReadPDF(t, tc.file)
			text := flat(res.Text)
			if len(text) < 20000 {
				t.Errorf("only %d bytes of text", len(text))
			}
			for _, p := range tc.phrases {
				if !strings.Contains(text, p) {
					t.Errorf("text lacks %q", p)
				}
			}
			if strings.ContainsRune(res.Text, unicode.ReplacementChar) || strings.Contains(res.Text, "  ") || strings.Contains(res.Text, "\r") {
				t.Error("text has U+FFFD, double spaces or \\r")
			}
			if !strings.Contains(res.Text, "\n") {
				t.Error("text has no line breaks")
			}
		})
	}
}

// The NIKL work plan was printed to PDF from the HWP file: both must give
// much the same text.
func TestPDFMatchesHWP(t *testing.T) {
	pdf := mustReadPDF(t, "docs/pdf/nikl_2022_work_plan.pdf")
	hwp, err := File("nikl_2022_work_plan.hwp", corpusFile(t, "docs/hwp/nikl_2022_work_plan.hwp"))
	if err != nil {
		t.Fatal(err)
	}
	sim := bigramSimilarity(pdf.Text, hwp.Text)
	t.Logf("Hangul bigram similarity PDF/HWP: %.3f", sim)
	if sim < 0.90 {
		t.Errorf("PDF and HWP text differ: bigram similarity %.3f, want >= 0.90", sim)
	}
}

// bigramSimilarity is the Dice coefficient of the multisets of adjacent
// Hangul syllable pairs in a and b: 1 for the same words in any layout.
func bigramSimilarity(a, b string) float64 {
	count := func(s string) map[[2]rune]int {
		m := map[[2]rune]int{}
		var prev rune
		for _, r := range s {
			if !unicode.Is(unicode.Hangul, r) {
				prev = 0
				continue
			}
			if prev != 0 {
				m[[2]rune{prev, r}]++
			}
			prev = r
		}
		return m
	}
	ca, cb := count(a), count(b)
	common, total := 0, 0
	for k, n := range ca {
		common += min(n, cb[k])
		total += n
	}
	for _, n := range cb {
		total += n
	}
	if total == 0 {
		return 0
	}
	return 2 * float64(common) / float64(total)
}

// Hancom PDF draws most words of the FAQ twice; they must come out once.
func TestPDFDrawnTwice(t *testing.T) {
	text := flat(mustReadPDF(t, "docs/pdf/mss_2025_startup_leap_package_faq.pdf").Text)
	if n := strings.Count(text, "사업 신청은 어떻게 하나요"); n != 1 {
		t.Errorf("question 1 appears %d times, want 1", n)
	}
	for _, doubled := range []string{"창업창업", "하나요하나요", "답변답변", "창업도약패키지 창업도약패키지", "한국표준산업분류 한국표준산업분류", "우선선정대상자도 우선선정대상자도"} {
		if strings.Contains(text, doubled) {
			t.Errorf("text has the doubled %q", doubled)
		}
	}
}

func TestPDFCorrupt(t *testing.T) {
	good := corpusFile(t, "docs/pdf/nikl_2022_work_plan.pdf")
	cases := map[string][]byte{
		"HeaderOnly":       []byte("%PDF-1.7\n"),
		"GarbageAfterHead": append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("\x00\xffgarbage(<<[/"), 5000)...),
		"GarbageWithEOF":   append(append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x<</y 1 0 R>>"), 1000)...), "\n%%EOF\n"...),
		"AbsurdXref":       absurdXrefPDF(),
	}
	for _, n := range []int{16, 1000, len(good) / 3, len(good) / 2, len(good) - 2000} {
		cases[fmt.Sprintf("Truncated%d", n)] = good[:n]
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := File(name+".pdf", data)
			if err == nil {
				t.Fatalf("no error; text %q", res.Text[:min(len(res.Text), 80)])
			}
			if !IsRefusal(err) {
				t.Fatalf("error %v is not a *Refusal", err)
			}
		})
	}
}

// absurdXrefPDF declares billions of objects, points startxref past the end
// and gives its only object an offset beyond the file and a huge length.
func absurdXrefPDF() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9999999 0 R >>\nendobj\n")
	b.WriteString("2 0 obj\n<< /Length 99999999999 >>\nstream\nxx\nendstream\nendobj\n")
	b.WriteString("xref\n0 4294967295\n0000000000 65535 f \n9999999999 00000 n \n")
	b.WriteString("trailer\n<< /Size 2147483647 /Root 1 0 R >>\nstartxref\n99999999999\n%%EOF\n")
	return b.Bytes()
}

func TestPDFSynthetic(t *testing.T) {
	page := func(content string) []string {
		return []string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
			"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		}
	}
	t.Run("TitleUTF16", func(t *testing.T) {
		// "업무계획 2022" in UTF-16BE with a byte order mark.
		info := "<< /Title <FEFFC5C5BB34ACC4D68D00200032003000320032> >>"
		res, err := File("t.pdf", buildPDF(append(page("BT /F1 12 Tf 20 200 Td (Plaza portal) Tj ET"), info), ""))
		if err != nil {
			t.Fatal(err)
		}
		if res.Title != "업무계획 2022" || res.Text != "Plaza portal" {
			t.Errorf("title %q text %q", res.Title, res.Text)
		}
	})
	t.Run("TitlePDFDocEncoding", func(t *testing.T) {
		// \220 is the right single quote in PDFDocEncoding (\222 is ™).
		info := `<< /Title (Director\220s report) >>`
		res, err := File("t.pdf", buildPDF(append(page(""), info), ""))
		if err != nil {
			t.Fatal(err)
		}
		if res.Title != "Director’s report" {
			t.Errorf("title %q", res.Title)
		}
	})
	t.Run("PlaceholderTitle", func(t *testing.T) {
		res, err := File("t.pdf", buildPDF(append(page(""), "<< /Title <FEFFBB34C81C> >>"), "")) // 무제
		if err != nil {
			t.Fatal(err)
		}
		if res.Title != "" {
			t.Errorf("title %q, want none", res.Title)
		}
	})
	t.Run("DrawnTwice", func(t *testing.T) {
		draw := "BT /F1 12 Tf 20 200 Td (Bold words) Tj ET "
		res, err := File("t.pdf", buildPDF(page(draw+draw+"BT /F1 12 Tf 20 100 Td (Bold words) Tj ET"), ""))
		if err != nil {
			t.Fatal(err)
		}
		if res.Text != "Bold words\nBold words" {
			t.Errorf("text %q, want the line at 200 once and the one at 100", res.Text)
		}
	})
	t.Run("NoTextLayer", func(t *testing.T) {
		// A scan: the page only paints; the caller decides what to do.
		res, err := File("scan.pdf", buildPDF(page("0 0 1 rg 10 10 200 200 re f"), ""))
		if err != nil {
			t.Fatal(err)
		}
		if res.Text != "" {
			t.Errorf("text %q, want empty", res.Text)
		}
	})
	t.Run("Encrypted", func(t *testing.T) {
		_, err := File("secret.pdf", encryptedPDF(page("")))
		if !IsRefusal(err) || !strings.Contains(err.Error(), "암호") || !strings.Contains(err.Error(), "password-protected") {
			t.Fatalf("err = %v, want a password refusal", err)
		}
	})
}

// buildPDF writes objs as objects 1..n with a correct xref table; the
// object after the first five, if any, is the Info dictionary.
func buildPDF(objs []string, trailerExtra string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	info := ""
	if len(objs) > 5 {
		info = "/Info 6 0 R "
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s%s>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, info, trailerExtra, xref)
	return b.Bytes()
}

// encryptedPDF adds standard security (RC4, 40 bits, revision 2) with the
// user password "secret" to a document without strings or streams worth
// encrypting.
func encryptedPDF(objs []string) []byte {
	pad := []byte("\x28\xbf\x4e\x5e\x4e\x75\x8a\x41\x64\x00\x4e\x56\xff\xfa\x01\x08\x2e\x2e\x00\xb6\xd0\x68\x3e\x80\x2f\x0c\xa9\xfe\x64\x53\x69\x7a")
	padded := func(pw string) []byte { return append([]byte(pw), pad[:32-len(pw)]...) }
	rc := func(key, data []byte) []byte {
		c, _ := rc4.NewCipher(key)
		out := make([]byte, len(data))
		c.XORKeyStream(out, data)
		return out
	}
	ownerKey := md5.Sum(padded("owner"))
	o := rc(ownerKey[:5], padded("secret"))
	id := []byte("0123456789abcdef")
	p := int32(-4)
	h := md5.New()
	h.Write(padded("secret"))
	h.Write(o)
	h.Write([]byte{byte(p), byte(p >> 8), byte(p >> 16), byte(p >> 24)})
	h.Write(id)
	u := rc(h.Sum(nil)[:5], pad)
	enc := fmt.Sprintf("<< /Filter /Standard /V 1 /R 2 /O <%x> /U <%x> /P %d >>", o, u, p)
	objs = append(append([]string{}, objs[:5]...), "<< >>", enc) // 6: empty Info, 7: Encrypt
	return buildPDF(objs, fmt.Sprintf("/Encrypt 7 0 R /ID [<%x> <%x>] ", id, id))
}

func BenchmarkPDF(b *testing.B) {
	files := []string{
		"docs/pdf/nikl_2022_work_plan.pdf",
		"docs/pdf/mss_notice_2025-147_startup_leap_package.pdf",
		"docs/pdf/mss_2025_startup_leap_package_faq.pdf",
	}
	var data [][]byte
	var size int64
	for _, f := range files {
		d := corpusFile(b, f)
		data = append(data, d)
		size += int64(len(d))
	}
	if _, err := readPDF(data[0]); err != nil { // compile PDFium outside the timing
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		for _, d := range data {
			if _, err := readPDF(d); err != nil {
				b.Fatal(err)
			}
		}
	}
}
