package esindex

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/federation/indextest"
	"github.com/plaza-portal/plaza/storage/enginetest"
	"github.com/plaza-portal/plaza/tenants"
)

// These tests run against the engine of PLAZA_TEST_ES_URL (zincsearch on
// the project's machines, Elasticsearch where one is given) and skip
// without it. Where zincsearch is known to differ from Elasticsearch, the
// request is checked instead, in request_test.go.

func TestSearchKorean(t *testing.T) {
	x := withFixtures(t)
	indextest.Korean(t, x)
}

// TestSearchSameAsEmbedded: the compound and the spaced spelling find the
// same documents, as in the embedded index.
func TestSearchSameAsEmbedded(t *testing.T) {
	x := withFixtures(t)
	for _, pair := range [][2]string{{"해외직접투자", "해외 직접 투자"}, {"디지털플랫폼", "디지털 플랫폼"}} {
		a := ids(mustSearch(t, x, federation.Query{Text: pair[0], Size: 100, Sort: federation.SortNewest}))
		b := ids(mustSearch(t, x, federation.Query{Text: pair[1], Size: 100, Sort: federation.SortNewest}))
		if len(a) != 2 || !slices.Equal(a, b) {
			t.Errorf("%q gives %v, %q gives %v", pair[0], a, pair[1], b)
		}
	}
}

func TestSearchRanking(t *testing.T) {
	ctx := context.Background()
	x := withFixtures(t)
	// The title match ranks above text-only matches.
	res := mustSearch(t, x, federation.Query{Text: "디지털플랫폼"})
	if len(res.Hits) < 2 || res.Hits[0].ID != "rfp-2023-17" && res.Hits[0].ID != "rep-2022-03" {
		t.Fatalf("got %v", ids(res))
	}
	// The exact form ranks above the particle-stripped alternative.
	if err := x.Put(ctx, federation.Entry{Tenant: "seoul", ID: "p1", Revision: 1, Title: "회계 연도 예산을 공개", Produced: date(t, "2010")}); err != nil {
		t.Fatal(err)
	}
	waitRevision(t, x, "seoul", "p1", 1)
	res = mustSearch(t, x, federation.Query{Text: "예산을"})
	if res.Hits[0].ID != "p1" {
		t.Fatalf("got %v", ids(res))
	}
	// The exact document number ranks first.
	res = mustSearch(t, x, federation.Query{Text: "투자정책과-1234"})
	if res.Total != 1 || res.Hits[0].ID != "2024-0001" {
		t.Fatalf("got %v", ids(res))
	}
}

func TestFacets(t *testing.T) {
	x := withFixtures(t)
	for _, text := range []string{"", "예산", "디지털", "2024"} {
		t.Run("Text="+text, func(t *testing.T) {
			res := mustSearch(t, x, federation.Query{Text: text, Size: 100})
			if res.Total == 0 {
				t.Fatal("no hits")
			}
			for name, f := range map[string][]federation.FacetValue{"tenant": res.Facets.Tenant, "type": res.Facets.Type, "year": res.Facets.Year} {
				sum := 0
				for _, v := range f {
					sum += v.Count
				}
				if sum != res.Total {
					t.Errorf("facet %s adds up to %d, total %d: %v", name, sum, res.Total, f)
				}
			}
			// Format counts: exactly the hits that have the format (a
			// document has several), computed from the hits themselves.
			want := map[string]int{}
			for _, h := range res.Hits {
				for _, f := range h.Formats {
					want[f]++
				}
			}
			got := map[string]int{}
			for _, v := range res.Facets.Format {
				got[v.Value] = v.Count
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("format facet %v, hits have %v", got, want)
			}
		})
	}
	res := mustSearch(t, x, federation.Query{})
	if len(res.Facets.Tenant) != 5 || len(res.Facets.Format) != 3 {
		t.Fatalf("facets %+v", res.Facets)
	}
	if f := res.Facets.Format; f[0] != (federation.FacetValue{Value: "pdf", Count: 9}) || f[1].Value != "hwp" || f[1].Count != 4 || f[2].Value != "hwpx" || f[2].Count != 3 {
		t.Fatalf("format facet %v, want pdf 9, hwp 4, hwpx 3", f)
	}
	if res.Facets.Year[0].Value != "2024" || res.Facets.Tenant[0].Count < res.Facets.Tenant[len(res.Facets.Tenant)-1].Count {
		t.Fatalf("facet order %+v", res.Facets)
	}
}

func TestFilters(t *testing.T) {
	x := withFixtures(t)
	indextest.Filters(t, x)
}

func TestPaging(t *testing.T) {
	x := withFixtures(t)
	indextest.Paging(t, x)
}

func TestSortNewest(t *testing.T) {
	x := withFixtures(t)
	if err := x.Put(context.Background(), federation.Entry{Tenant: "seoul", ID: "undated", Revision: 1, Title: "날짜 없는 문서"}); err != nil {
		t.Fatal(err)
	}
	waitCount(t, x, len(fixtures(t))+1)
	for _, q := range []federation.Query{{Size: 100}, {Text: "문서 OR 년", Size: 100, Sort: federation.SortNewest}} {
		res := mustSearch(t, x, q)
		if len(res.Hits) == 0 {
			continue
		}
		for i := 1; i < len(res.Hits); i++ {
			a, b := res.Hits[i-1].Produced, res.Hits[i].Produced
			if b.IsZero() {
				continue
			}
			if a.IsZero() || a.SortKey() < b.SortKey() {
				t.Fatalf("%q: not newest first at %d: %v then %v", q.Text, i, a, b)
			}
		}
	}
	res := mustSearch(t, x, federation.Query{Size: 100}) // empty query: newest first
	if res.Hits[len(res.Hits)-1].ID != "undated" {
		t.Fatalf("undated not last: %v", ids(res))
	}
	// Known month sorts after the year alone, within the year.
	if p := res.Hits[0].Produced.String(); p != "2024-11-28" {
		t.Fatalf("first is %s", p)
	}
}

func TestHitsAndSnippets(t *testing.T) {
	x := withFixtures(t)
	indextest.HitsAndSnippets(t, x)
}

// TestRevisions: an older or equal revision never replaces a newer one.
// zincsearch ignores external versions, so what holds here is the check
// Put makes by reading first (it writes nothing: no _bulk request); the
// external version Elasticsearch enforces is checked in request_test.go.
func TestRevisions(t *testing.T) {
	ctx := context.Background()
	x := withFixtures(t)
	e := federation.Entry{Tenant: "seoul", ID: "rev", Revision: 2, Title: "두 번째 판 회계", Produced: date(t, "2024")}
	if err := x.Put(ctx, e); err != nil {
		t.Fatal(err)
	}
	waitRevision(t, x, "seoul", "rev", 2)
	bulks := x.transport.bulks.Load()
	old := e
	old.Revision, old.Title = 1, "첫 번째 판 회계"
	if err := x.Put(ctx, old); err != nil {
		t.Fatal(err)
	}
	same := e
	same.Title = "같은 판 다른 제목"
	if err := x.Put(ctx, same); err != nil {
		t.Fatal(err)
	}
	if err := x.PutBatch(ctx, []federation.Entry{old, same}); err != nil {
		t.Fatal(err)
	}
	if n := x.transport.bulks.Load() - bulks; n != 0 {
		t.Fatalf("%d writes for revisions not newer than the held one", n)
	}
	if r, err := x.Revision(ctx, "seoul", "rev"); err != nil || r != 2 {
		t.Fatalf("revision %d, %v", r, err)
	}
	res := mustSearch(t, x, federation.Query{Text: "회계", Tenant: "seoul"})
	if res.Total != 1 || res.Hits[0].Title != "두 번째 판 회계" {
		t.Fatalf("got %+v", res.Hits)
	}

	t.Run("Newer", func(t *testing.T) {
		e3 := e
		e3.Revision, e3.Title = 3, "세 번째 판 회계"
		if err := x.Put(ctx, e3); err != nil {
			t.Fatal(err)
		}
		waitRevision(t, x, "seoul", "rev", 3)
		waitFor(t, "new title searchable", func() (bool, error) {
			res, err := x.Search(ctx, federation.Query{Text: "세 번째 판"})
			return err == nil && res.Total == 1 && res.Hits[0].Title == "세 번째 판 회계", err
		})
		if res := mustSearch(t, x, federation.Query{Text: "두 번째 판"}); res.Total != 0 {
			t.Fatalf("old revision still found: %v", ids(res))
		}
	})
	t.Run("BatchNewestWins", func(t *testing.T) {
		a, b, c := e, e, e
		a.ID, b.ID, c.ID = "batch", "batch", "batch"
		a.Revision, b.Revision, c.Revision = 5, 7, 6
		if err := x.PutBatch(ctx, []federation.Entry{a, b, c}); err != nil {
			t.Fatal(err)
		}
		waitRevision(t, x, "seoul", "batch", 7)
	})
	t.Run("Absent", func(t *testing.T) {
		if r, err := x.Revision(ctx, "seoul", "nope"); err != nil || r != 0 {
			t.Fatalf("revision %d, %v", r, err)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		for _, bad := range []federation.Entry{{Tenant: "Seoul/x", ID: "a"}, {Tenant: "seoul"}, {Tenant: "seoul", ID: "neg", Revision: -1}, {Tenant: "seoul", ID: strings.Repeat("x", 600)}} {
			if err := x.Put(ctx, bad); !tenants.Is(err, tenants.Invalid) {
				t.Fatalf("Put(%.40v) = %v", bad, err)
			}
		}
	})
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	x := withFixtures(t)
	n := len(fixtures(t))
	if err := x.Delete(ctx, "kwater", "rfp-2023-17"); err != nil {
		t.Fatal(err)
	}
	if err := x.Delete(ctx, "kwater", "absent"); err != nil {
		t.Fatal(err)
	}
	waitCount(t, x, n-1)
	if res := mustSearch(t, x, federation.Query{Text: "검색엔진"}); res.Total != 0 {
		t.Fatalf("deleted entry found: %v", ids(res))
	}
	if r, _ := x.Revision(ctx, "kwater", "rfp-2023-17"); r != 0 {
		t.Fatalf("revision %d after delete", r)
	}
	// Put again after the delete, with a newer revision.
	e := fixtures(t)[3]
	e.Revision = 2
	if err := x.Put(ctx, e); err != nil {
		t.Fatal(err)
	}
	waitRevision(t, x, "kwater", "rfp-2023-17", 2)
}

func TestEachAndCount(t *testing.T) {
	ctx := context.Background()
	x := withFixtures(t)
	odd := federation.Entry{Tenant: "seoul", ID: "a/b%2F", Revision: 9, Title: "슬래시"}
	if err := x.Put(ctx, odd); err != nil {
		t.Fatal(err)
	}
	waitCount(t, x, len(fixtures(t))+1)
	got := map[string]int64{}
	err := x.Each(ctx, func(tenant, id string, rev int64) error {
		got[tenant+"/"+id] = rev
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := x.Count(ctx)
	if err != nil || n != len(fixtures(t))+1 || len(got) != n {
		t.Fatalf("count %d, each %d, %v", n, len(got), err)
	}
	if got["seoul/a/b%2F"] != 9 || got["moef/2024-0001"] != 1 {
		t.Fatalf("got %v", got)
	}
	if r, err := x.Revision(ctx, "seoul", "a/b%2F"); err != nil || r != 9 {
		t.Fatalf("revision of an id with a slash: %d, %v", r, err)
	}
	stop := errors.New("stop")
	calls := 0
	err = x.Each(ctx, func(string, string, int64) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Fatalf("err %v after %d calls", err, calls)
	}
}

// TestManyEntries: more entries than one _bulk batch and one page of Each.
func TestManyEntries(t *testing.T) {
	ctx := context.Background()
	x := openEngine(t)
	r := rand.New(rand.NewPCG(3, 4))
	const n = 2345
	es := make([]federation.Entry, n)
	words := []string{"예산", "회계", "도시재생", "해외직접투자", "디지털플랫폼", "정보공개", "감사", "계약"}
	for i := range es {
		es[i] = federation.Entry{
			Tenant: []string{"seoul", "busan", "nts", "moef"}[i%4], ID: fmt.Sprintf("doc-%05d", i), Revision: int64(1 + i%3),
			Title: words[r.IntN(len(words))] + " 문서 " + fmt.Sprint(i), Produced: tenants.Date{Year: 2000 + i%25},
			Formats: [][]string{{"pdf"}, {"hwp", "pdf"}, {"hwpx"}}[i%3], Text: strings.Repeat(words[r.IntN(len(words))]+" ", 20),
		}
	}
	if err := x.PutBatch(ctx, es); err != nil {
		t.Fatal(err)
	}
	waitCount(t, x, n)
	seen := map[string]int64{}
	if err := x.Each(ctx, func(tenant, id string, rev int64) error {
		if _, dup := seen[tenant+"/"+id]; dup {
			return fmt.Errorf("%s/%s twice", tenant, id)
		}
		seen[tenant+"/"+id] = rev
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != n {
		t.Fatalf("each %d, want %d", len(seen), n)
	}
	for _, e := range es {
		if seen[e.Key()] != e.Revision {
			t.Fatalf("%s at %d, want %d", e.Key(), seen[e.Key()], e.Revision)
		}
	}
	res := mustSearch(t, x, federation.Query{})
	sum, pdf := 0, 0
	for _, v := range res.Facets.Tenant {
		sum += v.Count
	}
	for _, v := range res.Facets.Format {
		if v.Value == "pdf" {
			pdf = v.Count
		}
	}
	wantPDF := 0
	for _, e := range es {
		if slices.Contains(e.Formats, "pdf") {
			wantPDF++
		}
	}
	if res.Total != n || sum != n || pdf != wantPDF {
		t.Fatalf("total %d, tenant facet sum %d, pdf %d (want %d)", res.Total, sum, pdf, wantPDF)
	}
	// The last page that exists, past the default window of 10,000 on
	// Elasticsearch for larger indexes.
	last := mustSearch(t, x, federation.Query{Page: (n + 99) / 100, Size: 100})
	if len(last.Hits) != n%100 {
		t.Fatalf("last page has %d hits", len(last.Hits))
	}
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	x := withFixtures(t)
	y := openNamed(t, x.url, x.name)
	if n, err := y.Count(ctx); err != nil || n != len(fixtures(t)) {
		t.Fatalf("count %d after reopen, %v", n, err)
	}
	if r, _ := y.Revision(ctx, "moef", "2024-0001"); r != 1 {
		t.Fatalf("revision %d", r)
	}
}

// TestInvalidQuery needs no engine: a malformed query is refused before
// any request.
func TestInvalidQuery(t *testing.T) {
	x := newFake(t).open(t)
	for _, q := range []federation.Query{{Page: -1}, {Size: 1000}, {Sort: "x"}, {Tenant: "a b"}, {Text: "예산\xff"}, {Text: strings.Repeat("가", 300)}} {
		if _, err := x.Search(context.Background(), q); !tenants.Is(err, tenants.Invalid) {
			t.Errorf("Search(%.30v) = %v, want Invalid", q, err)
		}
	}
}

// TestSearchJoinedNumbers: the runs of one query word joined by punctuation
// are one phrase, so a number is matched whole, not its parts anywhere.
func TestSearchJoinedNumbers(t *testing.T) {
	ctx := context.Background()
	x := withFixtures(t)
	for _, e := range []federation.Entry{
		{Tenant: "nts", ID: "stat-1", Revision: 1, Title: "민원 처리 통계", Text: "평균 처리 기간은 151.3일이며 전년보다 8.9% 줄었다."},
		{Tenant: "nts", ID: "stat-2", Revision: 1, Title: "민원 접수 현황", Text: "총 151,617건 중 3,555건을 처리하였다. 2025년 147건, 9.8% 증가."},
		{Tenant: "nts", ID: "notice-147", Revision: 1, Title: "고시 제2025-147호", Number: "고시-2025-147", Text: "세부 기준을 고시한다."},
	} {
		if err := x.Put(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	waitCount(t, x, len(fixtures(t))+3)
	for _, tc := range []struct {
		text string
		want []string
		mark string
	}{
		{"151.3", []string{"nts/stat-1"}, "<mark>151.3</mark>"},
		{"8.9%", []string{"nts/stat-1"}, "<mark>8.9</mark>%"},
		{"2025-147", []string{"nts/notice-147"}, ""},
		{"고시-2025-147", []string{"nts/notice-147"}, ""},
		{"151,617", []string{"nts/stat-2"}, "<mark>151,617</mark>"},
		{"151", []string{"nts/stat-1", "nts/stat-2"}, ""},
	} {
		res := mustSearch(t, x, federation.Query{Text: tc.text, Size: 100})
		got := ids(res)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %v, want %v", tc.text, got, tc.want)
			continue
		}
		if tc.mark != "" && !strings.Contains(res.Hits[0].Snippet, tc.mark) {
			t.Errorf("%q: snippet %q, want %s", tc.text, res.Hits[0].Snippet, tc.mark)
		}
	}
}

// TestSearchUnicode: decomposed (NFD) Hangul in the query or in the text
// finds the composed form.
func TestSearchUnicode(t *testing.T) {
	ctx := context.Background()
	x := withFixtures(t)
	nfd := func(s string) string { return norm.NFD.String(s) }
	want := ids(mustSearch(t, x, federation.Query{Text: "해외 직접 투자", Size: 100}))
	if got := ids(mustSearch(t, x, federation.Query{Text: nfd("해외 직접 투자"), Size: 100})); len(want) != 2 || !slices.Equal(got, want) {
		t.Fatalf("NFD query: got %v, want %v", got, want)
	}
	if err := x.Put(ctx, federation.Entry{Tenant: "seoul", ID: "nfd", Revision: 1, Title: nfd("도시재생 활성화 계획"), Text: nfd("주민 참여형 도시재생 활성화 방안을 마련한다.")}); err != nil {
		t.Fatal(err)
	}
	waitRevision(t, x, "seoul", "nfd", 1)
	res := mustSearch(t, x, federation.Query{Text: "도시재생"})
	if got := ids(res); !slices.Equal(got, []string{"seoul/nfd"}) {
		t.Fatalf("NFD text: got %v", got)
	}
	if s := res.Hits[0].Snippet; !strings.Contains(s, "<mark>"+nfd("도시재생")+"</mark>") {
		t.Fatalf("NFD snippet %q", s)
	}
}

// TestUnreachable: an engine that does not answer is Unavailable, with a
// message naming the host but not the password.
func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	const secret = "s3cret-Pass#word"
	raw := "http://admin:" + url.QueryEscape(secret) + "@" + addr + "/es"
	_, err = Open(context.Background(), raw, "plaza-x", Options{Transport: &productHeader{next: defaultTransport()}})
	if !tenants.Is(err, tenants.Unavailable) {
		t.Fatalf("Open = %v, want Unavailable", err)
	}
	// The citizen is told what happened; the log (the error) names the host.
	msg := tenants.PublicMessage(err)
	if strings.Contains(msg, addr) || !strings.HasPrefix(msg, "검색 엔진") || !strings.Contains(msg, " / cannot reach") || !strings.Contains(err.Error(), addr) {
		t.Fatalf("message %q, error %v", msg, err)
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), url.QueryEscape(secret)) {
		t.Fatalf("error shows the password: %v", err)
	}
}

func TestOpenInvalid(t *testing.T) {
	for _, tc := range []struct{ url, name string }{
		{"ftp://h/", "plaza"}, {"::", "plaza"}, {"http://h", "Plaza"}, {"http://h", "a/b"}, {"http://h", "_x"}, {"http://h", ""},
		{"http://admin:secret@", "plaza"}, {"admin:secret@127.0.0.1:9200", "plaza"}, {"http://admin:se/cret@h", "plaza"},
	} {
		_, err := Open(context.Background(), tc.url, tc.name, Options{})
		if !tenants.Is(err, tenants.Invalid) || strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q, %q) = %v, want Invalid", tc.url, tc.name, err)
		}
	}
}

// TestWrongMapping: an index that this package did not make is refused.
func TestWrongMapping(t *testing.T) {
	u := enginetest.URL(t, enginetest.ES)
	name := enginetest.Name("plaza-test-")
	t.Cleanup(func() { removeIndex(t, u, name) })
	status := rawRequest(t, "PUT", strings.TrimSuffix(u, "/")+"/"+name, `{"mappings":{"properties":{"title":{"type":"text"}}}}`)
	if status != 200 {
		t.Fatalf("create: HTTP %d", status)
	}
	_, err := Open(context.Background(), u, name, Options{Transport: &productHeader{next: defaultTransport()}})
	if err == nil || tenants.KindOf(err) != tenants.Internal || !strings.Contains(err.Error(), "reindex") {
		t.Fatalf("Open = %v", err)
	}
}
