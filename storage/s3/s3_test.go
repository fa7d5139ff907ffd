package s3_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/plaza-portal/plaza/storage/enginetest"
	"github.com/plaza-portal/plaza/storage/s3"
	"github.com/plaza-portal/plaza/storage/storetest"
	"github.com/plaza-portal/plaza/tenants"
)

// withQuery returns the engine URL with query parameters added.
func withQuery(tb testing.TB, raw string, kv ...string) string {
	tb.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		tb.Fatalf("PLAZA_TEST_S3_URL: %v", err)
	}
	q := u.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// mustOpen opens a store on the test server under a fresh bucket prefix,
// and removes its buckets when the test ends.
func mustOpen(tb testing.TB) *s3.Store {
	tb.Helper()
	return mustOpenPrefix(tb, enginetest.Name("t")+"-")
}

func mustOpenPrefix(tb testing.TB, prefix string) *s3.Store {
	tb.Helper()
	raw := withQuery(tb, enginetest.URL(tb, enginetest.S3), "prefix", prefix)
	s, err := s3.Open(context.Background(), raw)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.RemoveAll(context.Background()); err != nil {
			tb.Errorf("removing the test buckets: %v", err)
		}
	})
	return s
}

func TestContract(t *testing.T) {
	enginetest.URL(t, enginetest.S3) // skip once, not in every case
	storetest.Run(t, func(t *testing.T) tenants.BlobStore { return mustOpen(t) })
}

func TestOpenURLErrors(t *testing.T) {
	const secret = "SuperSecret-9f3k"
	for name, raw := range map[string]string{
		"ErrScheme":           "ftp://key:" + secret + "@127.0.0.1:9000",
		"ErrNoScheme":         "127.0.0.1:9000",
		"ErrNoCredentials":    "http://127.0.0.1:9000",
		"ErrNoSecret":         "http://key@127.0.0.1:9000",
		"ErrEmptySecret":      "http://key:@127.0.0.1:9000",
		"ErrNoHost":           "http://key:" + secret + "@/",
		"ErrPath":             "http://key:" + secret + "@127.0.0.1:9000/plaza-seoul",
		"ErrFragment":         "http://key:" + secret + "@127.0.0.1:9000#x",
		"ErrUnknownParameter": "http://key:" + secret + "@127.0.0.1:9000?bucket=x",
		"ErrTwice":            "http://key:" + secret + "@127.0.0.1:9000?region=a&region=b",
		"ErrUpperCasePrefix":  "http://key:" + secret + "@127.0.0.1:9000?prefix=Test-",
		"ErrLongPrefix":       "http://key:" + secret + "@127.0.0.1:9000?prefix=" + strings.Repeat("a", 41),
		"ErrUnparsable":       "http://key:" + secret + "@127.0.0.1:port",
		"ErrControlCharacter": "http://key:" + secret + "@127.0.0.1:9000/\x7f",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s3.Open(context.Background(), raw)
			if !tenants.Is(err, tenants.Invalid) {
				t.Fatalf("err = %v, want Invalid", err)
			}
			msg := tenants.PublicMessage(err)
			if !strings.Contains(msg, " / ") || !strings.Contains(msg, "S3") {
				t.Errorf("message %q is not \"한국어 / English\"", msg)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%#v", err), secret) {
				t.Errorf("the secret leaks: %v", err)
			}
		})
	}
}

func TestOpenUnreachableServer(t *testing.T) {
	// A port that was just free: nothing listens there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := l.Addr().String()
	l.Close()
	const secret = "SuperSecret-9f3k"
	_, err = s3.Open(context.Background(), "http://key:"+secret+"@"+host)
	if !tenants.Is(err, tenants.Unavailable) {
		t.Fatalf("err = %v, want Unavailable", err)
	}
	if msg := tenants.PublicMessage(err); !strings.Contains(msg, host) || !strings.Contains(msg, " / ") {
		t.Errorf("message %q does not name %s", msg, host)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the secret leaks: %v", err)
	}
}

func TestOpenWrongSecret(t *testing.T) {
	raw := enginetest.URL(t, enginetest.S3)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	const secret = "not-the-secret-7c1"
	u.User = url.UserPassword(u.User.Username(), secret)
	_, err = s3.Open(context.Background(), u.String())
	if !tenants.Is(err, tenants.Invalid) {
		t.Fatalf("err = %v, want Invalid", err)
	}
	if msg := tenants.PublicMessage(err); !strings.Contains(msg, u.Host) {
		t.Errorf("message %q does not name %s", msg, u.Host)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the secret leaks: %v", err)
	}
}

func TestKoreanKeysAndTypes(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	if err := s.EnsureBucket(ctx, "plaza-seoul"); err != nil {
		t.Fatal(err)
	}
	keys := []string{
		"documents/가/files/0/2022년 국립국어원 업무계획.hwp",
		"documents/가/files/1/예산 (확정).pdf",
		"documents/나/text/0.txt",
	}
	types := []string{
		`application/x-hwp; name="2022년 국립국어원 업무계획.hwp"`,
		"application/pdf",
		"", // from the key: text/plain; charset=utf-8
	}
	body := "서울특별시 정보공개 — 본문"
	for i, k := range keys {
		info, err := s.Put(ctx, "plaza-seoul", k, strings.NewReader(body), int64(len(body)), tenants.PutOptions{ContentType: types[i]})
		if err != nil {
			t.Fatalf("put %s: %v", k, err)
		}
		want := types[i]
		if want == "" {
			want = "text/plain; charset=utf-8"
		}
		if info.ContentType != want || info.Key != k || info.Size != int64(len(body)) {
			t.Errorf("put info = %+v", info)
		}
		st, err := s.Stat(ctx, "plaza-seoul", k)
		if err != nil || st.ContentType != want || st.ETag != info.ETag || st.Key != k {
			t.Errorf("stat %s = %+v, %v; want type %q", k, st, err, want)
		}
		o, err := s.Open(ctx, "plaza-seoul", k)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(o)
		o.Close()
		if err != nil || string(b) != body || o.Info().ContentType != want || o.Info().ETag != info.ETag {
			t.Errorf("open %s: %q %+v %v", k, b, o.Info(), err)
		}
	}
	// Other S3 clients see an ASCII Content-Type that means the same.
	h, err := s.HeaderType(ctx, "plaza-seoul", keys[0])
	if err != nil {
		t.Fatal(err)
	}
	if h != "application/x-hwp; name*=utf-8''2022%EB%85%84%20%EA%B5%AD%EB%A6%BD%EA%B5%AD%EC%96%B4%EC%9B%90%20%EC%97%85%EB%AC%B4%EA%B3%84%ED%9A%8D.hwp" {
		t.Errorf("Content-Type header %q", h)
	}
	var got []string
	if err := s.List(ctx, "plaza-seoul", "documents/가/", func(o tenants.ObjectInfo) error { got = append(got, o.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "|") != keys[0]+"|"+keys[1] {
		t.Errorf("list = %q", got)
	}
	// A Korean type replaced by a plain one leaves nothing of the old.
	if _, err := s.Put(ctx, "plaza-seoul", keys[0], strings.NewReader("x"), 1, tenants.PutOptions{ContentType: "application/x-hwp"}); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Stat(ctx, "plaza-seoul", keys[0]); st.ContentType != "application/x-hwp" {
		t.Errorf("type after rewrite %q", st.ContentType)
	}
	if _, err := s.Put(ctx, "plaza-seoul", "k", strings.NewReader("x"), 1, tenants.PutOptions{ContentType: "text/plain\r\nX-Evil: 1"}); !tenants.Is(err, tenants.Invalid) {
		t.Errorf("content type with a line break: %v", err)
	}
}

func TestPrefixIsolation(t *testing.T) {
	ctx := context.Background()
	base := enginetest.Name("t")
	a := mustOpenPrefix(t, base+"-a-")
	b := mustOpenPrefix(t, base+"-b-")
	for _, s := range []*s3.Store{a, b} {
		if err := s.EnsureBucket(ctx, "plaza-seoul"); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.EnsureBucket(ctx, "plaza-only-a"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Put(ctx, "plaza-seoul", "tenant.json", strings.NewReader("a"), 1, tenants.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Stat(ctx, "plaza-seoul", "tenant.json"); !tenants.Is(err, tenants.NotFound) {
		t.Errorf("b sees a's object: %v", err)
	}
	if _, err := b.Put(ctx, "plaza-only-a", "k", strings.NewReader("b"), 1, tenants.PutOptions{}); !tenants.Is(err, tenants.NotFound) {
		t.Errorf("b writes into a's bucket: %v", err)
	}
	ba, err := a.Buckets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bb, err := b.Buckets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ba, ",") != "plaza-only-a,plaza-seoul" || strings.Join(bb, ",") != "plaza-seoul" {
		t.Errorf("buckets: a %v, b %v", ba, bb)
	}
	if err := a.EnsureBucket(ctx, "plaza-seoul"); err != nil {
		t.Errorf("ensuring an existing bucket: %v", err)
	}
}

func TestBucketNameWithPrefixTooLong(t *testing.T) {
	s := mustOpenPrefix(t, enginetest.Name("t")+strings.Repeat("x", 26)+"-") // 40 characters
	if err := s.EnsureBucket(context.Background(), "plaza-"+strings.Repeat("a", 20)); !tenants.Is(err, tenants.Invalid) {
		t.Fatalf("a bucket name over 63 characters: %v", err)
	}
}

// nonSeeker hides a reader's other methods, as a network body would.
type nonSeeker struct{ io.Reader }

func TestPutOfUnknownSize(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	if err := s.EnsureBucket(ctx, "plaza-b"); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("정보공개 "), 17<<20/len("정보공개 ")) // two parts of a multipart upload
	for name, data := range map[string][]byte{"Empty": nil, "Small": []byte("본문"), "Big": big} {
		t.Run(name, func(t *testing.T) {
			info, err := s.Put(ctx, "plaza-b", "stream/"+name, nonSeeker{bytes.NewReader(data)}, -1, tenants.PutOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if info.Size != int64(len(data)) || info.ETag == "" {
				t.Errorf("info = %+v", info)
			}
			o, err := s.Open(ctx, "plaza-b", "stream/"+name)
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			got, err := io.ReadAll(o)
			if err != nil || !bytes.Equal(got, data) || o.Info().ETag != info.ETag {
				t.Errorf("read %d bytes (want %d), etag %s (put %s), %v", len(got), len(data), o.Info().ETag, info.ETag, err)
			}
		})
	}
	t.Run("Conditional", func(t *testing.T) {
		first, err := s.Put(ctx, "plaza-b", "meta.json", nonSeeker{strings.NewReader("v1")}, -1, tenants.PutOptions{IfNoneMatch: "*"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Put(ctx, "plaza-b", "meta.json", nonSeeker{strings.NewReader("v1b")}, -1, tenants.PutOptions{IfNoneMatch: "*"}); !tenants.Is(err, tenants.Conflict) {
			t.Fatalf("create over existing: %v", err)
		}
		if _, err := s.Put(ctx, "plaza-b", "meta.json", nonSeeker{strings.NewReader("v2")}, -1, tenants.PutOptions{IfMatch: first.ETag}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Put(ctx, "plaza-b", "meta.json", nonSeeker{strings.NewReader("v3")}, -1, tenants.PutOptions{IfMatch: first.ETag}); !tenants.Is(err, tenants.Conflict) {
			t.Fatalf("stale if-match: %v", err)
		}
	})
}

func TestPutSizeMismatch(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	if err := s.EnsureBucket(ctx, "plaza-b"); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]func() io.Reader{
		"ShortSeekable":    func() io.Reader { return strings.NewReader("short") },
		"ShortNonSeekable": func() io.Reader { return nonSeeker{strings.NewReader("short")} },
		"LongSeekable":     func() io.Reader { return strings.NewReader(strings.Repeat("x", 200)) },
		"LongNonSeekable":  func() io.Reader { return nonSeeker{strings.NewReader(strings.Repeat("x", 200))} },
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := s.Put(ctx, "plaza-b", name, r(), 100, tenants.PutOptions{}); !tenants.Is(err, tenants.Invalid) {
				t.Fatalf("err = %v, want Invalid", err)
			}
			if _, err := s.Stat(ctx, "plaza-b", name); !tenants.Is(err, tenants.NotFound) {
				t.Fatalf("object written: %v", err)
			}
		})
	}
}

func TestListPagesThroughLargeListings(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	if err := s.EnsureBucket(ctx, "plaza-b"); err != nil {
		t.Fatal(err)
	}
	const n = 1100 // S3 answers at most 1,000 keys a page
	var wg sync.WaitGroup
	errs := make(chan error, n)
	keys := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range keys {
				if _, err := s.Put(ctx, "plaza-b", fmt.Sprintf("checksums/%05d", i), strings.NewReader("x"), 1, tenants.PutOptions{}); err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := range n {
		keys <- i
	}
	close(keys)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var count int
	prev := ""
	err := s.List(ctx, "plaza-b", "checksums/", func(o tenants.ObjectInfo) error {
		if o.Key <= prev {
			return fmt.Errorf("%s after %s", o.Key, prev)
		}
		prev = o.Key
		count++
		return nil
	})
	if err != nil || count != n {
		t.Fatalf("listed %d of %d: %v", count, n, err)
	}
	// An error from fn stops the walk and comes back as it is.
	stop := fmt.Errorf("stop")
	count = 0
	err = s.List(ctx, "plaza-b", "checksums/", func(tenants.ObjectInfo) error { count++; return stop })
	if err != stop || count != 1 {
		t.Fatalf("after stop: %d calls, %v", count, err)
	}
}

func TestReadOfAReplacedObjectIsConflict(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	if err := s.EnsureBucket(ctx, "plaza-b"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "plaza-b", "k", strings.NewReader("old"), 3, tenants.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	o, err := s.Open(ctx, "plaza-b", "k")
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if _, err := s.Put(ctx, "plaza-b", "k", strings.NewReader("new!"), 4, tenants.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	// Open described "old"; its bytes are gone, so reading must fail
	// rather than mix the new bytes with the old description.
	b, err := io.ReadAll(o)
	if !tenants.Is(err, tenants.Conflict) {
		t.Fatalf("read %q, %v; want Conflict", b, err)
	}
}

func TestInvalidNames(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	if err := s.EnsureBucket(ctx, "Plaza_Seoul"); !tenants.Is(err, tenants.Invalid) {
		t.Errorf("bucket Plaza_Seoul: %v", err)
	}
	if err := s.EnsureBucket(ctx, "plaza-b"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a//b", "a/./b", "dir/", "x.plaza-type", "a/.tmp-1", "bad\xff", strings.Repeat("k", 1025)} {
		if _, err := s.Stat(ctx, "plaza-b", k); !tenants.Is(err, tenants.Invalid) {
			t.Errorf("key %q: %v", k, err)
		}
	}
	if _, err := s.Put(ctx, "plaza-b", "k", strings.NewReader("x"), 1, tenants.PutOptions{IfNoneMatch: "abc"}); !tenants.Is(err, tenants.Invalid) {
		t.Errorf("If-None-Match other than *: %v", err)
	}
}
