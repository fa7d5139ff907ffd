package web

import (
	"net/url"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
)

// previewRunes is how much of a document's text its page shows.
const previewRunes = 5000

// tenantGroup is the tenants of one kind, for the home page.
type tenantGroup struct {
	Kind    tenants.TenantKind
	Tenants []tenantCount
}

type tenantCount struct {
	tenants.Tenant
	Documents int
}

// counts is the number of documents per tenant, from the tenant facet of a
// search for everything.
func counts(res *federation.Result) map[string]int {
	m := map[string]int{}
	for _, f := range res.Facets.Tenant {
		m[f.Value] = f.Count
	}
	return m
}

// groupTenants groups ts by kind in the registry's order (ts is sorted by
// kind already); with nonEmpty, only tenants that have documents.
func groupTenants(ts []tenants.Tenant, n map[string]int, nonEmpty bool) []tenantGroup {
	var out []tenantGroup
	for _, t := range ts {
		if nonEmpty && n[t.Slug] == 0 {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Kind != t.Kind {
			out = append(out, tenantGroup{Kind: t.Kind})
		}
		g := &out[len(out)-1]
		g.Tenants = append(g.Tenants, tenantCount{Tenant: t, Documents: n[t.Slug]})
	}
	return out
}

// home is the front page: the search box, the bodies that publish, and the
// latest documents.
func (s *Server) home(c *fiber.Ctx) error {
	lang := language(c)
	_, res, err := s.search(c, federation.Query{Sort: federation.SortNewest, Size: 8})
	if err != nil {
		return err
	}
	all := s.registry.All()
	n := counts(res)
	return s.render(c, fiber.StatusOK, "home", struct {
		page
		Total  int
		Groups []tenantGroup
		All    []tenantGroup
		Count  int
		Latest []hitView
	}{
		page:   newPage(c, lang, label(lang, "site")),
		Total:  res.Total,
		Groups: groupTenants(all, n, true),
		All:    groupTenants(all, n, false),
		Count:  len(all),
		Latest: s.hitViews(lang, res.Hits),
	})
}

// searchPage shows the results of a search over every tenant.
func (s *Server) searchPage(c *fiber.Ctx) error {
	lang := language(c)
	q, err := parseQuery(c, false)
	if err != nil {
		return err
	}
	q, res, err := s.search(c, q)
	if err != nil {
		return err
	}
	title := label(lang, "search")
	if q.Text != "" {
		title = q.Text + " · " + title
	}
	p := newPage(c, lang, title)
	p.Q = q.Text
	return s.render(c, fiber.StatusOK, "search", struct {
		page
		Results resultsView
	}{p, s.resultsView(lang, "/search", q, c.Query("sort"), false, res)})
}

// tenantPage shows a tenant and its documents: the search page with the
// tenant fixed.
func (s *Server) tenantPage(c *fiber.Ctx) error {
	lang := language(c)
	t, err := s.registry.Lookup(c.UserContext(), c.Params("tenant"))
	if err != nil {
		return err
	}
	q, err := parseQuery(c, false)
	if err != nil {
		return err
	}
	q.Tenant = t.Slug
	q, res, err := s.search(c, q)
	if err != nil {
		return err
	}
	total := res.Total
	if q.Text != "" || q.Type != "" || q.Year != 0 || q.Format != "" {
		_, all, err := s.search(c, federation.Query{Tenant: t.Slug, Size: 1})
		if err != nil {
			return err
		}
		total = all.Total
	}
	p := newPage(c, lang, t.Name(lang))
	p.Q = q.Text
	return s.render(c, fiber.StatusOK, "tenant", struct {
		page
		Tenant    tenants.Tenant
		Documents int
		Results   resultsView
	}{p, t, total, s.resultsView(lang, "/t/"+t.Slug, q, c.Query("sort"), true, res)})
}

// fileView is one original file on a document's page.
type fileView struct {
	tenants.File
	URL       string
	InlineURL string // PDFs only
}

// documentPage shows one document: its metadata, files, text preview and
// related documents; for a document that is not disclosed, the metadata and
// a way to request it.
func (s *Server) documentPage(c *fiber.Ctx) error {
	lang := language(c)
	ctx := c.UserContext()
	d, _, err := s.archive.Document(ctx, c.Params("tenant"), c.Params("id"))
	if err != nil {
		return err
	}
	t, err := s.registry.Get(d.Tenant)
	if err != nil {
		return err
	}

	var files []fileView
	var preview string
	var cut bool
	if d.Public() {
		for _, f := range d.Files {
			fv := fileView{File: f, URL: fileURL(d.Tenant, d.ID, f.N)}
			if f.MediaType == "application/pdf" {
				fv.InlineURL = fv.URL + "?inline=1"
			}
			files = append(files, fv)
		}
		text, err := s.archive.TextPrefix(ctx, d, previewRunes*utf8.UTFMax+1)
		if err != nil {
			return err
		}
		preview, cut = firstRunes(text, previewRunes)
	}

	// Related: other documents of the same tenant and type, newest first.
	_, rel, err := s.search(c, federation.Query{Tenant: d.Tenant, Type: string(d.Type), Sort: federation.SortNewest, Size: 6})
	if err != nil {
		return err
	}
	var related []federation.Hit
	for _, h := range rel.Hits {
		if h.ID != d.ID && len(related) < 5 {
			related = append(related, h)
		}
	}

	var grounds []string
	for _, g := range d.Grounds {
		grounds = append(grounds, g.Label(lang))
	}
	request := "/request?" + url.Values{"tenant": {d.Tenant}, "doc": {d.ID}}.Encode()

	return s.render(c, fiber.StatusOK, "document", struct {
		page
		Doc        *tenants.Document
		Tenant     tenants.Tenant
		TenantURL  string
		Grounds    []string
		Files      []fileView
		Preview    string
		Cut        bool
		PreviewMax int
		Related    []hitView
		RequestURL string
		Withheld   bool
		Partial    bool
	}{
		page:       newPage(c, lang, d.Title),
		Doc:        d,
		Tenant:     t,
		TenantURL:  "/t/" + t.Slug,
		Grounds:    grounds,
		Files:      files,
		Preview:    preview,
		Cut:        cut,
		PreviewMax: previewRunes,
		Related:    s.hitViews(lang, related),
		RequestURL: request,
		Withheld:   !d.Public(),
		Partial:    d.Disclosure == tenants.DisclosurePartial,
	})
}

// firstRunes returns the first n runes of s and whether s was longer.
func firstRunes(s string, n int) (string, bool) {
	if utf8.RuneCountInString(s) <= n {
		return s, false
	}
	i := 0
	for k := range s {
		if i == n {
			return s[:k], true
		}
		i++
	}
	return s, false
}

// requestPage explains how to request the disclosure of a document (정보공개
// 청구) and names the document the citizen came from, if any. Filing the
// request through Plaza itself comes with the requests feature.
func (s *Server) requestPage(c *fiber.Ctx) error {
	lang := language(c)
	var d *tenants.Document
	var t tenants.Tenant
	if tenant, id := c.Query("tenant"), c.Query("doc"); tenant != "" || id != "" {
		var err error
		if d, _, err = s.archive.Document(c.UserContext(), tenant, id); err != nil {
			return err
		}
		if t, err = s.registry.Get(d.Tenant); err != nil {
			return err
		}
	}
	var grounds []string
	if d != nil {
		for _, g := range d.Grounds {
			grounds = append(grounds, g.Label(lang))
		}
	}
	return s.render(c, fiber.StatusOK, "request", struct {
		page
		Doc     *tenants.Document
		Tenant  tenants.Tenant
		Grounds []string
	}{newPage(c, lang, label(lang, "request_title")), d, t, grounds})
}
