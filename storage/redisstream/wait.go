package redisstream

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Wait blocks until every change in the stream when it was called, whoever
// announced it, has been handled by a consumer of the group: the group has
// been delivered past the newest entry and nothing up to it is still
// pending. It returns ctx.Err() when ctx is done first, and an Unavailable
// error when Redis cannot be reached.
func (s *Stream) Wait(ctx context.Context) error {
	const op = "redisstream.wait"
	if !s.acquire(false) {
		return errClosed(op)
	}
	defer s.release()
	last, err := s.rdb.XRevRangeN(ctx, s.opt.Stream, "+", "-", 1).Result()
	if err != nil {
		return s.waitErr(ctx, op, err)
	}
	if len(last) == 0 {
		return nil // nothing was ever announced (or all was trimmed)
	}
	target := parseID(last[0].ID)
	poll := 10 * time.Millisecond
	for {
		done, err := s.handledThrough(ctx, target)
		if err != nil {
			return s.waitErr(ctx, op, err)
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
		poll = min(poll*2, 250*time.Millisecond)
	}
}

func (s *Stream) waitErr(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return s.fail(op, err)
}

// handledThrough reports whether every entry up to target has been
// delivered to the group and acknowledged.
func (s *Stream) handledThrough(ctx context.Context, target streamID) (bool, error) {
	groups, err := s.rdb.XInfoGroups(ctx, s.opt.Stream).Result()
	if err != nil {
		return false, err
	}
	found := false
	for _, g := range groups {
		if g.Name != s.opt.Group {
			continue
		}
		found = true
		if parseID(g.LastDeliveredID).less(target) {
			return false, nil
		}
	}
	if !found {
		// Deleted under us: recreate it, so the changes are consumed at all.
		return false, s.ensureGroup(ctx)
	}
	p, err := s.rdb.XPending(ctx, s.opt.Stream, s.opt.Group).Result()
	if errors.Is(err, redis.Nil) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return p.Count == 0 || target.less(parseID(p.Lower)), nil
}

// streamID is an entry id, milliseconds and sequence.
type streamID struct{ ms, seq uint64 }

// parseID reads "ms-seq"; anything unreadable is the zero id.
func parseID(s string) streamID {
	ms, seq, _ := strings.Cut(s, "-")
	var id streamID
	id.ms, _ = strconv.ParseUint(ms, 10, 64)
	id.seq, _ = strconv.ParseUint(seq, 10, 64)
	return id
}

func (a streamID) less(b streamID) bool {
	return a.ms < b.ms || (a.ms == b.ms && a.seq < b.seq)
}
