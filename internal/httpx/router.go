package httpx

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// Router is the standard library ServeMux plus a record of every route,
// so tests can check the routes against the OpenAPI document, and JSON
// error bodies for unknown API routes and methods.
type Router struct {
	mux      *http.ServeMux
	routes   []RouteSpec
	notFound http.Handler
}

// NewRouter returns an empty router.
func NewRouter() *Router { return &Router{mux: http.NewServeMux()} }

// Handle registers h for a ServeMux pattern such as "GET /api/v1/x/{id}".
// A route of the API (under /api/) takes only the query parameters opts
// declare: the router answers 400 naming any other, and any value of the
// wrong shape, before h runs.
func (rt *Router) Handle(pattern string, h http.Handler, opts ...RouteOption) {
	route := RouteSpec{Pattern: pattern}
	for _, o := range opts {
		o(&route)
	}
	rt.routes = append(rt.routes, route)
	_, path, _ := strings.Cut(pattern, " ")
	strict := strings.HasPrefix(path, "/api/")
	method, _, _ := strings.Cut(pattern, " ")
	rt.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetRoute(r.Context(), pattern)
		if !strict {
			h.ServeHTTP(w, r)
			return
		}
		ctx, limits := crm.WithRateLimits(r.Context())
		r = r.WithContext(ctx)
		aw := &apiWriter{ResponseWriter: w, r: r, limits: limits, conditional: method == "GET" && !route.List}
		defer aw.finish()
		if err := route.authorize(r); err != nil {
			WriteError(aw, r, err)
			return
		}
		if r.URL.RawQuery != "" {
			if err := route.checkQuery(r.URL.Query()); err != nil {
				WriteError(aw, r, err)
				return
			}
		}
		h.ServeHTTP(aw, r)
	}))
}

// HandleFunc registers an error-returning handler.
func (rt *Router) HandleFunc(pattern string, h HandlerFunc, opts ...RouteOption) {
	rt.Handle(pattern, Handle(h), opts...)
}

// NotFound sets the handler for unknown paths outside /api/ (the web UI's
// page); without one, the mux's plain 404 stands.
func (rt *Router) NotFound(h http.Handler) { rt.notFound = h }

// Routes returns every registered pattern, sorted.
func (rt *Router) Routes() []string {
	out := make([]string, len(rt.routes))
	for i, r := range rt.routes {
		out[i] = r.Pattern
	}
	sort.Strings(out)
	return out
}

// Described returns every registered route with what it declared, in
// the order registered.
func (rt *Router) Described() []RouteSpec { return append([]RouteSpec(nil), rt.routes...) }

// ServeHTTP dispatches the request. When no route matches, the mux's
// plain-text 404 or 405 is replaced: by the JSON error body under /api/,
// by the NotFound page elsewhere.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt.mux.ServeHTTP(&fallbackWriter{ResponseWriter: w, r: r, notFound: rt.notFound}, r)
}

// fallbackWriter rewrites the response the mux writes by itself when no
// route matched (the route was never set).
type fallbackWriter struct {
	http.ResponseWriter
	r        *http.Request
	notFound http.Handler
	swallow  bool
}

func (w *fallbackWriter) WriteHeader(code int) {
	if Route(w.r.Context()) != "unmatched" || (code != http.StatusNotFound && code != http.StatusMethodNotAllowed) {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	if !strings.HasPrefix(w.r.URL.Path, "/api/") {
		if code == http.StatusMethodNotAllowed {
			// A page asked for with the wrong method: a line of plain
			// text, as the mux writes it, but in the reader's language.
			w.swallow = true
			w.ResponseWriter.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.ResponseWriter.WriteHeader(code)
			fmt.Fprintln(w.ResponseWriter, msg.Text(Lang(w.r), "http.page_not_allowed", w.r.Method))
			return
		}
		if w.notFound == nil {
			w.ResponseWriter.WriteHeader(code)
			return
		}
		w.swallow = true
		w.notFound.ServeHTTP(w.ResponseWriter, w.r)
		return
	}
	w.swallow = true
	var err error
	if code == http.StatusNotFound {
		err = crm.Fail(crm.ENotFound, "http.no_api_route", w.r.URL.Path)
	} else {
		err = crm.Fail(crm.ENotAllowed, "http.not_allowed", w.r.Method, w.r.URL.Path, w.Header().Get("Allow"))
	}
	WriteError(w.ResponseWriter, w.r, err)
}

func (w *fallbackWriter) Write(b []byte) (int, error) {
	if w.swallow {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *fallbackWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
