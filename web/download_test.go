package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plaza-portal/plaza/tenants"
)

func TestDownload(t *testing.T) {
	s, fx := newTestServer(t)
	plan := fx.docs[docWorkPlan]
	target := fileURL(plan.Tenant, plan.ID, 0)
	want := fx.bytesOf(t, docWorkPlan)
	size := strconv.Itoa(len(want))

	res, body := get(t, s, target)
	if res.StatusCode != http.StatusOK || !bytes.Equal(body, want) {
		t.Fatalf("full download: status %d, %d bytes, want %d", res.StatusCode, len(body), len(want))
	}
	etag := res.Header.Get("ETag")
	lastModified := res.Header.Get("Last-Modified")

	t.Run("Headers", func(t *testing.T) {
		for h, v := range map[string]string{
			"Content-Type":           "application/x-hwp",
			"Content-Length":         size,
			"Accept-Ranges":          "bytes",
			"ETag":                   `"` + plan.Files[0].SHA256 + `"`,
			"X-Content-Type-Options": "nosniff",
		} {
			if got := res.Header.Get(h); got != v {
				t.Errorf("%s = %q, want %q", h, got, v)
			}
		}
		if _, err := http.ParseTime(lastModified); err != nil {
			t.Errorf("Last-Modified %q: %v", lastModified, err)
		}
	})
	t.Run("ContentDisposition", func(t *testing.T) {
		cd := res.Header.Get("Content-Disposition")
		wantRaw := `attachment; filename="2022_ _____ ____.hwp"; filename*=UTF-8''2022%EB%85%84%20%EA%B5%AD%EB%A6%BD%EA%B5%AD%EC%96%B4%EC%9B%90%20%EC%97%85%EB%AC%B4%EA%B3%84%ED%9A%8D.hwp`
		if cd != wantRaw {
			t.Errorf("Content-Disposition\n got %s\nwant %s", cd, wantRaw)
		}
		disp, params, err := mime.ParseMediaType(cd)
		if err != nil || disp != "attachment" || params["filename"] != koreanUploadName {
			t.Errorf("parsed: %q %q %v", disp, params, err)
		}
	})
	t.Run("IfNoneMatch", func(t *testing.T) {
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
			res, body := get(t, s, target, "If-None-Match", inm)
			if res.StatusCode != http.StatusNotModified || len(body) != 0 || res.Header.Get("ETag") != etag {
				t.Errorf("If-None-Match %s: status %d, %d bytes", inm, res.StatusCode, len(body))
			}
		}
		res, _ := get(t, s, target, "If-None-Match", `"stale"`)
		if res.StatusCode != http.StatusOK {
			t.Errorf("stale If-None-Match: %d", res.StatusCode)
		}
	})
	t.Run("IfModifiedSince", func(t *testing.T) {
		res, _ := get(t, s, target, "If-Modified-Since", lastModified)
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("If-Modified-Since: %d", res.StatusCode)
		}
		old := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat)
		res, _ = get(t, s, target, "If-Modified-Since", old)
		if res.StatusCode != http.StatusOK {
			t.Errorf("old If-Modified-Since: %d", res.StatusCode)
		}
	})
	t.Run("IfMatch", func(t *testing.T) {
		res, _ := get(t, s, target, "If-Match", `"stale"`)
		if res.StatusCode != http.StatusPreconditionFailed {
			t.Errorf("If-Match stale: %d", res.StatusCode)
		}
	})
	t.Run("Range", func(t *testing.T) {
		n := len(want)
		for _, c := range []struct {
			header       string
			from, to     int // inclusive
			contentRange string
		}{
			{"bytes=0-99", 0, 99, fmt.Sprintf("bytes 0-99/%d", n)},
			{"bytes=-10", n - 10, n - 1, fmt.Sprintf("bytes %d-%d/%d", n-10, n-1, n)},
			{"bytes=100-", 100, n - 1, fmt.Sprintf("bytes 100-%d/%d", n-1, n)},
			{"bytes=1000-1000", 1000, 1000, fmt.Sprintf("bytes 1000-1000/%d", n)},
			{fmt.Sprintf("bytes=%d-%d", n-5, n+1000), n - 5, n - 1, fmt.Sprintf("bytes %d-%d/%d", n-5, n-1, n)},
			{fmt.Sprintf("bytes=-%d", n+5), 0, n - 1, fmt.Sprintf("bytes 0-%d/%d", n-1, n)},
			{fmt.Sprintf("bytes=0-9, %d-", n+10), 0, 9, fmt.Sprintf("bytes 0-9/%d", n)}, // one satisfiable range
		} {
			res, body := get(t, s, target, "Range", c.header)
			if res.StatusCode != http.StatusPartialContent {
				t.Errorf("%s: status %d", c.header, res.StatusCode)
				continue
			}
			if !bytes.Equal(body, want[c.from:c.to+1]) {
				t.Errorf("%s: %d bytes, want bytes %d-%d", c.header, len(body), c.from, c.to)
			}
			if got := res.Header.Get("Content-Range"); got != c.contentRange {
				t.Errorf("%s: Content-Range %q, want %q", c.header, got, c.contentRange)
			}
			if got := res.Header.Get("Content-Length"); got != strconv.Itoa(c.to-c.from+1) {
				t.Errorf("%s: Content-Length %s", c.header, got)
			}
		}
	})
	t.Run("RangeUnsatisfiable", func(t *testing.T) {
		for _, h := range []string{"bytes=" + size + "-", "bytes=99999999-", "bytes=-0"} {
			res, _ := get(t, s, target, "Range", h)
			if res.StatusCode != http.StatusRequestedRangeNotSatisfiable || res.Header.Get("Content-Range") != "bytes */"+size {
				t.Errorf("%s: status %d, Content-Range %q", h, res.StatusCode, res.Header.Get("Content-Range"))
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || res.Header.Get("Content-Disposition") != "" {
				t.Errorf("%s: the error looks like the file: %q, %q", h, ct, res.Header.Get("Content-Disposition"))
			}
		}
	})
	t.Run("RangeServedWhole", func(t *testing.T) {
		// Several ranges, a malformed range, another unit, a stale If-Range:
		// all get the whole file.
		for _, hs := range [][]string{
			{"Range", "bytes=0-1,5-6"},
			{"Range", "bytes=abc"},
			{"Range", "bytes=5-1"},
			{"Range", "items=0-1"},
			{"Range", "bytes=0-99", "If-Range", `"stale"`},
		} {
			res, body := get(t, s, target, hs...)
			if res.StatusCode != http.StatusOK || !bytes.Equal(body, want) {
				t.Errorf("%v: status %d, %d bytes", hs, res.StatusCode, len(body))
			}
		}
		res, body := get(t, s, target, "Range", "bytes=0-99", "If-Range", etag)
		if res.StatusCode != http.StatusPartialContent || len(body) != 100 {
			t.Errorf("matching If-Range: status %d, %d bytes", res.StatusCode, len(body))
		}
	})
	t.Run("Head", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodHead, target, nil)
		res, err := s.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Length") != size {
			t.Errorf("HEAD: %d, Content-Length %q", res.StatusCode, res.Header.Get("Content-Length"))
		}
	})
	t.Run("Inline", func(t *testing.T) {
		pdf := fx.docs[docWorkPlanPDF]
		res, body := get(t, s, fileURL(pdf.Tenant, pdf.ID, 0)+"?inline=1")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), `inline; filename="nikl_2022_work_plan.pdf"; filename*=UTF-8''nikl_2022_work_plan.pdf`) ||
			!bytes.Equal(body, fx.bytesOf(t, docWorkPlanPDF)) {
			t.Errorf("inline pdf: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
		}
		// Only PDFs open inline.
		res, _ = get(t, s, target+"?inline=1")
		if !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") {
			t.Errorf("hwp inline: %s", res.Header.Get("Content-Disposition"))
		}
	})
	t.Run("Withheld", func(t *testing.T) {
		w := fx.docs[docWithheld]
		for _, r := range []string{"", "bytes=0-99"} {
			res, body := get(t, s, fileURL(w.Tenant, w.ID, 0), "Range", r)
			if res.StatusCode != http.StatusForbidden || res.Header.Get("Content-Disposition") != "" ||
				res.Header.Get("Content-Type") != "text/html; charset=utf-8" || bytes.Contains(body, []byte("HWP Document File")) {
				t.Errorf("withheld file (Range %q): %d %s", r, res.StatusCode, res.Header.Get("Content-Type"))
			}
			mustContain(t, "withheld download", body, "오류 403", "비공개 문서의 파일은 내려받을 수 없습니다")
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		for _, u := range []string{
			fileURL(plan.Tenant, plan.ID, 1),
			docURL(plan.Tenant, plan.ID) + "/files/abc",
			docURL(plan.Tenant, plan.ID) + "/files/-1",
			fileURL("moef", plan.ID, 0),
			// Only the canonical decimal names a file: one URL per file.
			docURL(plan.Tenant, plan.ID) + "/files/00",
			docURL(plan.Tenant, plan.ID) + "/files/+0",
			docURL(plan.Tenant, plan.ID) + "/files/-0",
			docURL(plan.Tenant, plan.ID) + "/files/%2B0",
			docURL(plan.Tenant, plan.ID) + "/files/%30",
			docURL(plan.Tenant, plan.ID) + "/files/0.0",
			docURL(plan.Tenant, plan.ID) + "/files/0x0",
			docURL(plan.Tenant, plan.ID) + "/files/%200",
			docURL(plan.Tenant, plan.ID) + "/files/%EF%BC%90", // fullwidth zero
			docURL(plan.Tenant, plan.ID) + "/files/000000000000000000000",
		} {
			if res, _ := get(t, s, u); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d", u, res.StatusCode)
			}
		}
	})
}

func TestFileNumber(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "1": 1, "7": 7, "10": 10, "123456789": 123456789} {
		if n, ok := fileNumber(in); !ok || n != want {
			t.Errorf("fileNumber(%q) = %d, %v; want %d", in, n, ok, want)
		}
	}
	for _, in := range []string{"", "00", "01", "007", "+1", "-1", "-0", " 1", "1 ", "1.0", "0x1", "1e3", "１",
		"1234567890", "99999999999999999999", "%31"} {
		if n, ok := fileNumber(in); ok {
			t.Errorf("fileNumber(%q) = %d, want not a file number", in, n)
		}
	}
}

func TestAsciiFallback(t *testing.T) {
	for in, want := range map[string]string{
		"report.pdf":             "report.pdf",
		`a"b\c.hwp`:              "abc.hwp",
		"보고서.hwp":                "___.hwp",
		"tab\tname.pdf":          "tab_name.pdf",
		"한글":                     "__",
		`"`:                      "file",
		"semi;colon, comma.hwpx": "semi;colon, comma.hwpx",
	} {
		if got := asciiFallback(in); got != want {
			t.Errorf("asciiFallback(%q) = %q, want %q", in, got, want)
		}
	}
	if got := encodeExtValue("a b%'*.hwp"); got != "a%20b%25%27%2A.hwp" {
		t.Errorf("encodeExtValue = %q", got)
	}
}

func TestProbes(t *testing.T) {
	s, _ := newTestServer(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		res, body := get(t, s, p)
		if res.StatusCode != http.StatusOK || string(body) != "ok" {
			t.Errorf("%s: %d %q", p, res.StatusCode, body)
		}
	}
	down := New(Config{Registry: s.registry, Archive: s.archive, Index: s.index, Logger: s.log,
		Ready: func(context.Context) error {
			return tenants.E("index.ping", tenants.Unavailable, errors.New("index is closed"))
		}})
	res, body := get(t, down, "/readyz")
	if res.StatusCode != http.StatusServiceUnavailable || string(body) != "not ready" {
		t.Errorf("readyz when down: %d %q", res.StatusCode, body)
	}
	if res, _ := get(t, down, "/healthz"); res.StatusCode != http.StatusOK {
		t.Errorf("healthz when not ready: %d", res.StatusCode)
	}
}
