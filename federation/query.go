// Package federation is the cross-tenant layer of Plaza: the one search index
// over every tenant's catalog (its interface and query model), the indexer that
// applies announced changes, and the reindexer that rebuilds the index from the
// buckets alone. The index is derived data: it can always be rebuilt.
package federation

import (
	"context"
	"time"

	"github.com/plaza-portal/plaza/tenants"
)

// Sort orders search results.
type Sort string

const (
	SortRelevance Sort = "relevance"
	SortNewest    Sort = "newest"
)

// Limits on a query, enforced by Query.Normalize. They bound the work of a
// search by the query's structure: each term of the query is a searcher per
// field, and a phrase of many bigrams a conjunction of as many, so the cost
// grows with the number of terms (a run of 500 Hangul syllables was one
// phrase of 499 bigrams and took most of a second). MaxQueryCost allows a
// Hangul run of 65 syllables, or 32 words; a longer query is refused with a
// message rather than cut. (A run's alternative, its words apart, adds at
// most as many terms again.)
const (
	MaxQueryRunes = 200
	MaxQueryWords = 32 // separated by spaces
	MaxQueryCost  = 64 // see QueryCost
	MaxPageSize   = 100
	MaxPage       = 1000
	DefaultSize   = 10
)

// Query is one search over all tenants. Empty filters do not filter. An empty
// Text lists everything (newest first unless Sort says otherwise).
type Query struct {
	Text   string
	Tenant string
	Type   string
	Year   int
	Format string
	Sort   Sort
	Page   int // from 1
	Size   int
}

// Entry is what the index keeps of one document: the searchable fields and
// enough to show a hit without reading the bucket.
type Entry struct {
	Tenant     string
	ID         string
	Revision   int64
	Title      string
	Type       string
	Department string
	Number     string
	Subject    string
	Summary    string
	Produced   tenants.Date
	Formats    []string
	Disclosure string
	Text       string // extracted text; empty when not disclosed
}

// Key is the entry's id in the index: tenant and document id together.
func (e Entry) Key() string { return e.Tenant + "/" + e.ID }

// Hit is one result.
type Hit struct {
	Tenant     string
	ID         string
	Title      string
	Type       string
	Department string
	Number     string
	Produced   tenants.Date
	Formats    []string
	Disclosure string
	// Snippet is HTML: the text around the match, escaped, with the matched
	// parts in <mark>. Safe to insert into a page as is.
	Snippet string
	Score   float64
}

// FacetValue is one value of a facet and how many matching documents have it.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Facets counts the matching documents by tenant, type, year and format.
type Facets struct {
	Tenant []FacetValue `json:"tenant"`
	Type   []FacetValue `json:"type"`
	Year   []FacetValue `json:"year"`
	Format []FacetValue `json:"format"`
}

// Result is one page of hits, the total and the facets of all matches.
type Result struct {
	Total  int
	Hits   []Hit
	Facets Facets
	Took   time.Duration
}

// Index is the federated search index. Implementations are safe for
// concurrent use.
type Index interface {
	// Put adds or replaces an entry unless the index already holds the same
	// or a newer revision of it (then it does nothing and returns nil).
	Put(ctx context.Context, e Entry) error
	// Delete removes an entry; absent entries are not an error.
	Delete(ctx context.Context, tenant, id string) error
	// Revision is the revision the index holds for a document, 0 if none.
	Revision(ctx context.Context, tenant, id string) (int64, error)
	// Search runs a validated query. Invalid for a malformed query.
	Search(ctx context.Context, q Query) (*Result, error)
	// PutBatch is Put for many entries at once (for imports and reindexing).
	PutBatch(ctx context.Context, es []Entry) error
	// Each calls fn for every entry's tenant, id and revision (for the
	// reconciler); an error from fn stops the walk.
	Each(ctx context.Context, fn func(tenant, id string, revision int64) error) error
	// Count is the number of entries.
	Count(ctx context.Context) (int, error)
	Close() error
}

// Weights is how much a match counts in each field of a document, the same
// for every index engine: a word in the title counts three times one in the
// text. Alt weighs a unit's alternative (its words apart, particles
// removed) against the unit itself.
var Weights = struct {
	Title, Summary, Text, Number, Subject, Department, Alt float64
}{Title: 3, Summary: 1.5, Text: 1, Number: 1, Subject: 1, Department: 0.5, Alt: 0.5}
