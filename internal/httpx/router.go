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
	routes   []string
	notFound http.Handler
}

// NewRouter returns an empty router.
func NewRouter() *Router { return &Router{mux: http.NewServeMux()} }

// Handle registers h for a ServeMux pattern such as "GET /api/v1/x/{id}".
func (rt *Router) Handle(pattern string, h http.Handler) {
	rt.routes = append(rt.routes, pattern)
	rt.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetRoute(r.Context(), pattern)
		h.ServeHTTP(w, r)
	}))
}

// HandleFunc registers an error-returning handler.
func (rt *Router) HandleFunc(pattern string, h HandlerFunc) { rt.Handle(pattern, Handle(h)) }

// NotFound sets the handler for unknown paths outside /api/ (the web UI's
// page); without one, the mux's plain 404 stands.
func (rt *Router) NotFound(h http.Handler) { rt.notFound = h }

// Routes returns every registered pattern, sorted.
func (rt *Router) Routes() []string {
	out := append([]string(nil), rt.routes...)
	sort.Strings(out)
	return out
}

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
