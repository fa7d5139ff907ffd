package extract

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// HeaderFields is the header block that tax rulings, tribunal decisions and
// court judgments from the National Tax Service database carry above their
// body:
//
//	[ 문서번호 ]  법규양도2008-0091 (2008.12.26.)
//	[ 세 목 ]     양도
//	[ 제 목 ]     상가를 … 양도소득세 과세 여부
//	[ 요 지 ]     상가(그 부수토지 포함) … 양도에 해당함
//	[ 답변내용 ] …
//
// Judgments have 사건번호 where rulings have 문서번호. Fields the text lacks
// are empty.
type HeaderFields struct {
	Number  string // document or case number without its date: 법규양도2008-0091
	Subject string // tax item (세목): 양도, 부가, 법인 ...
	Title   string // 제목
	Summary string // 요지, at most maxSummaryRunes
	Date    string // YYYY-MM-DD from the number's date, or ""
}

const (
	maxSummaryRunes = 1000
	// The header block stands at the top; looking further would pick up
	// labels quoted in the body.
	maxHeaderLines = 200
)

// headerFieldLabels are the labels whose values Header keeps.
var headerFieldLabels = map[string]string{
	"문서번호": "number",
	"사건번호": "case",
	"세목":   "subject",
	"제목":   "title",
	"요지":   "summary",
}

// headerOtherLabels end the value of the label before them. Bracketed lines
// ("[ 전심번호 ]") are labels whatever they say; these are also recognised
// without brackets, as some documents set them as plain table cells.
var headerOtherLabels = map[string]bool{
	"회신": true, "답변내용": true, "관련법령": true, "상세내용": true, "질의": true, "질의내용": true,
	"사실관계": true, "판결유형": true, "판결내용": true, "결정유형": true, "결정내용": true,
	"전심번호": true, "직전소송사건번호": true, "심판청구사건번호": true, "납세자회신번호": true,
	"주문": true, "이유": true, "참조조문": true, "판결요지": true, "회신내용": true,
}

// Header finds the header block fields in extracted text.
func Header(text string) HeaderFields {
	var (
		h       HeaderFields
		cur     string // field being collected, "" for none or an ignored label
		values  = map[string][]string{}
		seen    = map[string]bool{}
		lineNum int
	)
	for line := range strings.Lines(text) {
		if lineNum++; lineNum > maxHeaderLines {
			break
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if label, rest, ok := headerLabel(line); ok {
			cur = headerFieldLabels[label]
			if cur != "" && seen[cur] {
				cur = "" // a second 제목 further down belongs to the body
			}
			if cur != "" {
				seen[cur] = true
				if rest != "" {
					values[cur] = append(values[cur], rest)
				}
			}
			if cur == "" && seen["summary"] {
				break // the block ends with 요지; what follows is the body
			}
			continue
		}
		if cur != "" {
			values[cur] = append(values[cur], line)
		}
	}
	join := func(k string) string { return strings.Join(values[k], " ") }
	number := join("number")
	if number == "" {
		number = join("case")
	}
	h.Number, h.Date = splitNumberDate(number)
	h.Subject = join("subject")
	h.Title = join("title")
	h.Summary = truncateRunes(join("summary"), maxSummaryRunes)
	return h
}

// headerLabel reports whether line is a label, returning the label with its
// spaces removed and any value on the same line ("제목: …", "제목\t…").
func headerLabel(line string) (label, rest string, ok bool) {
	for _, br := range [][2]string{{"[", "]"}, {"【", "】"}} {
		if !strings.HasPrefix(line, br[0]) {
			continue
		}
		i := strings.Index(line, br[1])
		if i < 0 {
			return "", "", false
		}
		label = strings.Join(strings.Fields(line[len(br[0]):i]), "")
		// Only a short bracketed word is a label: "[별지 제8호서식 부표5의2]"
		// quoted in a body is not.
		if n := utf8.RuneCountInString(label); n == 0 || n > 10 || strings.ContainsAny(label, "0123456789") {
			return "", "", false
		}
		return label, strings.TrimSpace(line[i+len(br[1]):]), true
	}
	head, rest := line, ""
	if i := strings.IndexAny(line, ":：\t"); i >= 0 {
		head, rest = line[:i], strings.TrimSpace(strings.TrimLeft(line[i:], ":：\t"))
	}
	label = strings.Join(strings.Fields(head), "")
	if headerFieldLabels[label] != "" || headerOtherLabels[label] {
		return label, rest, true
	}
	return "", "", false
}

var (
	parenDateRe = regexp.MustCompile(`\(\s*(\d{4})\s*[.\-/]\s*(\d{1,2})\s*[.\-/]\s*(\d{1,2})\s*\.?\s*\)`)
	bareDateRe  = regexp.MustCompile(`(\d{4})\s*[.\-/]\s*(\d{1,2})\s*[.\-/]\s*(\d{1,2})\.?`)
)

// splitNumberDate splits "법규양도2008-0091 (2008.12.26.)" into the number and
// the date as YYYY-MM-DD. Numbers hold years and serials with hyphens
// (대법원-2015-두-38849), so only a date in parentheses, or a dotted one,
// counts.
func splitNumberDate(s string) (number, date string) {
	s = strings.TrimSpace(s)
	if m := parenDateRe.FindAllStringSubmatchIndex(s, -1); len(m) > 0 {
		last := m[len(m)-1]
		if d := isoDate(s[last[2]:last[3]], s[last[4]:last[5]], s[last[6]:last[7]]); d != "" {
			return strings.TrimSpace(s[:last[0]] + s[last[1]:]), d
		}
	}
	for _, m := range bareDateRe.FindAllStringSubmatchIndex(s, -1) {
		if !strings.Contains(s[m[0]:m[1]], ".") {
			continue
		}
		if d := isoDate(s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]]); d != "" {
			return strings.Trim(strings.TrimSpace(s[:m[0]]+s[m[1]:]), " ,"), d
		}
	}
	return s, ""
}

// isoDate formats a calendar date as YYYY-MM-DD, or returns "" if there is
// no such day.
func isoDate(y, m, d string) string {
	yy, _ := strconv.Atoi(y)
	mm, _ := strconv.Atoi(m)
	dd, _ := strconv.Atoi(d)
	t := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if yy < 1900 || yy > 2100 || t.Month() != time.Month(mm) || t.Day() != dd {
		return ""
	}
	return t.Format(time.DateOnly)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n]))
}
