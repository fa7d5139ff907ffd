package extract

// PDF text comes from PDFium (the PDF engine of Chromium) compiled to
// WebAssembly and run by wazero, both shipped inside the go-pdfium module: no
// cgo, no external program. The pure-Go parsers tried first (ledongthuc/pdf,
// dslipak/pdf) ignore the glyph widths of CID fonts, so they cannot place
// glyphs, lose line breaks and cannot tell a glyph drawn twice from two
// glyphs; PDFium reads Hancom's and Quartz's CID fonts with their ToUnicode
// maps and puts the text in reading order with its own line detection.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/klippa-app/go-pdfium"
	pdfiumerr "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

const (
	// pdfMemoryPages caps the linear memory of one PDFium instance (64 KiB
	// pages): 512 MiB. A hostile file makes PDFium fail an allocation, which
	// becomes an error, instead of taking the server's memory.
	pdfMemoryPages = 8192
	// pdfInstances is how many documents are read at once; more wait.
	pdfInstances = 2
	// pdfMaxPages and pdfMaxText bound what one PDF may make us read.
	pdfMaxPages = 10000
	pdfMaxText  = 64 << 20
	// pdfWait is how long a read waits for a free instance.
	pdfWait = 5 * time.Minute
)

// pdfEngine is the process-wide PDFium pool. Compiling the 6 MB module takes
// a few seconds, so it is done once, on the first PDF.
var pdfEngine struct {
	once sync.Once
	pool pdfium.Pool
	err  error
}

func pdfPool() (pdfium.Pool, error) {
	pdfEngine.once.Do(func() {
		pdfEngine.pool, pdfEngine.err = webassembly.Init(webassembly.Config{
			MinIdle:  0,
			MaxIdle:  pdfInstances,
			MaxTotal: pdfInstances,
			// An empty FS config: by default go-pdfium mounts the host's
			// root into the sandbox, and PDFium needs no files.
			FSConfig: wazero.NewFSConfig(),
			Stdout:   io.Discard,
			Stderr:   io.Discard,
			// The bundled module needs exception handling (setjmp/longjmp).
			RuntimeConfig: compilationCache(wazero.NewRuntimeConfig().
				WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
				WithMemoryLimitPages(pdfMemoryPages)),
		})
	})
	return pdfEngine.pool, pdfEngine.err
}

// compilationCache keeps the compiled PDFium module in the user's cache
// folder (like Go's build cache), so only the first process on a machine
// pays the seconds of compilation. Without a usable cache folder every
// process compiles again; nothing fails.
func compilationCache(rc wazero.RuntimeConfig) wazero.RuntimeConfig {
	dir, err := os.UserCacheDir()
	if err != nil {
		return rc
	}
	cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(dir, "plaza", "wazero"))
	if err != nil {
		return rc
	}
	return rc.WithCompilationCache(cache)
}

// readPDF extracts the text of every page, pages in order, lines separated by
// newlines. A PDF without a text layer (a scan) gives empty Text.
func readPDF(data []byte) (res *Result, err error) {
	// PDFium runs inside a wasm sandbox, so a fault in it is a wasm trap
	// returned as an error; the recover covers go-pdfium's own Go code,
	// which indexes into wasm memory on PDFium's word.
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("pdf: reader failed: %v", p)
		}
	}()
	// PDFium rebuilds a damaged cross-reference table by scanning, so it
	// reads a truncated file (a failed upload) without complaint and gives
	// part of the text. A PDF ends with %%EOF; without one it is refused.
	if !bytes.Contains(data[max(0, len(data)-1024):], []byte("%%EOF")) {
		return nil, errors.New("pdf: no %%EOF at the end: the file is truncated")
	}
	pool, err := pdfPool()
	if err != nil {
		return nil, fmt.Errorf("%w: pdf: start engine: %w", ErrEngine, err)
	}
	inst, err := pool.GetInstance(pdfWait)
	if err != nil {
		return nil, fmt.Errorf("%w: pdf: engine busy: %w", ErrEngine, err)
	}
	// Close drops the instance and its memory: a large document leaves
	// nothing behind for the next one.
	defer inst.Close()

	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	switch {
	case errors.Is(err, pdfiumerr.ErrPassword), errors.Is(err, pdfiumerr.ErrSecurity):
		return nil, &Refusal{Reason: "암호가 걸린 PDF라 읽을 수 없습니다. 암호를 푼 파일을 올려 주세요 / the PDF is password-protected and cannot be read; upload it without the password", Err: err}
	case err != nil:
		return nil, fmt.Errorf("pdf: open: %w", err)
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})

	res = &Result{Title: pdfTitle(inst, doc.Document)}
	n, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return nil, fmt.Errorf("pdf: page count: %w", err)
	}
	if n.PageCount > pdfMaxPages {
		return nil, &Refusal{Reason: fmt.Sprintf("PDF의 쪽수가 너무 많습니다 (%d쪽, %d쪽까지) / the PDF has too many pages (%d, at most %d)", n.PageCount, pdfMaxPages, n.PageCount, pdfMaxPages)}
	}
	var b strings.Builder
	for i := range n.PageCount {
		if err := pdfPageText(inst, doc.Document, i, &b); err != nil {
			return nil, fmt.Errorf("pdf: page %d: %w", i+1, err)
		}
		b.WriteString("\n\n") // a blank line between pages
		// Pages can share one content stream, so a small file can make
		// text without end: stop at a budget far above any real document.
		if b.Len() > pdfMaxText {
			return nil, &Refusal{Reason: fmt.Sprintf("PDF의 글자가 너무 많습니다 (%d MiB 넘음) / the PDF holds too much text (over %d MiB)", pdfMaxText>>20, pdfMaxText>>20)}
		}
	}
	res.Text = normalizePDFText(b.String())
	return res, nil
}

// glyphAt identifies a glyph drawn on a page: its character and where.
type glyphAt struct {
	r    rune
	x, y int32 // lower-left corner in half points
}

// pdfPageText appends the text of one page in PDFium's reading order. Hancom
// PDF draws much of its text twice at the same place (the second pass adds
// the punctuation the first left out); a glyph already drawn at the same spot
// is dropped, so words do not come out doubled.
func pdfPageText(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, index int, b *strings.Builder) error {
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: index})
	if err != nil {
		return err
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &page.Page}})
	if err != nil {
		return err
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	count, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return err
	}
	seen := make(map[glyphAt]bool, count.Count)
	for i := range count.Count {
		u, err := inst.FPDFText_GetUnicode(&requests.FPDFText_GetUnicode{TextPage: tp.TextPage, Index: i})
		if err != nil {
			return err
		}
		r := rune(u.Unicode)
		if !unicode.IsSpace(r) && r != 0 {
			box, err := inst.FPDFText_GetCharBox(&requests.FPDFText_GetCharBox{TextPage: tp.TextPage, Index: i})
			if err != nil {
				return err
			}
			// A generated character (a space or line break PDFium
			// inferred) has an empty box; only drawn glyphs are keyed.
			if box.Right > box.Left || box.Top > box.Bottom {
				k := glyphAt{r, int32(math.Round(box.Left * 2)), int32(math.Round(box.Bottom * 2))}
				if seen[k] {
					continue
				}
				seen[k] = true
			}
		}
		b.WriteRune(r)
	}
	return nil
}

// pdfTitle is the Title of the Info dictionary (PDFium decodes UTF-16BE and
// PDFDocEncoding), without the placeholders authoring tools write when the
// author gave none.
func pdfTitle(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT) string {
	m, err := inst.FPDF_GetMetaText(&requests.FPDF_GetMetaText{Document: doc, Tag: "Title"})
	if err != nil {
		return ""
	}
	t := strings.Join(strings.Fields(m.Value), " ")
	switch strings.ToLower(t) {
	case "무제", "제목 없음", "untitled", "noname":
		return ""
	}
	return t
}

// normalizePDFText turns PDFium's page text into Result.Text: \r\n and \r
// become \n, runs of spaces become one, lines are trimmed, blank lines
// collapse to one, and characters no reader can use (controls, the private
// use area where Hancom puts its own bullet and bracket glyphs, U+FFFD) go.
func normalizePDFText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var line strings.Builder
	space, blank := false, true // blank: the last line written was empty
	flush := func() {
		l := strings.TrimSpace(line.String())
		line.Reset()
		space = false
		if l == "" {
			if !blank && b.Len() > 0 {
				b.WriteByte('\n')
			}
			blank = true
			return
		}
		b.WriteString(l)
		b.WriteByte('\n')
		blank = false
	}
	prevCR := false
	for _, r := range s {
		cr := prevCR
		prevCR = r == '\r'
		switch {
		case r == '\n' && cr:
			// the second half of \r\n
		case r == '\n' || r == '\r':
			flush()
		case unicode.IsSpace(r):
			space = true
		case unicode.IsControl(r), unicode.Is(unicode.Co, r), r == unicode.ReplacementChar, r == 0xFFFE:
			// dropped
		default:
			if space {
				line.WriteByte(' ')
				space = false
			}
			line.WriteRune(r)
		}
	}
	flush()
	return strings.TrimRight(b.String(), "\n")
}
