// Package s3 is the production blob store: each tenant's bucket is a bucket
// of an S3 server (MinIO or AWS S3), reached with minio-go. It keeps the same
// keys as the embedded disk store, so a data folder can be copied into S3
// object for object, and it passes the same contract (storage/storetest).
//
// Conditional writes are conditions of the server (If-Match and
// If-None-Match on PUT), not of this process, so several Plaza processes can
// share one server without losing an update. Several installations (or
// tests) can share a server too: a bucket prefix, given in the URL, is put
// before every bucket name.
package s3

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/plaza-portal/plaza/tenants"
)

var _ tenants.BlobStore = (*Store)(nil)

// Store is a tenants.BlobStore on an S3 server. Safe for concurrent use, also
// by several processes sharing the server.
type Store struct {
	client *minio.Client
	host   string // for messages: never the URL, which holds the secret
	prefix string
	region string
}

// pingTimeout bounds the check Open makes when ctx has no deadline of its
// own, so a server that accepts connections but never answers cannot hang
// a start.
const pingTimeout = 30 * time.Second

// responseHeaderTimeout bounds the wait for a response to begin.
const responseHeaderTimeout = 10 * time.Second

// Open connects to the S3 server rawURL names:
//
//	http[s]://ACCESS_KEY:SECRET@host:port[?region=REGION][&prefix=PREFIX]
//
// The prefix goes before every bucket name (prefix "test1-" stores bucket
// "plaza-seoul" as "test1-plaza-seoul"); Buckets lists only the prefixed
// buckets. Open checks that the server answers and accepts the keys: a bad
// URL or refused keys give Invalid, a server that does not answer gives
// Unavailable, each naming the host (never the secret).
func Open(ctx context.Context, rawURL string) (*Store, error) {
	const op = "s3.open"
	cfg, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	// A server that accepts a request and then hangs must not hold a
	// citizen's request for minutes: headers must come within the limit.
	// (Bodies stream on: a large download may take as long as it takes.)
	tr, err := minio.DefaultTransport(cfg.secure)
	if err != nil {
		return nil, tenants.E(op, tenants.Internal, err)
	}
	tr.ResponseHeaderTimeout = responseHeaderTimeout
	client, err := minio.New(cfg.host, &minio.Options{
		Creds:     credentials.NewStaticV4(cfg.access, cfg.secret, ""),
		Secure:    cfg.secure,
		Region:    cfg.region,
		Transport: tr,
		// Three tries, not ten: a node answers "unavailable" in well under a
		// minute when the server is gone.
		MaxRetries: 3,
	})
	if err != nil {
		return nil, tenants.E(op, tenants.Invalid, fmt.Sprintf("S3 주소가 올바르지 않습니다 (%s) / invalid S3 URL (%s)", cfg.host, cfg.host), err)
	}
	s := &Store{client: client, host: cfg.host, prefix: cfg.prefix, region: cfg.region}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, pingTimeout)
		defer cancel()
	}
	if _, err := client.ListBuckets(ctx); err != nil {
		switch kindOf(err) {
		case tenants.Unavailable:
			return nil, tenants.E(op, tenants.Unavailable, fmt.Sprintf("S3 서버 %s 에 연결할 수 없습니다 / cannot reach the S3 server %s", cfg.host, cfg.host), err)
		default:
			return nil, tenants.E(op, tenants.Invalid, fmt.Sprintf("S3 서버 %s 가 요청을 거부했습니다(접근 키와 비밀 키를 확인하세요) / the S3 server %s refused the request (check the access key and secret)", cfg.host, cfg.host), err)
		}
	}
	return s, nil
}

// Host is the server's host:port, for logs.
func (s *Store) Host() string { return s.host }

// The same bucket names the disk store accepts; the prefix comes on top.
func (s *Store) bucketName(op, bucket string) (string, error) {
	full := s.prefix + bucket
	if !bucketRE.MatchString(bucket) || len(full) > 63 {
		return "", tenants.E(op, tenants.Invalid, fmt.Errorf("invalid bucket name %q", bucket))
	}
	return full, nil
}

// EnsureBucket creates the bucket (with the prefix) if it does not exist.
func (s *Store) EnsureBucket(ctx context.Context, bucket string) error {
	const op = "s3.ensure"
	name, err := s.bucketName(op, bucket)
	if err != nil {
		return err
	}
	err = s.client.MakeBucket(ctx, name, minio.MakeBucketOptions{Region: s.region})
	if err == nil {
		return nil
	}
	switch responseOf(err).Code {
	case "BucketAlreadyOwnedByYou":
		return nil
	case "BucketAlreadyExists":
		// Ours on some servers, another account's on AWS: ask.
		if ok, xerr := s.client.BucketExists(ctx, name); xerr == nil && ok {
			return nil
		}
		return tenants.E(op, tenants.Conflict, fmt.Errorf("bucket %q belongs to someone else: %w", name, err))
	}
	return wrap(op, bucket, err)
}

// Buckets lists the buckets of this store's prefix, without the prefix, in
// name order.
func (s *Store) Buckets(ctx context.Context) ([]string, error) {
	bs, err := s.client.ListBuckets(ctx)
	if err != nil {
		return nil, wrap("s3.buckets", "", err)
	}
	var out []string
	for _, b := range bs {
		name, ok := strings.CutPrefix(b.Name, s.prefix)
		if ok && bucketRE.MatchString(name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Stat describes an object with one HEAD request; NotFound when absent.
func (s *Store) Stat(ctx context.Context, bucket, key string) (tenants.ObjectInfo, error) {
	const op = "s3.stat"
	name, err := s.bucketName(op, bucket)
	if err != nil {
		return tenants.ObjectInfo{}, err
	}
	if err := checkKey(op, key); err != nil {
		return tenants.ObjectInfo{}, err
	}
	oi, err := s.client.StatObject(ctx, name, key, minio.StatObjectOptions{})
	if err != nil {
		return tenants.ObjectInfo{}, wrap(op, bucket+"/"+key, err)
	}
	return infoOf(oi), nil
}

// Open returns the object with the description of the very version it
// reads: later reads (after a Seek, for a Range) ask for that ETag, and
// fail with Conflict if a writer has replaced the object meanwhile. ctx
// governs the reads too, so it must outlive them.
func (s *Store) Open(ctx context.Context, bucket, key string) (tenants.Object, error) {
	const op = "s3.open"
	name, err := s.bucketName(op, bucket)
	if err != nil {
		return nil, err
	}
	if err := checkKey(op, key); err != nil {
		return nil, err
	}
	o, err := s.client.GetObject(ctx, name, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, wrap(op, bucket+"/"+key, err)
	}
	// GetObject sends nothing yet: Stat makes the first request, so a
	// missing object is NotFound here and not at the first Read.
	oi, err := o.Stat()
	if err != nil {
		o.Close()
		return nil, wrap(op, bucket+"/"+key, err)
	}
	return &object{o: o, info: infoOf(oi)}, nil
}

// List walks the listing page by page (minio-go follows the continuation
// tokens). S3 lists keys in byte order, which is the order the contract
// asks for. Listings carry no content type, so ContentType is empty here;
// Stat or Open tells it.
func (s *Store) List(ctx context.Context, bucket, prefix string, fn func(tenants.ObjectInfo) error) error {
	const op = "s3.list"
	name, err := s.bucketName(op, bucket)
	if err != nil {
		return err
	}
	if !utf8.ValidString(prefix) {
		return tenants.E(op, tenants.Invalid, fmt.Errorf("invalid prefix %q", prefix))
	}
	for oi := range s.client.ListObjectsIter(ctx, name, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if oi.Err != nil {
			return wrap(op, bucket+"/"+prefix, oi.Err)
		}
		if checkKey(op, oi.Key) != nil {
			continue // written by another tool (a folder marker, say): not Plaza's
		}
		if err := fn(infoOf(oi)); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes an object; an absent object (or bucket) is not an error.
func (s *Store) Delete(ctx context.Context, bucket, key string) error {
	const op = "s3.delete"
	name, err := s.bucketName(op, bucket)
	if err != nil {
		return err
	}
	if err := checkKey(op, key); err != nil {
		return err
	}
	err = s.client.RemoveObject(ctx, name, key, minio.RemoveObjectOptions{})
	if err != nil && kindOf(err) == tenants.NotFound {
		return nil // absent object, or absent bucket, as on disk
	}
	return wrap(op, bucket+"/"+key, err)
}

// infoOf describes an object as the domain sees it. S3 quotes ETags;
// minio-go has already removed the quotes, and Put adds them back.
func infoOf(oi minio.ObjectInfo) tenants.ObjectInfo {
	ct := oi.ContentType
	if v := oi.UserMetadata[metaType]; v != "" {
		ct = v
	}
	return tenants.ObjectInfo{
		Key:         oi.Key,
		Size:        oi.Size,
		ETag:        strings.Trim(oi.ETag, `"`),
		ContentType: ct,
		Modified:    oi.LastModified,
	}
}

// checkKey refuses the keys the disk store refuses, so that both stores hold
// the same set of keys and a bucket can move between them; S3 itself would
// take "../x" as a plain name.
func checkKey(op, key string) error {
	bad := key == "" || len(key) > 1024 || !utf8.ValidString(key) ||
		strings.HasPrefix(key, "/") || strings.ContainsAny(key, "\\\x00") ||
		strings.HasSuffix(key, ".plaza-type")
	if !bad {
		for _, part := range strings.Split(key, "/") {
			if part == "" || part == "." || part == ".." || strings.HasPrefix(part, ".tmp-") {
				bad = true
				break
			}
		}
	}
	if bad {
		return tenants.E(op, tenants.Invalid, fmt.Errorf("invalid object key %q", key))
	}
	return nil
}

// typeOfKey is the type an object without a stated one gets, the same in
// every store.
func typeOfKey(key string) string { return tenants.TypeOfKey(key) }
