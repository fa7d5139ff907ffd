package tenants

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
)

// tenantKey is the object in a tenant's own bucket that holds its record, so
// a bucket carries its owner with it when it is moved or handed over.
const tenantKey = "tenant.json"

// Registry knows every tenant. It starts from a default set (Seoul) and the
// records found in the buckets; Register writes a record to the tenant's
// bucket first, so the buckets stay the system of record. Safe for concurrent
// use.
type Registry struct {
	blobs BlobStore

	mu      sync.RWMutex
	bySlug  map[string]Tenant
	damaged []string
}

// NewRegistry returns a registry holding defaults, then every tenant record
// found in blobs (a stored record wins over a default of the same slug).
func NewRegistry(ctx context.Context, blobs BlobStore, defaults []Tenant) (*Registry, error) {
	r := &Registry{blobs: blobs, bySlug: map[string]Tenant{}}
	for _, t := range defaults {
		if err := t.Validate(); err != nil {
			return nil, err
		}
		r.bySlug[t.Slug] = t
	}
	if err := r.Refresh(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// Refresh reads every tenant record in the buckets again, so a long-running
// process learns of tenants other processes registered or changed (on
// shared buckets). Tenants it knows keep their record if theirs cannot be
// read.
func (r *Registry) Refresh(ctx context.Context) error {
	buckets, err := r.blobs.Buckets(ctx)
	if err != nil {
		return E("registry.load", err)
	}
	var damaged []string
	found := map[string]Tenant{}
	for _, b := range buckets {
		slug, ok := SlugOfBucket(b)
		if !ok {
			continue
		}
		t, err := r.read(ctx, b)
		if Is(err, NotFound) {
			continue // a bucket still being created; its record comes later
		}
		if Is(err, Unavailable) {
			return err
		}
		if err == nil && t.Slug != slug {
			err = errors.New("it holds the record of " + t.Slug)
		}
		if err == nil {
			err = t.Validate()
		}
		if err != nil { // one damaged record must not keep the portal down
			damaged = append(damaged, b+"/"+tenantKey+": "+err.Error())
			continue
		}
		found[slug] = t
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for slug, t := range found {
		r.bySlug[slug] = t
	}
	r.damaged = damaged
	return nil
}

// Lookup is Get that, for a tenant it does not know, reads the tenant's
// record from its bucket: one registered by another process since this one
// started. NotFound when there is none.
func (r *Registry) Lookup(ctx context.Context, slug string) (Tenant, error) {
	t, err := r.Get(slug)
	if err == nil || !ValidSlug(slug) {
		return t, err
	}
	stored, rerr := r.read(ctx, BucketName(slug))
	switch {
	case Is(rerr, NotFound):
		return Tenant{}, err
	case rerr != nil:
		return Tenant{}, E("registry.lookup", rerr)
	case stored.Slug != slug || stored.Validate() != nil:
		return Tenant{}, err // damaged: Refresh names it
	}
	r.mu.Lock()
	r.bySlug[slug] = stored
	r.mu.Unlock()
	return stored, nil
}

func (r *Registry) read(ctx context.Context, bucket string) (Tenant, error) {
	obj, err := r.blobs.Open(ctx, bucket, tenantKey)
	if err != nil {
		return Tenant{}, err
	}
	defer obj.Close()
	var t Tenant
	if err := json.NewDecoder(io.LimitReader(obj, 1<<20)).Decode(&t); err != nil {
		return Tenant{}, E("registry.read", Internal, err)
	}
	return t, nil
}

// Damaged lists the tenant records that could not be read at start (the
// tenant keeps its default record, if it has one).
func (r *Registry) Damaged() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Clone(r.damaged)
}

// Register validates t, creates its bucket and writes its record. An existing
// tenant of the same slug is replaced.
func (r *Registry) Register(ctx context.Context, t Tenant) error {
	if t.Status == "" {
		t.Status = StatusActive
	}
	if err := t.Validate(); err != nil {
		return err
	}
	if err := r.blobs.EnsureBucket(ctx, t.Bucket()); err != nil {
		return E("registry.register", err)
	}
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return E("registry.register", err)
	}
	if _, err := r.blobs.Put(ctx, t.Bucket(), tenantKey, bytes.NewReader(b), int64(len(b)), PutOptions{ContentType: "application/json"}); err != nil {
		return E("registry.register", err)
	}
	r.mu.Lock()
	r.bySlug[t.Slug] = t
	r.mu.Unlock()
	return nil
}

// Ensure makes sure a known tenant has its bucket and stored record (a
// default tenant has neither until it first publishes).
func (r *Registry) Ensure(ctx context.Context, slug string) (Tenant, error) {
	t, err := r.Get(slug)
	if err != nil {
		return Tenant{}, err
	}
	if _, err := r.blobs.Stat(ctx, t.Bucket(), tenantKey); err == nil {
		return t, nil
	} else if !Is(err, NotFound) {
		return Tenant{}, E("registry.ensure", err)
	}
	return t, r.Register(ctx, t)
}

// Get returns the tenant with the given slug; NotFound if none.
func (r *Registry) Get(slug string) (Tenant, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.bySlug[slug]
	if !ok {
		return Tenant{}, Errorf("registry.get", NotFound, "기관 %q 이 없습니다 / no tenant %q", slug, slug)
	}
	return t, nil
}

// All returns every tenant: the city first, then districts, council,
// agencies and the rest, each group by Korean name.
func (r *Registry) All() []Tenant {
	r.mu.RLock()
	out := make([]Tenant, 0, len(r.bySlug))
	for _, t := range r.bySlug {
		out = append(out, t)
	}
	r.mu.RUnlock()
	order := func(k TenantKind) int { return slices.Index(tenantKinds, k) }
	slices.SortFunc(out, func(a, b Tenant) int {
		if c := order(a.Kind) - order(b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.NameKo, b.NameKo)
	})
	return out
}

// ReadTenantsCSV parses tenants in the shape of corpus/tenants.csv: a header
// row naming the columns slug, name_ko, name_en, kind and optionally code,
// parent. Every row is validated; the first bad row is an Invalid error that
// names its line.
func ReadTenantsCSV(r io.Reader) ([]Tenant, error) {
	const op = "tenants.csv"
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, Errorf(op, Invalid, "tenants.csv 의 머리글을 읽을 수 없습니다 / cannot read the header of tenants.csv: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range []string{"slug", "name_ko", "kind"} {
		if _, ok := col[need]; !ok {
			return nil, Errorf(op, Invalid, "tenants.csv 에 %s 열이 없습니다 / tenants.csv has no %s column", need, need)
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []Tenant
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, Errorf(op, Invalid, "tenants.csv %d행을 읽을 수 없습니다 / cannot read line %d of tenants.csv: %v", line, line, err)
		}
		t := Tenant{Slug: get(rec, "slug"), NameKo: get(rec, "name_ko"), NameEn: get(rec, "name_en"),
			Kind: TenantKind(get(rec, "kind")), Code: get(rec, "code"), Parent: get(rec, "parent"), Status: StatusActive}
		if err := t.Validate(); err != nil {
			return nil, Errorf(op, Invalid, "tenants.csv %d행: %s", line, PublicMessage(err))
		}
		out = append(out, t)
	}
	return out, nil
}
