package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/plaza-portal/plaza/tenants"
)

//go:embed templates static
var assets embed.FS

// pages holds one template set per page: the layout, the shared partials and
// the page itself, so each page can fill the layout's blocks its own way.
type pages struct {
	byName map[string]*template.Template
}

var pageNames = []string{"home", "search", "document", "tenant", "request", "error"}

func mustParsePages(funcs template.FuncMap) *pages {
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range pageNames {
		t := template.Must(template.New(name).Funcs(funcs).ParseFS(assets,
			"templates/layout.html", "templates/partials.html", "templates/"+name+".html"))
		p.byName[name] = t
	}
	return p
}

// funcs are the template functions. Labels come from i18n.go; names of
// tenants from the registry.
func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"t":  label,
		"tf": labelf,
		"typeLabel": func(lang, typ string) string {
			return tenants.DocType(typ).Label(lang)
		},
		"disclosureLabel": func(lang, d string) string {
			if l := tenants.Disclosure(d).Label(lang); l != "" {
				return l
			}
			return d
		},
		"form": func(lang, action, q, id string, compact bool) searchForm {
			return searchForm{Lang: lang, Action: action, Q: q, ID: id, Compact: compact}
		},
		"formWith": func(lang, action, q, id string, compact bool, hidden [][2]string) searchForm {
			return searchForm{Lang: lang, Action: action, Q: q, ID: id, Compact: compact, Hidden: hidden}
		},
		"kindLabel":  kindLabel,
		"kindName":   kindName,
		"tenantName": s.tenantName,
		"size":       humanSize,
		"upper":      strings.ToUpper,
		"day": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(seoulTime).Format("2006-01-02")
		},
	}
}

// searchForm is what the searchform partial needs. ID tells two forms on
// one page apart (their inputs need distinct ids for their labels); Hidden
// carries the filters in force.
type searchForm struct {
	Lang, Action, Q, ID string
	Compact             bool
	Hidden              [][2]string
}

// seoulTime is Korea Standard Time, fixed (Korea keeps no daylight saving),
// so dates show as Korean readers expect without the tz database.
var seoulTime = time.FixedZone("KST", 9*3600)

// tenantName is the name of the tenant with the given slug in lang, or the
// slug itself for a tenant the registry does not know (any more).
func (s *Server) tenantName(lang, slug string) string {
	t, err := s.registry.Get(slug)
	if err != nil {
		return slug
	}
	return t.Name(lang)
}

// humanSize writes a byte count for people: 980 B, 12.3 KB, 2.6 MB.
func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, suffix := float64(n)/unit, "KB"
	for _, s := range []string{"MB", "GB", "TB"} {
		if v < unit {
			break
		}
		v, suffix = v/unit, s
	}
	if v < 10 {
		return fmt.Sprintf("%.1f %s", v, suffix)
	}
	return fmt.Sprintf("%.0f %s", v, suffix)
}

// page is what every page template gets: the language, the title, the
// same page in the other language, and the value of the search box.
type page struct {
	Lang      string
	Title     string
	OtherLang string
	LangURL   string
	Q         string
}

func newPage(c *fiber.Ctx, lang, title string) page {
	other := langEn
	if lang == langEn {
		other = langKo
	}
	v := url.Values{}
	c.Request().URI().QueryArgs().VisitAll(func(k, val []byte) {
		v.Add(string(k), string(val))
	})
	v.Set("lang", other)
	// A link relative to the page itself: built from the raw path, a request
	// for //host/x would make it point to another site.
	return page{Lang: lang, Title: title, OtherLang: other, LangURL: "?" + v.Encode()}
}

// render executes a page template into a buffer first, so a failing
// template sends an error page rather than half a page.
func (s *Server) render(c *fiber.Ctx, status int, name string, data any) error {
	t, ok := s.pages.byName[name]
	if !ok {
		return fmt.Errorf("web: no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderContentLanguage, pageLang(data))
	// Pages vary by the language cookie; do not let shared caches mix them.
	c.Set(fiber.HeaderVary, "Cookie")
	return c.Status(status).Send(buf.Bytes())
}

func pageLang(data any) string {
	if p, ok := data.(interface{ lang() string }); ok {
		return p.lang()
	}
	return langKo
}

func (p page) lang() string { return p.Lang }

// renderError writes the error page. It must not fail on a broken template
// of another page, so it falls back to plain text.
func (s *Server) renderError(c *fiber.Ctx, status int, msg string) error {
	lang := language(c)
	data := struct {
		page
		Status  int
		Message string
	}{newPage(c, lang, labelf(lang, "error_status", status)), status, msg}
	if err := s.render(c, status, "error", data); err != nil {
		s.log.Error("web: error page failed", "err", err)
		return c.Status(status).SendString(msg)
	}
	return nil
}
