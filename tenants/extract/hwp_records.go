package extract

import (
	"encoding/binary"
	"errors"
	"strings"
	"unicode/utf16"
)

// Record tags of a BodyText section (한글 문서 파일 형식 5.0, 4.3).
const (
	hwpTagBegin      = 0x10
	hwpTagParaHeader = hwpTagBegin + 50
	hwpTagParaText   = hwpTagBegin + 51
)

var errHWPRecord = errors.New("hwp: record runs past the end of its stream")

// hwpSectionText appends the text of one decompressed section stream to w.
//
// Table cells, text boxes, headers, footers and notes are paragraph lists
// nested (by record level) inside the paragraph that holds their control, in
// the same stream; walking every PARA_TEXT in record order reads them all.
// Every paragraph starts on a new line, so the text of adjacent cells never
// runs together.
func hwpSectionText(w *strings.Builder, b []byte) error {
	for len(b) > 0 {
		if len(b) < 4 {
			return errHWPRecord
		}
		h := binary.LittleEndian.Uint32(b)
		tag, size := h&0x3FF, int(h>>20)
		b = b[4:]
		if size == 0xFFF {
			if len(b) < 4 {
				return errHWPRecord
			}
			n := binary.LittleEndian.Uint32(b)
			b = b[4:]
			if uint64(n) > uint64(len(b)) {
				return errHWPRecord
			}
			size = int(n)
		}
		if size > len(b) {
			return errHWPRecord
		}
		body := b[:size]
		b = b[size:]
		switch tag {
		case hwpTagParaHeader:
			newLine(w)
		case hwpTagParaText:
			newLine(w)
			paraText(w, body)
			newLine(w)
		}
	}
	return nil
}

// newLine ends the current line unless the text is empty or already ends
// with one.
func newLine(w *strings.Builder) {
	s := w.String()
	if len(s) > 0 && s[len(s)-1] != '\n' {
		w.WriteByte('\n')
	}
}

// Control characters in PARA_TEXT (표 6): codes below 32 are controls. A
// "char" control takes one WCHAR; an "inline" or "extended" control takes
// eight (the code, six WCHARs of parameters or a control ID and pointer, the
// code again).
//
//	char:     0 (unusable), 10 line break, 13 paragraph end, 24 hyphen,
//	          25-29 reserved, 30 non-breaking space, 31 fixed-width space
//	inline:   4 field end, 5-7 reserved, 8 title mark, 9 tab, 19-20 reserved
//	extended: 1 reserved, 2 section/column definition, 3 field start,
//	          11 drawing object/table, 12 reserved, 14 reserved,
//	          15 hidden comment, 16 header/footer, 17 footnote/endnote,
//	          18 auto number, 21 page control, 22 bookmark/index mark,
//	          23 dutmal/overlapping characters
const hwpCharControls = 1<<0 | 1<<10 | 1<<13 | 1<<24 | 1<<25 | 1<<26 | 1<<27 | 1<<28 | 1<<29 | 1<<30 | 1<<31

// paraText decodes a PARA_TEXT record (UTF-16LE with controls) into w.
func paraText(w *strings.Builder, b []byte) {
	for i := 0; i+1 < len(b); {
		c := binary.LittleEndian.Uint16(b[i:])
		switch {
		case c < 32 && hwpCharControls&(1<<c) != 0:
			i += 2
			switch c {
			case 10:
				w.WriteByte('\n')
			case 13:
				newLine(w)
			case 24:
				w.WriteByte('-')
			case 30, 31:
				w.WriteByte(' ')
			}
		case c < 32: // inline or extended: eight WCHARs
			i += 16
			if c == 9 {
				w.WriteByte('\t')
			}
		case utf16.IsSurrogate(rune(c)):
			r := '\uFFFD'
			if i+3 < len(b) {
				r = utf16.DecodeRune(rune(c), rune(binary.LittleEndian.Uint16(b[i+2:])))
			}
			if r == '\uFFFD' {
				i += 2 // lone surrogate: skip it, keep the next unit
				continue
			}
			w.WriteRune(r)
			i += 4
		default:
			w.WriteRune(rune(c))
			i += 2
		}
	}
}
