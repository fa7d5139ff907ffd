package extract

import (
	"testing"

	"github.com/plaza-portal/plaza/tenants/corpustest"
)

func corpusDir(tb testing.TB) string { tb.Helper(); return corpustest.Dir(tb) }

func corpusFile(tb testing.TB, rel string) []byte { tb.Helper(); return corpustest.File(tb, rel) }
