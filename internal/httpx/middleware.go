package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

type ctxKey int

const (
	reqInfoKey ctxKey = iota
)

// reqInfo travels in the request context. The route is filled in by the
// router when a route matches, so outer middleware (logs, metrics) can read
// it after the handler returns even though the request was copied on the way.
type reqInfo struct {
	id     string
	route  string
	logger *slog.Logger
}

func info(ctx context.Context) *reqInfo {
	ri, _ := ctx.Value(reqInfoKey).(*reqInfo)
	return ri
}

// RequestID returns the ID of the request in ctx, or "".
func RequestID(ctx context.Context) string {
	if ri := info(ctx); ri != nil {
		return ri.id
	}
	return ""
}

// Route returns the matched route pattern of the request in ctx, or
// "unmatched".
func Route(ctx context.Context) string {
	if ri := info(ctx); ri != nil && ri.route != "" {
		return ri.route
	}
	return "unmatched"
}

// SetRoute records the matched route pattern for logs and metrics.
func SetRoute(ctx context.Context, pattern string) {
	if ri := info(ctx); ri != nil {
		ri.route = pattern
	}
}

// Logger returns the request's logger (with its request_id), or the default.
func Logger(ctx context.Context) *slog.Logger {
	if ri := info(ctx); ri != nil && ri.logger != nil {
		return ri.logger
	}
	return slog.Default()
}

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain wraps h in ms; the first middleware is the outermost.
func Chain(h http.Handler, ms ...Middleware) http.Handler {
	for i := len(ms) - 1; i >= 0; i-- {
		h = ms[i](h)
	}
	return h
}

// RequestIDs gives each request an ID: the caller's X-Request-ID when it is
// short and plain, otherwise a new random one. The ID is echoed in the
// response header and carried by every log line of the request.
func RequestIDs(log *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := r.Header.Get("X-Request-ID")
			if !plainID(id) {
				id = newID()
			}
			w.Header().Set("X-Request-ID", id)
			ri := &reqInfo{id: id, logger: log.With(slog.String("request_id", id))}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), reqInfoKey, ri)))
		})
	}
}

func plainID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ContentSecurityPolicy allows only the server's own scripts, styles and
// images; no inline script, no framing.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders sets the headers every response carries.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if overHTTPS(r) { // itself, or behind a proxy at an https public URL
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// Recover turns a panic in a handler into a logged 500 with the error body,
// so one bad request never takes the server down.
func Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				Logger(r.Context()).Error("panic", slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
				WriteError(w, r, crm.Fail(crm.EInternal, "http.internal_error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// AccessLog logs one line per request: method, route pattern, status,
// duration and size. It logs the route pattern, never the path or query,
// which may carry names or phone numbers.
func AccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		Logger(r.Context()).Info("request",
			slog.String("method", r.Method),
			slog.String("route", Route(r.Context())),
			slog.Int("status", sw.Status()),
			slog.Int64("bytes", sw.bytes),
			slog.Duration("duration", time.Since(start)))
	})
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Status returns the status written, 200 if none was written explicitly.
func (w *statusWriter) Status() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// RejectNUL refuses a path or query holding a NUL character with 400:
// PostgreSQL cannot store one in text, SQLite would, and neither is ever
// meant.
func RejectNUL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "\x00") || strings.Contains(strings.ToLower(r.URL.RawQuery), "%00") || strings.Contains(r.URL.RawQuery, "\x00") {
			WriteError(w, r, crm.Fail(crm.EBadRequest, "http.address_contains_nul_character"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
