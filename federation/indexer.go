package federation

import (
	"context"
	"log/slog"
	"strings"

	"github.com/plaza-portal/plaza/tenants"
)

// Catalog is where the indexer reads the records it indexes: the tenants'
// buckets (tenants.Archive).
type Catalog interface {
	// Document returns a record; NotFound when it does not (or no longer) exist.
	Document(ctx context.Context, tenant, id string) (*tenants.Document, string, error)
	// Text returns a disclosed document's extracted text.
	Text(ctx context.Context, d *tenants.Document) (string, error)
	// EachDocument calls fn for every record of a tenant; a record that
	// cannot be read comes with its error instead (fs.WalkDir style).
	EachDocument(ctx context.Context, tenant string, fn func(id string, d *tenants.Document, err error) error) error
}

// Feed delivers announced changes in batches, at least once.
type Feed interface {
	Consume(ctx context.Context, max int, fn func(context.Context, []tenants.Change) error) error
}

// Indexer applies announced changes to the index. It reads each changed
// record from the catalog rather than trusting the announcement, and the
// index keeps the newest revision, so replays and reorderings are harmless.
// Safe for concurrent use.
type Indexer struct {
	catalog Catalog
	index   Index
	log     *slog.Logger
}

var _ tenants.Announcer = (*Indexer)(nil)

// NewIndexer returns an indexer from catalog into index, logging records it
// cannot read to log (slog.Default when nil).
func NewIndexer(catalog Catalog, index Index, log *slog.Logger) *Indexer {
	if log == nil {
		log = slog.Default()
	}
	return &Indexer{catalog: catalog, index: index, log: log}
}

// Announce applies one change at once: the indexer as its own synchronous
// stream, for single-process tools and tests.
func (ix *Indexer) Announce(ctx context.Context, c tenants.Change) error {
	return ix.Apply(ctx, []tenants.Change{c})
}

// Run consumes the feed until ctx is done or the feed ends.
func (ix *Indexer) Run(ctx context.Context, feed Feed) error {
	return feed.Consume(ctx, 256, ix.Apply)
}

// Apply brings the index up to date with the records the changes name.
func (ix *Indexer) Apply(ctx context.Context, changes []tenants.Change) error {
	var batch []Entry
	seen := map[string]bool{}
	for _, c := range changes {
		key := c.Tenant + "/" + c.ID
		if seen[key] {
			continue
		}
		seen[key] = true
		d, _, err := ix.catalog.Document(ctx, c.Tenant, c.ID)
		if tenants.Is(err, tenants.NotFound) {
			if err := ix.index.Delete(ctx, c.Tenant, c.ID); err != nil {
				return err
			}
			continue
		}
		var e Entry
		if err == nil {
			e, err = EntryOf(ctx, ix.catalog, d)
		}
		if err != nil {
			if tenants.Is(err, tenants.Unavailable) || ctx.Err() != nil {
				return err // the store is failing: the batch is offered again
			}
			// One damaged record must not hold up every change behind it;
			// it is logged, and reconciliation names it again.
			ix.log.Warn("읽을 수 없는 문서 기록을 색인하지 않습니다 / not indexing an unreadable record", "tenant", c.Tenant, "id", c.ID, "err", err)
			continue
		}
		batch = append(batch, e)
	}
	if len(batch) == 0 {
		return nil
	}
	return ix.index.PutBatch(ctx, batch)
}

// EntryOf builds the index entry of a record; a withheld document is indexed
// by its metadata only.
func EntryOf(ctx context.Context, cat Catalog, d *tenants.Document) (Entry, error) {
	e := Entry{
		Tenant: d.Tenant, ID: d.ID, Revision: d.Revision, Title: d.Title, Type: string(d.Type),
		Department: d.Department, Number: d.Number, Subject: d.Subject, Summary: d.Summary,
		Produced: d.Produced, Formats: d.Formats(), Disclosure: string(d.Disclosure),
	}
	if d.Public() {
		text, err := cat.Text(ctx, d)
		if err != nil {
			return Entry{}, err
		}
		e.Text = strings.TrimSpace(text)
	}
	return e, nil
}
