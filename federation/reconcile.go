package federation

import (
	"context"
	"strings"

	"github.com/plaza-portal/plaza/tenants"
)

// ReconcileStats counts what a reconciliation did.
type ReconcileStats struct {
	Records int // records found in the buckets
	Indexed int // entries added or refreshed
	Removed int // entries whose record is gone
	// Unreadable lists the records that could not be read ("tenant/id:
	// error"): they are skipped, and an entry they had is removed, since
	// its page cannot be shown.
	Unreadable []string
}

// Reconcile makes the index agree with the buckets of the given tenants:
// records the index lacks or holds at an older revision are indexed, entries
// of those tenants without a record are removed. It is what makes a crash
// between a write and its announcement harmless, and with an empty index it
// is a full rebuild.
func Reconcile(ctx context.Context, cat Catalog, idx Index, tenantSlugs []string) (ReconcileStats, error) {
	var st ReconcileStats
	indexed := map[string]int64{}
	if err := idx.Each(ctx, func(tenant, id string, rev int64) error {
		indexed[tenant+"/"+id] = rev
		return nil
	}); err != nil {
		return st, err
	}
	var batch []Entry
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := idx.PutBatch(ctx, batch)
		st.Indexed += len(batch)
		batch = batch[:0]
		return err
	}
	present := map[string]bool{}
	for _, slug := range tenantSlugs {
		present[slug] = true
		err := cat.EachDocument(ctx, slug, func(id string, d *tenants.Document, err error) error {
			key := slug + "/" + id
			if err != nil {
				if tenants.Is(err, tenants.Unavailable) || ctx.Err() != nil {
					return err // the store is failing, not one record
				}
				st.Unreadable = append(st.Unreadable, key+": "+err.Error())
				return nil // an entry it has is left in indexed, so removed below
			}
			st.Records++
			rev, ok := indexed[key]
			delete(indexed, key)
			if ok && rev >= d.Revision {
				return nil
			}
			e, err := EntryOf(ctx, cat, d)
			if err != nil {
				return err
			}
			batch = append(batch, e)
			if len(batch) >= 200 {
				return flush()
			}
			return nil
		})
		if err != nil {
			return st, err
		}
	}
	if err := flush(); err != nil {
		return st, err
	}
	// What is left was indexed but has no record in a listed tenant.
	for key := range indexed {
		tenant, id, _ := strings.Cut(key, "/")
		if !present[tenant] {
			continue
		}
		if err := idx.Delete(ctx, tenant, id); err != nil {
			return st, err
		}
		st.Removed++
	}
	return st, nil
}
