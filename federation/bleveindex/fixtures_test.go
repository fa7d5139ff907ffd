package bleveindex

import (
	"context"
	"testing"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/federation/indextest"
	"github.com/plaza-portal/plaza/tenants"
)

func date(tb testing.TB, s string) tenants.Date { return indextest.Date(tb, s) }

// fixtures are the entries every index is tested with (indextest).
func fixtures(tb testing.TB) []federation.Entry { return indextest.Fixtures(tb) }

// mustOpen opens a fresh index on disk holding the fixtures.
func mustOpen(tb testing.TB) (*Index, string) {
	tb.Helper()
	dir := tb.TempDir() + "/index"
	x, err := Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { x.Close() })
	if err := x.PutBatch(context.Background(), fixtures(tb)); err != nil {
		tb.Fatal(err)
	}
	return x, dir
}

func mustSearch(tb testing.TB, x *Index, q federation.Query) *federation.Result {
	tb.Helper()
	res, err := x.Search(context.Background(), q)
	if err != nil {
		tb.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

func ids(res *federation.Result) []string { return indextest.IDs(res) }
