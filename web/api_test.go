package web

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
)

type searchJSON struct {
	Total int `json:"total"`
	Page  int `json:"page"`
	Size  int `json:"size"`
	Hits  []struct {
		ID, Tenant, Title, Type, Produced, Snippet, URL string
	} `json:"hits"`
	Facets map[string][]federation.FacetValue `json:"facets"`
}

func (r searchJSON) ids() []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}

type docJSON struct {
	Tenant, ID, Type, Title, Summary, Department, Number, Produced, Disclosure, URL string
	Disclosed                                                                       time.Time
	Grounds                                                                         []int
	Revision                                                                        int64
	Files                                                                           []struct {
		N                                    int
		Name, MediaType, Format, SHA256, URL string
		Size                                 int64
	}
}

type errorJSON struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func TestAPI(t *testing.T) {
	s, fx := newTestServer(t)
	press24 := fx.docs[docPress24]

	t.Run("SearchShape", func(t *testing.T) {
		var r searchJSON
		getJSON(t, s, "/api/v1/search?q="+url.QueryEscape("해외직접투자"), http.StatusOK, &r)
		if r.Total < 2 || r.Page != 1 || r.Size != federation.DefaultSize {
			t.Fatalf("total %d page %d size %d", r.Total, r.Page, r.Size)
		}
		i := slices.IndexFunc(r.Hits, func(h struct{ ID, Tenant, Title, Type, Produced, Snippet, URL string }) bool {
			return h.ID == press24.ID
		})
		if i < 0 {
			t.Fatalf("press release %s not among hits %v", press24.ID, r.ids())
		}
		h := r.Hits[i]
		if h.Tenant != "moef" || h.Title != press24.Title || h.Type != "press-release" || h.Produced != "2024-06-21" ||
			h.URL != docURL("moef", press24.ID) || !strings.Contains(h.Snippet, "<mark>") {
			t.Errorf("hit %+v", h)
		}
		for _, k := range []string{"tenant", "type", "year", "format"} {
			if _, ok := r.Facets[k]; !ok {
				t.Errorf("no facet %s", k)
			}
		}
	})
	t.Run("TenantFacetSumsToTotal", func(t *testing.T) {
		for _, q := range []string{"", "q=" + url.QueryEscape("해외직접투자"), "type=ruling", "year=2022"} {
			var r searchJSON
			getJSON(t, s, "/api/v1/search?"+q, http.StatusOK, &r)
			sum := 0
			for _, f := range r.Facets["tenant"] {
				sum += f.Count
			}
			if sum != r.Total || r.Total == 0 {
				t.Errorf("%q: tenant facet sums to %d, total %d", q, sum, r.Total)
			}
		}
	})
	t.Run("Filters", func(t *testing.T) {
		check := func(q string, want ...string) {
			t.Helper()
			var r searchJSON
			getJSON(t, s, "/api/v1/search?size=100&"+q, http.StatusOK, &r)
			var wantIDs []string
			for _, n := range want {
				wantIDs = append(wantIDs, fx.docs[n].ID)
			}
			got := r.ids()
			slices.Sort(got)
			slices.Sort(wantIDs)
			if !slices.Equal(got, wantIDs) || r.Total != len(want) {
				t.Errorf("%s: got %v (total %d), want %v", q, got, r.Total, wantIDs)
			}
		}
		check("tenant=moef", docPress24, docPress25, docStats14, docStats10, docWithheld)
		check("type=statistics", docStats14, docStats10)
		check("year=2014", docStats14)
		check("format=pdf", docWorkPlanPDF)
		check("tenant=nikl&format=hwp", docWorkPlan)
		check("tenant=MOEF", docPress24, docPress25, docStats14, docStats10, docWithheld) // slugs are case-insensitive
		// Types and formats are open sets: an unknown one finds nothing.
		check("type=nothing-like-this")
		check("format=docx")
		check("tenant=moef&format=docx")
	})
	t.Run("UnknownTenant", func(t *testing.T) {
		// An unknown tenant filter is a 400 naming the slug, not "0 results",
		// so a typo cannot pass for a tenant without documents.
		long := strings.Repeat("x", 60)
		for q, want := range map[string]string{
			"tenant=nope":               `"nope"`,
			"tenant=nope&q=abc&page=2":  `"nope"`,
			"tenant=" + long:            `"` + strings.Repeat("x", 40) + `…"`,
			"tenant=Nope&type=ruling":   `"nope"`,
			"tenant=%20nope%20&size=20": `"nope"`,
		} {
			res, body := get(t, s, "/api/v1/search?"+q)
			var e errorJSON
			if res.StatusCode != http.StatusBadRequest || decode(body, &e) != nil || e.Error.Code != "invalid" {
				t.Errorf("%.40s: status %d, body %.200s", q, res.StatusCode, body)
				continue
			}
			if !strings.Contains(e.Error.Message, want) || !strings.Contains(e.Error.Message, "unknown tenant") ||
				strings.Contains(e.Error.Message, strings.Repeat("x", 41)) {
				t.Errorf("%.40s: message %q, want it to name %s", q, e.Error.Message, want)
			}
		}
	})
	t.Run("PresentParamsValidated", func(t *testing.T) {
		// Absent: the defaults.
		var r searchJSON
		getJSON(t, s, "/api/v1/search", http.StatusOK, &r)
		if r.Page != 1 || r.Size != federation.DefaultSize {
			t.Errorf("defaults: page %d size %d", r.Page, r.Size)
		}
		// Present: validated as given, never replaced by the default.
		for q, want := range map[string]string{
			"page=0":            "page must be between 1 and 1000",
			"page=-0":           "page must be between 1 and 1000",
			"page=":             "page must be an integer",
			"size=0":            "page size must be between 1 and 100",
			"size=":             "size must be an integer",
			"size=-1":           "page size must be between 1 and 100",
			"size=101":          "page size must be between 1 and 100",
			"year=0":            "year must be between 1000 and 9999",
			"year=":             "year must be an integer",
			"q=a&page=0&size=5": "page must be between",
		} {
			res, body := get(t, s, "/api/v1/search?"+q)
			var e errorJSON
			if res.StatusCode != http.StatusBadRequest || decode(body, &e) != nil || e.Error.Code != "invalid" ||
				!strings.Contains(e.Error.Message, want) {
				t.Errorf("%s: status %d, body %.200s; want 400 saying %q", q, res.StatusCode, body, want)
			}
		}
		// The edges of the ranges are fine.
		for _, q := range []string{"page=1", "page=1000", "size=1", "size=100", "year=1000", "year=9999"} {
			getJSON(t, s, "/api/v1/search?"+q, http.StatusOK, &r)
		}
	})
	t.Run("InvalidUTF8", func(t *testing.T) {
		// Invalid bytes are refused, never dropped or replaced: q=%ff%fe
		// must not turn into an empty query listing everything.
		for _, q := range []string{"q=%ff%fe", "q=abc%ff", "q=%ED%95%B4%ff", "q=%C0%AF", "q=%ED%A0%80",
			"tenant=%ff", "type=%fe", "format=%ff", "sort=%ff"} {
			res, body := get(t, s, "/api/v1/search?"+q)
			var e errorJSON
			if res.StatusCode != http.StatusBadRequest || decode(body, &e) != nil || e.Error.Code != "invalid" {
				t.Errorf("%s: status %d, body %.200s; want 400 invalid", q, res.StatusCode, body)
				continue
			}
			if strings.Contains(q, "q=") && !strings.Contains(e.Error.Message, "UTF-8") {
				t.Errorf("%s: message %q", q, e.Error.Message)
			}
		}
		// Valid multi-byte text still searches.
		var r searchJSON
		getJSON(t, s, "/api/v1/search?q=%ED%95%B4%EC%99%B8%EC%A7%81%EC%A0%91%ED%88%AC%EC%9E%90", http.StatusOK, &r)
		if r.Total < 2 {
			t.Errorf("valid Korean query: total %d", r.Total)
		}
	})
	t.Run("CORS", func(t *testing.T) {
		const origin = "https://news.example"
		for _, target := range []string{"/api/v1/search?q=a", "/api/v1/tenants", "/api/v1/documents/moef/" + press24.ID,
			"/api/v1/search?page=0", "/api/v1/documents/moef/nope", "/api/v1/nothing"} {
			for _, hdr := range [][]string{{"Origin", origin}, nil} {
				res, body := get(t, s, target, hdr...)
				if got := res.Header.Get("Access-Control-Allow-Origin"); got != "*" {
					t.Errorf("GET %s %v: status %d, Access-Control-Allow-Origin %q; %.100s", target, hdr, res.StatusCode, got, body)
				}
				if got := res.Header.Get("Access-Control-Allow-Credentials"); got != "" {
					t.Errorf("GET %s: Access-Control-Allow-Credentials %q", target, got)
				}
			}
		}
		res := request(t, s, http.MethodHead, "/api/v1/tenants", "Origin", origin)
		if res.StatusCode != http.StatusOK || res.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("HEAD: %d %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
		}

		// Preflight.
		res = request(t, s, http.MethodOptions, "/api/v1/search?q=a", "Origin", origin,
			"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "accept")
		if res.StatusCode != http.StatusNoContent {
			t.Errorf("preflight: status %d", res.StatusCode)
		}
		for h, want := range map[string]string{
			"Access-Control-Allow-Origin":      "*",
			"Access-Control-Allow-Methods":     "GET,HEAD",
			"Access-Control-Allow-Credentials": "",
		} {
			if got := res.Header.Get(h); got != want {
				t.Errorf("preflight: %s = %q, want %q", h, got, want)
			}
		}
		// Only GET and HEAD are allowed: a browser refuses a DELETE after
		// this preflight, and the route itself does not take one.
		res = request(t, s, http.MethodOptions, "/api/v1/search", "Origin", origin, "Access-Control-Request-Method", "DELETE")
		if m := res.Header.Get("Access-Control-Allow-Methods"); strings.Contains(m, "DELETE") || strings.Contains(m, "POST") {
			t.Errorf("preflight for DELETE allows %q", m)
		}
		if res := request(t, s, http.MethodDelete, "/api/v1/search", "Origin", origin); res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("DELETE: status %d", res.StatusCode)
		}

		// Pages and downloads are not part of the API: no CORS.
		for _, target := range []string{"/", "/search?q=a", docURL("moef", press24.ID), fileURL("moef", press24.ID, 0), "/healthz", "/api/v2/search"} {
			res, _ := get(t, s, target, "Origin", origin)
			if got := res.Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("GET %s: Access-Control-Allow-Origin %q outside /api/v1", target, got)
			}
		}
		res = request(t, s, http.MethodOptions, "/search", "Origin", origin, "Access-Control-Request-Method", "GET")
		if res.StatusCode == http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight of a page: %d %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
		}
	})
	t.Run("Paging", func(t *testing.T) {
		var p1, p2 searchJSON
		getJSON(t, s, "/api/v1/search?size=3&page=1", http.StatusOK, &p1)
		getJSON(t, s, "/api/v1/search?size=3&page=2", http.StatusOK, &p2)
		if len(p1.Hits) != 3 || len(p2.Hits) != 3 || p1.Total != len(fx.docs) || p2.Total != p1.Total || p2.Page != 2 {
			t.Fatalf("page 1 %d hits, page 2 %d hits, totals %d/%d", len(p1.Hits), len(p2.Hits), p1.Total, p2.Total)
		}
		for _, id := range p2.ids() {
			if slices.Contains(p1.ids(), id) {
				t.Errorf("%s on both pages: %v / %v", id, p1.ids(), p2.ids())
			}
		}
	})
	t.Run("ScriptTitle", func(t *testing.T) {
		res, body := get(t, s, "/api/v1/search?tenant=nts")
		if res.StatusCode != http.StatusOK {
			t.Fatal(res.StatusCode)
		}
		if strings.Contains(string(body), "<script") {
			t.Errorf("raw <script in JSON: %.300s", body)
		}
		var r searchJSON
		getJSON(t, s, "/api/v1/search?tenant=nts", http.StatusOK, &r)
		if !slices.ContainsFunc(r.Hits, func(h struct{ ID, Tenant, Title, Type, Produced, Snippet, URL string }) bool {
			return h.Title == scriptTitle
		}) {
			t.Errorf("title %q not returned as is", scriptTitle)
		}
	})
	t.Run("BadParams", func(t *testing.T) {
		for _, q := range []string{
			"page=-1", "page=0x1", "page=abc", "page=99999999999999999999", "page=1001",
			"size=100000", "size=0.5", "size=-3", "year=abc", "year=99", "sort=best", "tenant=" + url.QueryEscape("a b"),
			"page=0", "size=0", "year=0", "page=", "tenant=nope", "q=%ff%fe",
			"q=" + url.QueryEscape(strings.Repeat("가", 600)),
			"q=" + strings.Repeat("a", 5000),
		} {
			res, body := get(t, s, "/api/v1/search?"+q)
			var e errorJSON
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("%.40s: status %d, want 400; %.200s", q, res.StatusCode, body)
				continue
			}
			if err := decode(body, &e); err != nil || e.Error.Code != "invalid" || e.Error.Message == "" {
				t.Errorf("%.40s: body %.200s", q, body)
			}
		}
	})
	t.Run("HugeQuery", func(t *testing.T) {
		// A 2 MB query string is refused before it reaches a handler: through
		// a real listener, as a client would send it. The server answers and
		// closes without reading the rest, so the client reads the answer
		// while it is still writing (a client that only reads after writing
		// may see the connection reset instead).
		base := serve(t, s)
		addr := strings.TrimPrefix(base, "http://")
		for _, path := range []string{"/api/v1/search?q=", "/search?q="} {
			res, body, err := hugeRequest(addr, path+strings.Repeat("%EA%B0%80", 2<<20/9))
			if err != nil {
				t.Fatalf("%s<2MB>: %v", path, err)
			}
			if res.StatusCode < 400 || res.StatusCode >= 500 {
				t.Errorf("%s<2MB>: status %d, want 4xx; %.200s", path, res.StatusCode, body)
			}
			if strings.HasPrefix(path, "/api/") {
				var e errorJSON
				if err := decode(body, &e); err != nil || e.Error.Code == "" {
					t.Errorf("%s<2MB>: not a JSON error: %.200s", path, body)
				}
			}
		}
		// The server still answers afterwards.
		res, err := http.Get(base + "/healthz")
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("healthz after huge query: %v %v", res, err)
		}
		res.Body.Close()
	})

	t.Run("Document", func(t *testing.T) {
		var d docJSON
		getJSON(t, s, "/api/v1/documents/moef/"+press24.ID, http.StatusOK, &d)
		sum := sha256.Sum256(fx.bytesOf(t, docPress24))
		if d.Tenant != "moef" || d.ID != press24.ID || d.Type != "press-release" || d.Title != press24.Title ||
			d.Department != "대외경제국" || d.Produced != "2024-06-21" || d.Disclosure != "full" || d.Revision != 1 ||
			d.Disclosed.IsZero() || len(d.Grounds) != 0 || d.URL != docURL("moef", press24.ID) {
			t.Errorf("document %+v", d)
		}
		if len(d.Files) != 1 {
			t.Fatalf("files %+v", d.Files)
		}
		f := d.Files[0]
		if f.N != 0 || f.Format != "hwpx" || f.MediaType != "application/hwp+zip" || f.SHA256 != hex.EncodeToString(sum[:]) ||
			f.Size != int64(len(fx.bytesOf(t, docPress24))) || f.URL != fileURL("moef", press24.ID, 0) {
			t.Errorf("file %+v", f)
		}

		// Withheld: metadata and grounds; nothing of its files.
		w := fx.docs[docWithheld]
		res, body := get(t, s, "/api/v1/documents/moef/"+w.ID)
		if res.StatusCode != http.StatusOK {
			t.Fatal(res.StatusCode)
		}
		if strings.Contains(string(body), "/files/") || strings.Contains(string(body), `"url":"/d/moef/`+w.ID+`/`) {
			t.Errorf("withheld document exposes a file URL: %s", body)
		}
		d = docJSON{}
		getJSON(t, s, "/api/v1/documents/moef/"+w.ID, http.StatusOK, &d)
		if d.Disclosure != "none" || !slices.Equal(d.Grounds, []int{5}) || len(d.Files) != 0 {
			t.Errorf("withheld %+v", d)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		for _, target := range []string{
			"/api/v1/documents/moef/no-such-doc",
			"/api/v1/documents/no-such-tenant/" + press24.ID,
			"/api/v1/documents/nts/" + press24.ID,
			"/api/v1/nothing",
			"/api/v2/search",
		} {
			var e errorJSON
			getJSON(t, s, target, http.StatusNotFound, &e)
			if e.Error.Code != "not_found" || e.Error.Message == "" {
				t.Errorf("%s: %+v", target, e)
			}
		}
	})
	t.Run("Tenants", func(t *testing.T) {
		var ts []struct {
			Slug      string `json:"slug"`
			NameKo    string `json:"name_ko"`
			NameEn    string `json:"name_en"`
			Kind      string `json:"kind"`
			Code      string `json:"code"`
			Documents int    `json:"documents"`
		}
		getJSON(t, s, "/api/v1/tenants", http.StatusOK, &ts)
		if len(ts) != len(tenants.Seoul())+10 {
			t.Errorf("%d tenants", len(ts))
		}
		want := map[string]int{"moef": 5, "nikl": 2, "nts": 2, "tt": 1, "kwater": 1, "seoul": 0, "gangdong-gu": 0}
		total := 0
		for _, tn := range ts {
			total += tn.Documents
			if n, ok := want[tn.Slug]; ok {
				if tn.Documents != n {
					t.Errorf("%s: %d documents, want %d", tn.Slug, tn.Documents, n)
				}
				delete(want, tn.Slug)
			}
			if tn.Slug == "seoul" && (tn.NameKo != "서울특별시" || tn.Code != "6110000" || tn.Kind != "city") {
				t.Errorf("seoul %+v", tn)
			}
		}
		if len(want) != 0 || total != len(fx.docs) {
			t.Errorf("missing %v; total %d", want, total)
		}
	})
}

// serve runs s on a real listener for the rest of the test.
func serve(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	return fmt.Sprintf("http://%s", ln.Addr())
}

// hugeRequest sends GET target over a fresh connection, reading the answer
// while it writes. A reset before any answer arrived is retried a few times.
func hugeRequest(addr, target string) (*http.Response, []byte, error) {
	var last error
	for range 5 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			return nil, nil, err
		}
		// A server that neither answers nor closes fails the test instead
		// of hanging it.
		conn.SetDeadline(time.Now().Add(30 * time.Second))
		type answer struct {
			res  *http.Response
			body []byte
			err  error
		}
		got := make(chan answer, 1)
		go func() {
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				got <- answer{err: err}
				return
			}
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			got <- answer{res, body, err}
		}()
		go func() { // errors are expected once the server has answered
			fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, addr)
		}()
		a := <-got
		conn.Close()
		if a.err == nil {
			return a.res, a.body, nil
		}
		last = a.err
	}
	return nil, nil, fmt.Errorf("no answer in 5 tries: %v", last)
}

// request runs a request with any method through the app; the body is
// read and closed.
func request(t testing.TB, s *Server, method, target string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}
