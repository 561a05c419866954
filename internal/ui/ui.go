// Package ui serves Kehu's web pages: server-rendered html/template pages,
// parsed once at start from embedded files, in zh-CN or English, with the
// front-end packages (htmx, ECharts, Pico CSS) embedded from static/vendor.
package ui

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/app"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/httpx"
)

//go:embed templates/*.html
var templatesFS embed.FS

//go:embed all:static
var staticFS embed.FS

// vendorFiles are the front-end files `make assets` copies from npm.
var vendorFiles = []string{"htmx.min.js", "echarts.min.js", "pico.min.css"}

// ErrAssetsMissing is returned when the binary was built without the
// front-end packages.
var ErrAssetsMissing = errors.New("the web UI's front-end packages are missing from this build: run `make assets` (or `make build`, which runs it) and build again")

// UI is the web interface.
type UI struct {
	svc       *app.Services
	identity  *identity.Service
	calendars *crm.Calendars
	pages     map[string]*template.Template
	msgs      catalog
	static    http.Handler
	version   string
	loc       *time.Location
}

// New parses every template and checks that the front-end assets are
// present, so a broken build fails at start, not on a user's click.
func New(svc *app.Services, version string, loc *time.Location) (*UI, error) {
	if err := checkAssets(staticFS); err != nil {
		return nil, err
	}
	msgs, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	u := &UI{svc: svc, identity: svc.Identity, calendars: svc.Calendars, msgs: msgs, version: version, loc: loc, pages: map[string]*template.Template{}}
	// Every template but the layout is a page, named after its file.
	files, err := fs.Glob(templatesFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(template.FuncMap{"json": toJSON, "weekdays": splitComma, "deref": derefInt}).
			ParseFS(templatesFS, "templates/layout.html", f)
		if err != nil {
			return nil, fmt.Errorf("ui: template %s: %w", name, err)
		}
		u.pages[name] = t
	}
	sub, _ := fs.Sub(staticFS, "static")
	u.static = http.StripPrefix("/static/", http.FileServerFS(sub))
	return u, nil
}

// checkAssets makes sure every vendored front-end file is in fsys.
func checkAssets(fsys fs.FS) error {
	for _, f := range vendorFiles {
		if _, err := fs.Stat(fsys, "static/vendor/"+f); err != nil {
			return fmt.Errorf("%w (static/vendor/%s not found)", ErrAssetsMissing, f)
		}
	}
	return nil
}

// Register adds the UI's routes.
func (u *UI) Register(rt *httpx.Router) {
	rt.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		u.static.ServeHTTP(w, r)
	}))
	rt.Handle("POST /lang", u.public(u.setLang))
	rt.Handle("GET /login", u.public(u.loginPage))
	rt.Handle("POST /login", u.public(u.loginSubmit))
	rt.Handle("POST /logout", u.public(u.logout))
	rt.Handle("GET /{$}", u.private(u.home))
	u.registerAdmin(rt)
	u.registerCalendar(rt)
	u.registerAccess(rt)
	u.registerCustomers(rt)
	u.registerComplain(rt)
	u.registerImports(rt)
	u.registerComplaints(rt)
	u.registerServiceOrders(rt)
	u.registerSatisfaction(rt)
	u.registerSales(rt)
	u.registerEvents(rt)
	u.registerCalls(rt)
	u.registerDealers(rt)
	u.registerTiers(rt)
	u.registerDuties(rt)
	u.registerWorkflows(rt)
	u.registerOrders(rt)
	u.registerShipping(rt)
	u.registerProjects(rt)
	u.registerCare(rt)
	u.registerVisits(rt)
	u.registerLeads(rt)
	rt.NotFound(u.public(u.notFound))
}

// view is what every page template receives.
type view struct {
	Lang    string
	Title   string
	Path    string
	Nav     []navItem
	Version string
	User    string // the signed-in username, "" on the sign-in page
	Data    any

	msgs catalog
	loc  *time.Location
	role crm.Role
}

// Can reports whether the signed-in user's role may take action a (a
// crm.Action's text), for a page to offer only what the role may use.
func (v *view) Can(a string) bool { return v.role.Can(crm.Action(a)) }

// T returns the message for key in the page's language.
func (v *view) T(key string, args ...any) string { return v.msgs.text(v.Lang, key, args...) }

// Time shows t in the company's time zone (China Standard Time).
func (v *view) Time(t time.Time) string { return t.In(v.loc).Format("2006-01-02 15:04") }

// render writes page with data under status; it returns the template's
// error before anything is written, for the caller to return.
func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, page, titleKey string, data any) error {
	v := &view{Lang: langOf(r), Path: r.URL.Path, Version: u.version, Data: data, msgs: u.msgs, loc: u.loc}
	v.Title = v.T(titleKey)
	if p, ok := crm.PrincipalFrom(r.Context()); ok {
		v.User, v.role = p.Username, p.Role
		v.Nav = navFor(v, p.Role)
	}
	var buf bytes.Buffer
	if err := u.pages[page].ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// The page's language comes from these two (see langOf).
	w.Header().Add("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
	return nil
}
