// Package tenants is the domain root of Plaza: the public bodies (tenants),
// the documents they disclose, the one error type, and the services that act
// inside one tenant (the archive of records in the tenant's bucket and the
// publishing pipeline). It depends on small interfaces for storage and events,
// never on an engine.
package tenants

import (
	"regexp"
	"strings"
)

// TenantKind says what sort of public body a tenant is.
type TenantKind string

const (
	KindCity              TenantKind = "city"
	KindDistrict          TenantKind = "district"
	KindCouncil           TenantKind = "council"
	KindAgency            TenantKind = "agency"
	KindMinistry          TenantKind = "ministry"
	KindPublicCorporation TenantKind = "public-corporation"
)

// tenantKinds is also the order in which tenants are listed.
var tenantKinds = []TenantKind{KindCity, KindDistrict, KindCouncil, KindMinistry, KindAgency, KindPublicCorporation}

// Valid reports whether k is one of the known kinds.
func (k TenantKind) Valid() bool {
	for _, v := range tenantKinds {
		if k == v {
			return true
		}
	}
	return false
}

// TenantStatus says whether a tenant publishes and is shown.
type TenantStatus string

const (
	StatusActive    TenantStatus = "active"
	StatusSuspended TenantStatus = "suspended"
)

// Tenant is one public body. Its slug names its bucket and appears in URLs.
type Tenant struct {
	Slug   string       `json:"slug"`
	NameKo string       `json:"name_ko"`
	NameEn string       `json:"name_en"`
	Kind   TenantKind   `json:"kind"`
	Code   string       `json:"code,omitempty"` // 행정표준기관코드, when known
	Status TenantStatus `json:"status"`
	// Parent is the slug of the body this one belongs to (a district of the
	// city, an agency of a ministry), when known.
	Parent      string   `json:"parent,omitempty"`
	Departments []string `json:"departments,omitempty"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$`)

// ValidSlug reports whether s can name a tenant: lower-case ASCII letters,
// digits and inner hyphens, at most 48 characters, so that "plaza-" + slug
// is a valid S3 bucket name.
func ValidSlug(s string) bool { return slugRE.MatchString(s) && !strings.Contains(s, "--") }

// Validate checks a tenant record before it is registered.
func (t Tenant) Validate() error {
	const op = "tenant.validate"
	switch {
	case !ValidSlug(t.Slug):
		return Errorf(op, Invalid, "기관 식별자 %q 가 올바르지 않습니다: 영문 소문자, 숫자, 하이픈만 쓸 수 있습니다 / invalid tenant slug %q: use a-z, 0-9 and hyphens", t.Slug, t.Slug)
	case strings.TrimSpace(t.NameKo) == "":
		return Errorf(op, Invalid, "기관 %s 의 한글 이름이 없습니다 / tenant %s has no Korean name", t.Slug, t.Slug)
	case !t.Kind.Valid():
		return Errorf(op, Invalid, "기관 %s 의 종류 %q 를 알 수 없습니다 / tenant %s has unknown kind %q", t.Slug, t.Kind, t.Slug, t.Kind)
	}
	return nil
}

// Name returns the tenant's name in the given language ("en" or Korean).
func (t Tenant) Name(lang string) string {
	if lang == "en" && t.NameEn != "" {
		return t.NameEn
	}
	return t.NameKo
}

// Bucket is the name of the tenant's own bucket.
func (t Tenant) Bucket() string { return BucketName(t.Slug) }

// BucketName is the bucket of the tenant with the given slug.
func BucketName(slug string) string { return "plaza-" + slug }

// SlugOfBucket is the inverse of BucketName; ok is false for foreign buckets.
func SlugOfBucket(bucket string) (slug string, ok bool) {
	slug, ok = strings.CutPrefix(bucket, "plaza-")
	return slug, ok && ValidSlug(slug)
}
