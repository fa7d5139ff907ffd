// Package bleveindex is the embedded federated search index: federation.Index
// on Bleve (scorch, on disk), with the Korean analysis of package federation.
// It serves single-node deployments and the tests of everything above it.
package bleveindex

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
)

var _ federation.Index = (*Index)(nil)

// batchSize bounds one Bleve batch of PutBatch.
const batchSize = 500

var mappingKey = []byte("plaza.mapping")

// Index is a federation.Index in a Bleve index. It is safe for concurrent
// use; writes are serialised so that a revision check and its write cannot
// interleave with another write of the same document.
type Index struct {
	idx   bleve.Index
	mu    sync.Mutex // held by writes
	close sync.Once
}

// Open opens the index at path, creating it if there is none. An empty path
// gives an index in memory (slower than on disk; for tools and tests).
func Open(path string) (*Index, error) {
	const op = "search.open"
	if path == "" {
		idx, err := bleve.NewMemOnly(newMapping())
		if err != nil {
			return nil, tenants.E(op, err)
		}
		return &Index{idx: idx}, nil
	}
	idx, err := bleve.Open(path)
	switch {
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		idx, err = bleve.NewUsing(path, newMapping(), scorch.Name, bleve.Config.DefaultKVStore, nil)
		if err != nil {
			return nil, tenants.E(op, err)
		}
		if err := idx.SetInternal(mappingKey, []byte(mappingVersion)); err != nil {
			idx.Close()
			return nil, tenants.E(op, err)
		}
	case err != nil:
		return nil, tenants.E(op, err)
	default:
		v, err := idx.GetInternal(mappingKey)
		if err != nil || string(v) != mappingVersion {
			idx.Close()
			return nil, tenants.E(op, fmt.Errorf("index %s has mapping %q, want %q: remove it and reindex (%v)", path, v, mappingVersion, err))
		}
	}
	return &Index{idx: idx}, nil
}

// Close closes the index; closing it again does nothing.
func (x *Index) Close() error {
	var err error
	x.close.Do(func() { err = x.idx.Close() })
	if err != nil {
		return tenants.E("search.close", err)
	}
	return nil
}

func checkEntry(op string, e federation.Entry) error {
	if !tenants.ValidSlug(e.Tenant) || e.ID == "" {
		return tenants.Errorf(op, tenants.Invalid, "색인할 문서의 기관(%q) 또는 식별자(%q)가 올바르지 않습니다 / entry has an invalid tenant (%q) or id (%q)", e.Tenant, e.ID, e.Tenant, e.ID)
	}
	return nil
}

// Put adds or replaces an entry unless the index holds the same or a newer
// revision. Invalid for an entry without a valid tenant or id.
func (x *Index) Put(ctx context.Context, e federation.Entry) error {
	return x.put(ctx, "search.put", []federation.Entry{e})
}

// PutBatch is Put for many entries, in Bleve batches. Of several entries for
// one document the newest revision counts.
func (x *Index) PutBatch(ctx context.Context, es []federation.Entry) error {
	const op = "search.putBatch"
	for len(es) > 0 {
		n := min(len(es), batchSize)
		if err := x.put(ctx, op, es[:n]); err != nil {
			return err
		}
		es = es[n:]
	}
	return nil
}

func (x *Index) put(ctx context.Context, op string, es []federation.Entry) error {
	if err := ctx.Err(); err != nil {
		return tenants.E(op, err)
	}
	newest := make(map[string]federation.Entry, len(es))
	keys := make([]string, 0, len(es))
	for _, e := range es {
		if err := checkEntry(op, e); err != nil {
			return err
		}
		k := e.Key()
		old, seen := newest[k]
		if !seen {
			keys = append(keys, k)
		}
		if !seen || e.Revision > old.Revision {
			newest[k] = e
		}
	}

	x.mu.Lock()
	defer x.mu.Unlock()
	held, err := x.revisions(keys)
	if err != nil {
		return tenants.E(op, err)
	}
	b := x.idx.NewBatch()
	for _, k := range keys {
		e := newest[k]
		if r, ok := held[k]; ok && r >= e.Revision {
			continue
		}
		if err := b.Index(k, document(e)); err != nil {
			return tenants.E(op, err)
		}
	}
	if b.Size() == 0 {
		return nil
	}
	if err := x.idx.Batch(b); err != nil {
		return tenants.E(op, err)
	}
	return nil
}

// revisions reads the held revision of each key present in the index, from
// doc values (the stored text is never loaded).
func (x *Index) revisions(keys []string) (map[string]int64, error) {
	out := make(map[string]int64, len(keys))
	err := x.read(func(r index.IndexReader) error {
		dv, err := r.DocValueReader([]string{fRev})
		if err != nil {
			return err
		}
		for _, k := range keys {
			id, err := r.InternalID(k)
			if err != nil {
				return err
			}
			if id == nil {
				continue
			}
			rev, err := revisionOf(dv, id)
			if err != nil {
				return err
			}
			out[k] = rev
		}
		return nil
	})
	return out, err
}

func revisionOf(dv index.DocValueReader, id index.IndexInternalID) (int64, error) {
	var rev int64
	var perr error
	err := dv.VisitDocValues(id, func(field string, term []byte) {
		if field == fRev {
			rev, perr = strconv.ParseInt(string(term), 10, 64)
		}
	})
	if err == nil {
		err = perr
	}
	return rev, err
}

// read runs fn on a reader of the current snapshot.
func (x *Index) read(fn func(index.IndexReader) error) error {
	adv, err := x.idx.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	err = fn(r)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	return err
}

// Delete removes an entry; an absent one is not an error.
func (x *Index) Delete(ctx context.Context, tenant, id string) error {
	const op = "search.delete"
	if err := ctx.Err(); err != nil {
		return tenants.E(op, err)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.idx.Delete(tenant + "/" + id); err != nil {
		return tenants.E(op, err)
	}
	return nil
}

// Revision is the revision held for a document, 0 if none.
func (x *Index) Revision(ctx context.Context, tenant, id string) (int64, error) {
	const op = "search.revision"
	if err := ctx.Err(); err != nil {
		return 0, tenants.E(op, err)
	}
	k := tenant + "/" + id
	revs, err := x.revisions([]string{k})
	if err != nil {
		return 0, tenants.E(op, err)
	}
	return revs[k], nil
}

// Each calls fn with every entry's tenant, id and revision, in no set order,
// walking one snapshot by document number and reading doc values only, so it
// is cheap for large indexes. Writes during the walk are not seen by it.
func (x *Index) Each(ctx context.Context, fn func(tenant, id string, revision int64) error) error {
	const op = "search.each"
	err := x.read(func(r index.IndexReader) error {
		ids, err := r.DocIDReaderAll()
		if err != nil {
			return err
		}
		defer ids.Close()
		dv, err := r.DocValueReader([]string{fRev})
		if err != nil {
			return err
		}
		for n := 0; ; n++ {
			if n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			id, err := ids.Next()
			if err != nil {
				return err
			}
			if id == nil {
				return nil
			}
			key, err := r.ExternalID(id)
			if err != nil {
				return err
			}
			rev, err := revisionOf(dv, id)
			if err != nil {
				return err
			}
			tenant, docID, _ := strings.Cut(key, "/") // slugs have no "/"
			if err := fn(tenant, docID, rev); err != nil {
				return errStop{err}
			}
		}
	})
	var stop errStop
	if errors.As(err, &stop) {
		return stop.err // fn's own error, unwrapped
	}
	if err != nil {
		return tenants.E(op, err)
	}
	return nil
}

// errStop carries an error of Each's callback through the reader.
type errStop struct{ err error }

func (e errStop) Error() string { return e.err.Error() }

// Count is the number of entries.
func (x *Index) Count(ctx context.Context) (int, error) {
	const op = "search.count"
	if err := ctx.Err(); err != nil {
		return 0, tenants.E(op, err)
	}
	n, err := x.idx.DocCount()
	if err != nil {
		return 0, tenants.E(op, err)
	}
	return int(n), nil
}
