package tenants

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// DocType is what kind of administrative document a record is. The set is
// open: bodies name their own types, these are the common ones.
type DocType string

// Common document types, with their Korean labels in DocTypeLabel.
const (
	TypeApproval     DocType = "approval"      // 결재문서
	TypeMinutes      DocType = "minutes"       // 회의록
	TypeBudget       DocType = "budget"        // 예산·결산
	TypeResearch     DocType = "research"      // 정책연구
	TypeStatistics   DocType = "statistics"    // 통계
	TypePressRelease DocType = "press-release" // 보도자료
	TypeNotice       DocType = "notice"        // 공고·공지
	TypeReport       DocType = "report"        // 보고서
	TypeWorkPlan     DocType = "work-plan"     // 업무계획
	TypeRuling       DocType = "ruling"        // 결정·회신
	TypeForm         DocType = "form"          // 서식
	TypeProcurement  DocType = "procurement"   // 입찰·제안요청
	TypeOther        DocType = "other"         // 기타
)

var docTypeLabels = map[DocType][2]string{
	TypeApproval:     {"결재문서", "Approval document"},
	TypeMinutes:      {"회의록", "Minutes"},
	TypeBudget:       {"예산·결산", "Budget"},
	TypeResearch:     {"정책연구", "Policy research"},
	TypeStatistics:   {"통계", "Statistics"},
	TypePressRelease: {"보도자료", "Press release"},
	TypeNotice:       {"공고·안내", "Notice"},
	TypeReport:       {"보고서", "Report"},
	TypeWorkPlan:     {"업무계획", "Work plan"},
	TypeRuling:       {"결정·회신", "Ruling"},
	TypeForm:         {"서식", "Form"},
	TypeProcurement:  {"입찰·제안요청", "Procurement"},
	TypeOther:        {"기타", "Other"},
}

// Label is the type's name in the given language ("en" or Korean).
func (t DocType) Label(lang string) string {
	l, ok := docTypeLabels[t]
	if !ok {
		return string(t)
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

var docTypeRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

// Valid reports whether t is a well-formed type name.
func (t DocType) Valid() bool { return docTypeRE.MatchString(string(t)) }

// Disclosure is how much of a document the public may see.
type Disclosure string

const (
	DisclosureFull    Disclosure = "full"    // 공개
	DisclosurePartial Disclosure = "partial" // 부분공개
	DisclosureNone    Disclosure = "none"    // 비공개
)

// Label is the level's name in the given language.
func (d Disclosure) Label(lang string) string {
	ko, en := map[Disclosure]string{DisclosureFull: "공개", DisclosurePartial: "부분공개", DisclosureNone: "비공개"}, map[Disclosure]string{DisclosureFull: "Disclosed", DisclosurePartial: "Partly disclosed", DisclosureNone: "Not disclosed"}
	if lang == "en" {
		return en[d]
	}
	return ko[d]
}

// Ground is the statutory ground for not disclosing (a part of) a document:
// a clause of 공공기관의 정보공개에 관한 법률 제9조 제1항, numbered 1 to 8.
type Ground int

// Label is the ground's citation in the given language.
func (g Ground) Label(lang string) string {
	if g < 1 || g > 8 {
		return ""
	}
	if lang == "en" {
		return fmt.Sprintf("Official Information Disclosure Act, Art. 9(1)(%d)", int(g))
	}
	return fmt.Sprintf("정보공개법 제9조 제1항 제%d호", int(g))
}

// File is one original file of a document, kept byte for byte.
type File struct {
	N         int    `json:"n"`         // position within the document, from 0
	Name      string `json:"name"`      // the original file name, as uploaded
	Size      int64  `json:"size"`      // bytes
	MediaType string `json:"mediaType"` // detected from the bytes
	Format    string `json:"format"`    // hwp, hwpx, pdf
	SHA256    string `json:"sha256"`    // hex
	TextChars int    `json:"textChars"` // characters of extracted text
}

// Document is a record of one disclosed (or listed but withheld) document.
// Its meta.json in the tenant's bucket is the system of record.
type Document struct {
	Tenant     string     `json:"tenant"`
	ID         string     `json:"id"`
	Type       DocType    `json:"type"`
	Title      string     `json:"title"`
	Summary    string     `json:"summary,omitempty"`
	Department string     `json:"department,omitempty"`
	Author     string     `json:"author,omitempty"`
	Number     string     `json:"number,omitempty"`  // the body's document number (문서번호)
	Subject    string     `json:"subject,omitempty"` // subject heading, e.g. 세목 of a tax ruling
	Produced   Date       `json:"produced"`
	Disclosed  time.Time  `json:"disclosed"`
	Disclosure Disclosure `json:"disclosure"`
	Grounds    []Ground   `json:"grounds,omitempty"`
	Files      []File     `json:"files"`
	Related    []string   `json:"related,omitempty"` // ids in the same tenant
	// FromContent names the fields that were read from the document's own
	// content (title, summary, number, subject, produced) rather than stated
	// by its publisher, so that withholding it later can clear them.
	FromContent []string  `json:"fromContent,omitempty"`
	Revision    int64     `json:"revision"`
	Updated     time.Time `json:"updated"`
}

// Formats lists the distinct formats of the document's files, in file order.
func (d *Document) Formats() []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range d.Files {
		if f.Format != "" && !seen[f.Format] {
			seen[f.Format] = true
			out = append(out, f.Format)
		}
	}
	return out
}

// Public reports whether the document's content and files may be shown.
// A level it does not know (a hand-edited record, say) counts as withheld.
func (d *Document) Public() bool {
	return d.Disclosure == DisclosureFull || d.Disclosure == DisclosurePartial
}

// Date is a calendar date known to the year, the month or the day, as public
// bodies record them ("2024", "2024-06", "2024-06-21"). The zero Date is
// unknown.
type Date struct {
	Year, Month, Day int
}

var dateRE = regexp.MustCompile(`^(\d{4})(?:[-./](\d{1,2})(?:[-./](\d{1,2}))?)?$`)

// ParseDate reads "YYYY", "YYYY-MM" or "YYYY-MM-DD" (also with . or /).
// The empty string is the unknown date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return Date{}, Errorf("date", Invalid, "날짜 %q 를 읽을 수 없습니다 (YYYY, YYYY-MM, YYYY-MM-DD) / cannot read date %q", s, s)
	}
	d := Date{}
	d.Year, _ = strconv.Atoi(m[1])
	if m[2] != "" {
		d.Month, _ = strconv.Atoi(m[2])
	}
	if m[3] != "" {
		d.Day, _ = strconv.Atoi(m[3])
	}
	if !d.valid() {
		return Date{}, Errorf("date", Invalid, "없는 날짜입니다: %q / no such date: %q", s, s)
	}
	return d, nil
}

func (d Date) valid() bool {
	if d.Year < 1000 || d.Year > 9999 || d.Month < 0 || d.Month > 12 || d.Day < 0 || d.Day > 31 {
		return false
	}
	if d.Month == 0 && d.Day != 0 {
		return false
	}
	if d.Day != 0 {
		t := time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
		return t.Day() == d.Day
	}
	return true
}

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.Year == 0 }

// SortKey writes the date so that the strings sort like the dates (an
// unknown month or day before the known ones): 2024-00-00 < 2024-03-00 <
// 2024-03-07.
func (d Date) SortKey() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

func (d Date) String() string {
	switch {
	case d.Year == 0:
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Time is the first instant of the date (for sorting); zero when unknown.
func (d Date) Time() time.Time {
	if d.Year == 0 {
		return time.Time{}
	}
	m, day := max(d.Month, 1), max(d.Day, 1)
	return time.Date(d.Year, time.Month(m), day, 0, 0, 0, 0, time.UTC)
}

func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
