// Package web is Plaza's HTTP face and the only package that imports Fiber:
// the public pages (server-rendered, Korean first with an English switch),
// the JSON API, file downloads, and the one error handler that maps domain
// error kinds to HTTP statuses. Every route is listed in routes.go.
package web

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
)

// Request limits. Fiber reads the request line and headers into one buffer
// of ReadBufferSize; a longer request is refused with 431 before any handler
// runs. 16 KiB leaves room for a query of federation.MaxQueryRunes Hangul
// syllables percent-encoded (9 bytes each) plus filters and cookies, so such a
// query reaches validation and gets a 400 with a message instead.
const (
	readBufferSize = 16 << 10
	bodyLimit      = 1 << 20 // no public route takes a body yet
	readTimeout    = 15 * time.Second
	// writeTimeout bounds a whole response, downloads included: 256 MiB
	// (tenants.MaxFileSize) at 1 MB/s is about 4.5 minutes.
	writeTimeout = 10 * time.Minute
	idleTimeout  = 2 * time.Minute
)

// Config is what a Server needs. Registry, Archive and Index are required;
// Logger defaults to slog.Default(); Ready, when set, is the readiness check
// behind /readyz (nil means always ready).
type Config struct {
	Registry *tenants.Registry
	Archive  *tenants.Archive
	Index    federation.Index
	Logger   *slog.Logger
	Ready    func(ctx context.Context) error
}

// Server serves Plaza's pages, API and downloads. Safe for concurrent use.
type Server struct {
	registry *tenants.Registry
	archive  *tenants.Archive
	index    federation.Index
	log      *slog.Logger
	ready    func(ctx context.Context) error

	pages *pages
	app   *fiber.App
}

// New returns a server with every route registered. It panics if the
// embedded templates do not parse, which is a build error, not a runtime one.
func New(cfg Config) *Server {
	s := &Server{
		registry: cfg.Registry,
		archive:  cfg.Archive,
		index:    cfg.Index,
		log:      cfg.Logger,
		ready:    cfg.Ready,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.pages = mustParsePages(s.funcs())
	s.app = fiber.New(fiber.Config{
		AppName:               "plaza",
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		// Handlers keep query values past the request in places (the index
		// may hold on to them); immutable strings make that safe.
		Immutable:      true,
		ReadBufferSize: readBufferSize,
		BodyLimit:      bodyLimit,
		ReadTimeout:    readTimeout,
		WriteTimeout:   writeTimeout,
		IdleTimeout:    idleTimeout,
	})
	s.routes()
	return s
}

// App returns the Fiber application, for tests (App().Test) and embedding.
func (s *Server) App() *fiber.App { return s.app }

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting connections and waits for open requests to end
// or ctx to be done.
func (s *Server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }

// securityHeaders sets the headers every response carries. The CSP allows
// only our own origin: pages use no inline script or style.
func securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
	return c.Next()
}

// logPathRunes bounds the path a request log line quotes: a path can be as
// long as the read buffer (16 KiB).
const logPathRunes = 200

// loggedKey marks, in a request's locals, that logRequests saw the request;
// handleError uses it to log the requests refused before any middleware ran.
type loggedKey struct{}

// logRequests logs each request at debug level: method, path, status and
// duration. It logs the path without the query string, which may be long and
// is the citizen's business: only the names of the parameters and the
// query's length in bytes.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	c.Locals(loggedKey{}, true)
	err := c.Next()
	if err != nil {
		// Let the error handler write the response now, so the status
		// logged is the one sent.
		if herr := s.handleError(c, err); herr != nil {
			s.log.Error("web: error handler failed", "err", herr)
		}
	}
	ctx := c.UserContext()
	if !s.log.Enabled(ctx, slog.LevelDebug) {
		return nil
	}
	attrs := []slog.Attr{
		slog.String("method", c.Method()),
		slog.String("path", clip(c.Path(), logPathRunes)),
		slog.Int("status", c.Response().StatusCode()),
		slog.Duration("duration", time.Since(start)),
	}
	if raw := c.Context().URI().QueryString(); len(raw) > 0 {
		attrs = append(attrs, slog.String("params", paramNames(c)), slog.Int("query_bytes", len(raw)))
	}
	s.log.LogAttrs(ctx, slog.LevelDebug, "request", attrs...)
	return nil
}

// paramNames lists the names (never the values) of a request's query
// parameters, at most ten, each clipped.
func paramNames(c *fiber.Ctx) string {
	var b strings.Builder
	n := 0
	c.Context().QueryArgs().VisitAll(func(k, _ []byte) {
		n++
		switch {
		case n > 11:
			return
		case n == 11:
			b.WriteString(",…")
			return
		case n > 1:
			b.WriteByte(',')
		}
		b.WriteString(clip(string(k), 20))
	})
	return b.String()
}

// healthz reports that the process serves requests.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}

// readyz reports whether the engines behind the server are usable.
func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if s.ready != nil {
		ctx, cancel := context.WithTimeout(c.UserContext(), 5*time.Second)
		defer cancel()
		if err := s.ready(ctx); err != nil {
			s.log.Warn("web: not ready", "err", err)
			return c.Status(fiber.StatusServiceUnavailable).SendString("not ready") // the cause is logged, not shown
		}
	}
	return c.SendString("ok")
}
