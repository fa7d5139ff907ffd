package s3

import (
	"context"
	"strings"

	"github.com/minio/minio-go/v7"
)

// RemoveAll deletes every bucket of the store's prefix with its objects, so
// tests leave the shared server as they found it. Test-only: Plaza never
// deletes a tenant's bucket.
func (s *Store) RemoveAll(ctx context.Context) error {
	if s.prefix == "" {
		panic("RemoveAll without a prefix would empty the whole server")
	}
	bs, err := s.client.ListBuckets(ctx)
	if err != nil {
		return err
	}
	for _, b := range bs {
		if !strings.HasPrefix(b.Name, s.prefix) {
			continue
		}
		objs := s.client.ListObjects(ctx, b.Name, minio.ListObjectsOptions{Recursive: true})
		for e := range s.client.RemoveObjects(ctx, b.Name, objs, minio.RemoveObjectsOptions{}) {
			if e.Err != nil {
				return e.Err
			}
		}
		if err := s.client.RemoveBucket(ctx, b.Name); err != nil {
			return err
		}
	}
	return nil
}

// HeaderType is the Content-Type header the server holds for an object, as
// another S3 client would see it.
func (s *Store) HeaderType(ctx context.Context, bucket, key string) (string, error) {
	oi, err := s.client.StatObject(ctx, s.prefix+bucket, key, minio.StatObjectOptions{})
	return oi.ContentType, err
}
