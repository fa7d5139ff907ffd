package bleveindex

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
)

// searchFields are the analysed fields a query unit may match, with their
// weights (federation.Weights).
var searchFields = []struct {
	name  string
	boost float64
}{
	{fTitle, federation.Weights.Title}, {fSummary, federation.Weights.Summary}, {fText, federation.Weights.Text},
	{fNumber, federation.Weights.Number}, {fSubject, federation.Weights.Subject}, {fDepartment, federation.Weights.Department},
}

// altBoost weighs a unit's alternative (its words apart, particles removed).
var altBoost = federation.Weights.Alt

// Facet sizes: large enough to list every value there is.
const (
	facetTenants = 1000
	facetTypes   = 200
	facetYears   = 500
	facetFormats = 100
)

// hitFields are the stored fields a hit is made of.
var hitFields = []string{fTenant, fID, fTitle, fType, fDepartment, fNumber, fProduced, fFormats, fDisclosure, fBody, fSummary}

// Search runs q over all tenants (or the filtered ones). Invalid for a
// malformed query (see federation.Query.Normalize).
func (x *Index) Search(ctx context.Context, q federation.Query) (*federation.Result, error) {
	const op = "search"
	began := time.Now()
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(buildQuery(q), q.Size, (q.Page-1)*q.Size, false)
	req.SortByCustom(sortOrder(q.Sort))
	req.Fields = hitFields
	req.AddFacet(fTenant, bleve.NewFacetRequest(fTenant, facetTenants))
	req.AddFacet(fType, bleve.NewFacetRequest(fType, facetTypes))
	req.AddFacet(fYear, bleve.NewFacetRequest(fYear, facetYears))
	req.AddFacet(fFormats, bleve.NewFacetRequest(fFormats, facetFormats))

	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, tenants.E(op, err)
	}
	out := &federation.Result{Total: int(res.Total), Hits: make([]federation.Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, hit(h, q.Text))
	}
	out.Facets = federation.Facets{
		Tenant: facet(res.Facets[fTenant], false),
		Type:   facet(res.Facets[fType], false),
		Year:   facet(res.Facets[fYear], true),
		Format: facet(res.Facets[fFormats], false),
	}
	out.Took = time.Since(began)
	return out, nil
}

// buildQuery: every unit of the text must match (in any search field), and
// every filter. An empty text matches everything; a text with nothing
// searchable in it (only punctuation) matches nothing.
func buildQuery(q federation.Query) query.Query {
	var must []query.Query
	var should []query.Query
	if q.Text != "" {
		units := federation.QueryUnits(q.Text)
		if len(units) == 0 {
			return query.NewMatchNoneQuery()
		}
		for _, u := range units {
			must = append(must, unitQuery(u))
		}
		// The exact document number ranks first.
		exact := query.NewTermQuery(q.Text)
		exact.SetField(fNumberKW)
		exact.SetBoost(5)
		should = append(should, exact)
	}
	for _, f := range []struct{ field, value string }{
		{fTenant, q.Tenant}, {fType, q.Type}, {fFormats, q.Format}, {fYear, year(q.Year)},
	} {
		if f.value != "" {
			t := query.NewTermQuery(f.value)
			t.SetField(f.field)
			must = append(must, t)
		}
	}
	if len(must) == 0 {
		return query.NewMatchAllQuery()
	}
	if len(should) == 0 {
		return query.NewConjunctionQuery(must)
	}
	return query.NewBooleanQuery(must, should, nil)
}

func year(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// unitQuery matches one unit in any search field: a phrase over its bigrams
// (consecutive positions, so spacing in either text does not matter), or
// failing that, with lower weight, every word of its particle-stripped
// alternative.
func unitQuery(u federation.Unit) query.Query {
	q := fieldsQuery(u.Terms, u.Single)
	if len(u.Alt) == 0 {
		return q
	}
	words := make([]query.Query, 0, len(u.Alt))
	for _, a := range u.Alt {
		words = append(words, fieldsQuery(a.Terms, a.Single))
	}
	alt := query.NewConjunctionQuery(words)
	alt.SetBoost(altBoost)
	return query.NewDisjunctionQuery([]query.Query{q, alt})
}

func fieldsQuery(terms []string, single bool) *query.DisjunctionQuery {
	qs := make([]query.Query, 0, len(searchFields))
	for _, f := range searchFields {
		qs = append(qs, termsQuery(terms, single, f.name, f.boost))
	}
	return query.NewDisjunctionQuery(qs)
}

func termsQuery(terms []string, single bool, field string, boost float64) query.Query {
	var q interface {
		query.Query
		SetField(string)
		SetBoost(float64)
	}
	switch {
	case single:
		// A lone character is in any bigram that starts or ends with it.
		p := query.NewPrefixQuery(terms[0])
		p.SetField(field)
		w := query.NewWildcardQuery("?" + terms[0])
		w.SetField(field)
		d := query.NewDisjunctionQuery([]query.Query{p, w})
		d.SetBoost(boost)
		return d
	case len(terms) == 1:
		q = query.NewTermQuery(terms[0])
	default:
		q = query.NewPhraseQuery(terms, field)
	}
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

func sortOrder(s federation.Sort) search.SortOrder {
	newest := &search.SortField{Field: fSort, Desc: true, Type: search.SortFieldAsString, Missing: search.SortFieldMissingLast}
	if s == federation.SortNewest {
		return search.SortOrder{newest, &search.SortDocID{}}
	}
	return search.SortOrder{&search.SortScore{Desc: true}, newest, &search.SortDocID{}}
}

func hit(h *search.DocumentMatch, text string) federation.Hit {
	str := func(f string) string {
		s, _ := h.Fields[f].(string)
		return s
	}
	out := federation.Hit{
		Tenant: str(fTenant), ID: str(fID), Title: str(fTitle), Type: str(fType),
		Department: str(fDepartment), Number: str(fNumber), Disclosure: str(fDisclosure),
		Formats: stringList(h.Fields[fFormats]), Score: h.Score,
	}
	out.Produced, _ = tenants.ParseDate(str(fProduced))
	// Indexes written with a longer body are cut here too.
	src := federation.CutBytes(str(fBody), maxBodyBytes)
	if src == "" {
		src = str(fSummary)
	}
	out.Snippet = federation.Snippet(src, text, federation.DefaultSnippetRunes)
	return out
}

// stringList reads a multi-valued stored field: Bleve gives one value as a
// string and several as a slice.
func stringList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// facet converts a Bleve term facet: by count, most first, then by value;
// years newest first.
func facet(fr *search.FacetResult, byValueDesc bool) []federation.FacetValue {
	out := []federation.FacetValue{}
	if fr == nil || fr.Terms == nil {
		return out
	}
	for _, t := range fr.Terms.Terms() {
		out = append(out, federation.FacetValue{Value: t.Term, Count: t.Count})
	}
	slices.SortFunc(out, func(a, b federation.FacetValue) int {
		if byValueDesc {
			return cmp.Compare(b.Value, a.Value)
		}
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
	})
	return out
}
