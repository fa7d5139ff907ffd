package esindex

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/storage/enginetest"
)

// productHeader adds the X-Elastic-Product header that zincsearch leaves
// out of some responses; the v8 client refuses a server without it. Only
// tests use it: production talks to Elasticsearch.
type productHeader struct {
	next  http.RoundTripper
	bulks atomic.Int64 // _bulk requests sent, for tests of what is written
}

func (p *productHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/_bulk") {
		p.bulks.Add(1)
	}
	res, err := p.next.RoundTrip(r)
	if err == nil && res.Header.Get("X-Elastic-Product") == "" {
		res.Header.Set("X-Elastic-Product", "Elasticsearch")
	}
	return res, err
}

// engine is an index on the test engine and the transport it uses.
type engine struct {
	*Index
	url       string
	transport *productHeader
}

// openEngine opens a fresh, empty index on the engine of PLAZA_TEST_ES_URL
// (or skips), removed when the test ends.
func openEngine(tb testing.TB) *engine {
	tb.Helper()
	u := enginetest.URL(tb, enginetest.ES)
	name := enginetest.Name("plaza-test-")
	return openNamed(tb, u, name)
}

func openNamed(tb testing.TB, u, name string) *engine {
	tb.Helper()
	tr := &productHeader{next: http.DefaultTransport}
	// One shard: zincsearch makes three by default, and relevance computed
	// per shard would make the ranking tests depend on where documents land.
	x, err := Open(context.Background(), u, name, Options{Transport: tr, Shards: 1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		x.Close()
		removeIndex(tb, u, name)
	})
	return &engine{Index: x, url: u, transport: tr}
}

// removeIndex deletes an index: with Elasticsearch's DELETE /{index}, or
// zincsearch's own API, which has no such route under /es.
func removeIndex(tb testing.TB, rawURL, name string) {
	tb.Helper()
	del := func(u string) int {
		req, err := http.NewRequest(http.MethodDelete, u, nil)
		if err != nil {
			return 0
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}
	if del(strings.TrimSuffix(rawURL, "/")+"/"+name) == http.StatusOK {
		return
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/es") + "/api/index/" + name
	if s := del(u.String()); s != http.StatusOK {
		tb.Logf("index %s not removed (HTTP %d)", name, s)
	}
}

// waitFor polls cond until it holds: writes to the engine become visible to
// searches only after a refresh (zincsearch: some tens of milliseconds).
// It fails the test if cond still does not hold after a generous while;
// no test asserts how long anything takes.
func waitFor(tb testing.TB, what string, cond func() (bool, error)) {
	tb.Helper()
	var err error
	for range 600 {
		var ok bool
		if ok, err = cond(); ok && err == nil {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	tb.Fatalf("%s: never happened (last error %v)", what, err)
}

// waitCount waits until the index holds n entries.
func waitCount(tb testing.TB, x *engine, n int) {
	tb.Helper()
	waitFor(tb, "count "+strconv.Itoa(n), func() (bool, error) {
		c, err := x.Count(context.Background())
		return c == n, err
	})
}

// waitRevision waits until the index holds revision rev of a document.
func waitRevision(tb testing.TB, x *engine, tenant, id string, rev int64) {
	tb.Helper()
	waitFor(tb, tenant+"/"+id+" at revision "+strconv.FormatInt(rev, 10), func() (bool, error) {
		r, err := x.Revision(context.Background(), tenant, id)
		return r == rev, err
	})
}

// withFixtures opens a fresh index holding the fixtures, visible.
func withFixtures(tb testing.TB) *engine {
	tb.Helper()
	x := openEngine(tb)
	if err := x.PutBatch(context.Background(), fixtures(tb)); err != nil {
		tb.Fatal(err)
	}
	waitCount(tb, x, len(fixtures(tb)))
	return x
}

func mustSearch(tb testing.TB, x *engine, q federation.Query) *federation.Result {
	tb.Helper()
	res, err := x.Search(context.Background(), q)
	if err != nil {
		tb.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

func defaultTransport() http.RoundTripper { return http.DefaultTransport.(*http.Transport).Clone() }

// rawRequest sends a request with a JSON body and returns the status.
func rawRequest(tb testing.TB, method, u, body string) int {
	tb.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
