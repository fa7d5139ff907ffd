package web

import (
	"strconv"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
)

// parseQuery reads the search parameters shared by the search page, the
// tenant page and the API. This layer checks what it is given as given: text
// must be valid UTF-8 (never silently repaired), and an integer parameter
// that is present must be an integer in range; only an absent one takes the
// default (Query.Normalize fills in zeros). The rest of what the values may
// be is decided by Query.Normalize and, for the tenant, by the registry (see
// search). The page size is the API's to choose; pages use the default.
func parseQuery(c *fiber.Ctx, withSize bool) (federation.Query, error) {
	q := federation.Query{
		Text:   c.Query("q"),
		Tenant: c.Query("tenant"),
		Type:   c.Query("type"),
		Format: c.Query("format"),
		Sort:   federation.Sort(c.Query("sort")),
	}
	for _, p := range []struct{ name, v string }{
		{"q", q.Text}, {"tenant", q.Tenant}, {"type", q.Type}, {"format", q.Format}, {"sort", string(q.Sort)},
	} {
		if !utf8.ValidString(p.v) {
			return q, tenants.Errorf("web.query", tenants.Invalid,
				"%s 값이 올바른 UTF-8 문자열이 아닙니다 / %s is not valid UTF-8", p.name, p.name)
		}
	}
	var err error
	if q.Page, err = intParam(c, pageParam); err != nil {
		return q, err
	}
	if q.Year, err = intParam(c, yearParam); err != nil {
		return q, err
	}
	if withSize {
		if q.Size, err = intParam(c, sizeParam); err != nil {
			return q, err
		}
	}
	return q, nil
}

// intRange is an integer query parameter: its name, the values it may take
// and the message for one out of range (the bounds are its arguments).
type intRange struct {
	name     string
	min, max int
	msg      string
}

var (
	pageParam = intRange{"page", 1, federation.MaxPage,
		"페이지 번호는 %[1]d부터 %[2]d까지입니다 / page must be between %[1]d and %[2]d"}
	sizeParam = intRange{"size", 1, federation.MaxPageSize,
		"한 페이지의 결과 수는 %[1]d부터 %[2]d까지입니다 / page size must be between %[1]d and %[2]d"}
	yearParam = intRange{"year", 1000, 9999,
		"연도는 %[1]d부터 %[2]d까지입니다 / year must be between %[1]d and %[2]d"}
)

// intParam reads an optional integer query parameter. Absent is 0 (the
// default); present, it must be an integer within p's range, so page=0 or
// size= is a 400, not the default.
func intParam(c *fiber.Ctx, p intRange) (int, error) {
	if !c.Context().QueryArgs().Has(p.name) {
		return 0, nil
	}
	v := c.Query(p.name)
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, tenants.Errorf("web.query", tenants.Invalid,
			"%s 값은 정수여야 합니다: %q / %s must be an integer: %q", p.name, clip(v, 20), p.name, clip(v, 20))
	}
	if n < p.min || n > p.max {
		return 0, tenants.Errorf("web.query", tenants.Invalid, p.msg, p.min, p.max)
	}
	return n, nil
}

// clip shortens s to at most n runes for quoting it back in a message.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// search normalizes q and runs it. A tenant filter must name a tenant the
// registry knows: an unknown one is Invalid (a 400 naming it), not an empty
// result, so a typo in a slug does not pass for "no documents". Type and
// format filters are open sets and are not checked: an unknown one finds
// nothing.
func (s *Server) search(c *fiber.Ctx, q federation.Query) (federation.Query, *federation.Result, error) {
	if err := q.Normalize(); err != nil {
		return q, nil, err
	}
	if q.Tenant != "" {
		if _, err := s.registry.Lookup(c.UserContext(), q.Tenant); err != nil {
			if tenants.Is(err, tenants.NotFound) {
				v := clip(q.Tenant, 40)
				return q, nil, tenants.Errorf("web.query", tenants.Invalid,
					"기관 %q 을(를) 알 수 없습니다 / unknown tenant %q", v, v)
			}
			return q, nil, err
		}
	}
	res, err := s.index.Search(c.UserContext(), q)
	if err != nil {
		return q, nil, err
	}
	return q, res, nil
}

// docURL is the path of a document's page.
func docURL(tenant, id string) string { return "/d/" + tenant + "/" + id }

// fileURL is the path of a document's n-th original file.
func fileURL(tenant, id string, n int) string {
	return docURL(tenant, id) + "/files/" + strconv.Itoa(n)
}
