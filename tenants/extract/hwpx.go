package extract

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
)

// HWPX (OWPML, KS X 6101) is a zip: a `mimetype` entry holding
// application/hwp+zip, an OPF package Contents/content.hpf whose spine gives
// the section order, and one XML file per section. Namespace URIs differ
// between versions (2011, 2016, ...), so elements are matched by local name.

const hwpxMimeType = "application/hwp+zip"

// Limits against zip bombs: the sizes in zip headers are not trusted, the
// bytes actually inflated are counted.
const (
	maxHWPXEntries = 10000
	maxHWPXBytes   = 256 << 20
)

// readHWPX extracts the text of an HWPX file.
func readHWPX(data []byte) (*Result, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &Refusal{Reason: "zip 구조가 손상되어 HWPX 문서를 읽을 수 없습니다 / the zip structure is damaged: the HWPX document cannot be read", Err: err}
	}
	if len(zr.File) > maxHWPXEntries {
		return nil, &Refusal{Reason: fmt.Sprintf("zip 안의 파일이 너무 많습니다(%d개) / the zip holds too many entries (%d)", len(zr.File), len(zr.File))}
	}
	a := &hwpxArchive{files: make(map[string]*zip.File, len(zr.File)), budget: maxHWPXBytes}
	for _, f := range zr.File {
		a.files[f.Name] = f
	}
	if r := a.checkMimeType(); r != nil {
		return nil, r
	}
	sections, title, err := a.manifest()
	if err != nil {
		return nil, hwpxRefusal(err)
	}
	if len(sections) == 0 {
		return nil, &Refusal{Reason: "HWPX 문서에 본문 구역(section)이 없습니다 / the HWPX document has no body sections"}
	}
	var text strings.Builder
	for _, name := range sections {
		if err := a.sectionText(&text, name); err != nil {
			return nil, hwpxRefusal(err)
		}
	}
	return &Result{Text: tidyHWPText(text.String()), Title: cleanTitle(title)}, nil
}

// hwpxRefusal turns a zip bomb into a refusal that says so; other errors
// stay errors (File reports them as a damaged file).
func hwpxRefusal(err error) error {
	if errors.Is(err, errHWPXTooLarge) {
		return &Refusal{Reason: "압축을 푼 HWPX 내용이 너무 큽니다(압축 폭탄으로 보입니다) / the unzipped HWPX content is too large (a zip bomb?)", Err: err}
	}
	return err
}

type hwpxArchive struct {
	files  map[string]*zip.File
	budget int64 // uncompressed bytes still allowed
}

// open opens an entry for reading, charging what is read to the budget.
func (a *hwpxArchive) open(name string) (io.ReadCloser, error) {
	f, ok := a.files[name]
	if !ok {
		return nil, fmt.Errorf("hwpx: no entry %s", name)
	}
	if f.UncompressedSize64 > uint64(a.budget) {
		return nil, errHWPXTooLarge
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	return &budgetReader{rc: rc, a: a}, nil
}

var errHWPXTooLarge = errors.New("hwpx: uncompressed content exceeds limit")

type budgetReader struct {
	rc io.ReadCloser
	a  *hwpxArchive
}

func (r *budgetReader) Read(p []byte) (int, error) {
	if r.a.budget <= 0 {
		return 0, errHWPXTooLarge
	}
	if int64(len(p)) > r.a.budget {
		p = p[:r.a.budget]
	}
	n, err := r.rc.Read(p)
	r.a.budget -= int64(n)
	return n, err
}

func (r *budgetReader) Close() error { return r.rc.Close() }

// checkMimeType refuses a zip that is not HWPX, naming what it is when it is
// a common office format.
func (a *hwpxArchive) checkMimeType() *Refusal {
	mt := ""
	if _, ok := a.files["mimetype"]; ok {
		rc, err := a.open("mimetype")
		if err == nil {
			b, _ := io.ReadAll(io.LimitReader(rc, 256))
			rc.Close()
			mt = strings.TrimSpace(string(b))
		}
	}
	switch {
	case mt == hwpxMimeType:
		return nil
	case mt == "" && a.files["Contents/content.hpf"] != nil:
		return nil // some writers omit the mimetype entry; the package is still HWPX
	case a.files["word/document.xml"] != nil:
		return &Refusal{Reason: "HWPX가 아니라 MS 워드(DOCX) 문서입니다 / a Word (DOCX) document, not HWPX"}
	case a.files["xl/workbook.xml"] != nil:
		return &Refusal{Reason: "HWPX가 아니라 MS 엑셀(XLSX) 문서입니다 / an Excel (XLSX) workbook, not HWPX"}
	case a.files["ppt/presentation.xml"] != nil:
		return &Refusal{Reason: "HWPX가 아니라 MS 파워포인트(PPTX) 문서입니다 / a PowerPoint (PPTX) presentation, not HWPX"}
	case strings.HasPrefix(mt, "application/vnd.oasis.opendocument"):
		return &Refusal{Reason: "HWPX가 아니라 ODF 문서입니다 (" + mt + ") / an OpenDocument file, not HWPX"}
	}
	return &Refusal{Reason: "zip 압축 파일이지만 HWPX 문서가 아닙니다 / a zip archive, but not an HWPX document"}
}

// manifest reads Contents/content.hpf: the section files in spine order and
// the declared title. Without a usable manifest it falls back to
// Contents/sectionN.xml in numeric order.
func (a *hwpxArchive) manifest() (sections []string, title string, err error) {
	const hpf = "Contents/content.hpf"
	if a.files[hpf] != nil {
		rc, err := a.open(hpf)
		if err != nil {
			return nil, "", err
		}
		defer rc.Close()
		items := map[string]string{} // id → href
		var spine []string
		d := xml.NewDecoder(rc)
		inTitle := false
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, "", hwpxXMLError(hpf, err)
			}
			switch t := tok.(type) {
			case xml.StartElement:
				switch t.Name.Local {
				case "title":
					inTitle = true
				case "item":
					items[attr(t, "id")] = attr(t, "href")
				case "itemref":
					spine = append(spine, attr(t, "idref"))
				}
			case xml.EndElement:
				if t.Name.Local == "title" {
					inTitle = false
				}
			case xml.CharData:
				if inTitle && len(title) < 1000 {
					title += string(t)
				}
			}
		}
		for _, id := range spine {
			href := items[id]
			if isHWPXSection(href) && a.files[href] != nil {
				sections = append(sections, href)
			}
		}
		if len(sections) > 0 {
			return sections, title, nil
		}
	}
	type numbered struct {
		n    int
		name string
	}
	var found []numbered
	for name := range a.files {
		if path.Dir(name) != "Contents" || !isHWPXSection(name) {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(path.Base(name), "section"), ".xml"))
		if err == nil {
			found = append(found, numbered{n, name})
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].n < found[j].n })
	for _, f := range found {
		sections = append(sections, f.name)
	}
	return sections, title, nil
}

func isHWPXSection(href string) bool {
	base := path.Base(href)
	return strings.HasPrefix(base, "section") && strings.HasSuffix(base, ".xml")
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// sectionText appends the text of one section XML to w. Text lives in <t>
// elements; every <p> (body, table cell, text box, header, note) starts and
// ends a line, so a paragraph holding a table is split around the table's
// cells rather than glued to the first one.
func (a *hwpxArchive) sectionText(w *strings.Builder, name string) error {
	rc, err := a.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	depthT := 0 // > 0 while inside a <t>
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return hwpxXMLError(name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				newLine(w)
			case "t":
				depthT++
			case "lineBreak":
				w.WriteByte('\n')
			case "tab":
				if depthT > 0 {
					w.WriteByte('\t')
				}
			case "nbSpace", "fwSpace":
				w.WriteByte(' ')
			case "hyphen":
				w.WriteByte('-')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "p":
				newLine(w)
			case "t":
				if depthT > 0 {
					depthT--
				}
			}
		case xml.CharData:
			if depthT > 0 {
				w.Write(t)
			}
		}
	}
}

func hwpxXMLError(name string, err error) error {
	return fmt.Errorf("hwpx: %s: %w", name, err)
}
