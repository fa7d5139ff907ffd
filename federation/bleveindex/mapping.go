package bleveindex

import (
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/plaza-portal/plaza/federation"
)

// mappingVersion is recorded in the index; an index built with another
// mapping is refused on open, so that it gets rebuilt (it is derived data).
const mappingVersion = "plaza-1"

// Field names. Text fields are analysed with the Korean analyzer; keyword
// fields hold exact values for filters, facets and sorting.
const (
	fTenant     = "tenant"        // keyword, stored
	fID         = "id"            // stored only
	fRev        = "rev"           // keyword (decimal) with doc values: read without loading stored text
	fTitle      = "title"         // text, stored
	fText       = "text"          // text, not stored: the whole extracted text
	fBody       = "body"          // stored only: the start of the text, for snippets
	fSummary    = "summary"       // text, stored
	fSubject    = "subject"       // text
	fDepartment = "department"    // text, stored
	fNumber     = "number"        // text, stored
	fNumberKW   = "number_kw"     // keyword: the whole number, for an exact match
	fType       = "type"          // keyword, stored
	fFormats    = "formats"       // keyword, multi-valued, stored
	fDisclosure = "disclosure"    // keyword, stored
	fYear       = "year"          // keyword "2024", for the facet and filter
	fProduced   = "produced"      // stored only: the date as recorded ("2024-06")
	fSort       = "produced_sort" // keyword "2024-06-00": sortable, unknown parts low
)

// maxBodyBytes bounds the stored copy of the text: snippets come from it,
// and every hit of a page loads and scans it (a page of 100 hits that match
// only in their titles must not tokenize 100 long bodies). Matches further
// in still find the document; its snippet then shows the start.
const maxBodyBytes = 32 << 10

func newMapping() *mapping.IndexMappingImpl {
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzerName
		f.Store = store
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	keyword := func(store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}

	dm := bleve.NewDocumentStaticMapping()
	for name, f := range map[string]*mapping.FieldMapping{
		fTenant: keyword(true), fID: stored(), fRev: keyword(false),
		fTitle: text(true), fText: text(false), fBody: stored(), fSummary: text(true),
		fSubject: text(false), fDepartment: text(true), fNumber: text(true), fNumberKW: keyword(false),
		fType: keyword(true), fFormats: keyword(true), fDisclosure: keyword(true),
		fYear: keyword(false), fProduced: stored(), fSort: keyword(false),
	} {
		dm.AddFieldMappingsAt(name, f)
	}
	m := bleve.NewIndexMapping()
	m.DefaultMapping = dm
	m.DefaultAnalyzer = analyzerName
	m.IndexDynamic, m.StoreDynamic, m.DocValuesDynamic = false, false, false
	return m
}

// document is what Bleve indexes for an entry.
func document(e federation.Entry) map[string]any {
	d := map[string]any{
		fTenant: e.Tenant, fID: e.ID, fRev: strconv.FormatInt(e.Revision, 10),
		fTitle: e.Title, fText: e.Text, fBody: federation.CutBytes(e.Text, maxBodyBytes), fSummary: e.Summary,
		fSubject: e.Subject, fDepartment: e.Department, fNumber: e.Number,
		fType: e.Type, fDisclosure: e.Disclosure, fProduced: e.Produced.String(),
	}
	if n := strings.TrimSpace(e.Number); n != "" {
		d[fNumberKW] = n
	}
	if fs := distinct(e.Formats); len(fs) > 0 {
		d[fFormats] = fs // a document counts once per format in the facet
	}
	if p := e.Produced; !p.IsZero() {
		d[fYear] = strconv.Itoa(p.Year)
		d[fSort] = p.SortKey()
	}
	for k, v := range d {
		if s, ok := v.(string); ok && s == "" {
			delete(d, k) // an empty keyword would be a facet value
		}
	}
	return d
}

func distinct(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
