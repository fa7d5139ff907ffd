// Package redisstream is the event stream of a multi-node Plaza: changes
// announced by any node are appended to a Redis stream, and the indexers of
// every node share them through one consumer group, at least once. It is the
// production twin of storage/memstream, and unlike it survives a restart: a
// change stays in Redis until a consumer has handled and acknowledged it, and
// changes taken by a node that died are claimed by another after a while.
package redisstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/plaza-portal/plaza/tenants"
)

var _ tenants.Announcer = (*Stream)(nil)

// Options configures a Stream; the zero value of each field takes its default.
type Options struct {
	Stream    string        // the stream's key; default "plaza:changes"
	Group     string        // the consumer group of the indexers; default "plaza-indexer"
	Consumer  string        // this node's name in the group; default hostname-pid
	MaxLen    int64         // approximate length the stream is trimmed to; default 100000, negative: never trim
	Linger    time.Duration // how long a short batch waits to fill; default 200 ms, negative: not at all
	Pause     time.Duration // pause before a failed batch is offered again; default 1 s
	ClaimIdle time.Duration // how long a change may stay unacknowledged on another consumer before it is claimed; default 1 min
	Logger    *slog.Logger  // where skipped entries and retries are logged; default slog.Default()
}

// Defaults.
const (
	DefaultStream    = "plaza:changes"
	DefaultGroup     = "plaza-indexer"
	DefaultMaxLen    = 100000
	DefaultLinger    = 200 * time.Millisecond
	DefaultPause     = time.Second
	DefaultClaimIdle = time.Minute
)

// block is how long one read waits for new changes. go-redis does not
// interrupt a blocked read when its context is cancelled, so this bounds how
// long Consume takes to notice a cancelled context or Close.
const block = time.Second

// field is the one field of a stream entry: the Change as JSON.
const field = "change"

func (o Options) withDefaults() Options {
	if o.Stream == "" {
		o.Stream = DefaultStream
	}
	if o.Group == "" {
		o.Group = DefaultGroup
	}
	if o.Consumer == "" {
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "plaza"
		}
		o.Consumer = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	if o.MaxLen == 0 {
		o.MaxLen = DefaultMaxLen
	}
	if o.Linger == 0 {
		o.Linger = DefaultLinger
	}
	if o.Pause <= 0 {
		o.Pause = DefaultPause
	}
	if o.ClaimIdle <= 0 {
		o.ClaimIdle = DefaultClaimIdle
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Stream is a Redis stream of changes with one consumer group. Safe for
// concurrent use; Consume runs once at a time per Stream (a second node opens
// its own Stream, with its own consumer name).
type Stream struct {
	rdb    *redis.Client
	opt    Options
	secret string // the URL's password, scrubbed from every error

	closing context.Context // done once Close is called
	stop    context.CancelFunc

	mu       sync.Mutex
	closed   bool // Close was called: no more announcements
	active   int  // calls using the client
	released bool // the client is closed
}

// Open connects to the Redis at rawURL (redis://[user:password@]host:port/db,
// or rediss:// for TLS) and creates the consumer group, and the stream with
// it, if they do not exist. A group created now starts at the beginning of
// the stream, so changes announced before any indexer ran are not lost.
// Errors: Invalid for a malformed URL, Unavailable when Redis cannot be
// reached.
func Open(ctx context.Context, rawURL string, opt Options) (*Stream, error) {
	const op = "redisstream.open"
	secret := password(rawURL)
	ropt, err := redis.ParseURL(rawURL)
	if err != nil {
		// The parse error quotes the URL, password and all: leave it out.
		return nil, tenants.E(op, tenants.Invalid, "Redis 주소가 올바르지 않습니다 / the Redis URL is malformed", errors.New(redacted(rawURL)))
	}
	opt = opt.withDefaults()
	if opt.ClaimIdle < time.Millisecond {
		opt.ClaimIdle = time.Millisecond // XAUTOCLAIM counts in milliseconds
	}
	s := &Stream{rdb: redis.NewClient(ropt), opt: opt, secret: secret}
	s.closing, s.stop = context.WithCancel(context.Background())
	if err := s.ensureGroup(ctx); err != nil {
		s.rdb.Close()
		return nil, s.fail(op, err)
	}
	return s, nil
}

// ensureGroup creates the group (and the stream) unless it exists.
func (s *Stream) ensureGroup(ctx context.Context) error {
	err := s.rdb.XGroupCreateMkStream(ctx, s.opt.Stream, s.opt.Group, "0").Err()
	if err != nil && strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return nil
	}
	return err
}

// Announce appends a change to the stream, trimming it to about MaxLen
// entries. Errors: Invalid for a change without tenant or id, Unavailable
// when Redis cannot be reached or the Stream is closed.
func (s *Stream) Announce(ctx context.Context, c tenants.Change) error {
	const op = "redisstream.announce"
	if c.Tenant == "" || c.ID == "" {
		return tenants.Errorf(op, tenants.Invalid, "기관과 문서 ID가 없는 변경입니다 / a change needs a tenant and an id")
	}
	if !s.acquire(true) {
		return errClosed(op)
	}
	defer s.release()
	body, err := json.Marshal(c)
	if err != nil {
		return tenants.E(op, err)
	}
	args := &redis.XAddArgs{Stream: s.opt.Stream, Values: []any{field, body}}
	if s.opt.MaxLen > 0 {
		args.MaxLen, args.Approx = s.opt.MaxLen, true
	}
	if err := s.rdb.XAdd(ctx, args).Err(); err != nil {
		return s.fail(op, err)
	}
	return nil
}

// Close stops accepting announcements. A Consume that is running drains the
// changes already in the stream and then returns; the connection to Redis
// is closed once the last running call returns.
func (s *Stream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.stop()
	if s.active == 0 && !s.released {
		s.released = true
		return s.rdb.Close()
	}
	return nil
}

// acquire registers a call that uses the client; false once the client is
// closed, or (for announcements) once Close was called.
func (s *Stream) acquire(announce bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.released || (announce && s.closed) {
		return false
	}
	s.active++
	return true
}

func (s *Stream) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active--
	if s.closed && s.active == 0 && !s.released {
		s.released = true
		s.rdb.Close()
	}
}

func (s *Stream) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func errClosed(op string) error {
	return tenants.Errorf(op, tenants.Unavailable, "이벤트 스트림이 닫혔습니다 / the event stream is closed")
}

// fail classifies an error of a Redis call: a cancelled context stays itself
// (wrapped), a reply error of Redis is Internal unless Redis says it is busy
// or starting, and anything else (the network, a timeout) is Unavailable.
func (s *Stream) fail(op string, err error) error {
	err = scrubbed{err, s.secret}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return tenants.E(op, tenants.Internal, err)
	}
	var rerr redis.Error
	if errors.As(err, &rerr) && !errors.Is(err, redis.ErrClosed) {
		msg := rerr.Error()
		for _, busy := range []string{"LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN", "CLUSTERDOWN", "READONLY"} {
			if strings.HasPrefix(msg, busy) {
				return tenants.E(op, tenants.Unavailable, unavailable, err)
			}
		}
		return tenants.E(op, tenants.Internal, err)
	}
	return tenants.E(op, tenants.Unavailable, unavailable, err)
}

const unavailable = "이벤트 스트림(Redis)에 연결할 수 없습니다. 잠시 뒤 다시 시도하세요 / cannot reach the event stream (Redis); try again later"

// scrubbed hides a password that a cause might quote.
type scrubbed struct {
	err    error
	secret string
}

func (e scrubbed) Error() string {
	if e.secret == "" {
		return e.err.Error()
	}
	return strings.ReplaceAll(e.err.Error(), e.secret, "xxxxx")
}

func (e scrubbed) Unwrap() error { return e.err }

// password returns the password of a URL, if any.
func password(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return ""
	}
	p, _ := u.User.Password()
	return p
}

// redacted returns the URL without its password, or a placeholder when it
// cannot be parsed (and so the password cannot be found in it).
func redacted(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
