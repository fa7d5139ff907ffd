package web

import (
	"io/fs"
	"net/http"

	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// routes lists every route Plaza serves. GET routes answer HEAD too.
func (s *Server) routes() {
	app := s.app
	app.Use(s.logRequests) // first, so it sees the status of every response
	app.Use(recover.New())
	app.Use(securityHeaders)

	// Probes.
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)

	// Static assets, embedded; no build step.
	static, _ := fs.Sub(assets, "static")
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: 3600}))

	// Public pages (public.go).
	app.Get("/", s.home)
	app.Get("/search", s.searchPage)
	app.Get("/t/:tenant", s.tenantPage)
	app.Get("/d/:tenant/:id", s.documentPage)
	app.Get("/request", s.requestPage)

	// Downloads (download.go).
	app.Get("/d/:tenant/:id/files/:n", s.download)

	// JSON API v1 (api.go), documented in API.md.
	api := app.Group("/api/v1")
	api.Get("/search", s.apiSearch)
	api.Get("/documents/:tenant/:id", s.apiDocument)
	api.Get("/tenants", s.apiTenants)
}
