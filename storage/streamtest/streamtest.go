// Package streamtest is the contract every event stream must meet: the
// in-process queue (storage/memstream) runs it, and so does the Redis stream
// (storage/redisstream) against a real server, so the two behave alike for
// the publisher that announces and the indexer that consumes.
package streamtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plaza-portal/plaza/tenants"
)

// Stream is what the contract exercises: the publisher's side (Announce),
// the indexer's (Consume, as federation.Feed) and the commands' (Wait after
// an import, Close at the end).
type Stream interface {
	Announce(ctx context.Context, c tenants.Change) error
	Consume(ctx context.Context, max int, fn func(context.Context, []tenants.Change) error) error
	Wait(ctx context.Context) error
	Close() error
}

// deadline bounds every wait of the suite. It is generous: nothing is
// asserted about speed, only that things happen at all.
const deadline = time.Minute

// Run runs the contract against streams made by open, each fresh and empty.
// open should make retries quick (a pause of a few milliseconds) and may
// register a cleanup; the suite closes each stream itself too, so Close must
// be safe to call twice.
func Run(t *testing.T, open func(t *testing.T) Stream) {
	t.Run("OrderAndBatching", func(t *testing.T) {
		ctx := testContext(t)
		s := open(t)
		const n, max = 100, 7
		for i := range n / 2 {
			announce(t, s, change("seoul", i))
		}
		rec := &recorder{}
		done := consume(ctx, s, max, func(_ context.Context, cs []tenants.Change) error {
			if len(cs) == 0 || len(cs) > max {
				t.Errorf("batch of %d changes, want 1 to %d", len(cs), max)
			}
			rec.add(cs)
			return nil
		})
		for i := n / 2; i < n; i++ {
			announce(t, s, change("seoul", i))
		}
		if err := s.Wait(ctx); err != nil {
			t.Fatalf("wait: %v", err)
		}
		got := rec.all()
		if len(got) != n {
			t.Fatalf("handled %d changes, want %d", len(got), n)
		}
		for i, c := range got {
			if c != change("seoul", i) {
				t.Fatalf("change %d is %+v, want %+v", i, c, change("seoul", i))
			}
		}
		closeAndJoin(t, s, done)
	})

	t.Run("RedeliveredAfterFailure", func(t *testing.T) {
		ctx := testContext(t)
		s := open(t)
		const n, max = 20, 5
		for i := range n {
			announce(t, s, change("seoul", i))
		}
		var (
			mu     sync.Mutex
			failed [][]tenants.Change
			ok     [][]tenants.Change
		)
		done := consume(ctx, s, max, func(_ context.Context, cs []tenants.Change) error {
			mu.Lock()
			defer mu.Unlock()
			if len(failed) < 2 { // the index is down twice
				failed = append(failed, slices.Clone(cs))
				return errors.New("index down")
			}
			ok = append(ok, slices.Clone(cs))
			return nil
		})
		if err := s.Wait(ctx); err != nil {
			t.Fatalf("wait: %v", err)
		}
		mu.Lock()
		failed, ok = slices.Clone(failed), slices.Clone(ok)
		mu.Unlock()
		if len(failed) != 2 || len(ok) == 0 {
			t.Fatalf("%d failed and %d good batches", len(failed), len(ok))
		}
		// The failed batch is offered again before anything after it.
		if !slices.Equal(failed[0], failed[1]) || !slices.Equal(failed[0], ok[0]) {
			t.Fatalf("failed batches %v, %v; then %v: want the same batch again", failed[0], failed[1], ok[0])
		}
		seen := map[tenants.Change]int{}
		for _, b := range ok {
			for _, c := range b {
				seen[c]++
			}
		}
		for i := range n {
			if seen[change("seoul", i)] == 0 {
				t.Fatalf("change %d was never handled", i)
			}
		}
		closeAndJoin(t, s, done)
	})

	t.Run("WaitUntilHandled", func(t *testing.T) {
		ctx := testContext(t)
		s := open(t)
		if err := s.Wait(ctx); err != nil {
			t.Fatalf("wait on an empty stream: %v", err)
		}
		const n = 10
		for i := range n {
			announce(t, s, change("seoul", i))
		}
		// Nobody consumes yet: Wait must not return before its context ends.
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		err := s.Wait(short)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("wait with nobody consuming = %v, want the context's deadline", err)
		}
		var handled atomic.Int32
		release := make(chan struct{})
		done := consume(ctx, s, 3, func(_ context.Context, cs []tenants.Change) error {
			<-release
			handled.Add(int32(len(cs)))
			return nil
		})
		waited := make(chan int32)
		go func() {
			if err := s.Wait(ctx); err != nil {
				t.Errorf("wait: %v", err)
			}
			waited <- handled.Load()
		}()
		time.Sleep(20 * time.Millisecond) // give Wait a chance to return too early
		close(release)
		select {
		case h := <-waited:
			if h != n {
				t.Fatalf("Wait returned when %d of %d changes were handled", h, n)
			}
		case <-ctx.Done():
			t.Fatal("Wait did not return")
		}
		// Everything is handled: a further Wait returns at once.
		if err := s.Wait(ctx); err != nil {
			t.Fatalf("second wait: %v", err)
		}
		closeAndJoin(t, s, done)
	})

	t.Run("ConsumeReturnsOnCancel", func(t *testing.T) {
		ctx := testContext(t)
		s := open(t)
		t.Cleanup(func() { s.Close() })

		idle, cancel := context.WithCancel(ctx)
		done := consume(idle, s, 10, func(context.Context, []tenants.Change) error { return nil })
		cancel()
		if err := join(t, done); !errors.Is(err, context.Canceled) {
			t.Fatalf("idle Consume returned %v after cancel, want context.Canceled", err)
		}

		// Cancelled while its batch keeps failing (between retries).
		announce(t, s, change("seoul", 0))
		failing, cancel := context.WithCancel(ctx)
		defer cancel()
		called := make(chan struct{})
		var once sync.Once
		done = consume(failing, s, 10, func(context.Context, []tenants.Change) error {
			once.Do(func() { close(called) })
			return errors.New("index down")
		})
		select {
		case <-called:
		case <-ctx.Done():
			t.Fatal("the change was never offered")
		}
		cancel()
		if err := join(t, done); !errors.Is(err, context.Canceled) {
			t.Fatalf("failing Consume returned %v after cancel, want context.Canceled", err)
		}
	})

	t.Run("CloseDrains", func(t *testing.T) {
		ctx := testContext(t)
		s := open(t)
		rec := &recorder{}
		done := consume(ctx, s, 4, func(_ context.Context, cs []tenants.Change) error {
			rec.add(cs)
			return nil
		})
		const n = 30
		for i := range n {
			announce(t, s, change("seoul", i))
		}
		if err := s.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		if err := join(t, done); err != nil {
			t.Fatalf("Consume after Close returned %v, want nil once drained", err)
		}
		if got := rec.all(); len(got) != n {
			t.Fatalf("drained %d changes, want %d", len(got), n)
		}
		err := s.Announce(ctx, change("seoul", n))
		if !tenants.Is(err, tenants.Unavailable) {
			t.Fatalf("announce after close = %v, want an Unavailable error", err)
		}
	})

	t.Run("ConcurrentAnnouncers", func(t *testing.T) {
		ctx := testContext(t)
		s := open(t)
		rec := &recorder{}
		done := consume(ctx, s, 16, func(_ context.Context, cs []tenants.Change) error {
			rec.add(cs)
			return nil
		})
		const publishers, each = 4, 25
		var wg sync.WaitGroup
		for p := range publishers {
			wg.Go(func() {
				for i := range each {
					if err := s.Announce(ctx, change(fmt.Sprintf("t%d", p), i)); err != nil {
						t.Errorf("announce: %v", err)
						return
					}
				}
			})
		}
		wg.Wait()
		if err := s.Wait(ctx); err != nil {
			t.Fatalf("wait: %v", err)
		}
		next := map[string]int{}
		for _, c := range rec.all() {
			if want := change(c.Tenant, next[c.Tenant]); c != want {
				t.Fatalf("got %+v, want %+v: one publisher's changes out of order", c, want)
			}
			next[c.Tenant]++
		}
		for p := range publishers {
			if got := next[fmt.Sprintf("t%d", p)]; got != each {
				t.Fatalf("publisher %d: %d changes handled, want %d", p, got, each)
			}
		}
		closeAndJoin(t, s, done)
	})
}

// change is the i-th change of a tenant's document stream.
func change(tenant string, i int) tenants.Change {
	return tenants.Change{Tenant: tenant, ID: fmt.Sprintf("doc-%04d", i), Revision: int64(i + 1), Deleted: i%5 == 4}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	t.Cleanup(cancel)
	return ctx
}

func announce(t *testing.T, s Stream, c tenants.Change) {
	t.Helper()
	if err := s.Announce(context.Background(), c); err != nil {
		t.Fatalf("announce %+v: %v", c, err)
	}
}

// consume runs Consume in the background; its result arrives on the channel.
func consume(ctx context.Context, s Stream, max int, fn func(context.Context, []tenants.Change) error) <-chan error {
	done := make(chan error, 1)
	go func() { done <- s.Consume(ctx, max, fn) }()
	return done
}

// join waits for a Consume to return.
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

// closeAndJoin closes the stream and expects its consumer to finish cleanly.
func closeAndJoin(t *testing.T, s Stream, done <-chan error) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := join(t, done); err != nil {
		t.Fatalf("Consume returned %v after Close", err)
	}
}

// recorder collects handled changes in the order of handling.
type recorder struct {
	mu  sync.Mutex
	got []tenants.Change
}

func (r *recorder) add(cs []tenants.Change) {
	r.mu.Lock()
	r.got = append(r.got, cs...)
	r.mu.Unlock()
}

func (r *recorder) all() []tenants.Change {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}
