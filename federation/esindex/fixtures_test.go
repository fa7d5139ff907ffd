package esindex

import (
	"testing"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/federation/indextest"
	"github.com/plaza-portal/plaza/tenants"
)

func date(tb testing.TB, s string) tenants.Date { return indextest.Date(tb, s) }

// fixtures are the entries every index is tested with (indextest).
func fixtures(tb testing.TB) []federation.Entry { return indextest.Fixtures(tb) }

func ids(res *federation.Result) []string { return indextest.IDs(res) }
