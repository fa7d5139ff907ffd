// Package storetest is the contract every tenants.BlobStore must meet. The
// embedded disk store runs it, and so will the S3 store against a real
// server: the same suite, so the two behave alike.
package storetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/plaza-portal/plaza/tenants"
)

// Run runs the contract against stores made by open, each fresh.
func Run(t *testing.T, open func(t *testing.T) tenants.BlobStore) {
	ctx := context.Background()
	put := func(t *testing.T, s tenants.BlobStore, bucket, key, body string, opt tenants.PutOptions) (tenants.ObjectInfo, error) {
		t.Helper()
		return s.Put(ctx, bucket, key, strings.NewReader(body), int64(len(body)), opt)
	}
	bucket := func(t *testing.T, s tenants.BlobStore, names ...string) {
		t.Helper()
		for _, n := range names {
			if err := s.EnsureBucket(ctx, n); err != nil {
				t.Fatalf("ensure bucket %s: %v", n, err)
			}
		}
	}
	read := func(t *testing.T, s tenants.BlobStore, bucket, key string) string {
		t.Helper()
		o, err := s.Open(ctx, bucket, key)
		if err != nil {
			t.Fatalf("open %s: %v", key, err)
		}
		defer o.Close()
		b, err := io.ReadAll(o)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	t.Run("PutOpenKoreanKey", func(t *testing.T) {
		s := open(t)
		if err := s.EnsureBucket(ctx, "plaza-seoul"); err != nil {
			t.Fatal(err)
		}
		key := "documents/abc/files/0/2022년 국립국어원 업무계획.hwp"
		info, err := put(t, s, "plaza-seoul", key, "본문", tenants.PutOptions{ContentType: "application/x-hwp"})
		if err != nil {
			t.Fatal(err)
		}
		if info.Size != int64(len("본문")) || info.ETag == "" || info.ContentType != "application/x-hwp" {
			t.Fatalf("info = %+v", info)
		}
		if got := read(t, s, "plaza-seoul", key); got != "본문" {
			t.Fatalf("read %q", got)
		}
		st, err := s.Stat(ctx, "plaza-seoul", key)
		if err != nil || st.ETag != info.ETag {
			t.Fatalf("stat = %+v, %v", st, err)
		}
	})
	t.Run("SeekForRange", func(t *testing.T) {
		s := open(t)
		bucket(t, s, "plaza-b")
		put(t, s, "plaza-b", "k", "0123456789", tenants.PutOptions{})
		o, err := s.Open(ctx, "plaza-b", "k")
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		if _, err := o.Seek(7, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(o)
		if string(b) != "789" {
			t.Fatalf("after seek: %q", b)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		bucket(t, s, "plaza-b")
		if _, err := s.Open(ctx, "plaza-b", "nope"); !tenants.Is(err, tenants.NotFound) {
			t.Fatalf("open missing: %v", err)
		}
		if _, err := s.Stat(ctx, "plaza-b", "nope"); !tenants.Is(err, tenants.NotFound) {
			t.Fatalf("stat missing: %v", err)
		}
		if _, err := put(t, s, "plaza-nobucket", "k", "x", tenants.PutOptions{}); !tenants.Is(err, tenants.NotFound) {
			t.Fatalf("put into missing bucket: %v", err)
		}
		if err := s.Delete(ctx, "plaza-b", "nope"); err != nil {
			t.Fatalf("delete missing: %v", err)
		}
	})
	t.Run("ErrInvalidKey", func(t *testing.T) {
		s := open(t)
		bucket(t, s, "plaza-b")
		for _, k := range []string{"../escape", "a/../../b", "/abs", ""} {
			if _, err := put(t, s, "plaza-b", k, "x", tenants.PutOptions{}); err == nil {
				t.Errorf("key %q accepted", k)
			}
		}
	})
	t.Run("ConditionalWrites", func(t *testing.T) {
		s := open(t)
		bucket(t, s, "plaza-b")
		first, err := put(t, s, "plaza-b", "meta.json", "v1", tenants.PutOptions{IfNoneMatch: "*"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := put(t, s, "plaza-b", "meta.json", "v1b", tenants.PutOptions{IfNoneMatch: "*"}); !tenants.Is(err, tenants.Conflict) {
			t.Fatalf("create over existing: %v", err)
		}
		second, err := put(t, s, "plaza-b", "meta.json", "v2", tenants.PutOptions{IfMatch: first.ETag})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := put(t, s, "plaza-b", "meta.json", "v3", tenants.PutOptions{IfMatch: first.ETag}); !tenants.Is(err, tenants.Conflict) {
			t.Fatalf("stale if-match: %v", err)
		}
		if got := read(t, s, "plaza-b", "meta.json"); got != "v2" || second.ETag == first.ETag {
			t.Fatalf("content %q, etags %s %s", got, first.ETag, second.ETag)
		}
	})
	t.Run("ConcurrentUpdatesLoseNothing", func(t *testing.T) {
		// Many writers each read-modify-write a counter with If-Match and
		// retry on conflict: the final count must equal the number of writes.
		s := open(t)
		bucket(t, s, "plaza-b")
		put(t, s, "plaza-b", "counter", "0", tenants.PutOptions{})
		const writers, each = 8, 10
		var wg sync.WaitGroup
		for range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					for {
						o, err := s.Open(ctx, "plaza-b", "counter")
						if err != nil {
							t.Error(err)
							return
						}
						b, _ := io.ReadAll(o)
						o.Close()
						var n int
						fmt.Sscan(string(b), &n)
						next := fmt.Sprint(n + 1)
						_, err = s.Put(ctx, "plaza-b", "counter", strings.NewReader(next), int64(len(next)), tenants.PutOptions{IfMatch: o.Info().ETag})
						if err == nil {
							break
						}
						if !tenants.Is(err, tenants.Conflict) {
							t.Error(err)
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		if got := read(t, s, "plaza-b", "counter"); got != fmt.Sprint(writers*each) {
			t.Fatalf("counter = %s, want %d", got, writers*each)
		}
	})
	t.Run("ListByPrefixInKeyOrder", func(t *testing.T) {
		s := open(t)
		bucket(t, s, "plaza-b")
		keys := []string{"documents/b/meta.json", "documents/a/meta.json", "documents/a/files/0/x.pdf", "documents-other", "requests/2026/1.json"}
		for _, k := range keys {
			put(t, s, "plaza-b", k, k, tenants.PutOptions{})
		}
		var got []string
		if err := s.List(ctx, "plaza-b", "documents/", func(o tenants.ObjectInfo) error { got = append(got, o.Key); return nil }); err != nil {
			t.Fatal(err)
		}
		want := "documents/a/files/0/x.pdf,documents/a/meta.json,documents/b/meta.json"
		if strings.Join(got, ",") != want {
			t.Fatalf("list = %v", got)
		}
		got = nil
		if err := s.List(ctx, "plaza-b", "doc", func(o tenants.ObjectInfo) error { got = append(got, o.Key); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 {
			t.Fatalf("list doc = %v", got)
		}
	})
	t.Run("DeleteAndBuckets", func(t *testing.T) {
		s := open(t)
		bucket(t, s, "plaza-one", "plaza-two")
		put(t, s, "plaza-one", "a/b/c", "x", tenants.PutOptions{})
		if err := s.Delete(ctx, "plaza-one", "a/b/c"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Stat(ctx, "plaza-one", "a/b/c"); !tenants.Is(err, tenants.NotFound) {
			t.Fatalf("after delete: %v", err)
		}
		bs, err := s.Buckets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains([]byte(strings.Join(bs, ",")), []byte("plaza-one,plaza-two")) {
			t.Fatalf("buckets = %v", bs)
		}
	})
	t.Run("IfMatchOnAMissingObject", func(t *testing.T) {
		s := open(t)
		bucket(t, s, "plaza-b")
		if _, err := put(t, s, "plaza-b", "k", "x", tenants.PutOptions{IfMatch: "anything"}); !tenants.Is(err, tenants.Conflict) {
			t.Fatalf("if-match on a missing object: %v", err)
		}
	})
	t.Run("ContentTypeIsReplacedWithTheObject", func(t *testing.T) {
		s := open(t)
		bucket(t, s, "plaza-b")
		if _, err := put(t, s, "plaza-b", "a.hwp", "x", tenants.PutOptions{ContentType: "application/hwp+zip"}); err != nil {
			t.Fatal(err)
		}
		if info, _ := s.Stat(ctx, "plaza-b", "a.hwp"); info.ContentType != "application/hwp+zip" {
			t.Fatalf("content type %q", info.ContentType)
		}
		if _, err := put(t, s, "plaza-b", "a.hwp", "y", tenants.PutOptions{ContentType: "application/x-hwp"}); err != nil {
			t.Fatal(err)
		}
		if info, _ := s.Stat(ctx, "plaza-b", "a.hwp"); info.ContentType != "application/x-hwp" {
			t.Fatalf("content type after rewrite %q", info.ContentType)
		}
	})
	t.Run("SizeMismatchWritesNothing", func(t *testing.T) {
		s := open(t)
		bucket(t, s, "plaza-b")
		if _, err := s.Put(ctx, "plaza-b", "k", strings.NewReader("short"), 100, tenants.PutOptions{}); err == nil {
			t.Fatal("short body accepted")
		}
		if _, err := s.Stat(ctx, "plaza-b", "k"); !tenants.Is(err, tenants.NotFound) {
			t.Fatalf("half-written object visible: %v", err)
		}
	})
}
