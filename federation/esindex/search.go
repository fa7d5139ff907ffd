package esindex

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
)

// searchFields are the token fields a query unit may match, with their
// weights (federation.Weights).
var searchFields = []struct {
	name  string
	boost float64
}{
	{tTitle, federation.Weights.Title}, {tSummary, federation.Weights.Summary}, {tText, federation.Weights.Text},
	{tNumber, federation.Weights.Number}, {tSubject, federation.Weights.Subject}, {tDepartment, federation.Weights.Department},
}

// altBoost weighs a unit's alternative (its words apart, particles removed).
var altBoost = federation.Weights.Alt

// Facet sizes: large enough to list every value there is. formatSets is the
// number of distinct combinations of formats counted (see formatFacet).
const (
	facetTenants = 1000
	facetTypes   = 200
	facetYears   = 500
	formatSets   = 1000
)

// hitFields are the stored fields a hit is made of.
var hitFields = []string{fTenant, fID, fTitle, fType, fDepartment, fNumber, fProduced, fFormats, fDisclosure, fBody, fSummary}

// Search runs q over all tenants (or the filtered ones). Invalid for a
// malformed query (see federation.Query.Normalize); Unavailable when the
// engine cannot be reached.
func (x *Index) Search(ctx context.Context, q federation.Query) (*federation.Result, error) {
	const op = "search"
	began := time.Now()
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	var res searchResponse
	if err := x.search(ctx, op, searchRequest(q), &res); err != nil {
		return nil, err
	}
	out := &federation.Result{Total: res.Hits.Total.Value, Hits: make([]federation.Hit, 0, len(res.Hits.Hits))}
	for _, h := range res.Hits.Hits {
		var src source
		if err := json.Unmarshal(h.Source, &src); err != nil {
			return nil, tenants.E(op, fmt.Errorf("hit %s: %w", h.ID, err))
		}
		hit := src.hit(q.Text)
		if h.Score != nil {
			hit.Score = *h.Score
		}
		out.Hits = append(out.Hits, hit)
	}
	aggs := res.Aggregations
	out.Facets = federation.Facets{
		Tenant: facet(aggs[fTenant].Buckets, false),
		Type:   facet(aggs[fType].Buckets, false),
		Year:   datedYears(facet(aggs[fYear].Buckets, true)),
		Format: formatFacet(aggs[fFormatSet].Buckets),
	}
	out.Took = time.Since(began)
	return out, nil
}

// searchRequest is the body of the search for a normalised query.
func searchRequest(q federation.Query) map[string]any {
	terms := func(field string, size int) map[string]any {
		return map[string]any{"terms": map[string]any{"field": field, "size": size}}
	}
	return map[string]any{
		"query":            buildQuery(q),
		"from":             (q.Page - 1) * q.Size,
		"size":             q.Size,
		"sort":             sortOrder(q.Sort),
		"track_total_hits": true,
		"track_scores":     true,
		"_source":          hitFields,
		"aggs": map[string]any{
			fTenant: terms(fTenant, facetTenants), fType: terms(fType, facetTypes),
			fYear: terms(fYear, facetYears), fFormatSet: terms(fFormatSet, formatSets),
		},
	}
}

// buildQuery: every unit of the text must match (in any search field), and
// every filter. An empty text matches everything; a text with nothing
// searchable in it (only punctuation) matches nothing. Units are matched
// with match_phrase, term, prefix and wildcard on the token fields, whose
// whitespace analyzer gives back the terms as sent.
func buildQuery(q federation.Query) map[string]any {
	var must, should, filter []any
	if q.Text != "" {
		units := federation.QueryUnits(q.Text)
		if len(units) == 0 {
			return map[string]any{"match_none": map[string]any{}}
		}
		for _, u := range units {
			must = append(must, unitQuery(u))
		}
		// The exact document number ranks first.
		should = append(should, map[string]any{"term": map[string]any{fNumberKW: map[string]any{"value": q.Text, "boost": 5}}})
	}
	for _, f := range []struct{ field, value string }{
		{fTenant, q.Tenant}, {fType, q.Type}, {fFormats, q.Format}, {fYear, year(q.Year)},
	} {
		if f.value != "" {
			filter = append(filter, map[string]any{"term": map[string]any{f.field: f.value}})
		}
	}
	if len(must) == 0 && len(filter) == 0 {
		return map[string]any{"match_all": map[string]any{}}
	}
	b := map[string]any{}
	if len(must) > 0 {
		b["must"] = must
	}
	if len(should) > 0 {
		b["should"] = should
	}
	if len(filter) > 0 {
		b["filter"] = filter
	}
	return map[string]any{"bool": b}
}

func year(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// anyOf is a bool query that matches when one of qs does. Boosts are set
// on the leaf queries only (a bool's score is the sum of its clauses', so
// this is the same): some stand-ins refuse a boost on bool.
func anyOf(qs []any) map[string]any {
	return map[string]any{"bool": map[string]any{"should": qs, "minimum_should_match": 1}}
}

// unitQuery matches one unit in any search field: a phrase over its bigrams
// (consecutive positions, so spacing in either text does not matter), or
// failing that, with lower weight, every word of its particle-stripped
// alternative.
func unitQuery(u federation.Unit) map[string]any {
	q := fieldsQuery(u.Terms, u.Single, 1)
	if len(u.Alt) == 0 {
		return q
	}
	words := make([]any, 0, len(u.Alt))
	for _, a := range u.Alt {
		words = append(words, fieldsQuery(a.Terms, a.Single, altBoost))
	}
	alt := map[string]any{"bool": map[string]any{"must": words}}
	return anyOf([]any{q, alt})
}

func fieldsQuery(terms []string, single bool, weight float64) map[string]any {
	qs := make([]any, 0, len(searchFields))
	for _, f := range searchFields {
		qs = append(qs, termsQuery(terms, single, f.name, f.boost*weight))
	}
	return anyOf(qs)
}

func termsQuery(terms []string, single bool, field string, boost float64) map[string]any {
	switch {
	case single:
		// A lone character is in any bigram that starts or ends with it
		// (and is its own unigram). Neither value holds a wildcard
		// character: terms are letters and digits.
		return anyOf([]any{
			map[string]any{"prefix": map[string]any{field: map[string]any{"value": terms[0], "boost": boost}}},
			map[string]any{"wildcard": map[string]any{field: map[string]any{"value": "?" + terms[0], "boost": boost}}},
		})
	case len(terms) == 1:
		return map[string]any{"term": map[string]any{field: map[string]any{"value": terms[0], "boost": boost}}}
	}
	return map[string]any{"match_phrase": map[string]any{field: map[string]any{
		"query": strings.Join(terms, " "), "analyzer": mappingVersion, "boost": boost,
	}}}
}

// sortOrder: newest by the sortable date (undated last), or by score and
// then newest; the key breaks ties so that pages never overlap.
func sortOrder(s federation.Sort) []any {
	newest := map[string]any{fSort: map[string]any{"order": "desc", "missing": "_last"}}
	key := map[string]any{fKey: map[string]any{"order": "asc"}}
	if s == federation.SortNewest {
		return []any{newest, key}
	}
	// "_score" alone sorts by descending score in Elasticsearch; zincsearch
	// ignores the object form {"_score": {"order": "desc"}}.
	return []any{"_score", newest, key}
}

// source is the _source of a hit.
type source struct {
	Tenant     string   `json:"tenant"`
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Type       string   `json:"type"`
	Department string   `json:"department"`
	Number     string   `json:"number"`
	Produced   string   `json:"produced"`
	Formats    []string `json:"formats"`
	Disclosure string   `json:"disclosure"`
	Body       string   `json:"body"`
	Summary    string   `json:"summary"`
}

func (s *source) hit(text string) federation.Hit {
	out := federation.Hit{
		Tenant: s.Tenant, ID: s.ID, Title: s.Title, Type: s.Type, Department: s.Department,
		Number: s.Number, Disclosure: s.Disclosure, Formats: s.Formats,
	}
	out.Produced, _ = tenants.ParseDate(s.Produced)
	src := federation.CutBytes(s.Body, maxBodyBytes)
	if src == "" {
		src = s.Summary
	}
	out.Snippet = federation.Snippet(src, text, federation.DefaultSnippetRunes)
	return out
}

type bucket = struct {
	Key      bucketKey `json:"key"`
	DocCount int       `json:"doc_count"`
}

// bucketKey is the key of a terms bucket. Elasticsearch gives a keyword's
// values as strings; some stand-ins give those that look like numbers
// ("2024") as numbers.
type bucketKey string

func (k *bucketKey) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*k = bucketKey(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*k = bucketKey(n.String())
	return nil
}

// facet converts terms buckets: by count, most first, then by value; years
// newest first.
func facet(bs []bucket, byValueDesc bool) []federation.FacetValue {
	out := make([]federation.FacetValue, 0, len(bs))
	for _, b := range bs {
		out = append(out, federation.FacetValue{Value: string(b.Key), Count: b.DocCount})
	}
	sortFacet(out, byValueDesc)
	return out
}

// datedYears drops the year of undated documents (stored as 0), as the
// embedded index does: there is no year to filter by.
func datedYears(fv []federation.FacetValue) []federation.FacetValue {
	return slices.DeleteFunc(fv, func(v federation.FacetValue) bool { return v.Value == "0" || v.Value == "" })
}

func sortFacet(fv []federation.FacetValue, byValueDesc bool) {
	slices.SortFunc(fv, func(a, b federation.FacetValue) int {
		if byValueDesc {
			return cmp.Compare(b.Value, a.Value)
		}
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
	})
}

// formatFacet counts documents per format from the counts per combination
// of formats ("hwp,pdf"): a document has each of its formats once, so the
// sum over the combinations holding a format is the number of documents
// with it. A terms aggregation over the multi-valued formats field would
// give the same on Elasticsearch, but not on every stand-in (zincsearch
// miscounts multi-valued fields); this way is exact on both.
func formatFacet(bs []bucket) []federation.FacetValue {
	counts := map[string]int{}
	for _, b := range bs {
		for f := range strings.SplitSeq(string(b.Key), ",") {
			if f != "" {
				counts[f] += b.DocCount
			}
		}
	}
	out := make([]federation.FacetValue, 0, len(counts))
	for f, n := range counts {
		out = append(out, federation.FacetValue{Value: f, Count: n})
	}
	sortFacet(out, false)
	return out
}
