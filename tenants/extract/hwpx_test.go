package extract

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestHWPXDocs(t *testing.T) {
	for _, d := range docPhrases {
		if filepath.Ext(d.file) != ".hwpx" {
			continue
		}
		t.Run(filepath.Base(d.file), func(t *testing.T) {
			res, err := File(d.file, corpusFile(t, d.file))
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != HWPX {
				t.Errorf("format %q, want hwpx", res.Format)
			}
			checkText(t, res.Text, d.phrases, d.cells)
		})
	}
}

func TestHWPXTitle(t *testing.T) {
	const name = "edge/nibr_2023_wildlife_system_rfp__hwpx_content_with_hwp_extension.hwp"
	res, err := File(name, corpusFile(t, name))
	if err != nil {
		t.Fatal(err)
	}
	// The file declares the title of the older RFP it was made from.
	if want := "국가생물종목록 정보구축 관리(2018년) 제안요청서"; res.Title != want {
		t.Errorf("title %q, want %q", res.Title, want)
	}
}

// buildZip makes a zip of the named files, written in name order.
func buildZip(tb testing.TB, files map[string]string) []byte {
	tb.Helper()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			tb.Fatal(err)
		}
		w.Write([]byte(files[n]))
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

const testSection = `<?xml version="1.0" encoding="UTF-8"?>
<hs:sec xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph">
<hp:p><hp:run><hp:t>표 앞<hp:tab/>글</hp:t></hp:run><hp:run><hp:tbl><hp:tr>
<hp:tc><hp:subList><hp:p><hp:run><hp:t>첫 칸</hp:t></hp:run></hp:p></hp:subList></hp:tc>
<hp:tc><hp:subList><hp:p><hp:run><hp:t>둘째 칸</hp:t></hp:run></hp:p><hp:p><hp:run><hp:t>둘째 칸의 둘째 문단</hp:t></hp:run></hp:p></hp:subList></hp:tc>
</hp:tr></hp:tbl></hp:run><hp:run><hp:t>표 뒤</hp:t></hp:run></hp:p>
<hp:p><hp:run><hp:t>줄<hp:lineBreak/>바꿈   여러   칸</hp:t></hp:run></hp:p>
</hs:sec>`

// TestHWPXSynthetic checks paragraph, cell, tab and line break handling, and
// that the spine, not the file name, orders the sections.
func TestHWPXSynthetic(t *testing.T) {
	data := buildZip(t, map[string]string{
		"mimetype": hwpxMimeType,
		"Contents/content.hpf": `<opf:package xmlns:opf="http://www.idpf.org/2007/opf/"><opf:metadata><opf:title> 시험  문서 </opf:title></opf:metadata>
<opf:manifest><opf:item id="header" href="Contents/header.xml"/><opf:item id="a" href="Contents/section1.xml"/><opf:item id="b" href="Contents/section0.xml"/></opf:manifest>
<opf:spine><opf:itemref idref="header"/><opf:itemref idref="a"/><opf:itemref idref="b"/></opf:spine></opf:package>`,
		"Contents/header.xml":   `<hh:head xmlns:hh="h"><hh:t>머리 정의</hh:t></hh:head>`,
		"Contents/section1.xml": testSection,
		"Contents/section0.xml": `<hs:sec xmlns:hs="s" xmlns:hp="p"><hp:p><hp:run><hp:t>마지막 구역</hp:t></hp:run></hp:p></hs:sec>`,
	})
	res, err := File("t.hwpx", data)
	if err != nil {
		t.Fatal(err)
	}
	want := "표 앞\t글\n첫 칸\n둘째 칸\n둘째 칸의 둘째 문단\n표 뒤\n줄\n바꿈 여러 칸\n마지막 구역"
	if res.Text != want {
		t.Errorf("text\n%q\nwant\n%q", res.Text, want)
	}
	if res.Title != "시험 문서" {
		t.Errorf("title %q", res.Title)
	}
}

func TestHWPXNotHWPX(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"docx", map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}, "DOCX"},
		{"xlsx", map[string]string{"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}, "XLSX"},
		{"odt", map[string]string{"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}, "ODF"},
		{"random zip", map[string]string{"a.txt": "hello", "b/c.bin": "\x00\x01"}, "not an HWPX"},
		{"wrong mimetype", map[string]string{"mimetype": "application/epub+zip", "Contents/content.hpf": "<x/>"}, "not an HWPX"},
		{"no sections", map[string]string{"mimetype": hwpxMimeType}, "no body sections"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := File(c.name+".hwpx", buildZip(t, c.files))
			var r *Refusal
			if !errors.As(err, &r) {
				t.Fatalf("got %v, want a *Refusal", err)
			}
			if !strings.Contains(r.Reason, c.want) {
				t.Errorf("reason %q does not mention %q", r.Reason, c.want)
			}
		})
	}
}

func TestHWPXCorrupt(t *testing.T) {
	good := buildZip(t, map[string]string{"mimetype": hwpxMimeType, "Contents/section0.xml": testSection})
	if _, err := File("good.hwpx", good); err != nil {
		t.Fatalf("the uncorrupted zip fails: %v", err)
	}
	bad := map[string][]byte{
		"broken xml": buildZip(t, map[string]string{"mimetype": hwpxMimeType, "Contents/section0.xml": "<hs:sec><hp:p><hp:t>열린 채로"}),
	}
	for _, n := range []int{10, 30, len(good) / 2, len(good) - 10} {
		bad[fmt.Sprintf("cut to %d", n)] = good[:n]
	}
	real := corpusFile(t, "docs/hwpx/moef_press_2025q1_overseas_direct_investment.hwpx")
	bad["real, cut in half"] = real[:len(real)/2]
	flipped := bytes.Clone(real)
	for i := 1000; i < len(flipped)-1000; i += 97 {
		flipped[i] ^= 0x5A
	}
	bad["real, bytes flipped"] = flipped
	for name, data := range bad {
		if _, err := File(name, data); !IsRefusal(err) {
			t.Errorf("%s: got %v, want a *Refusal", name, err)
		}
	}
}

// TestHWPXZipBomb builds a 300 MiB section that deflates to about 300 KiB,
// without ever holding 300 MiB: one deflated MiB of zeros, byte-aligned by
// a flush, repeats as often as needed.
func TestHWPXZipBomb(t *testing.T) {
	const mib = 1 << 20
	var chunk bytes.Buffer
	zw, _ := flate.NewWriter(&chunk, flate.BestCompression)
	zw.Write(make([]byte, mib))
	zw.Flush()
	const n = 300
	stream := append(bytes.Repeat(chunk.Bytes(), n), 0x03, 0x00) // final empty block
	crc := crc32.NewIEEE()
	zeros := make([]byte, mib)
	for range n {
		crc.Write(zeros)
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	mt, _ := w.Create("mimetype")
	mt.Write([]byte(hwpxMimeType))
	raw, err := w.CreateRaw(&zip.FileHeader{
		Name:               "Contents/section0.xml",
		Method:             zip.Deflate,
		CRC32:              crc.Sum32(),
		CompressedSize64:   uint64(len(stream)),
		UncompressedSize64: n * mib,
	})
	if err != nil {
		t.Fatal(err)
	}
	raw.Write(stream)
	w.Close()
	t.Logf("zip bomb: %d bytes expanding to %d MiB", buf.Len(), n)

	_, err = File("bomb.hwpx", buf.Bytes())
	var r *Refusal
	if !errors.As(err, &r) || !strings.Contains(r.Reason, "zip bomb") {
		t.Errorf("got %v, want a zip bomb refusal", err)
	}
}

func TestHWPXTooManyEntries(t *testing.T) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	mt, _ := w.Create("mimetype")
	mt.Write([]byte(hwpxMimeType))
	for i := range maxHWPXEntries + 1 {
		w.Create(fmt.Sprintf("BinData/%d", i))
	}
	w.Close()
	_, err := File("many.hwpx", buf.Bytes())
	var r *Refusal
	if !errors.As(err, &r) || !strings.Contains(r.Reason, "too many entries") {
		t.Errorf("got %v, want a too-many-entries refusal", err)
	}
}

// BenchmarkHWPX measures extraction throughput over the HWPX corpus files.
func BenchmarkHWPX(b *testing.B) {
	var files [][]byte
	var total int64
	for _, name := range []string{
		"docs/hwpx/moef_press_2024q1_overseas_direct_investment.hwpx",
		"docs/hwpx/moef_press_2025q1_overseas_direct_investment.hwpx",
	} {
		data := corpusFile(b, name)
		files = append(files, data)
		total += int64(len(data))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range files {
			if _, err := readHWPX(data); err != nil {
				b.Fatal(err)
			}
		}
	}
}
