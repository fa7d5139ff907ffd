// Package memstream is the in-process twin of the Redis event stream: changes
// announced by the publisher queue up in memory and a consumer takes them in
// batches, at least once (a batch whose handler fails is offered again). It
// lives as long as the process; the reconciler covers what a crash loses.
package memstream

import (
	"context"
	"sync"
	"time"

	"github.com/plaza-portal/plaza/tenants"
)

var _ tenants.Announcer = (*Stream)(nil)

// Stream is an in-memory queue of changes. Safe for concurrent use; one
// consumer at a time.
type Stream struct {
	linger, pause time.Duration

	mu      sync.Mutex
	cond    *sync.Cond
	queue   []tenants.Change
	pending int // taken by the consumer but not yet handled
	closed  bool
}

// New returns an empty stream that lingers 200 ms for a batch to fill and
// pauses a second before offering a failed batch again.
func New() *Stream { return NewWith(linger, time.Second) }

// NewWith returns an empty stream with the given linger and retry pause.
func NewWith(linger, pause time.Duration) *Stream {
	s := &Stream{linger: linger, pause: pause}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// Announce appends a change.
func (s *Stream) Announce(ctx context.Context, c tenants.Change) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return tenants.Errorf("memstream.announce", tenants.Unavailable, "stream closed")
	}
	s.queue = append(s.queue, c)
	s.cond.Broadcast()
	return nil
}

// linger is how long Consume waits for a batch to fill once a change has
// arrived: indexing a few large batches is far cheaper than many small ones
// (each batch is a segment the index must later merge).
const linger = 200 * time.Millisecond

// Consume hands changes to fn in batches of at most max, until ctx is done or
// the stream is closed and drained. A batch whose fn fails is offered again
// after a pause, so nothing is dropped.
func (s *Stream) Consume(ctx context.Context, max int, fn func(context.Context, []tenants.Change) error) error {
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer stop()
	for {
		s.mu.Lock()
		for len(s.queue) == 0 && !s.closed && ctx.Err() == nil {
			s.cond.Wait()
		}
		if ctx.Err() != nil || (s.closed && len(s.queue) == 0) {
			s.mu.Unlock()
			return ctx.Err()
		}
		if len(s.queue) < max && !s.closed && s.linger > 0 {
			s.mu.Unlock()
			select {
			case <-ctx.Done():
			case <-time.After(s.linger):
			}
			s.mu.Lock()
			if len(s.queue) == 0 { // cannot happen with one consumer; be safe
				s.mu.Unlock()
				continue
			}
		}
		n := min(len(s.queue), max)
		batch := append([]tenants.Change(nil), s.queue[:n]...)
		s.queue = s.queue[n:]
		s.pending = n
		s.mu.Unlock()

		err := fn(ctx, batch)

		s.mu.Lock()
		s.pending = 0
		if err != nil { // put the batch back in front
			s.queue = append(batch, s.queue...)
		}
		s.cond.Broadcast()
		s.mu.Unlock()
		if err != nil {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(s.pause):
			}
		}
	}
}

// Wait blocks until every change announced so far has been handled.
func (s *Stream) Wait(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for (len(s.queue) > 0 || s.pending > 0) && ctx.Err() == nil {
		s.cond.Wait()
	}
	return ctx.Err()
}

// Close stops accepting changes; Consume returns once the queue is drained.
func (s *Stream) Close() {
	s.mu.Lock()
	s.closed = true
	s.cond.Broadcast()
	s.mu.Unlock()
}
