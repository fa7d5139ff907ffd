// Package extract reads the text out of the document formats Korean public
// bodies publish: HWP 5.0 (an OLE compound file of records, compressed or
// not), HWPX (a zip of OWPML XML) and PDF. The format is detected from the
// bytes, never from the file name. Files that cannot be read are refused with
// a *Refusal that says why, in words a clerk understands.
//
// Extractor adapts the package to tenants.Extractor; cmd wires it into the
// publisher, so the domain depends on the interface, not on the engines.
package extract

import (
	"bytes"
	"errors"
	"fmt"
)

// Format is a document file format Plaza can read.
type Format string

const (
	HWP  Format = "hwp"
	HWPX Format = "hwpx"
	PDF  Format = "pdf"
)

// MediaType is the format's registered or customary media type.
func (f Format) MediaType() string {
	switch f {
	case HWP:
		return "application/x-hwp"
	case HWPX:
		return "application/hwp+zip"
	case PDF:
		return "application/pdf"
	}
	return "application/octet-stream"
}

// Refusal is the error for a file Plaza will not publish: its bytes are not a
// readable document. Reason is Korean first, English second.
type Refusal struct {
	File   string
	Reason string
	Err    error // the underlying parse error, if any
}

func (r *Refusal) Error() string {
	if r.File == "" {
		return r.Reason
	}
	return r.File + ": " + r.Reason
}

func (r *Refusal) Unwrap() error { return r.Err }

// ErrEngine marks a failure of a reading engine itself (the PDF engine could
// not start, or stayed busy): the file is not to blame, and it is no Refusal.
var ErrEngine = errors.New("extract: engine unavailable")

// IsRefusal reports whether err is (or wraps) a *Refusal.
func IsRefusal(err error) bool {
	var r *Refusal
	return errors.As(err, &r)
}

// Magic numbers.
var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	zipMagic = []byte("PK\x03\x04")
	pdfMagic = []byte("%PDF-")
)

// Detect names the format of data from its bytes. A file it cannot place gets
// a *Refusal that says what the bytes look like instead (DRM wrapper, HTML
// page, empty file ...).
func Detect(name string, data []byte) (Format, error) {
	switch {
	case len(data) == 0:
		return "", &Refusal{File: name, Reason: "빈 파일입니다 / the file is empty"}
	case bytes.HasPrefix(data, oleMagic):
		return HWP, nil // confirmed by the HWP signature when read
	case bytes.HasPrefix(data, zipMagic):
		return HWPX, nil // confirmed by the mimetype entry when read
	case bytes.HasPrefix(data, pdfMagic):
		return PDF, nil
	}
	// PDF allows up to 1024 bytes of junk before the header.
	if i := bytes.Index(data[:min(len(data), 1024)], pdfMagic); i > 0 {
		return PDF, nil
	}
	return "", &Refusal{File: name, Reason: describeUnknown(data)}
}

func describeUnknown(data []byte) string {
	head := bytes.ToLower(bytes.TrimLeft(data[:min(len(data), 512)], " \t\r\n\xef\xbb\xbf"))
	switch {
	case bytes.HasPrefix(head, []byte("<markany")) || bytes.Contains(head, []byte("markany")):
		return "DRM(MarkAny)으로 암호화된 파일이라 읽을 수 없습니다. DRM을 해제한 원본을 올려 주세요 / the file is wrapped by MarkAny DRM and cannot be read; upload the original without DRM"
	case bytes.Contains(head, []byte("drm")) || bytes.Contains(head, []byte("fasoo")) || bytes.Contains(head, []byte("softcamp")):
		return "DRM으로 암호화된 파일이라 읽을 수 없습니다. DRM을 해제한 원본을 올려 주세요 / the file is DRM-protected and cannot be read; upload the original without DRM"
	case bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) || bytes.HasPrefix(head, []byte("<!--")) || bytes.Contains(head, []byte("<body")) || bytes.Contains(head, []byte("<div")) || bytes.Contains(head, []byte("<script")) || bytes.Contains(head, []byte("</")):
		return "문서가 아니라 웹 페이지(HTML) 조각입니다. 내려받기가 실패한 파일로 보입니다 / this is a fragment of a web page (HTML), not a document: probably a failed download"
	case bytes.HasPrefix(head, []byte("<?xml")):
		return "XML 파일이지만 HWPX 문서(zip)가 아닙니다 / an XML file, but not an HWPX document (which is a zip)"
	}
	return fmt.Sprintf("HWP, HWPX, PDF 문서가 아닙니다 (알 수 없는 형식, %d바이트) / not an HWP, HWPX or PDF document (unknown format, %d bytes)", len(data), len(data))
}

// Result is what extraction read from one file.
type Result struct {
	Format Format
	// Text is the document's text in reading order: paragraphs separated by
	// newlines, table cells and text boxes included.
	Text string
	// Title is the title the file itself declares (document properties), if any.
	Title string
}

// File detects the format of data and extracts its text. name is used in
// messages only. Any failure is a *Refusal.
func File(name string, data []byte) (*Result, error) {
	f, err := Detect(name, data)
	if err != nil {
		return nil, err
	}
	var res *Result
	switch f {
	case HWP:
		res, err = readHWP(data)
	case HWPX:
		res, err = readHWPX(data)
	case PDF:
		res, err = readPDF(data)
	}
	if err != nil {
		var r *Refusal
		if errors.As(err, &r) {
			if r.File == "" {
				r.File = name
			}
			return nil, r
		}
		if errors.Is(err, ErrEngine) {
			return nil, err // not the file's fault
		}
		return nil, &Refusal{File: name, Reason: fmt.Sprintf("%s 파일을 읽는 중 오류가 났습니다: 파일이 손상되었을 수 있습니다 / the %s file could not be read: it may be damaged", f, f), Err: err}
	}
	res.Format = f
	return res, nil
}
