package web

import (
	"io/fs"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"
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

	// JSON API v1 (api.go), documented in API.md: public and read-only, so
	// any origin may read it (CORS), without credentials.
	api := app.Group("/api/v1", apiCORS())
	api.Get("/search", s.apiSearch)
	api.Get("/documents/:tenant/:id", s.apiDocument)
	api.Get("/tenants", s.apiTenants)
}

// apiCORS lets pages of any origin read the API: GET and HEAD only, no
// credentials (a request that sends cookies is refused by the browser). The
// preflight (OPTIONS with Access-Control-Request-Method) is answered 204.
// Access-Control-Allow-Origin: * is set on every API response, with or
// without an Origin header, so a shared cache cannot hand a browser a copy
// without it (the header does not vary, so no Vary: Origin is needed).
func apiCORS() fiber.Handler {
	h := cors.New(cors.Config{
		AllowOrigins:     "*",
		AllowMethods:     fiber.MethodGet + "," + fiber.MethodHead,
		AllowCredentials: false,
		MaxAge:           86400,
	})
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
		return h(c)
	}
}
