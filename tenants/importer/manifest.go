package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/plaza-portal/plaza/tenants"
)

// maxListedErrors bounds how many bad rows one error message lists.
const maxListedErrors = 100

// readManifest reads the folder's manifest.csv into documents: rows with the
// same tenant, title and date are one document with several files, in row
// order. Columns: file and tenant are required (the tenant registered or in
// the folder's tenants.csv, the file present in the folder); type, title, produced,
// department, number, summary, disclosure and grounds are optional; others
// (notes) are ignored. Every row is checked before anything is published,
// and all bad rows are reported together.
func readManifest(root *os.Root, known func(slug string) bool) ([]job, error) {
	const op = "import.manifest"
	f, err := root.Open("manifest.csv")
	if err != nil {
		return nil, tenants.E(op, tenants.Invalid, "manifest.csv 를 읽을 수 없습니다 / cannot read manifest.csv", err)
	}
	defer f.Close()
	body, err := readUTF8(f, "manifest.csv")
	if err != nil {
		return nil, tenants.Errorf(op, tenants.Invalid, "%s", err.Error())
	}
	cr := csv.NewReader(bytes.NewReader(body))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, tenants.E(op, tenants.Invalid, "manifest.csv 의 머리글을 읽을 수 없습니다 / cannot read the header of manifest.csv", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"file", "tenant"} {
		if _, ok := col[need]; !ok {
			return nil, tenants.Errorf(op, tenants.Invalid, "manifest.csv 에 %s 열이 없습니다 / manifest.csv has no %s column", need, need)
		}
	}

	var (
		jobs  []job
		bad   []string
		byKey = map[string]int{}
		rowOf = map[string]int{} // file -> the row that listed it first
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%d행: %v", line, err))
			if _, ok := err.(*csv.ParseError); ok {
				continue
			}
			break
		}
		if len(rec) != len(header) {
			bad = append(bad, fmt.Sprintf("%d행: 칸이 %d개인데 머리글은 %d개입니다 / %d fields, the header has %d", line, len(rec), len(header), len(rec), len(header)))
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		sub, rel, problems := manifestRow(get)
		if len(problems) == 0 {
			if !known(sub.Tenant) {
				problems = append(problems, fmt.Sprintf("기관 %q 이 등록되어 있지 않습니다 (tenants.csv 에 넣으세요) / tenant %q is not registered (add it to tenants.csv)", sub.Tenant, sub.Tenant))
			}
			if f, err := openFile(root, rel); err != nil {
				problems = append(problems, rel+": "+err.Error())
			} else {
				f.Close()
			}
		}
		if first, ok := rowOf[rel]; ok && filepath.IsLocal(rel) {
			problems = append(problems, fmt.Sprintf("파일 %s 은 %d행에도 있습니다. 한 파일은 한 문서에만 속합니다 / file %s is also on line %d; a file belongs to one document", rel, first, rel, first))
		} else if !ok {
			rowOf[rel] = line
		}
		for _, p := range problems {
			bad = append(bad, fmt.Sprintf("%d행: %s", line, p))
		}
		if len(problems) > 0 {
			continue
		}
		// Rows without a title cannot be grouped; each is its own document.
		key := fmt.Sprintf("%s\x00%s\x00%s", sub.Tenant, sub.Title, sub.Produced)
		if sub.Title == "" {
			key = "\x00file\x00" + rel
		}
		if i, ok := byKey[key]; ok {
			// A further file of the document: what its row states must agree
			// with the earlier rows (a blank cell states nothing), or the
			// second row's disclosure (say) would be lost.
			if err := merge(&jobs[i].sub, sub); err != nil {
				bad = append(bad, fmt.Sprintf("%d행: 같은 문서(같은 기관·제목·날짜)인 %d행과 %s 이 다릅니다 / the same document (tenant, title, date) as line %d, with another %s", line, jobs[i].line, err, jobs[i].line, err))
				continue
			}
			if len(jobs[i].files) >= tenants.MaxFiles {
				bad = append(bad, fmt.Sprintf("%d행: 한 문서의 파일은 %d개까지입니다 / at most %d files per document", line, tenants.MaxFiles, tenants.MaxFiles))
				continue
			}
			jobs[i].files = append(jobs[i].files, rel)
			continue
		}
		byKey[key] = len(jobs)
		jobs = append(jobs, job{sub: sub, files: []string{rel}, line: line})
	}
	if len(bad) > 0 {
		more := ""
		if len(bad) > maxListedErrors {
			more = fmt.Sprintf("\n… 외 %d건 / and %d more", len(bad)-maxListedErrors, len(bad)-maxListedErrors)
			bad = bad[:maxListedErrors]
		}
		return nil, tenants.Errorf(op, tenants.Invalid, "manifest.csv 에 잘못된 행이 있어 아무것도 게시하지 않았습니다 / manifest.csv has bad rows; nothing was published:\n  %s%s", strings.Join(bad, "\n  "), more)
	}
	return jobs, nil
}

// merge folds what a further row of a document states into the document's
// submission; a value that differs from one stated before is an error naming
// the field.
func merge(g *tenants.Submission, r tenants.Submission) error {
	fields := []struct {
		name     string
		dst, src *string
	}{
		{"type", (*string)(&g.Type), (*string)(&r.Type)},
		{"department", &g.Department, &r.Department},
		{"number", &g.Number, &r.Number},
		{"summary", &g.Summary, &r.Summary},
		{"disclosure", (*string)(&g.Disclosure), (*string)(&r.Disclosure)},
	}
	for _, f := range fields {
		switch {
		case *f.src == "":
		case *f.dst == "":
			*f.dst = *f.src
		case *f.dst != *f.src:
			return errors.New(f.name)
		}
	}
	switch {
	case len(r.Grounds) == 0:
	case len(g.Grounds) == 0:
		g.Grounds = r.Grounds
	case !slices.Equal(g.Grounds, r.Grounds):
		return errors.New("grounds")
	}
	return nil
}

// manifestRow reads one row's submission and file; problems are messages
// for the clerk who wrote the manifest.
func manifestRow(get func(string) string) (sub tenants.Submission, rel string, problems []string) {
	rel = filepath.Clean(filepath.FromSlash(get("file")))
	if get("file") == "" || !filepath.IsLocal(rel) {
		problems = append(problems, fmt.Sprintf("파일 경로 %q 는 폴더 안의 상대 경로여야 합니다 / file %q must be a relative path inside the folder", get("file"), get("file")))
	}
	sub = tenants.Submission{Tenant: get("tenant"), Type: tenants.DocType(get("type")), Title: get("title"),
		Department: get("department"), Number: get("number"), Summary: get("summary"),
		Disclosure: tenants.Disclosure(get("disclosure"))}
	if !tenants.ValidSlug(sub.Tenant) {
		problems = append(problems, fmt.Sprintf("기관 %q 이 올바르지 않습니다 / invalid tenant %q", sub.Tenant, sub.Tenant))
	}
	if sub.Type != "" && !sub.Type.Valid() {
		problems = append(problems, fmt.Sprintf("문서 유형 %q 이 올바르지 않습니다 (예: press-release) / invalid type %q (e.g. press-release)", sub.Type, sub.Type))
	}
	produced, err := tenants.ParseDate(get("produced"))
	if err != nil {
		problems = append(problems, tenants.PublicMessage(err))
	}
	sub.Produced = produced
	grounds, err := parseGrounds(get("grounds"))
	if err != nil {
		problems = append(problems, err.Error())
	}
	sub.Grounds = grounds
	switch sub.Disclosure {
	case "", tenants.DisclosureFull:
		if len(grounds) > 0 {
			problems = append(problems, "공개 문서에는 비공개 근거를 적지 않습니다 / a fully disclosed document has no grounds")
		}
	case tenants.DisclosurePartial, tenants.DisclosureNone:
		if len(grounds) == 0 {
			problems = append(problems, "부분공개·비공개 문서에는 grounds 열에 정보공개법 제9조 제1항의 호를 적어야 합니다 (예: 5) / partial or no disclosure needs the clauses of Art. 9(1) in the grounds column (e.g. 5)")
		}
	default:
		problems = append(problems, fmt.Sprintf("공개 구분 %q 을 알 수 없습니다 (full, partial, none) / unknown disclosure %q (full, partial, none)", sub.Disclosure, sub.Disclosure))
	}
	return sub, rel, problems
}

// parseGrounds reads clauses of 정보공개법 제9조 제1항 written as "5", "5;6",
// "5,6" or "제5호 제6호".
func parseGrounds(s string) ([]tenants.Ground, error) {
	var out []tenants.Ground
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == ' ' || r == '/' }) {
		f = strings.TrimSuffix(strings.TrimPrefix(f, "제"), "호")
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 8 {
			return nil, fmt.Errorf("비공개 근거 %q 를 읽을 수 없습니다 (1~8) / cannot read ground %q (clauses 1 to 8)", s, s)
		}
		out = append(out, tenants.Ground(n))
	}
	return out, nil
}

// maxCSVBytes bounds a manifest or tenants.csv read into memory.
const maxCSVBytes = 64 << 20

// readUTF8 reads a CSV file whole and refuses one that is not UTF-8: Excel
// on Korean Windows saves CSV as CP949 unless told otherwise, and its titles
// would be published garbled.
func readUTF8(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxCSVBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s 를 읽을 수 없습니다 / cannot read %s: %v", name, name, err)
	case len(b) > maxCSVBytes:
		return nil, fmt.Errorf("%s 가 너무 큽니다 (최대 %d MB) / %s is too large (at most %d MB)", name, maxCSVBytes>>20, name, maxCSVBytes>>20)
	case !utf8.Valid(b):
		return nil, fmt.Errorf("%s 가 UTF-8 이 아닙니다. 엑셀에서는 'CSV UTF-8' 형식으로 저장하세요 / %s is not UTF-8 (in Excel, save as \"CSV UTF-8\")", name, name)
	}
	return b, nil
}
