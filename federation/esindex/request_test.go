package esindex

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
)

// These tests check the requests sent and the handling of Elasticsearch's
// answers with a fake server: the behaviour that zincsearch does not have
// (external versions, 404 items of deletes, _meta) and the shape of
// queries. They need no engine and always run.

const fakeIndex = "plaza-fake"

type request struct {
	method, path string
	query        url.Values
	body         []byte
}

// fakeES answers like Elasticsearch 8 for one index.
type fakeES struct {
	*httptest.Server
	mu       sync.Mutex
	reqs     []request
	exists   bool
	meta     string           // _meta.plaza_mapping in the mapping
	held     map[string]int64 // _id → revision, answered to ids queries
	search   string           // the answer to other searches
	item     func(action, id string) (status int, errType string)
	override func(r request) (status int, body string, ok bool)
}

func newFake(t *testing.T) *fakeES {
	f := &fakeES{exists: true, meta: mappingVersion, held: map[string]int64{},
		search: `{"hits":{"total":{"value":0,"relation":"eq"},"hits":[]}}`,
		item:   func(string, string) (int, string) { return 201, "" }}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeES) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := request{r.Method, r.URL.Path, r.URL.Query(), body}
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.mu.Unlock()
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	if f.override != nil {
		if status, body, ok := f.override(req); ok {
			w.WriteHeader(status)
			io.WriteString(w, body)
			return
		}
	}
	switch {
	case r.Method == http.MethodHead && r.URL.Path == "/"+fakeIndex:
		if !f.exists {
			w.WriteHeader(http.StatusNotFound)
		}
	case r.Method == http.MethodPut && r.URL.Path == "/"+fakeIndex:
		io.WriteString(w, `{"acknowledged":true,"shards_acknowledged":true,"index":"`+fakeIndex+`"}`)
	case r.URL.Path == "/"+fakeIndex+"/_mapping":
		m := newIndexBody(0)["mappings"].(map[string]any)
		m["_meta"] = map[string]any{"plaza_mapping": f.meta}
		json.NewEncoder(w).Encode(map[string]any{fakeIndex: map[string]any{"mappings": m}})
	case r.URL.Path == "/"+fakeIndex+"/_search":
		var q struct {
			Query struct {
				IDs *struct{ Values []string } `json:"ids"`
			} `json:"query"`
		}
		json.Unmarshal(body, &q)
		if q.Query.IDs == nil {
			io.WriteString(w, f.search)
			return
		}
		var hits []any
		for _, id := range q.Query.IDs.Values {
			if rev, ok := f.held[id]; ok {
				hits = append(hits, map[string]any{"_id": id, "_source": map[string]any{"rev": rev}})
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"hits": map[string]any{"total": map[string]any{"value": len(hits)}, "hits": hits}})
	case r.URL.Path == "/"+fakeIndex+"/_bulk":
		var items []any
		lines := bytes.Split(bytes.TrimSpace(body), []byte("\n"))
		for i := 0; i < len(lines); i++ {
			var action map[string]struct {
				ID string `json:"_id"`
			}
			json.Unmarshal(lines[i], &action)
			for name, meta := range action {
				status, errType := f.item(name, meta.ID)
				it := map[string]any{"_index": fakeIndex, "_id": meta.ID, "status": status}
				if errType != "" {
					it["error"] = map[string]any{"type": errType, "reason": "fake " + errType}
				}
				items = append(items, map[string]any{name: it})
				if name == "index" {
					i++ // the source line
				}
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"errors": false, "items": items})
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"type":"fake","reason":"unexpected `+r.Method+" "+r.URL.Path+`"},"status":404}`)
	}
}

// sent returns the requests to paths ending in suffix.
func (f *fakeES) sent(suffix string) []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []request
	for _, r := range f.reqs {
		if strings.HasSuffix(r.path, suffix) {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeES) open(t *testing.T) *Index {
	t.Helper()
	u, _ := url.Parse(f.URL)
	u.User = url.UserPassword("elastic", "fake-pass#1")
	x, err := Open(context.Background(), u.String(), fakeIndex, Options{Transport: f.Client().Transport})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// ndjson decodes a _bulk body.
func ndjson(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range bytes.Split(bytes.TrimSpace(body), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(l, &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// path digs into decoded JSON: string keys and int indexes.
func path(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			s, _ := v.([]any)
			if k >= len(s) {
				return nil
			}
			v = s[k]
		}
	}
	return v
}

func TestRequestCreate(t *testing.T) {
	f := newFake(t)
	f.exists = false
	f.open(t)
	puts := f.sent("/" + fakeIndex)
	var body map[string]any
	for _, r := range puts {
		if r.method == http.MethodPut {
			json.Unmarshal(r.body, &body)
		}
	}
	for _, c := range []struct {
		keys []any
		want any
	}{
		{[]any{"settings", "analysis", "analyzer", mappingVersion, "tokenizer"}, "whitespace"},
		{[]any{"settings", "max_result_window"}, float64(federation.MaxPage * federation.MaxPageSize)},
		{[]any{"mappings", "dynamic"}, "strict"},
		{[]any{"mappings", "_meta", "plaza_mapping"}, mappingVersion},
		{[]any{"mappings", "_source", "excludes", 0}, "t_*"},
		{[]any{"mappings", "properties", tText, "analyzer"}, mappingVersion},
		{[]any{"mappings", "properties", tText, "index_options"}, "positions"},
		{[]any{"mappings", "properties", fFormatSet, "type"}, "keyword"},
		{[]any{"mappings", "properties", fKeyHash, "type"}, "long"},
		{[]any{"mappings", "properties", fBody, "index"}, false},
	} {
		if got := path(body, c.keys...); got != c.want {
			t.Errorf("%v = %v, want %v", c.keys, got, c.want)
		}
	}
}

func TestRequestWrongMapping(t *testing.T) {
	f := newFake(t)
	f.meta = "plaza_terms_0"
	u, _ := url.Parse(f.URL)
	_, err := Open(context.Background(), u.String(), fakeIndex, Options{Transport: f.Client().Transport})
	if err == nil || tenants.KindOf(err) != tenants.Internal || !strings.Contains(err.Error(), "reindex") {
		t.Fatalf("Open = %v", err)
	}
}

// TestRequestPutVersion: the revision is sent as an external version, and
// Elasticsearch's refusal of it (409) is not an error. zincsearch ignores
// external versions, so only this test covers them.
func TestRequestPutVersion(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	x := f.open(t)
	f.item = func(action, id string) (int, string) { return 409, "version_conflict_engine_exception" }
	e := federation.Entry{Tenant: "seoul", ID: "doc-1", Revision: 3, Title: "해외 직접투자 <b>", Formats: []string{"pdf", "hwp", "pdf"},
		Produced: tenants.Date{Year: 2024, Month: 6}, Text: "본문 TEXT"}
	if err := x.Put(ctx, e); err != nil {
		t.Fatalf("Put with a 409 answer: %v", err)
	}
	bulks := f.sent("/_bulk")
	if len(bulks) != 1 {
		t.Fatalf("%d bulk requests", len(bulks))
	}
	lines := ndjson(t, bulks[0].body)
	wantAction := map[string]any{"index": map[string]any{"_index": fakeIndex, "_id": "seoul:doc-1", "version": float64(3), "version_type": "external"}}
	if len(lines) != 2 || !reflect.DeepEqual(lines[0], wantAction) {
		t.Fatalf("action %v, want %v", lines[0], wantAction)
	}
	src := lines[1]
	for k, want := range map[string]any{
		tTitle: "해외 외직 직접 접투 투자 b", tText: "본문 text", fTitle: "해외 직접투자 <b>", fFormatSet: "hwp,pdf",
		fKey: "seoul/doc-1", fRev: float64(3), fYear: "2024", fSort: "2024-06-00", fProduced: "2024-06", fBody: "본문 TEXT",
	} {
		if src[k] != want {
			t.Errorf("source %s = %#v, want %#v", k, src[k], want)
		}
	}
	if fmt.Sprint(src[fFormats]) != "[pdf hwp]" {
		t.Errorf("formats %v", src[fFormats])
	}
	if _, ok := src[tSummary]; ok {
		t.Errorf("empty field sent: %v", src)
	}

	// A held revision as new: nothing is sent.
	f.held["seoul:doc-1"] = 3
	if err := x.PutBatch(ctx, []federation.Entry{e}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.sent("/_bulk")); n != 1 {
		t.Fatalf("%d bulk requests, want no new one", n)
	}
}

func TestRequestBulkFailures(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	x := f.open(t)
	e := federation.Entry{Tenant: "seoul", ID: "doc-1", Revision: 1}
	f.item = func(string, string) (int, string) { return 400, "document_parsing_exception" }
	if err := x.Put(ctx, e); err == nil || tenants.KindOf(err) != tenants.Internal || !strings.Contains(err.Error(), "document_parsing_exception") {
		t.Fatalf("Put = %v", err)
	}
	f.item = func(string, string) (int, string) { return 429, "es_rejected_execution_exception" }
	if err := x.Put(ctx, e); !tenants.Is(err, tenants.Unavailable) {
		t.Fatalf("Put = %v, want Unavailable", err)
	}
}

// TestRequestDelete: a delete carries the held revision (so that a newer
// revision put soon after is accepted), and Elasticsearch's 404 for an
// absent entry is not an error. zincsearch answers 200 for both.
func TestRequestDelete(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	x := f.open(t)
	f.held["seoul:doc-1"] = 4
	f.item = func(string, string) (int, string) { return 404, "" }
	for _, id := range []string{"doc-1", "absent"} {
		if err := x.Delete(ctx, "seoul", id); err != nil {
			t.Fatalf("Delete(%s) = %v", id, err)
		}
	}
	bulks := f.sent("/_bulk")
	if len(bulks) != 2 {
		t.Fatalf("%d bulk requests", len(bulks))
	}
	want := []map[string]any{
		{"delete": map[string]any{"_index": fakeIndex, "_id": "seoul:doc-1", "version": float64(4), "version_type": "external_gte"}},
		{"delete": map[string]any{"_index": fakeIndex, "_id": "seoul:absent"}},
	}
	for i, b := range bulks {
		if got := ndjson(t, b.body); len(got) != 1 || !reflect.DeepEqual(got[0], want[i]) {
			t.Errorf("delete %d: %v, want %v", i, got, want[i])
		}
	}
}

// TestRequestSearch: the query for Korean text is phrases of bigrams on the
// token fields, the filters are terms, the format facet counts combinations
// (exact on every engine), and hits are made from _source.
func TestRequestSearch(t *testing.T) {
	f := newFake(t)
	x := f.open(t)
	f.search = `{"hits":{"total":{"value":7,"relation":"eq"},"hits":[
	 {"_id":"nts:x","_score":2.5,"_source":{"tenant":"nts","id":"x","title":"<script>","type":"other","produced":"2019","formats":["pdf"],"disclosure":"full","body":"<script>alert(1)</script> 해외 직접 투자 & 결과"}}]},
	 "aggregations":{
	  "tenant":{"buckets":[{"key":"nts","doc_count":2},{"key":"seoul","doc_count":5}]},
	  "type":{"buckets":[{"key":"other","doc_count":7}]},
	  "year":{"buckets":[{"key":"2019","doc_count":3},{"key":"2024","doc_count":4}]},
	  "format_set":{"buckets":[{"key":"pdf","doc_count":3},{"key":"hwp,pdf","doc_count":2},{"key":"hwp,hwpx,pdf","doc_count":2}]}}}`
	res, err := x.Search(context.Background(), federation.Query{Text: "해외 직접 투자", Format: "pdf", Year: 2019, Page: 2, Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	json.Unmarshal(f.sent("/_search")[0].body, &body)
	for _, c := range []struct {
		keys []any
		want any
	}{
		{[]any{"from"}, float64(5)},
		{[]any{"size"}, float64(5)},
		{[]any{"track_total_hits"}, true},
		{[]any{"sort", 0}, "_score"},
		{[]any{"sort", 2, fKey, "order"}, "asc"},
		{[]any{"query", "bool", "filter", 0, "term", fFormats}, "pdf"},
		{[]any{"query", "bool", "filter", 1, "term", fYear}, "2019"},
		{[]any{"query", "bool", "should", 0, "term", fNumberKW, "value"}, "해외 직접 투자"},
		// unit → (exact | alternative) → fields → title phrase
		{[]any{"query", "bool", "must", 0, "bool", "should", 0, "bool", "should", 0, "match_phrase", tTitle, "query"}, "해외 외직 직접 접투 투자"},
		{[]any{"query", "bool", "must", 0, "bool", "should", 0, "bool", "should", 0, "match_phrase", tTitle, "boost"}, float64(3)},
		{[]any{"query", "bool", "must", 0, "bool", "should", 1, "bool", "must", 0, "bool", "should", 0, "term", tTitle, "boost"}, 1.5},
		{[]any{"aggs", fFormatSet, "terms", "field"}, fFormatSet},
		{[]any{"aggs", fFormats}, nil}, // never a terms aggregation on the multi-valued field
	} {
		if got := path(body, c.keys...); got != c.want {
			t.Errorf("%v = %#v, want %#v", c.keys, got, c.want)
		}
	}
	want := federation.Facets{
		Tenant: []federation.FacetValue{fv("seoul", 5), fv("nts", 2)},
		Type:   []federation.FacetValue{fv("other", 7)},
		Year:   []federation.FacetValue{fv("2024", 4), fv("2019", 3)},
		Format: []federation.FacetValue{fv("pdf", 7), fv("hwp", 4), fv("hwpx", 2)},
	}
	if !reflect.DeepEqual(res.Facets, want) {
		t.Errorf("facets %+v, want %+v", res.Facets, want)
	}
	if res.Total != 7 || len(res.Hits) != 1 || res.Hits[0].Score != 2.5 || res.Hits[0].Title != "<script>" || res.Hits[0].Produced.Year != 2019 {
		t.Fatalf("result %+v", res)
	}
	if s := res.Hits[0].Snippet; strings.Contains(s, "<script") || !strings.Contains(s, "<mark>해외 직접 투자</mark>") || !strings.Contains(s, "&amp;") {
		t.Fatalf("snippet %q", s)
	}
}

func TestRequestSingleAndEmpty(t *testing.T) {
	for _, tc := range []struct {
		q    federation.Query
		keys []any
		want any
	}{
		{federation.Query{Text: "회"}, []any{"bool", "must", 0, "bool", "should", 0, "bool", "should", 1, "wildcard", tTitle, "value"}, "?회"},
		{federation.Query{Text: "회"}, []any{"bool", "must", 0, "bool", "should", 0, "bool", "should", 0, "prefix", tTitle, "boost"}, float64(3)},
		{federation.Query{}, []any{"match_all"}, map[string]any{}},
		{federation.Query{Text: "?!"}, []any{"match_none"}, map[string]any{}},
		{federation.Query{Tenant: "seoul"}, []any{"bool", "filter", 0, "term", fTenant}, "seoul"},
	} {
		if err := tc.q.Normalize(); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(buildQuery(tc.q))
		var q any
		json.Unmarshal(b, &q)
		if got := path(q, tc.keys...); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: %v = %#v, want %#v in %s", tc.q.Text, tc.keys, got, tc.want, b)
		}
	}
	if s := sortOrder(federation.SortNewest); len(s) != 2 || !reflect.DeepEqual(s[0], map[string]any{fSort: map[string]any{"order": "desc", "missing": "_last"}}) {
		t.Errorf("newest sort %v", s)
	}
}

// TestRequestUnavailable: an engine that answers 503 (after the client's
// retries) is Unavailable, naming the host; a refusal of credentials is
// Internal; neither shows the password.
func TestRequestUnavailable(t *testing.T) {
	f := newFake(t)
	x := f.open(t)
	host := strings.TrimPrefix(f.URL, "http://")
	f.override = func(r request) (int, string, bool) {
		if strings.HasSuffix(r.path, "/_search") {
			return 503, `{"error":{"type":"cluster_block_exception","reason":"blocked"},"status":503}`, true
		}
		return 0, "", false
	}
	_, err := x.Search(context.Background(), federation.Query{Text: "예산"})
	if !tenants.Is(err, tenants.Unavailable) || !strings.Contains(tenants.PublicMessage(err), host) || !strings.HasPrefix(tenants.PublicMessage(err), "검색 엔진") {
		t.Fatalf("Search = %v (message %q)", err, tenants.PublicMessage(err))
	}
	f.override = func(r request) (int, string, bool) {
		return 401, `{"error":{"type":"security_exception","reason":"unable to authenticate user [elastic]"},"status":401}`, true
	}
	_, err = x.Count(context.Background())
	if tenants.KindOf(err) != tenants.Internal || !strings.Contains(err.Error(), "security_exception") || strings.Contains(err.Error(), "fake-pass") {
		t.Fatalf("Count = %v", err)
	}
}

func TestClosed(t *testing.T) {
	f := newFake(t)
	x := f.open(t)
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Count(context.Background()); err == nil {
		t.Fatal("Count after Close succeeded")
	}
}

func TestDocID(t *testing.T) {
	for _, c := range [][3]string{{"seoul", "doc-1", "seoul:doc-1"}, {"seoul", "a/b", "seoul:a%2Fb"}, {"seoul", "a%2Fb", "seoul:a%252Fb"}} {
		if got := docID(c[0], c[1]); got != c[2] {
			t.Errorf("docID(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
	if docID("seoul", "a/b") == docID("seoul", "a%2Fb") {
		t.Error("ids collide")
	}
}

func fv(v string, n int) federation.FacetValue { return federation.FacetValue{Value: v, Count: n} }
