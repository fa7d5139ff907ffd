package web

import (
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
)

// hitView is one result as a page shows it.
type hitView struct {
	URL        string
	Title      string
	Tenant     string
	TenantName string
	TypeLabel  string
	Produced   string
	Department string
	Formats    []string
	Disclosure string
	Withheld   bool
	// Snippet is the index's already-escaped HTML with <mark>s; the one
	// place the pages trust HTML they did not build themselves.
	Snippet template.HTML
}

func (s *Server) hitViews(lang string, hits []federation.Hit) []hitView {
	out := make([]hitView, 0, len(hits))
	for _, h := range hits {
		out = append(out, hitView{
			URL:        docURL(h.Tenant, h.ID),
			Title:      h.Title,
			Tenant:     h.Tenant,
			TenantName: s.tenantName(lang, h.Tenant),
			TypeLabel:  tenants.DocType(h.Type).Label(lang),
			Produced:   h.Produced.String(),
			Department: h.Department,
			Formats:    h.Formats,
			Disclosure: tenants.Disclosure(h.Disclosure).Label(lang),
			Withheld:   h.Disclosure == string(tenants.DisclosureNone),
			Snippet:    template.HTML(h.Snippet), //nolint:gosec // escaped by the index, see federation.Hit
		})
	}
	return out
}

// link is an anchor: its text, where it goes, and whether it is the
// current choice.
type link struct {
	Label   string
	URL     string
	Count   int
	Current bool
}

// facetView is one facet as a list of links that add or remove a filter.
type facetView struct {
	Name    string // tenant, type, year, format
	Heading string
	Values  []link
}

// pager is the page navigation of a result list.
type pager struct {
	Prev, Next string // empty at the ends
	Pages      []link
}

// resultsView is a result list with everything around it: the filters in
// force, the facets, the sort switch and the pages. The search page and the
// tenant page both show one; on the tenant page the tenant is fixed and its
// facet hidden.
type resultsView struct {
	Action   string // the path the form and every link go to
	Query    federation.Query
	Total    int
	Hits     []hitView
	Active   []link // filters in force, each linking to its removal
	Hidden   [][2]string
	Facets   []facetView
	Sorts    []link
	Pager    pager
	ClearAll string
}

// state is the part of a query that links carry; sort only when the user
// chose one, so defaults stay defaults.
type state struct {
	action                    string
	text, tenant, typ, format string
	year, page                int
	sort                      string
	fixedTenant               bool
}

func (st state) url() string {
	v := url.Values{}
	if st.text != "" {
		v.Set("q", st.text)
	}
	if st.tenant != "" && !st.fixedTenant {
		v.Set("tenant", st.tenant)
	}
	if st.typ != "" {
		v.Set("type", st.typ)
	}
	if st.year != 0 {
		v.Set("year", strconv.Itoa(st.year))
	}
	if st.format != "" {
		v.Set("format", st.format)
	}
	if st.sort != "" {
		v.Set("sort", st.sort)
	}
	if st.page > 1 {
		v.Set("page", strconv.Itoa(st.page))
	}
	if len(v) == 0 {
		return st.action
	}
	return st.action + "?" + v.Encode()
}

// resultsView builds the view of res for q. rawSort is the sort the user
// asked for ("" for the default); fixedTenant is set on a tenant's page.
func (s *Server) resultsView(lang, action string, q federation.Query, rawSort string, fixedTenant bool, res *federation.Result) resultsView {
	st := state{action: action, text: q.Text, tenant: q.Tenant, typ: q.Type, format: q.Format,
		year: q.Year, page: q.Page, sort: rawSort, fixedTenant: fixedTenant}
	v := resultsView{Action: action, Query: q, Total: res.Total, Hits: s.hitViews(lang, res.Hits)}

	// Filters in force, each with a link that removes it (and resets the page).
	type filter struct {
		name, label string
		on          bool
		clear       func(*state)
	}
	filters := []filter{
		{"tenant", s.tenantName(lang, q.Tenant), q.Tenant != "" && !fixedTenant, func(x *state) { x.tenant = "" }},
		{"type", tenants.DocType(q.Type).Label(lang), q.Type != "", func(x *state) { x.typ = "" }},
		{"year", strconv.Itoa(q.Year), q.Year != 0, func(x *state) { x.year = 0 }},
		{"format", strings.ToUpper(q.Format), q.Format != "", func(x *state) { x.format = "" }},
	}
	all := st
	all.page = 0
	for _, f := range filters {
		if !f.on {
			continue
		}
		x := st
		x.page = 0
		f.clear(&x)
		f.clear(&all)
		v.Active = append(v.Active, link{Label: label(lang, "facet_"+f.name) + ": " + f.label, URL: x.url()})
	}
	if len(v.Active) > 1 {
		v.ClearAll = all.url()
	}
	if q.Tenant != "" && !fixedTenant {
		v.Hidden = append(v.Hidden, [2]string{"tenant", q.Tenant})
	}
	if q.Type != "" {
		v.Hidden = append(v.Hidden, [2]string{"type", q.Type})
	}
	if q.Year != 0 {
		v.Hidden = append(v.Hidden, [2]string{"year", strconv.Itoa(q.Year)})
	}
	if q.Format != "" {
		v.Hidden = append(v.Hidden, [2]string{"format", q.Format})
	}

	// Facets: a value links to the results with that filter, or without it
	// when it is the one in force.
	facet := func(name string, values []federation.FacetValue, current string, set func(*state, string), show func(string) string) {
		if len(values) == 0 {
			return
		}
		fv := facetView{Name: name, Heading: label(lang, "facet_"+name)}
		for _, fvv := range values {
			x := st
			x.page = 0
			on := fvv.Value == current
			if on {
				set(&x, "")
			} else {
				set(&x, fvv.Value)
			}
			fv.Values = append(fv.Values, link{Label: show(fvv.Value), URL: x.url(), Count: fvv.Count, Current: on})
		}
		v.Facets = append(v.Facets, fv)
	}
	if !fixedTenant {
		facet("tenant", res.Facets.Tenant, q.Tenant, func(x *state, val string) { x.tenant = val },
			func(val string) string { return s.tenantName(lang, val) })
	}
	facet("type", res.Facets.Type, q.Type, func(x *state, val string) { x.typ = val },
		func(val string) string { return tenants.DocType(val).Label(lang) })
	years := slices.Clone(res.Facets.Year)
	slices.SortStableFunc(years, func(a, b federation.FacetValue) int { return strings.Compare(b.Value, a.Value) })
	curYear := ""
	if q.Year != 0 {
		curYear = strconv.Itoa(q.Year)
	}
	facet("year", years, curYear, func(x *state, val string) { x.year, _ = strconv.Atoi(val) },
		func(val string) string { return val })
	facet("format", res.Facets.Format, q.Format, func(x *state, val string) { x.format = val }, strings.ToUpper)

	// Sort switch.
	for _, so := range []federation.Sort{federation.SortRelevance, federation.SortNewest} {
		x := st
		x.page = 0
		x.sort = string(so)
		v.Sorts = append(v.Sorts, link{Label: label(lang, "sort_"+string(so)), URL: x.url(), Current: q.Sort == so})
	}

	v.Pager = makePager(st, q.Page, q.Size, res.Total)
	return v
}

// makePager links the previous and next pages and up to ten page numbers
// around the current one.
func makePager(st state, cur, size, total int) pager {
	var p pager
	if size <= 0 {
		return p
	}
	last := min((total+size-1)/size, federation.MaxPage)
	if last <= 1 {
		return p
	}
	at := func(n int) string { x := st; x.page = n; return x.url() }
	if cur > 1 {
		p.Prev = at(cur - 1)
	}
	if cur < last {
		p.Next = at(cur + 1)
	}
	first := max(1, cur-4)
	end := min(last, first+9)
	first = max(1, end-9)
	for n := first; n <= end; n++ {
		p.Pages = append(p.Pages, link{Label: strconv.Itoa(n), URL: at(n), Count: n, Current: n == cur})
	}
	return p
}
