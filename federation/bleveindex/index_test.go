package bleveindex

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/federation/indextest"
	"github.com/plaza-portal/plaza/tenants"
)

func TestSearchKorean(t *testing.T) {
	x, _ := mustOpen(t)
	indextest.Korean(t, x)
}

func TestSearchRanking(t *testing.T) {
	x, _ := mustOpen(t)
	// The title match ranks above text-only matches.
	res := mustSearch(t, x, federation.Query{Text: "디지털플랫폼"})
	if len(res.Hits) < 2 || res.Hits[0].ID != "rfp-2023-17" && res.Hits[0].ID != "rep-2022-03" {
		t.Fatalf("got %v", ids(res))
	}
	// The exact form ranks above the particle-stripped alternative.
	x.Put(context.Background(), federation.Entry{Tenant: "seoul", ID: "p1", Revision: 1, Title: "회계 연도 예산을 공개", Produced: date(t, "2010")})
	res = mustSearch(t, x, federation.Query{Text: "예산을"})
	if res.Hits[0].ID != "p1" {
		t.Fatalf("got %v", ids(res))
	}
}

func TestFacets(t *testing.T) {
	x, _ := mustOpen(t)
	for _, text := range []string{"", "예산", "디지털", "2024"} {
		t.Run("Text="+text, func(t *testing.T) {
			res := mustSearch(t, x, federation.Query{Text: text})
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
			for _, v := range res.Facets.Format {
				if v.Count > res.Total || v.Count < 1 {
					t.Errorf("format %s count %d, total %d", v.Value, v.Count, res.Total)
				}
			}
		})
	}
	res := mustSearch(t, x, federation.Query{})
	if len(res.Facets.Tenant) != 5 || len(res.Facets.Format) != 3 {
		t.Fatalf("facets %+v", res.Facets)
	}
	if res.Facets.Year[0].Value != "2024" || res.Facets.Tenant[0].Count < res.Facets.Tenant[len(res.Facets.Tenant)-1].Count {
		t.Fatalf("facet order %+v", res.Facets)
	}
}

func TestFilters(t *testing.T) {
	x, _ := mustOpen(t)
	indextest.Filters(t, x)
}

func TestPaging(t *testing.T) {
	x, _ := mustOpen(t)
	indextest.Paging(t, x)
}

func TestSortNewest(t *testing.T) {
	x, _ := mustOpen(t)
	x.Put(context.Background(), federation.Entry{Tenant: "seoul", ID: "undated", Revision: 1, Title: "날짜 없는 문서"})
	res := mustSearch(t, x, federation.Query{Size: 100})
	if res.Hits[len(res.Hits)-1].ID != "undated" {
		t.Fatalf("undated not last: %v", ids(res))
	}
	for i := 1; i < len(res.Hits)-1; i++ {
		if res.Hits[i-1].Produced.String() < res.Hits[i].Produced.String() {
			t.Fatalf("not newest first at %d: %v then %v", i, res.Hits[i-1].Produced, res.Hits[i].Produced)
		}
	}
	// Known month sorts after the year alone, within the year.
	if p := res.Hits[0].Produced.String(); p != "2024-11-28" {
		t.Fatalf("first is %s", p)
	}
}

func TestHitsAndSnippets(t *testing.T) {
	x, _ := mustOpen(t)
	indextest.HitsAndSnippets(t, x)
}

func TestRevisions(t *testing.T) {
	ctx := context.Background()
	x, _ := mustOpen(t)
	e := federation.Entry{Tenant: "seoul", ID: "rev", Revision: 2, Title: "두 번째 판 회계", Produced: date(t, "2024")}
	if err := x.Put(ctx, e); err != nil {
		t.Fatal(err)
	}
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
		if r, _ := x.Revision(ctx, "seoul", "rev"); r != 3 {
			t.Fatalf("revision %d", r)
		}
	})
	t.Run("BatchNewestWins", func(t *testing.T) {
		a, b, c := e, e, e
		a.ID, b.ID, c.ID = "batch", "batch", "batch"
		a.Revision, b.Revision, c.Revision = 5, 7, 6
		if err := x.PutBatch(ctx, []federation.Entry{a, b, c}); err != nil {
			t.Fatal(err)
		}
		if r, _ := x.Revision(ctx, "seoul", "batch"); r != 7 {
			t.Fatalf("revision %d", r)
		}
	})
	t.Run("Absent", func(t *testing.T) {
		if r, err := x.Revision(ctx, "seoul", "nope"); err != nil || r != 0 {
			t.Fatalf("revision %d, %v", r, err)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		for _, bad := range []federation.Entry{{Tenant: "Seoul/x", ID: "a"}, {Tenant: "seoul"}} {
			if err := x.Put(ctx, bad); !tenants.Is(err, tenants.Invalid) {
				t.Fatalf("Put(%+v) = %v", bad, err)
			}
		}
	})
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	x, _ := mustOpen(t)
	n, _ := x.Count(ctx)
	if err := x.Delete(ctx, "kwater", "rfp-2023-17"); err != nil {
		t.Fatal(err)
	}
	if err := x.Delete(ctx, "kwater", "absent"); err != nil {
		t.Fatal(err)
	}
	if m, _ := x.Count(ctx); m != n-1 {
		t.Fatalf("count %d after delete, was %d", m, n)
	}
	if res := mustSearch(t, x, federation.Query{Text: "검색엔진"}); res.Total != 0 {
		t.Fatalf("deleted entry found: %v", ids(res))
	}
	if r, _ := x.Revision(ctx, "kwater", "rfp-2023-17"); r != 0 {
		t.Fatalf("revision %d after delete", r)
	}
}

func TestEachAndCount(t *testing.T) {
	ctx := context.Background()
	x, _ := mustOpen(t)
	x.Put(ctx, federation.Entry{Tenant: "seoul", ID: "a/b", Revision: 9, Title: "슬래시"})
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
	if got["seoul/a/b"] != 9 || got["moef/2024-0001"] != 1 {
		t.Fatalf("got %v", got)
	}
	stop := errors.New("stop")
	calls := 0
	err = x.Each(ctx, func(string, string, int64) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Fatalf("err %v after %d calls", err, calls)
	}
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	x, dir := mustOpen(t)
	before := ids(mustSearch(t, x, federation.Query{Text: "디지털 플랫폼"}))
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	y, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if n, _ := y.Count(ctx); n != len(fixtures(t)) {
		t.Fatalf("count %d after reopen", n)
	}
	if after := ids(mustSearch(t, y, federation.Query{Text: "디지털 플랫폼"})); !slices.Equal(before, after) || len(after) == 0 {
		t.Fatalf("before %v, after %v", before, after)
	}
	if r, _ := y.Revision(ctx, "moef", "2024-0001"); r != 1 {
		t.Fatalf("revision %d", r)
	}
}

func TestInMemory(t *testing.T) {
	x, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if err := x.PutBatch(context.Background(), fixtures(t)); err != nil {
		t.Fatal(err)
	}
	if res := mustSearch(t, x, federation.Query{Text: "해외 직접 투자"}); res.Total != 2 {
		t.Fatalf("got %v", ids(res))
	}
}

func TestInvalidQuery(t *testing.T) {
	x, _ := mustOpen(t)
	for _, q := range []federation.Query{{Page: -1}, {Size: 1000}, {Sort: "x"}, {Tenant: "a b"}} {
		if _, err := x.Search(context.Background(), q); !tenants.Is(err, tenants.Invalid) {
			t.Errorf("Search(%+v) = %v, want Invalid", q, err)
		}
	}
}

func TestManyEntries(t *testing.T) {
	ctx := context.Background()
	x, err := Open(t.TempDir() + "/index")
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	r := rand.New(rand.NewPCG(3, 4))
	const n = 1600 // more than three batches
	es := make([]federation.Entry, n)
	for i := range es {
		es[i] = benchEntry(r, i)
		es[i].Text = es[i].Text[:min(len(es[i].Text), 300)]
		es[i].Text = strings.ToValidUTF8(es[i].Text, "")
	}
	if err := x.PutBatch(ctx, es); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	if err := x.Each(ctx, func(tenant, id string, rev int64) error {
		seen[tenant+"/"+id] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if c, _ := x.Count(ctx); c != n || len(seen) != n {
		t.Fatalf("count %d, each %d, want %d", c, len(seen), n)
	}
	res := mustSearch(t, x, federation.Query{})
	sum := 0
	for _, v := range res.Facets.Tenant {
		sum += v.Count
	}
	if res.Total != n || sum != n {
		t.Fatalf("total %d, tenant facet sum %d", res.Total, sum)
	}
}

func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	x, _ := mustOpen(t)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 20 {
				e := federation.Entry{Tenant: "seoul", ID: "c", Revision: int64(w*20 + i + 1), Title: "동시 수정 문서"}
				if err := x.Put(ctx, e); err != nil {
					t.Error(err)
				}
				if _, err := x.Search(ctx, federation.Query{Text: "동시 수정"}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if r, _ := x.Revision(ctx, "seoul", "c"); r != 80 {
		t.Fatalf("revision %d, want the highest, 80", r)
	}
}

// TestSearchJoinedNumbers: the runs of one query word joined by punctuation
// are one phrase, so a number is matched whole, not its parts anywhere.
func TestSearchJoinedNumbers(t *testing.T) {
	ctx := context.Background()
	x, _ := mustOpen(t)
	for _, e := range []federation.Entry{
		{Tenant: "nts", ID: "stat-1", Revision: 1, Title: "민원 처리 통계", Text: "평균 처리 기간은 151.3일이며 전년보다 8.9% 줄었다."},
		{Tenant: "nts", ID: "stat-2", Revision: 1, Title: "민원 접수 현황", Text: "총 151,617건 중 3,555건을 처리하였다. 2025년 147건, 9.8% 증가."},
		{Tenant: "nts", ID: "notice-147", Revision: 1, Title: "고시 제2025-147호", Number: "고시-2025-147", Text: "세부 기준을 고시한다."},
	} {
		if err := x.Put(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
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
// finds the composed form, and a query that is not UTF-8 is refused instead
// of listing everything.
func TestSearchUnicode(t *testing.T) {
	ctx := context.Background()
	x, _ := mustOpen(t)
	nfd := func(s string) string { return norm.NFD.String(s) }
	want := ids(mustSearch(t, x, federation.Query{Text: "해외 직접 투자", Size: 100}))
	if got := ids(mustSearch(t, x, federation.Query{Text: nfd("해외 직접 투자"), Size: 100})); len(want) != 2 || !slices.Equal(got, want) {
		t.Fatalf("NFD query: got %v, want %v", got, want)
	}
	if err := x.Put(ctx, federation.Entry{Tenant: "seoul", ID: "nfd", Revision: 1, Title: nfd("도시재생 활성화 계획"), Text: nfd("주민 참여형 도시재생 활성화 방안을 마련한다.")}); err != nil {
		t.Fatal(err)
	}
	res := mustSearch(t, x, federation.Query{Text: "도시재생"})
	if got := ids(res); !slices.Equal(got, []string{"seoul/nfd"}) {
		t.Fatalf("NFD text: got %v", got)
	}
	if s := res.Hits[0].Snippet; !strings.Contains(s, "<mark>"+nfd("도시재생")+"</mark>") {
		t.Fatalf("NFD snippet %q", s)
	}
	for _, q := range []string{"\xff\xfe", "예산\xff"} {
		if _, err := x.Search(ctx, federation.Query{Text: q}); !tenants.Is(err, tenants.Invalid) {
			t.Errorf("Search(%q) = %v, want Invalid", q, err)
		}
	}
}

// TestSearchTooComplex: a query expanding to more terms than the limits is
// refused before it reaches the index (it cost up to a second of CPU).
func TestSearchTooComplex(t *testing.T) {
	x, _ := mustOpen(t)
	for _, q := range []string{strings.Repeat("가", 500), strings.Repeat("가", 200), strings.Repeat("해외 직접 투자 ", 12), "1가 2나 3다 4라 5마 6바 7사 8아 9자"} {
		_, err := x.Search(context.Background(), federation.Query{Text: q})
		msg := tenants.PublicMessage(err)
		if !tenants.Is(err, tenants.Invalid) || !(strings.Contains(msg, "query too long") || strings.Contains(msg, "one-syllable words")) {
			t.Errorf("Search(%.30q…) = %v, want Invalid", q, err)
		}
	}
}
