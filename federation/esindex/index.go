// Package esindex is the federated search index on Elasticsearch 8: a
// federation.Index over go-elasticsearch, for deployments with more
// documents than the embedded index serves well.
//
// Korean analysis is the project's own (federation.Terms), run here on the
// client: each searchable field is sent as its tokens joined by spaces and
// indexed with a whitespace analyzer, so the engine sees exactly the terms
// and positions the embedded index sees, and queries are the same phrases of
// bigrams (match_phrase) that bleveindex builds. Snippets are cut by
// federation.Snippet from the stored start of the text.
//
// The package is written to the Elasticsearch reference and uses only what
// zincsearch, the stand-in of the test machines, also does correctly, except
// where a comment says otherwise: external versions on writes and deletes
// (zinc ignores them, so Put's revision rule there rests on the revision it
// reads first, with a race between concurrent writers) and excluding the
// token fields from the stored _source (zinc stores them anyway). Where the
// two differ in syntax, the form both read is used: "_score" as a plain
// sort, flat index settings, boosts on leaf queries, _index in every bulk
// action, the format facet counted from one keyword per document.
package esindex

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
)

var _ federation.Index = (*Index)(nil)

// Options configure Open. The zero value is the usual choice.
type Options struct {
	// Transport carries the HTTP requests; nil means the client's default.
	// Tests against stand-ins wrap it (see the package tests).
	Transport http.RoundTripper
	// Shards is the number of primary shards of a new index; 0 leaves it
	// to the engine (one on Elasticsearch 8). Relevance is computed per
	// shard, so a small index ranks most predictably on one.
	Shards int
}

// Index is a federation.Index in one Elasticsearch index. It is safe for
// concurrent use: it holds no state but the client.
type Index struct {
	es       *elasticsearch.Client
	name     string
	host     string // for messages: never the user or password
	password string // to scrub from causes, should a library ever quote it
	shards   int    // of a new index; 0: the engine's default
	closed   atomic.Bool
}

// indexNameRE is what Open accepts as an index name: Elasticsearch's rules
// (lower case, no path or wildcard characters, no leading '-', '_', '+'),
// tightened.
var indexNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,199}$`)

// Open connects to the engine at rawURL (http or https, with the user and
// password in it for basic auth, and a path prefix if the engine is served
// under one) and uses the index called name, creating it with the mapping
// of this package if it does not exist. Invalid for a malformed URL or name;
// Unavailable when the engine cannot be reached; Internal when the index
// exists with another mapping (remove it and reindex: it is derived data).
func Open(ctx context.Context, rawURL, name string, opt Options) (*Index, error) {
	const op = "search.open"
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// Never quoted back: a malformed URL may hold a password anywhere.
		return nil, tenants.Errorf(op, tenants.Invalid, "검색 엔진 주소가 올바르지 않습니다. 예: https://사용자:암호@호스트:9200 (암호의 특수 문자는 %%XX 로) / invalid search engine URL: e.g. https://USER:PASSWORD@HOST:9200 (percent-encode special characters in the password)")
	}
	if !indexNameRE.MatchString(name) {
		return nil, tenants.Errorf(op, tenants.Invalid, "검색 색인 이름 %q 가 올바르지 않습니다 / invalid index name %q", name, name)
	}
	if opt.Shards < 0 {
		return nil, tenants.Errorf(op, tenants.Invalid, "샤드 수 %d 가 올바르지 않습니다 / invalid number of shards %d", opt.Shards, opt.Shards)
	}
	x := &Index{name: name, host: u.Host, shards: opt.Shards}
	tr := opt.Transport
	if tr == nil {
		// A hung engine must not hold a citizen's request for minutes.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = 10 * time.Second
		tr = t
	}
	cfg := elasticsearch.Config{
		Transport:    tr,
		RetryBackoff: func(attempt int) time.Duration { return 25 * time.Millisecond << min(attempt, 4) },
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
		x.password = cfg.Password
		u.User = nil
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	cfg.Addresses = []string{u.String()}
	if x.es, err = elasticsearch.NewClient(cfg); err != nil {
		return nil, tenants.E(op, x.scrub(err))
	}
	if err := x.ensure(ctx, op); err != nil {
		x.es.Close(context.Background())
		return nil, err
	}
	return x, nil
}

// ensure creates the index unless it exists, and checks its mapping.
func (x *Index) ensure(ctx context.Context, op string) error {
	status, body, err := x.do(ctx, op, esapi.IndicesExistsRequest{Index: []string{x.name}})
	if err != nil {
		return err
	}
	switch status {
	case http.StatusOK:
		return x.checkMapping(ctx, op)
	case http.StatusNotFound:
	default:
		return x.fail(op, status, body)
	}
	req, err := json.Marshal(newIndexBody(x.shards))
	if err != nil {
		return tenants.E(op, err)
	}
	status, body, err = x.do(ctx, op, esapi.IndicesCreateRequest{Index: x.name, Body: bytes.NewReader(req)})
	if err != nil {
		return err
	}
	switch {
	case status == http.StatusOK:
		return nil
	case status == http.StatusBadRequest && (errorType(body) == "resource_already_exists_exception" || bytes.Contains(body, []byte("already exists"))):
		return x.checkMapping(ctx, op) // another process created it meanwhile
	}
	return x.fail(op, status, body)
}

// checkMapping refuses an index whose mapping is not this package's: its
// token fields must use the analyzer named after mappingVersion, every field
// must be there, and _meta, where the engine keeps it, must agree.
func (x *Index) checkMapping(ctx context.Context, op string) error {
	status, body, err := x.do(ctx, op, esapi.IndicesGetMappingRequest{Index: []string{x.name}})
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return x.fail(op, status, body)
	}
	var res map[string]struct {
		Mappings struct {
			Meta       map[string]any `json:"_meta"`
			Properties map[string]struct {
				Type     string `json:"type"`
				Analyzer string `json:"analyzer"`
			} `json:"properties"`
		} `json:"mappings"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return tenants.E(op, fmt.Errorf("mapping of index %s: %w", x.name, err))
	}
	m := res[x.name].Mappings
	var wrong []string
	if v, ok := m.Meta["plaza_mapping"]; m.Meta != nil && (!ok || v != mappingVersion) {
		wrong = append(wrong, fmt.Sprintf("_meta.plaza_mapping %v", v))
	}
	want := newIndexBody(0)["mappings"].(map[string]any)["properties"].(map[string]any)
	for f := range want {
		p, ok := m.Properties[f]
		switch {
		case !ok:
			wrong = append(wrong, "no field "+f)
		case strings.HasPrefix(f, "t_") && p.Analyzer != mappingVersion:
			wrong = append(wrong, fmt.Sprintf("field %s analyzed by %q", f, p.Analyzer))
		}
	}
	if len(wrong) > 0 {
		return tenants.E(op, fmt.Errorf("index %s was not made by this version of Plaza (want mapping %s; %s): remove it and reindex", x.name, mappingVersion, strings.Join(wrong, ", ")))
	}
	return nil
}

// Close releases the client; closing again does nothing. Calls after Close
// fail.
func (x *Index) Close() error {
	if x.closed.Swap(true) {
		return nil
	}
	if err := x.es.Close(context.Background()); err != nil {
		return tenants.E("search.close", x.scrub(err))
	}
	return nil
}

// Revision is the revision held for a document, 0 if none.
func (x *Index) Revision(ctx context.Context, tenant, id string) (int64, error) {
	const op = "search.revision"
	id = docID(tenant, id)
	revs, err := x.revisions(ctx, op, []string{id})
	if err != nil {
		return 0, err
	}
	return revs[id], nil
}

// revisions reads the held revision of each of the _ids present. There is
// no get-by-id here on purpose: an ids query answers for many at once, and
// the stand-ins of the tests have no document GET.
func (x *Index) revisions(ctx context.Context, op string, ids []string) (map[string]int64, error) {
	req := map[string]any{
		"query":   map[string]any{"ids": map[string]any{"values": ids}},
		"size":    len(ids),
		"_source": []string{fRev},
	}
	var res searchResponse
	if err := x.search(ctx, op, req, &res); err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(res.Hits.Hits))
	for _, h := range res.Hits.Hits {
		var src struct {
			Rev json.Number `json:"rev"`
		}
		if err := json.Unmarshal(h.Source, &src); err != nil {
			return nil, tenants.E(op, fmt.Errorf("revision of %s: %w", h.ID, err))
		}
		rev, err := number(src.Rev)
		if err != nil {
			return nil, tenants.E(op, fmt.Errorf("revision of %s: %w", h.ID, err))
		}
		out[h.ID] = rev
	}
	return out, nil
}

// Count is the number of entries. A search of size 0 rather than _count:
// it is the same to Elasticsearch and the stand-ins lack _count.
func (x *Index) Count(ctx context.Context) (int, error) {
	const op = "search.count"
	req := map[string]any{"query": map[string]any{"match_all": map[string]any{}}, "size": 0, "track_total_hits": true}
	var res searchResponse
	if err := x.search(ctx, op, req, &res); err != nil {
		return 0, err
	}
	return res.Hits.Total.Value, nil
}

// eachPage is the number of entries Each reads per request.
const eachPage = 1000

// Each calls fn with every entry's tenant, id and revision, in the order of
// a hash of their keys. It pages by key set (a range from the last hash
// seen), not from/size or search_after: the walk never skips an entry that
// exists throughout it, however deep, and it is the same on every engine
// (search_after is ignored by some stand-ins, and ranges over keywords are
// refused by them). Entries written during the walk may or may not be seen.
func (x *Index) Each(ctx context.Context, fn func(tenant, id string, revision int64) error) error {
	const op = "search.each"
	lastHash, lastKey := int64(-1), ""
	for {
		query := map[string]any{"match_all": map[string]any{}}
		if lastHash >= 0 {
			query = map[string]any{"range": map[string]any{fKeyHash: map[string]any{"gte": lastHash}}}
		}
		req := map[string]any{
			"query":   query,
			"size":    eachPage,
			"sort":    []any{map[string]any{fKeyHash: "asc"}, map[string]any{fKey: "asc"}},
			"_source": []string{fTenant, fID, fRev, fKey, fKeyHash},
		}
		var res searchResponse
		if err := x.search(ctx, op, req, &res); err != nil {
			return err
		}
		progressed := false
		for _, h := range res.Hits.Hits {
			var src struct {
				Tenant string      `json:"tenant"`
				ID     string      `json:"id"`
				Key    string      `json:"key"`
				Rev    json.Number `json:"rev"`
				Hash   json.Number `json:"key_hash"`
			}
			if err := json.Unmarshal(h.Source, &src); err != nil {
				return tenants.E(op, fmt.Errorf("entry %s: %w", h.ID, err))
			}
			rev, err := number(src.Rev)
			if err != nil {
				return tenants.E(op, fmt.Errorf("revision of %s: %w", h.ID, err))
			}
			hash, err := number(src.Hash)
			if err != nil {
				return tenants.E(op, fmt.Errorf("key hash of %s: %w", h.ID, err))
			}
			if hash < lastHash || hash == lastHash && src.Key <= lastKey {
				continue // seen on the previous page
			}
			if err := fn(src.Tenant, src.ID, rev); err != nil {
				return err
			}
			lastHash, lastKey, progressed = hash, src.Key, true
		}
		if len(res.Hits.Hits) < eachPage {
			return nil
		}
		if !progressed {
			return tenants.E(op, fmt.Errorf("more than %d entries share the key hash %d", eachPage, lastHash))
		}
	}
}

// number reads an integer that an engine may have written as a float.
func number(n json.Number) (int64, error) {
	if i, err := n.Int64(); err == nil {
		return i, nil
	}
	f, err := n.Float64()
	if err != nil {
		return 0, err
	}
	return int64(f), nil
}

// searchResponse is the part of a search response this package reads.
type searchResponse struct {
	Hits struct {
		Total struct {
			Value int `json:"value"`
		} `json:"total"`
		Hits []struct {
			ID     string          `json:"_id"`
			Score  *float64        `json:"_score"`
			Source json.RawMessage `json:"_source"`
		} `json:"hits"`
	} `json:"hits"`
	Aggregations map[string]struct {
		Buckets []bucket `json:"buckets"`
	} `json:"aggregations"`
}

// search runs a search request on the index and decodes the response.
func (x *Index) search(ctx context.Context, op string, req map[string]any, out *searchResponse) error {
	body, err := json.Marshal(req)
	if err != nil {
		return tenants.E(op, err)
	}
	status, resp, err := x.do(ctx, op, esapi.SearchRequest{Index: []string{x.name}, Body: bytes.NewReader(body)})
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return x.fail(op, status, resp)
	}
	if err := json.Unmarshal(resp, out); err != nil {
		return tenants.E(op, fmt.Errorf("search response: %w", err))
	}
	return nil
}

// do performs one request and returns the status and body of the response,
// or the error of a request that got none.
func (x *Index) do(ctx context.Context, op string, req esapi.Request) (int, []byte, error) {
	if x.closed.Load() {
		return 0, nil, tenants.E(op, fmt.Errorf("index %s is closed", x.name))
	}
	if err := ctx.Err(); err != nil {
		return 0, nil, tenants.E(op, err)
	}
	res, err := req.Do(ctx, x.es)
	if err != nil {
		return 0, nil, x.unreachable(ctx, op, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, x.unreachable(ctx, op, err)
	}
	return res.StatusCode, body, nil
}
