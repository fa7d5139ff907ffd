package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/plaza-portal/plaza/federation"
)

// The JSON API v1. Shapes are documented in API.md; changing a field name
// breaks clients, so these types are the contract, not the domain types.

type apiHit struct {
	ID       string `json:"id"`
	Tenant   string `json:"tenant"`
	Title    string `json:"title"`
	Type     string `json:"type"`
	Produced string `json:"produced"`
	Snippet  string `json:"snippet"`
	URL      string `json:"url"`
}

type apiFacets struct {
	Tenant []federation.FacetValue `json:"tenant"`
	Type   []federation.FacetValue `json:"type"`
	Year   []federation.FacetValue `json:"year"`
	Format []federation.FacetValue `json:"format"`
}

type apiSearchResult struct {
	Total  int       `json:"total"`
	Page   int       `json:"page"`
	Size   int       `json:"size"`
	Hits   []apiHit  `json:"hits"`
	Facets apiFacets `json:"facets"`
}

// nonNil makes empty facets encode as [] rather than null.
func nonNil(v []federation.FacetValue) []federation.FacetValue {
	if v == nil {
		return []federation.FacetValue{}
	}
	return v
}

// apiSearch is GET /api/v1/search.
func (s *Server) apiSearch(c *fiber.Ctx) error {
	q, err := parseQuery(c, true)
	if err != nil {
		return err
	}
	q, res, err := s.search(c, q)
	if err != nil {
		return err
	}
	out := apiSearchResult{
		Total: res.Total, Page: q.Page, Size: q.Size, Hits: make([]apiHit, 0, len(res.Hits)),
		Facets: apiFacets{
			Tenant: nonNil(res.Facets.Tenant), Type: nonNil(res.Facets.Type),
			Year: nonNil(res.Facets.Year), Format: nonNil(res.Facets.Format),
		},
	}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, apiHit{ID: h.ID, Tenant: h.Tenant, Title: h.Title, Type: h.Type,
			Produced: h.Produced.String(), Snippet: h.Snippet, URL: docURL(h.Tenant, h.ID)})
	}
	return c.JSON(out)
}

type apiFile struct {
	N         int    `json:"n"`
	Name      string `json:"name"`
	Size      int64  `json:"size"`
	MediaType string `json:"mediaType"`
	Format    string `json:"format"`
	SHA256    string `json:"sha256"`
	URL       string `json:"url,omitempty"`
}

type apiDocument struct {
	Tenant     string    `json:"tenant"`
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	Title      string    `json:"title"`
	Summary    string    `json:"summary"`
	Department string    `json:"department"`
	Number     string    `json:"number"`
	Produced   string    `json:"produced"`
	Disclosed  time.Time `json:"disclosed"`
	Disclosure string    `json:"disclosure"`
	Grounds    []int     `json:"grounds"`
	Revision   int64     `json:"revision"`
	URL        string    `json:"url"`
	Files      []apiFile `json:"files"`
}

// apiDocument is GET /api/v1/documents/{tenant}/{id}. A document that is
// not disclosed lists its files without download URLs.
func (s *Server) apiDocument(c *fiber.Ctx) error {
	d, _, err := s.archive.Document(c.UserContext(), c.Params("tenant"), c.Params("id"))
	if err != nil {
		return err
	}
	out := apiDocument{
		Tenant: d.Tenant, ID: d.ID, Type: string(d.Type), Title: d.Title, Summary: d.Summary,
		Department: d.Department, Number: d.Number, Produced: d.Produced.String(), Disclosed: d.Disclosed,
		Disclosure: string(d.Disclosure), Grounds: []int{}, Revision: d.Revision,
		URL: docURL(d.Tenant, d.ID), Files: make([]apiFile, 0, len(d.Files)),
	}
	for _, g := range d.Grounds {
		out.Grounds = append(out.Grounds, int(g))
	}
	// A withheld document's files stay in its bucket, and so does what
	// describes them: a name can itself disclose, and a checksum confirms a
	// guess of the content.
	for _, f := range d.Files {
		if !d.Public() {
			break
		}
		out.Files = append(out.Files, apiFile{N: f.N, Name: f.Name, Size: f.Size, MediaType: f.MediaType, Format: f.Format, SHA256: f.SHA256, URL: fileURL(d.Tenant, d.ID, f.N)})
	}
	return c.JSON(out)
}

type apiTenant struct {
	Slug      string `json:"slug"`
	NameKo    string `json:"name_ko"`
	NameEn    string `json:"name_en"`
	Kind      string `json:"kind"`
	Code      string `json:"code"`
	Documents int    `json:"documents"`
}

// apiTenants is GET /api/v1/tenants: every tenant with its document count.
func (s *Server) apiTenants(c *fiber.Ctx) error {
	_, res, err := s.search(c, federation.Query{Size: 1})
	if err != nil {
		return err
	}
	n := counts(res)
	all := s.registry.All()
	out := make([]apiTenant, 0, len(all))
	for _, t := range all {
		out = append(out, apiTenant{Slug: t.Slug, NameKo: t.NameKo, NameEn: t.NameEn, Kind: string(t.Kind),
			Code: t.Code, Documents: n[t.Slug]})
	}
	return c.JSON(out)
}
