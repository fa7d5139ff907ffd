package esindex

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
)

// Bounds on one _bulk request of PutBatch: entries, and bytes (a long text
// is sent twice, as the stored start and as tokens; an entry larger than
// the bound goes alone).
const (
	batchSize  = 500
	batchBytes = 8 << 20
)

func checkEntry(op string, e federation.Entry) error {
	if !tenants.ValidSlug(e.Tenant) || e.ID == "" || len(docID(e.Tenant, e.ID)) > maxIDBytes {
		return tenants.Errorf(op, tenants.Invalid, "색인할 문서의 기관(%q) 또는 식별자(%q)가 올바르지 않습니다 / entry has an invalid tenant (%q) or id (%q)", e.Tenant, e.ID, e.Tenant, e.ID)
	}
	if e.Revision < 0 {
		return tenants.Errorf(op, tenants.Invalid, "색인할 문서 %s/%s 의 판 번호 %d 가 올바르지 않습니다 / entry %s/%s has a negative revision %d", e.Tenant, e.ID, e.Revision, e.Tenant, e.ID, e.Revision)
	}
	return nil
}

// Put adds or replaces an entry unless the index holds the same or a newer
// revision. Invalid for an entry without a valid tenant or id; Unavailable
// when the engine cannot be reached.
//
// The revision is the document's external version (version_type external),
// so Elasticsearch itself refuses to replace a newer revision, atomically;
// the refusal (409) means there is nothing to do. Put also reads the held
// revision first and writes nothing when it is not older, which spares the
// writes of replayed announcements and is the only check on engines that
// ignore external versions (zincsearch): there two concurrent Puts of one
// document can both pass the check, and the later write wins even if older.
func (x *Index) Put(ctx context.Context, e federation.Entry) error {
	return x.put(ctx, "search.put", []federation.Entry{e})
}

// PutBatch is Put for many entries, in _bulk requests. Of several entries
// for one document the newest revision counts.
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
	newest := make(map[string]federation.Entry, len(es))
	ids := make([]string, 0, len(es))
	for _, e := range es {
		if err := checkEntry(op, e); err != nil {
			return err
		}
		id := docID(e.Tenant, e.ID)
		old, seen := newest[id]
		if !seen {
			ids = append(ids, id)
		}
		if !seen || e.Revision > old.Revision {
			newest[id] = e
		}
	}
	held, err := x.revisions(ctx, op, ids)
	if err != nil {
		return err
	}
	var bulk bytes.Buffer
	enc := json.NewEncoder(&bulk)
	enc.SetEscapeHTML(false)
	for _, id := range ids {
		e := newest[id]
		if r, ok := held[id]; ok && r >= e.Revision {
			continue
		}
		action := map[string]any{"index": map[string]any{"_index": x.name, "_id": id, "version": e.Revision, "version_type": "external"}}
		if err := enc.Encode(action); err != nil {
			return tenants.E(op, err)
		}
		if err := enc.Encode(document(e)); err != nil {
			return tenants.E(op, err)
		}
		if bulk.Len() >= batchBytes {
			if err := x.bulk(ctx, op, bulk.Bytes()); err != nil {
				return err
			}
			bulk.Reset()
		}
	}
	if bulk.Len() == 0 {
		return nil
	}
	return x.bulk(ctx, op, bulk.Bytes())
}

// Delete removes an entry; an absent one is not an error.
//
// The delete carries the held revision as its external version
// (external_gte), so the tombstone Elasticsearch keeps for a while
// (index.gc_deletes) has the entry's revision: a newer revision put soon
// after is accepted, and one written meanwhile is not deleted. When the
// entry is not visible yet, it is deleted without a version.
func (x *Index) Delete(ctx context.Context, tenant, id string) error {
	const op = "search.delete"
	did := docID(tenant, id)
	held, err := x.revisions(ctx, op, []string{did})
	if err != nil {
		return err
	}
	meta := map[string]any{"_index": x.name, "_id": did}
	if rev, ok := held[did]; ok {
		meta["version"], meta["version_type"] = rev, "external_gte"
	}
	line, err := json.Marshal(map[string]any{"delete": meta})
	if err != nil {
		return tenants.E(op, err)
	}
	return x.bulk(ctx, op, append(line, '\n'))
}

// bulkResponse is the part of a _bulk response this package reads.
type bulkResponse struct {
	Errors bool `json:"errors"`
	Items  []map[string]struct {
		ID     string       `json:"_id"`
		Status int          `json:"status"`
		Error  *engineError `json:"error"`
	} `json:"items"`
}

// bulk sends one _bulk request of index and delete actions. The actions
// name the index although the path does too: some stand-ins ignore the
// path's index for deletes. An index action
// refused for its version (409) kept a revision as new or newer, and a
// delete of an absent entry (404) had nothing to do: neither is an error.
func (x *Index) bulk(ctx context.Context, op string, body []byte) error {
	status, resp, err := x.do(ctx, op, esapi.BulkRequest{Index: x.name, Body: bytes.NewReader(body)})
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return x.fail(op, status, resp)
	}
	var res bulkResponse
	if err := json.Unmarshal(resp, &res); err != nil {
		return tenants.E(op, fmt.Errorf("bulk response: %w", err))
	}
	var failed []string
	busy := false
	for _, item := range res.Items {
		for action, r := range item {
			switch {
			case r.Status < 300:
			case r.Status == http.StatusConflict && (action == "index" || action == "delete"):
			case r.Status == http.StatusNotFound && action == "delete":
			default:
				busy = busy || r.Status == http.StatusTooManyRequests
				why := "?"
				if r.Error != nil {
					why = strings.TrimPrefix(r.Error.Type+": "+r.Error.Reason, ": ")
				}
				if len(failed) < 5 {
					failed = append(failed, fmt.Sprintf("%s %s: HTTP %d: %s", action, r.ID, r.Status, why))
				}
			}
		}
	}
	if len(failed) == 0 {
		return nil
	}
	cause := fmt.Errorf("%s: bulk: %s", x.name, strings.Join(failed, "; "))
	if busy {
		return x.fail(op, http.StatusTooManyRequests, []byte(cause.Error()))
	}
	return tenants.E(op, x.scrub(cause))
}
