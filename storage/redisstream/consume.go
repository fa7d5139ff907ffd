package redisstream

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/plaza-portal/plaza/tenants"
)

// Consume hands changes to fn in batches of at most max, in stream order,
// until ctx is done (it returns ctx.Err()) or the Stream is closed and
// drained (it returns nil). A change is acknowledged only after fn returned
// nil for its batch; a batch whose fn fails stays pending on this consumer
// and is offered again after Options.Pause. Changes pending on another
// consumer for longer than Options.ClaimIdle (a node that died) are claimed
// and handled here. An entry that is not a change is logged and
// acknowledged, so it never stalls the stream. While Redis is unreachable
// Consume logs and retries; it returns an error only for a fault that
// retrying cannot mend (or, once closed, when it cannot drain).
func (s *Stream) Consume(ctx context.Context, max int, fn func(context.Context, []tenants.Change) error) error {
	const op = "redisstream.consume"
	if max < 1 {
		max = 1
	}
	if !s.acquire(false) {
		return errClosed(op)
	}
	defer s.release()
	c := &consumer{s: s, max: int64(max), own: true}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		msgs, err := c.next(ctx)
		if err == nil && len(msgs) == 0 && s.isClosed() && !c.own {
			return nil // closed and drained
		}
		if err == nil && len(msgs) > 0 {
			err = c.handle(ctx, msgs, fn)
		}
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var handler handlerError
		switch {
		case errors.As(err, &handler):
			s.opt.Logger.Warn("변경 묶음을 처리하지 못해 잠시 뒤 다시 받습니다 / a batch failed; it is offered again after a pause",
				"stream", s.opt.Stream, "changes", handler.n, "err", handler.err)
		case isNoGroup(err):
			// The group (or the stream) was deleted under us: make it again.
			if err := s.ensureGroup(ctx); err != nil && ctx.Err() == nil {
				s.opt.Logger.Warn("이벤트 스트림 그룹을 만들 수 없습니다 / cannot recreate the consumer group", "stream", s.opt.Stream, "err", scrubbed{err, s.secret})
			}
		default:
			// Whatever Redis says (down, out of memory, a timeout), the
			// indexer of a serving node must not stop for good: retry.
			err = s.fail(op, err)
			if s.isClosed() {
				return err
			}
			s.opt.Logger.Warn("이벤트 스트림(Redis)을 읽을 수 없어 다시 시도합니다 / cannot read the event stream (Redis); retrying", "err", err)
		}
		c.own = true // whatever we had taken is pending on us: offer it again
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(s.opt.Pause):
		}
	}
}

// consumer is the state of one Consume loop.
type consumer struct {
	s   *Stream
	max int64

	own       bool      // changes may be pending on this consumer: read them first
	failed    string    // the first entry of the batch that failed last
	failures  int       // how many times in a row that batch failed
	cursor    string    // where the current claim sweep goes on; "" when none runs
	lastSweep time.Time // when the last claim sweep finished
}

// next returns the next batch: first what is pending on this consumer (a
// failed batch, or what this consumer name held when its process stopped),
// then changes claimed from dead consumers, then new changes.
func (c *consumer) next(ctx context.Context) ([]redis.XMessage, error) {
	s := c.s
	if c.own {
		msgs, err := c.read(ctx, "0", -1)
		if err != nil || len(msgs) > 0 {
			return msgs, err
		}
		c.own = false
	}
	if c.cursor == "" && time.Since(c.lastSweep) >= s.opt.ClaimIdle/2 {
		c.cursor = "0-0"
	}
	if c.cursor != "" {
		msgs, next, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: s.opt.Stream, Group: s.opt.Group, Consumer: s.opt.Consumer,
			MinIdle: s.opt.ClaimIdle, Start: c.cursor, Count: c.max,
		}).Result()
		if err != nil {
			c.cursor = ""
			return nil, err
		}
		c.cursor = next
		if next == "0-0" {
			c.cursor, c.lastSweep = "", time.Now()
		}
		if len(msgs) > 0 {
			s.opt.Logger.Info("멈춘 노드의 변경을 넘겨받았습니다 / claimed changes of a stopped consumer", "stream", s.opt.Stream, "changes", len(msgs))
			return msgs, nil
		}
	}
	wait := block
	if s.isClosed() {
		wait = -1 // draining: take what is there, do not wait for more
	}
	msgs, err := c.read(ctx, ">", wait)
	if err != nil || len(msgs) == 0 || int64(len(msgs)) >= c.max || s.opt.Linger <= 0 || s.isClosed() {
		return msgs, err
	}
	// A few changes arrived: let the batch fill a little, since indexing a
	// few large batches is far cheaper than many small ones.
	select {
	case <-ctx.Done():
		return msgs, nil
	case <-s.closing.Done():
	case <-time.After(s.opt.Linger):
	}
	more, err := c.readN(ctx, ">", -1, c.max-int64(len(msgs)))
	if err != nil {
		c.own = true // they may have been delivered to us all the same
		return msgs, nil
	}
	return append(msgs, more...), nil
}

func (c *consumer) read(ctx context.Context, id string, wait time.Duration) ([]redis.XMessage, error) {
	return c.readN(ctx, id, wait, c.max)
}

// readN reads up to n entries after id ("0": this consumer's pending ones,
// ">": new ones), waiting up to wait (negative: not at all) for new ones.
func (c *consumer) readN(ctx context.Context, id string, wait time.Duration, n int64) ([]redis.XMessage, error) {
	s := c.s
	res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: s.opt.Group, Consumer: s.opt.Consumer,
		Streams: []string{s.opt.Stream, id}, Count: n, Block: wait,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var msgs []redis.XMessage
	for _, st := range res {
		msgs = append(msgs, st.Messages...)
	}
	return msgs, nil
}

// handle decodes a batch, hands its changes to fn and acknowledges it.
func (c *consumer) handle(ctx context.Context, msgs []redis.XMessage, fn func(context.Context, []tenants.Change) error) error {
	s := c.s
	changes := make([]tenants.Change, 0, len(msgs))
	ids := make([]string, 0, len(msgs))
	for _, m := range msgs {
		ids = append(ids, m.ID)
		ch, err := decode(m)
		if err != nil {
			// Acknowledged with the batch: one bad entry must not hold up
			// every change behind it. The reconciler covers the document.
			s.opt.Logger.Warn("변경이 아닌 항목을 건너뜁니다 / skipping a stream entry that is not a change",
				"stream", s.opt.Stream, "entry", m.ID, "err", err)
			continue
		}
		changes = append(changes, ch)
	}
	if len(changes) > 0 {
		if err := fn(ctx, changes); err != nil {
			if ids[0] != c.failed {
				c.failed, c.failures = ids[0], 0
			}
			c.failures++
			// A batch the handler refuses again and again for a reason of
			// its own (not an engine that is down) would stall this
			// consumer forever: give up on it, loudly; the reconciler
			// indexes its documents from the buckets.
			if c.failures < maxFailures || tenants.Is(err, tenants.Unavailable) || ctx.Err() != nil {
				return handlerError{n: len(changes), err: err}
			}
			s.opt.Logger.Error("변경 묶음을 거듭 처리하지 못해 건너뜁니다. 정기 대조가 색인을 맞춥니다 / giving up on a batch that keeps failing; the reconciler will index its documents",
				"stream", s.opt.Stream, "changes", len(changes), "attempts", c.failures, "err", err)
		}
	}
	c.failed, c.failures = "", 0
	// Acknowledge even if ctx was cancelled meanwhile: the batch is handled,
	// and offering it again would only repeat the work.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return s.rdb.XAck(actx, s.opt.Stream, s.opt.Group, ids...).Err()
}

// maxFailures is how many times in a row a batch may fail, for a reason
// other than an unavailable engine, before it is given up.
const maxFailures = 10

// handlerError is a failure of the handler (not of Redis).
type handlerError struct {
	n   int
	err error
}

func (e handlerError) Error() string { return e.err.Error() }
func (e handlerError) Unwrap() error { return e.err }

// decode reads the change of an entry; an entry whose fields are gone (it
// was trimmed while pending) or are not a change is an error.
func decode(m redis.XMessage) (tenants.Change, error) {
	var c tenants.Change
	raw, ok := m.Values[field].(string)
	if !ok {
		return c, errors.New("no change field (trimmed or foreign entry)")
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	if err := dec.Decode(&c); err != nil {
		return c, err
	}
	if c.Tenant == "" || c.ID == "" {
		return c, errors.New("change without tenant or id")
	}
	return c, nil
}

func isNoGroup(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "NOGROUP")
}
