package esindex

import (
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/plaza-portal/plaza/federation"
)

// mappingVersion names the analyzer of the token fields, and is recorded in
// the mapping's _meta. An index made with another mapping is refused on
// open, so that it gets rebuilt (it is derived data). The analyzer name is
// checked as well as _meta because not every engine keeps _meta.
const mappingVersion = "plaza_terms_1"

// Field names. The t_* fields hold the tokens of federation.Terms, joined by
// spaces and indexed with a whitespace analyzer, so the engine's positions
// are those of the shared Go analysis; they are left out of the stored
// _source. The other text fields hold the values as given, for showing hits.
const (
	fKey        = "key"           // keyword "tenant/id": tie-break of every sort
	fKeyHash    = "key_hash"      // long: a 53-bit hash of key, the order Each walks in
	fTenant     = "tenant"        // keyword
	fID         = "id"            // keyword
	fRev        = "rev"           // long
	fTitle      = "title"         // stored only
	fSummary    = "summary"       // stored only
	fDepartment = "department"    // stored only
	fNumber     = "number"        // stored only
	fBody       = "body"          // stored only: the start of the text, for snippets
	fNumberKW   = "number_kw"     // keyword: the whole number, for an exact match
	fType       = "type"          // keyword
	fFormats    = "formats"       // keyword, multi-valued: the filter
	fFormatSet  = "format_set"    // keyword "hwp,pdf": the facet (see formatFacet)
	fDisclosure = "disclosure"    // keyword
	fYear       = "year"          // keyword "2024": facet and filter
	fProduced   = "produced"      // stored only: the date as recorded ("2024-06")
	fSort       = "produced_sort" // keyword "2024-06-00": sortable, unknown parts low

	tTitle      = "t_title"
	tSummary    = "t_summary"
	tText       = "t_text"
	tNumber     = "t_number"
	tSubject    = "t_subject"
	tDepartment = "t_department"
)

// maxBodyBytes bounds the stored copy of the text, as in bleveindex:
// snippets come from it, and every hit of a page loads and scans it.
const maxBodyBytes = 32 << 10

// maxResultWindow lets every page that federation.Query allows be fetched
// with from/size (Elasticsearch refuses from+size beyond 10,000 by default).
const maxResultWindow = federation.MaxPage * federation.MaxPageSize

// newIndexBody is the body of the create-index request: settings with the
// whitespace analyzer and the explicit mapping; shards 0 leaves the number
// of shards to the engine.
func newIndexBody(shards int) map[string]any {
	keyword := map[string]any{"type": "keyword"}
	stored := map[string]any{"type": "text", "index": false}
	tokens := map[string]any{"type": "text", "analyzer": mappingVersion, "index_options": "positions"}
	props := map[string]any{
		fKey: keyword, fKeyHash: map[string]any{"type": "long"}, fTenant: keyword, fID: keyword,
		fRev:   map[string]any{"type": "long"},
		fTitle: stored, fSummary: stored, fDepartment: stored, fNumber: stored, fBody: stored, fProduced: stored,
		fNumberKW: keyword, fType: keyword, fFormats: keyword, fFormatSet: keyword, fDisclosure: keyword,
		fYear: keyword, fSort: keyword,
	}
	for _, f := range tokenFields {
		props[f] = tokens
	}
	// Flat setting names: Elasticsearch prefixes them with "index.", and
	// zincsearch reads only these.
	settings := map[string]any{
		"max_result_window": maxResultWindow,
		"analysis": map[string]any{"analyzer": map[string]any{
			// The tokens are made by federation.Terms: already folded and
			// lower-cased, and no filter may drop one, or phrases over
			// bigrams would lose their consecutive positions.
			mappingVersion: map[string]any{"type": "custom", "tokenizer": "whitespace"},
		}},
	}
	if shards > 0 {
		settings["number_of_shards"] = shards
	}
	return map[string]any{
		"settings": settings,
		"mappings": map[string]any{
			"dynamic": "strict",
			"_meta":   map[string]any{"plaza_mapping": mappingVersion},
			// The token strings are about twice the text; only the index
			// needs them.
			"_source":    map[string]any{"excludes": []string{"t_*"}},
			"properties": props,
		},
	}
}

var tokenFields = []string{tTitle, tSummary, tText, tNumber, tSubject, tDepartment}

// docID is an entry's _id: tenant and id joined by a colon (slugs have none).
// A slash would do on Elasticsearch, but some stand-ins route an escaped
// slash in the path as a separator; an id's own slashes and percent signs
// are escaped for the same reason.
func docID(tenant, id string) string {
	if strings.ContainsAny(id, "/%") {
		id = strings.NewReplacer("%", "%25", "/", "%2F").Replace(id)
	}
	return tenant + ":" + id
}

// maxIDBytes is Elasticsearch's limit on an _id.
const maxIDBytes = 512

// keyHash is the order Each walks in: 53 bits, so that every engine keeps it
// exactly (some hold numbers as float64).
func keyHash(key string) int64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return int64(h.Sum64() >> 11)
}

// document is the _source sent for an entry.
func document(e federation.Entry) map[string]any {
	key := e.Key()
	d := map[string]any{
		fKey: key, fKeyHash: keyHash(key), fTenant: e.Tenant, fID: e.ID, fRev: e.Revision,
		fTitle: e.Title, fSummary: e.Summary, fDepartment: e.Department, fNumber: e.Number,
		fBody: federation.CutBytes(e.Text, maxBodyBytes), fType: e.Type, fDisclosure: e.Disclosure,
		fProduced: e.Produced.String(),
		tTitle:    tokens(e.Title), tSummary: tokens(e.Summary), tText: tokens(e.Text),
		tNumber: tokens(e.Number), tSubject: tokens(e.Subject), tDepartment: tokens(e.Department),
	}
	if n := strings.TrimSpace(e.Number); n != "" {
		d[fNumberKW] = n
	}
	if fs := distinct(e.Formats); len(fs) > 0 {
		d[fFormats] = fs
		d[fFormatSet] = formatSet(fs)
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

// tokens is text analysed by federation.Terms, one token after another,
// separated by spaces; a whitespace analyzer gives them back at the same
// consecutive positions. Tokens never contain whitespace: they are runs of
// letters, digits and marks, or CJK characters.
func tokens(text string) string {
	ts := federation.Terms(text)
	if len(ts) == 0 {
		return ""
	}
	n := len(ts)
	for _, t := range ts {
		n += len(t.Term)
	}
	var b strings.Builder
	b.Grow(n)
	for i, t := range ts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Term)
	}
	return b.String()
}

// formatSet is a document's formats as one keyword, sorted: terms
// aggregations over a single-valued field are exact on every engine, and
// the counts per format are summed from them (see formatFacet).
func formatSet(fs []string) string {
	s := slices.Clone(fs)
	slices.Sort(s)
	return strings.Join(s, ",")
}

// distinct drops empty and repeated values; formats may not contain a comma,
// which separates them in format_set.
func distinct(ss []string) []string {
	var out []string
	for _, s := range ss {
		s = strings.ReplaceAll(s, ",", "")
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
