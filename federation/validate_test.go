package federation

import (
	"strings"
	"testing"

	"github.com/plaza-portal/plaza/tenants"
)

func TestQueryNormalize(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		q := Query{Text: "  예산  "}
		if err := q.Normalize(); err != nil {
			t.Fatal(err)
		}
		if q.Text != "예산" || q.Page != 1 || q.Size != DefaultSize || q.Sort != SortRelevance {
			t.Fatalf("got %+v", q)
		}
		q = Query{Tenant: " Seoul ", Format: "PDF"}
		if err := q.Normalize(); err != nil {
			t.Fatal(err)
		}
		if q.Sort != SortNewest || q.Tenant != "seoul" || q.Format != "pdf" {
			t.Fatalf("got %+v", q)
		}
		q = Query{Text: "예산", Sort: "newest", Page: MaxPage, Size: MaxPageSize, Year: 2024, Type: "press-release"}
		if err := q.Normalize(); err != nil {
			t.Fatal(err)
		}
	})
	for _, tc := range []struct {
		name string
		q    Query
	}{
		{"PageNegative", Query{Page: -1}},
		{"PageTooLarge", Query{Page: MaxPage + 1}},
		{"SizeNegative", Query{Size: -5}},
		{"SizeTooLarge", Query{Size: MaxPageSize + 1}},
		{"TextTooLong", Query{Text: strings.Repeat("가", MaxQueryRunes+1)}},
		{"UnknownSort", Query{Sort: "oldest"}},
		{"YearLow", Query{Year: 999}},
		{"YearHigh", Query{Year: 10000}},
		{"TenantNotSlug", Query{Tenant: "seoul/../x"}},
		{"TypeNotSlug", Query{Type: "보도자료"}},
		{"FormatNotSlug", Query{Format: "pdf OR 1=1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.q.Normalize()
			if !tenants.Is(err, tenants.Invalid) {
				t.Fatalf("got %v, want Invalid", err)
			}
			if tenants.PublicMessage(err) == "" {
				t.Fatal("no message")
			}
		})
	}
	t.Run("TextAtLimit", func(t *testing.T) {
		q := Query{Text: strings.Repeat("가", MaxQueryRunes)}
		if err := q.Normalize(); err != nil {
			t.Fatal(err)
		}
	})
}
