package web

import (
	"strconv"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
)

// parseQuery reads the search parameters shared by the search page, the
// tenant page and the API. This layer only turns text into numbers (a page
// that is not a number is Invalid, never a 500); what the values may be is
// decided by Query.Normalize. The page size is the API's to choose; pages
// use the default.
func parseQuery(c *fiber.Ctx, withSize bool) (federation.Query, error) {
	q := federation.Query{
		Text:   c.Query("q"),
		Tenant: c.Query("tenant"),
		Type:   c.Query("type"),
		Format: c.Query("format"),
		Sort:   federation.Sort(c.Query("sort")),
	}
	var err error
	if q.Page, err = intParam(c, "page"); err != nil {
		return q, err
	}
	if q.Year, err = intParam(c, "year"); err != nil {
		return q, err
	}
	if withSize {
		if q.Size, err = intParam(c, "size"); err != nil {
			return q, err
		}
	}
	return q, nil
}

// intParam reads an optional integer query parameter; absent is 0.
func intParam(c *fiber.Ctx, name string) (int, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, tenants.Errorf("web.query", tenants.Invalid,
			"%s 값은 정수여야 합니다: %q / %s must be an integer: %q", name, clip(v, 20), name, clip(v, 20))
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

// search normalizes q and runs it.
func (s *Server) search(c *fiber.Ctx, q federation.Query) (federation.Query, *federation.Result, error) {
	if err := q.Normalize(); err != nil {
		return q, nil, err
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
