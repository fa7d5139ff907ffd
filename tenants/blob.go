package tenants

import (
	"context"
	"io"
	"mime"
	"path"
	"strings"
	"time"
)

// ObjectInfo describes one object in a bucket.
type ObjectInfo struct {
	Key         string
	Size        int64
	ETag        string // opaque, quoted as S3 does not; compare as strings
	ContentType string
	Modified    time.Time
}

// PutOptions makes a write conditional. IfMatch writes only if the object's
// current ETag equals it; IfNoneMatch "*" writes only if no object exists.
type PutOptions struct {
	ContentType string
	IfMatch     string
	IfNoneMatch string
}

// Object is an open object: readable, seekable (for HTTP Range) and closable.
type Object interface {
	io.ReadSeekCloser
	Info() ObjectInfo
}

// BlobStore keeps each tenant's objects in the tenant's own bucket. Every call
// names the bucket, so no call can forget its tenant. Implementations are safe
// for concurrent use.
type BlobStore interface {
	// EnsureBucket creates the bucket if it does not exist.
	EnsureBucket(ctx context.Context, bucket string) error
	// Buckets lists the buckets that exist.
	Buckets(ctx context.Context) ([]string, error)
	// Put writes an object whole (size -1 when unknown). A failed condition
	// returns a Conflict error; a missing bucket NotFound. Readers never see a
	// half-written object.
	Put(ctx context.Context, bucket, key string, r io.Reader, size int64, opt PutOptions) (ObjectInfo, error)
	// Open opens an object for reading; NotFound when absent.
	Open(ctx context.Context, bucket, key string) (Object, error)
	// Stat describes an object; NotFound when absent.
	Stat(ctx context.Context, bucket, key string) (ObjectInfo, error)
	// List calls fn for every object whose key starts with prefix, in key
	// order; an error from fn stops the walk and is returned.
	List(ctx context.Context, bucket, prefix string, fn func(ObjectInfo) error) error
	// Delete removes an object; deleting an absent object is not an error.
	Delete(ctx context.Context, bucket, key string) error
}

// Change announces that a document's record was written or removed. The
// revision decides which announcement wins, so replays are harmless.
type Change struct {
	Tenant   string `json:"tenant"`
	ID       string `json:"id"`
	Revision int64  `json:"revision"`
	Deleted  bool   `json:"deleted,omitempty"`
}

// Announcer publishes changes on the event stream after each successful write.
type Announcer interface {
	Announce(ctx context.Context, c Change) error
}

// extTypes are the types of the extensions Plaza stores that Go's mime
// table may not know.
var extTypes = map[string]string{
	".hwp":  "application/x-hwp",
	".hwpx": "application/hwp+zip",
	".pdf":  "application/pdf",
	".json": "application/json",
	".txt":  "text/plain; charset=utf-8",
}

// TypeOfKey is the content type an object's key implies by its extension:
// what a store answers for an object written without one, the same in
// every store so a bucket can move between them.
func TypeOfKey(key string) string {
	ext := strings.ToLower(path.Ext(key))
	if t, ok := extTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
