package httpx

import (
	"net/http"
	"sort"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
)

// Router is the standard library ServeMux plus a record of every route,
// so tests can check the routes against the OpenAPI document, and JSON
// error bodies for unknown API routes and methods.
type Router struct {
	mux    *http.ServeMux
	routes []string
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

// Routes returns every registered pattern, sorted.
func (rt *Router) Routes() []string {
	out := append([]string(nil), rt.routes...)
	sort.Strings(out)
	return out
}

// ServeHTTP dispatches the request. When no route matches an /api/ path,
// the mux's plain-text 404 or 405 is replaced by the JSON error body.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w = &apiFallbackWriter{ResponseWriter: w, r: r}
	}
	rt.mux.ServeHTTP(w, r)
}

// apiFallbackWriter rewrites the response the mux writes by itself when no
// route matched (the route was never set).
type apiFallbackWriter struct {
	http.ResponseWriter
	r       *http.Request
	swallow bool
}

func (w *apiFallbackWriter) WriteHeader(code int) {
	if Route(w.r.Context()) != "unmatched" || (code != http.StatusNotFound && code != http.StatusMethodNotAllowed) {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.swallow = true
	var err error
	if code == http.StatusNotFound {
		err = crm.Errorf(crm.ENotFound, "no API route %s", w.r.URL.Path)
	} else {
		err = crm.Errorf(crm.ENotAllowed, "%s is not allowed on %s (allowed: %s)", w.r.Method, w.r.URL.Path, w.Header().Get("Allow"))
	}
	WriteError(w.ResponseWriter, w.r, err)
}

func (w *apiFallbackWriter) Write(b []byte) (int, error) {
	if w.swallow {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *apiFallbackWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
