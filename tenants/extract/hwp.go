package extract

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
)

// HWP 5.0 is an OLE compound file. The streams Plaza reads:
//
//	FileHeader                 signature, version, property flags
//	BodyText/Section0..N       the body, one stream per section, records
//	\005HwpSummaryInformation  OLE property set (title ...)
//	PrvText                    preview text (UTF-16LE), a fallback only
//
// A distribution document (배포용) keeps its body encrypted in ViewText/
// instead of BodyText/.

const hwpSignature = "HWP Document File"

// FileHeader property bits (한글 문서 파일 형식 5.0, 파일 인식 정보).
const (
	hwpCompressed    = 1 << 0
	hwpPassword      = 1 << 1
	hwpDistribution  = 1 << 2
	hwpDRM           = 1 << 4
	hwpCertEncrypted = 1 << 8
	hwpCertDRM       = 1 << 10
)

// Limits against hostile files. A real section seldom decompresses beyond a
// few MiB; a deflate bomb expands 1000 times.
const (
	maxHWPDecoded  = 256 << 20 // bytes of decompressed section data, all sections
	maxHWPSections = 4096
)

var errHWPTooLarge = errors.New("hwp: decompressed body exceeds limit")

// readHWP extracts the text of an HWP 5.0 file.
func readHWP(data []byte) (*Result, error) {
	// A compound file is a whole number of sectors (512 or 4096 bytes, as
	// the header says). Anything else is a cut-off download: the text may
	// still be readable, but the file a citizen would get is broken.
	if len(data) >= 32 {
		if shift := binary.LittleEndian.Uint16(data[30:]); (shift == 9 || shift == 12) && len(data)%(1<<shift) != 0 {
			return nil, &Refusal{Reason: "파일이 중간에 잘렸습니다(내려받기나 복사가 덜 된 파일로 보입니다). 원본을 다시 올려 주세요 / the file is cut short (an incomplete download or copy?); upload the original again"}
		}
	}
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return nil, &Refusal{Reason: "HWP 파일 구조(OLE)가 손상되어 읽을 수 없습니다 / the HWP file structure (OLE) is damaged", Err: err}
	}
	var (
		header, summary, preview *mscfb.File
		sections                 []hwpSection
		viewText                 bool
	)
	for _, f := range doc.File {
		switch {
		case len(f.Path) == 0 && f.Name == "FileHeader":
			header = f
		case len(f.Path) == 0 && f.Name == "HwpSummaryInformation":
			summary = f
		case len(f.Path) == 0 && f.Name == "PrvText":
			preview = f
		case len(f.Path) == 1 && f.Path[0] == "ViewText":
			viewText = true
		case len(f.Path) == 1 && f.Path[0] == "BodyText" && strings.HasPrefix(f.Name, "Section"):
			n, err := strconv.Atoi(strings.TrimPrefix(f.Name, "Section"))
			if err != nil || n < 0 {
				continue
			}
			sections = append(sections, hwpSection{n, f})
		}
	}
	if header == nil {
		return nil, &Refusal{Reason: "OLE 파일이지만 HWP 문서가 아닙니다(예: 옛 MS 오피스 문서) / an OLE compound file but not an HWP document (an old MS Office file, perhaps)"}
	}
	raw, err := readOLEStream(header, len(data))
	if err != nil {
		return nil, err
	}
	if len(raw) < 40 || !bytes.HasPrefix(raw, []byte(hwpSignature)) {
		return nil, &Refusal{Reason: "OLE 파일이지만 HWP 문서 서명이 없습니다 / an OLE compound file without the HWP signature"}
	}
	flags := binary.LittleEndian.Uint32(raw[36:40])
	if r := hwpRefusal(flags, viewText && len(sections) == 0); r != nil {
		return nil, r
	}
	if len(sections) > maxHWPSections {
		return nil, fmt.Errorf("hwp: %d sections", len(sections))
	}
	// Lexicographic order would put Section10 before Section2.
	sort.Slice(sections, func(i, j int) bool { return sections[i].n < sections[j].n })

	var text strings.Builder
	budget := maxHWPDecoded
	for _, s := range sections {
		body, err := readOLEStream(s.f, len(data))
		if err != nil {
			return nil, err
		}
		if flags&hwpCompressed != 0 {
			if body, err = inflateLimited(body, budget); err != nil {
				if errors.Is(err, errHWPTooLarge) {
					return nil, &Refusal{Reason: "압축을 푼 본문이 너무 큽니다(압축 폭탄으로 보입니다) / the decompressed body is too large (a decompression bomb?)", Err: err}
				}
				return nil, fmt.Errorf("hwp: section %d: %w", s.n, err)
			}
		}
		budget -= len(body)
		if err := hwpSectionText(&text, body); err != nil {
			return nil, fmt.Errorf("hwp: section %d: %w", s.n, err)
		}
	}
	res := &Result{Text: tidyHWPText(text.String())}
	if res.Text == "" && preview != nil {
		// Some writers leave the body empty and keep only a preview; the
		// preview holds the first pages at most, but that beats nothing.
		if b, err := readOLEStream(preview, len(data)); err == nil {
			res.Text = tidyHWPText(decodeUTF16LE(b))
		}
	}
	if summary != nil {
		if b, err := readOLEStream(summary, len(data)); err == nil {
			res.Title = cleanTitle(summaryTitle(b))
		}
	}
	return res, nil
}

type hwpSection struct {
	n int
	f *mscfb.File
}

// hwpRefusal says why a file with these FileHeader flags cannot be read, or
// returns nil when it can.
func hwpRefusal(flags uint32, distribution bool) *Refusal {
	switch {
	case flags&(hwpDRM|hwpCertDRM) != 0:
		return &Refusal{Reason: "DRM으로 보호된 HWP 문서라 읽을 수 없습니다. DRM을 해제한 원본을 올려 주세요 / the HWP document is DRM-protected and cannot be read; upload the original without DRM"}
	case flags&hwpPassword != 0:
		return &Refusal{Reason: "암호가 걸린 HWP 문서라 읽을 수 없습니다. 암호를 해제한 뒤 올려 주세요 / the HWP document is password-protected; remove the password and upload it again"}
	case flags&hwpCertEncrypted != 0:
		return &Refusal{Reason: "인증서로 암호화된 HWP 문서라 읽을 수 없습니다 / the HWP document is encrypted with a certificate and cannot be read"}
	case flags&hwpDistribution != 0 || distribution:
		return &Refusal{Reason: "배포용 문서(본문 암호화)라 읽을 수 없습니다. 일반 문서로 저장해 올려 주세요 / a distribution document (배포용) whose body is encrypted; save it as a normal document and upload that"}
	}
	return nil
}

// readOLEStream reads a whole stream. A stream cannot be larger than the file
// that holds it: a larger declared size is a lie, and trusting it would let a
// cyclic sector chain make the reader loop over the same bytes forever.
func readOLEStream(f *mscfb.File, fileSize int) ([]byte, error) {
	if f.Size > int64(fileSize) {
		return nil, fmt.Errorf("hwp: stream %s declares %d bytes in a %d-byte file", f.Name, f.Size, fileSize)
	}
	b := make([]byte, f.Size)
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, fmt.Errorf("hwp: stream %s: %w", f.Name, err)
	}
	return b, nil
}

// inflateLimited decompresses raw deflate data (no zlib header, as HWP
// stores it), refusing to produce more than limit bytes.
func inflateLimited(b []byte, limit int) ([]byte, error) {
	if limit < 0 {
		limit = 0
	}
	zr := flate.NewReader(bytes.NewReader(b))
	defer zr.Close()
	var out bytes.Buffer
	n, err := out.ReadFrom(io.LimitReader(zr, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if n > int64(limit) {
		return nil, errHWPTooLarge
	}
	return out.Bytes(), nil
}

// decodeUTF16LE decodes little-endian UTF-16, surrogate pairs included; an
// odd trailing byte is dropped.
func decodeUTF16LE(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// summaryTitle returns the title (PIDSI_TITLE) from an OLE property set
// stream (MS-OLEPS), or "" if there is none or the stream is malformed.
// HWP writes strings as VT_LPWSTR.
func summaryTitle(b []byte) string {
	const (
		pidTitle  = 2
		vtLPSTR   = 0x1E
		vtLPWSTR  = 0x1F
		setHeader = 28 // byte order, version, system id, CLSID, count
	)
	if len(b) < setHeader+20 || binary.LittleEndian.Uint16(b) != 0xFFFE {
		return ""
	}
	if binary.LittleEndian.Uint32(b[24:]) == 0 {
		return ""
	}
	set := int(binary.LittleEndian.Uint32(b[setHeader+16:]))
	if set < 0 || set+8 > len(b) {
		return ""
	}
	n := int(binary.LittleEndian.Uint32(b[set+4:]))
	for i := 0; i < n; i++ {
		p := set + 8 + 8*i
		if p+8 > len(b) {
			return ""
		}
		if binary.LittleEndian.Uint32(b[p:]) != pidTitle {
			continue
		}
		v := set + int(binary.LittleEndian.Uint32(b[p+4:]))
		if v < set || v+8 > len(b) {
			return ""
		}
		typ, count := binary.LittleEndian.Uint32(b[v:]), int(binary.LittleEndian.Uint32(b[v+4:]))
		s := v + 8
		switch typ {
		case vtLPWSTR:
			if count < 0 || count > (len(b)-s)/2 {
				return ""
			}
			return strings.TrimRight(decodeUTF16LE(b[s:s+2*count]), "\x00")
		case vtLPSTR:
			if count < 0 || count > len(b)-s {
				return ""
			}
			t := strings.TrimRight(string(b[s:s+count]), "\x00")
			if !utf8.ValidString(t) {
				return "" // a code page string; not worth decoding for a title
			}
			return t
		}
		return ""
	}
	return ""
}

// cleanTitle trims a title from document properties and drops the
// placeholders writers leave there ("3", "□", "2010"): a title needs at least
// two letters.
func cleanTitle(s string) string {
	s = collapseBlanks(strings.Join(strings.Fields(s), " "))
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 2 {
		return ""
	}
	return s
}

// tidyHWPText normalises extracted text: runs of spaces collapse to one, a
// run of blanks holding a tab becomes one tab (it separates cells or
// columns), lines are trimmed, and no more than one empty line is kept in a
// row.
func tidyHWPText(s string) string {
	var out strings.Builder
	out.Grow(len(s))
	blank := 0
	for line := range strings.Lines(s) {
		line = strings.TrimRight(line, "\r\n")
		line = collapseBlanks(line)
		if line == "" {
			blank++
			continue
		}
		if out.Len() > 0 {
			out.WriteByte('\n')
			if blank > 0 {
				out.WriteByte('\n')
			}
		}
		blank = 0
		out.WriteString(line)
	}
	return out.String()
}

// collapseBlanks collapses runs of horizontal white space and trims the line.
func collapseBlanks(line string) string {
	var b strings.Builder
	b.Grow(len(line))
	var pending rune // ' ' or '\t' waiting to be written before the next non-blank
	for _, r := range line {
		switch r {
		case ' ', '\u00A0', '\u3000', '\u2002', '\u2003', '\u2009', '\v', '\f', '\r':
			if pending == 0 {
				pending = ' '
			}
			continue
		case '\t':
			pending = '\t'
			continue
		}
		if pending != 0 && b.Len() > 0 {
			b.WriteRune(pending)
		}
		pending = 0
		b.WriteRune(r)
	}
	return b.String()
}
