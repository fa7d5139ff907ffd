package memstream_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plaza-portal/plaza/storage/memstream"
	"github.com/plaza-portal/plaza/tenants"
)

func TestDeliversEveryChangeInOrder(t *testing.T) {
	s := memstream.New()
	ctx := context.Background()
	const n = 1000
	var got []int64
	done := make(chan error)
	go func() {
		done <- s.Consume(ctx, 64, func(_ context.Context, cs []tenants.Change) error {
			if len(cs) > 64 {
				t.Errorf("batch of %d", len(cs))
			}
			for _, c := range cs {
				got = append(got, c.Revision)
			}
			return nil
		})
	}()
	for i := range n {
		if err := s.Announce(ctx, tenants.Change{Tenant: "seoul", ID: "x", Revision: int64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("got %d changes, want %d", len(got), n)
	}
	for i, r := range got {
		if r != int64(i) {
			t.Fatalf("change %d has revision %d", i, r)
		}
	}
	if err := s.Announce(ctx, tenants.Change{}); !tenants.Is(err, tenants.Unavailable) {
		t.Fatalf("announce after close: %v", err)
	}
}

func TestFailedBatchIsRedelivered(t *testing.T) {
	s := memstream.NewWith(0, 10*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var calls, delivered atomic.Int32
	go s.Consume(ctx, 10, func(_ context.Context, cs []tenants.Change) error {
		if calls.Add(1) == 1 {
			return errors.New("index down")
		}
		delivered.Add(int32(len(cs)))
		return nil
	})
	s.Announce(ctx, tenants.Change{Tenant: "seoul", ID: "a", Revision: 1})
	if err := s.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 || delivered.Load() != 1 {
		t.Fatalf("calls %d, delivered %d", calls.Load(), delivered.Load())
	}
}

func TestConsumeStopsWithContext(t *testing.T) {
	s := memstream.New()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Consume(ctx, 1, func(context.Context, []tenants.Change) error { return nil }) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Consume did not return after cancel")
	}
}
