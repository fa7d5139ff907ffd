package redisstream_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/storage/enginetest"
	"github.com/plaza-portal/plaza/storage/redisstream"
	"github.com/plaza-portal/plaza/storage/streamtest"
	"github.com/plaza-portal/plaza/tenants"
)

var (
	_ federation.Feed   = (*redisstream.Stream)(nil)
	_ streamtest.Stream = (*redisstream.Stream)(nil)
)

// deadline bounds every wait; nothing is asserted about speed.
const deadline = time.Minute

func TestContract(t *testing.T) {
	url := enginetest.URL(t, enginetest.Redis)
	streamtest.Run(t, func(t *testing.T) streamtest.Stream {
		return open(t, url, fresh(t, url))
	})
}

// fresh returns options naming a new stream, group and consumer, with quick
// retries; the stream is deleted when the test ends.
func fresh(t *testing.T, url string) redisstream.Options {
	t.Helper()
	opt := redisstream.Options{
		Stream:   enginetest.Name("plaza-test:changes-"),
		Group:    enginetest.Name("indexer-"),
		Consumer: enginetest.Name("node-"),
		Linger:   5 * time.Millisecond,
		Pause:    5 * time.Millisecond,
		Logger:   slog.New(slog.DiscardHandler),
	}
	rdb := client(t, url)
	t.Cleanup(func() { rdb.Del(context.Background(), opt.Stream) })
	return opt
}

func open(t *testing.T, url string, opt redisstream.Options) *redisstream.Stream {
	t.Helper()
	s, err := redisstream.Open(context.Background(), url, opt)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// client is a plain connection for looking at and tampering with the stream.
func client(t *testing.T, url string) *redis.Client {
	t.Helper()
	o, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(o)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	t.Cleanup(cancel)
	return ctx
}

func change(i int) tenants.Change {
	return tenants.Change{Tenant: "seoul", ID: fmt.Sprintf("doc-%04d", i), Revision: int64(i + 1)}
}

func announceN(t *testing.T, s *redisstream.Stream, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		if err := s.Announce(context.Background(), change(i)); err != nil {
			t.Fatalf("announce: %v", err)
		}
	}
}

// handled counts how often each change was handled, and by whom.
type handled struct {
	mu    sync.Mutex
	count map[tenants.Change]int
	by    map[string]int
}

func (h *handled) add(who string, cs []tenants.Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.count == nil {
		h.count, h.by = map[tenants.Change]int{}, map[string]int{}
	}
	for _, c := range cs {
		h.count[c]++
	}
	h.by[who] += len(cs)
}

// check fails unless changes from..to-1 were each handled exactly once (or,
// with atLeast, at least once).
func (h *handled) check(t *testing.T, from, to int, atLeast bool) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := from; i < to; i++ {
		n := h.count[change(i)]
		if n == 0 || (n > 1 && !atLeast) {
			t.Fatalf("change %d handled %d times", i, n)
		}
	}
}

func consume(ctx context.Context, s *redisstream.Stream, max int, fn func(context.Context, []tenants.Change) error) <-chan error {
	done := make(chan error, 1)
	go func() { done <- s.Consume(ctx, max, fn) }()
	return done
}

func join(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(deadline):
		t.Fatal("Consume did not return")
		return nil
	}
}

func pending(t *testing.T, rdb *redis.Client, opt redisstream.Options) int64 {
	t.Helper()
	p, err := rdb.XPending(context.Background(), opt.Stream, opt.Group).Result()
	if err != nil {
		t.Fatalf("xpending: %v", err)
	}
	return p.Count
}

// Two nodes in one group divide the changes between them, each change
// handled once when both succeed.
func TestTwoConsumersShareWork(t *testing.T) {
	url := enginetest.URL(t, enginetest.Redis)
	ctx := testContext(t)
	optA := fresh(t, url)
	optA.Linger = -1
	optB := optA
	optB.Consumer = enginetest.Name("node-")
	a, b := open(t, url, optA), open(t, url, optB)
	const n = 200
	announceN(t, a, 0, n)

	h := &handled{}
	aHolds := make(chan struct{})
	bHandled := make(chan struct{})
	var aOnce, bOnce sync.Once
	// A takes the first batch and holds it until B has handled one of its
	// own, so both certainly get work.
	doneA := consume(ctx, a, 10, func(ctx context.Context, cs []tenants.Change) error {
		aOnce.Do(func() {
			close(aHolds)
			select {
			case <-bHandled:
			case <-ctx.Done():
			}
		})
		h.add("a", cs)
		return nil
	})
	select {
	case <-aHolds:
	case <-ctx.Done():
		t.Fatal("A never got a batch")
	}
	doneB := consume(ctx, b, 10, func(_ context.Context, cs []tenants.Change) error {
		h.add("b", cs)
		bOnce.Do(func() { close(bHandled) })
		return nil
	})
	if err := a.Wait(ctx); err != nil {
		t.Fatalf("wait: %v", err)
	}
	h.check(t, 0, n, false)
	if h.by["a"] == 0 || h.by["b"] == 0 || h.by["a"]+h.by["b"] != n {
		t.Fatalf("A handled %d, B %d of %d", h.by["a"], h.by["b"], n)
	}
	a.Close()
	b.Close()
	if err := join(t, doneA); err != nil {
		t.Fatalf("A: %v", err)
	}
	if err := join(t, doneB); err != nil {
		t.Fatalf("B: %v", err)
	}
	if p := pending(t, client(t, url), optA); p != 0 {
		t.Fatalf("%d changes still pending", p)
	}
}

// A node that took changes and died without acknowledging them loses
// nothing: another node claims them once they have been idle long enough.
func TestDeadConsumerIsClaimed(t *testing.T) {
	url := enginetest.URL(t, enginetest.Redis)
	ctx := testContext(t)
	optDead := fresh(t, url)
	optDead.Linger = -1
	dead := open(t, url, optDead)
	const n = 30
	announceN(t, dead, 0, n)

	// The first node takes a batch and "crashes": its handler never
	// succeeds and its Consume ends without acknowledging anything.
	crash, kill := context.WithCancel(ctx)
	var taken []tenants.Change
	done := consume(crash, dead, 10, func(_ context.Context, cs []tenants.Change) error {
		taken = append(taken, cs...)
		kill()
		return errors.New("node died")
	})
	if err := join(t, done); !errors.Is(err, context.Canceled) {
		t.Fatalf("dead consumer returned %v", err)
	}
	if len(taken) == 0 {
		t.Fatal("the dead consumer took nothing")
	}
	rdb := client(t, url)
	if p := pending(t, rdb, optDead); p != int64(len(taken)) {
		t.Fatalf("%d pending after the crash, want %d", p, len(taken))
	}

	// A second node claims what the first held, and handles the rest.
	optLive := optDead
	optLive.Consumer = enginetest.Name("node-")
	optLive.ClaimIdle = 50 * time.Millisecond
	live := open(t, url, optLive)
	h := &handled{}
	done = consume(ctx, live, 10, func(_ context.Context, cs []tenants.Change) error {
		h.add("live", cs)
		return nil
	})
	if err := live.Wait(ctx); err != nil {
		t.Fatalf("wait: %v", err)
	}
	h.check(t, 0, n, false)
	if p := pending(t, rdb, optDead); p != 0 {
		t.Fatalf("%d changes still pending", p)
	}
	live.Close()
	if err := join(t, done); err != nil {
		t.Fatal(err)
	}
}

// Changes outlive the process: announced by one Stream and closed, they are
// handled by the next; and what a consumer held when it stopped comes back
// to the same consumer name at once, without waiting for a claim.
func TestSurvivesReopen(t *testing.T) {
	url := enginetest.URL(t, enginetest.Redis)
	ctx := testContext(t)
	opt := fresh(t, url)
	opt.ClaimIdle = time.Hour // nothing is claimed in this test
	first := open(t, url, opt)
	const n = 25
	announceN(t, first, 0, n)
	// The node takes a batch, then stops before handling it.
	stop, cancel := context.WithCancel(ctx)
	done := consume(stop, first, 5, func(context.Context, []tenants.Change) error {
		cancel()
		return context.Canceled
	})
	if err := join(t, done); !errors.Is(err, context.Canceled) {
		t.Fatalf("first consumer returned %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	// Another process announces more, and Wait there sees everyone's
	// changes as unhandled.
	publisher := open(t, url, redisstream.Options{Stream: opt.Stream, Group: opt.Group, Consumer: enginetest.Name("publisher-")})
	announceN(t, publisher, n, 2*n)
	short, cancelShort := context.WithTimeout(ctx, 50*time.Millisecond)
	err := publisher.Wait(short)
	cancelShort()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait before anyone consumed = %v", err)
	}

	second := open(t, url, opt) // the restarted node, under the same name
	h := &handled{}
	done = consume(ctx, second, 5, func(_ context.Context, cs []tenants.Change) error {
		h.add("second", cs)
		return nil
	})
	if err := publisher.Wait(ctx); err != nil {
		t.Fatalf("wait: %v", err)
	}
	h.check(t, 0, 2*n, false)
	second.Close()
	if err := join(t, done); err != nil {
		t.Fatal(err)
	}
}

// An entry that is not a change is logged and acknowledged; the changes
// around it are handled.
func TestMalformedEntryIsSkipped(t *testing.T) {
	url := enginetest.URL(t, enginetest.Redis)
	ctx := testContext(t)
	opt := fresh(t, url)
	log := &syncBuffer{}
	opt.Logger = slog.New(slog.NewTextHandler(log, nil))
	s := open(t, url, opt)
	rdb := client(t, url)
	announceN(t, s, 0, 3)
	for _, values := range [][]any{
		{"change", "{not json"},
		{"something", "else"},
		{"change", `{"tenant":"seoul"}`},
	} {
		if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: opt.Stream, Values: values}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	announceN(t, s, 3, 6)

	h := &handled{}
	done := consume(ctx, s, 100, func(_ context.Context, cs []tenants.Change) error {
		h.add("s", cs)
		return nil
	})
	if err := s.Wait(ctx); err != nil {
		t.Fatalf("wait: %v", err)
	}
	h.check(t, 0, 6, false)
	if h.by["s"] != 6 {
		t.Fatalf("handled %d changes, want 6", h.by["s"])
	}
	if p := pending(t, rdb, opt); p != 0 {
		t.Fatalf("%d entries still pending", p)
	}
	if got := strings.Count(log.String(), "skipping a stream entry"); got != 3 {
		t.Fatalf("logged %d skipped entries, want 3:\n%s", got, log.String())
	}
	s.Close()
	if err := join(t, done); err != nil {
		t.Fatal(err)
	}
}

// A change the handler refuses for a reason of its own is given up after
// some attempts, loudly, and the changes behind it go on; one refused
// because the index is unavailable is kept.
func TestBatchThatKeepsFailing(t *testing.T) {
	url := enginetest.URL(t, enginetest.Redis)
	ctx := testContext(t)
	opt := fresh(t, url)
	log := &syncBuffer{}
	opt.Logger = slog.New(slog.NewTextHandler(log, nil))
	s := open(t, url, opt)
	rdb := client(t, url)
	announceN(t, s, 0, 2)

	h := &handled{}
	var mu sync.Mutex
	attempts := map[int]int{}
	done := consume(ctx, s, 1, func(_ context.Context, cs []tenants.Change) error {
		mu.Lock()
		defer mu.Unlock()
		i := int(cs[0].Revision - 1)
		attempts[i]++
		switch {
		case i == 0: // damaged for good
			return tenants.Errorf("test", tenants.Internal, "cannot index")
		case i == 1 && attempts[i] <= 15: // the index is down for a while
			return tenants.Errorf("test", tenants.Unavailable, "index down")
		}
		h.add("s", cs)
		return nil
	})
	if err := s.Wait(ctx); err != nil {
		t.Fatalf("wait: %v", err)
	}
	mu.Lock()
	if attempts[0] != 10 || attempts[1] != 16 {
		t.Errorf("attempts = %v, want 10 for the damaged change and 16 for the one that waited", attempts)
	}
	mu.Unlock()
	h.check(t, 1, 2, false)
	if p := pending(t, rdb, opt); p != 0 {
		t.Fatalf("%d entries still pending", p)
	}
	if !strings.Contains(log.String(), "giving up on a batch") {
		t.Fatalf("not logged:\n%s", log.String())
	}
	s.Close()
	if err := join(t, done); err != nil {
		t.Fatal(err)
	}
}

// The stream is trimmed to about MaxLen entries.
func TestTrimmed(t *testing.T) {
	url := enginetest.URL(t, enginetest.Redis)
	opt := fresh(t, url)
	opt.MaxLen = 10
	s := open(t, url, opt)
	announceN(t, s, 0, 1000)
	n, err := client(t, url).XLen(context.Background(), opt.Stream).Result()
	if err != nil {
		t.Fatal(err)
	}
	if n >= 1000 {
		t.Fatalf("stream holds %d entries, want it trimmed", n)
	}
}

func TestAnnounceRejectsIncompleteChange(t *testing.T) {
	url := enginetest.URL(t, enginetest.Redis)
	s := open(t, url, fresh(t, url))
	err := s.Announce(context.Background(), tenants.Change{Tenant: "seoul"})
	if !tenants.Is(err, tenants.Invalid) {
		t.Fatalf("announce without id = %v, want Invalid", err)
	}
}

// A Redis that cannot be reached is Unavailable, with a message for people
// and never the password. Needs no running engine.
func TestUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	_, err := redisstream.Open(ctx, "redis://plaza:s3cret-pw@127.0.0.1:1/0", redisstream.Options{})
	if !tenants.Is(err, tenants.Unavailable) {
		t.Fatalf("open = %v, want Unavailable", err)
	}
	msg := tenants.PublicMessage(err)
	if !strings.Contains(msg, "Redis") || !strings.Contains(msg, "연결할 수 없습니다") {
		t.Fatalf("message %q", msg)
	}
	if strings.Contains(err.Error(), "s3cret-pw") {
		t.Fatalf("error shows the password: %v", err)
	}

	_, err = redisstream.Open(ctx, "redis://plaza:s3cret-pw@127.0.0.1:port/0", redisstream.Options{})
	if !tenants.Is(err, tenants.Invalid) || strings.Contains(err.Error(), "s3cret-pw") {
		t.Fatalf("open with a bad URL = %v, want Invalid without the password", err)
	}
	_, err = redisstream.Open(ctx, "http://127.0.0.1:6379", redisstream.Options{})
	if !tenants.Is(err, tenants.Invalid) {
		t.Fatalf("open with an http URL = %v, want Invalid", err)
	}
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
