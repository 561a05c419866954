package httpx

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
)

// apiWriter is the response writer of an API route. It sends the
// RateLimit-* headers (draft-ietf-httpapi-ratelimit-headers) of the limit
// the request was counted against, and makes GETs of single resources
// conditional: the JSON answer gets an ETag (the record's version, set by
// the handler, or a hash of the body) and a matching If-None-Match is
// answered 304 without a body. Other answers (files, exports, lists) pass
// through as they are written.
type apiWriter struct {
	http.ResponseWriter
	r           *http.Request
	limits      *crm.RateLimits
	conditional bool

	wrote  bool
	status int
	buf    *bytes.Buffer // the body of a conditional answer, held until finish
}

func (w *apiWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	h := w.Header()
	if l, ok := w.limits.Tightest(); ok {
		reset := max(int(l.Reset.Sub(crm.Now(w.r.Context())).Seconds()+0.999), 0)
		h.Set("RateLimit-Limit", strconv.Itoa(l.Limit))
		h.Set("RateLimit-Remaining", strconv.Itoa(l.Remaining))
		h.Set("RateLimit-Reset", strconv.Itoa(reset))
		if code == http.StatusTooManyRequests && h.Get("Retry-After") == "" {
			h.Set("Retry-After", strconv.Itoa(max(reset, 1)))
		}
	}
	if w.conditional && code == http.StatusOK && strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		w.status, w.buf = code, &bytes.Buffer{}
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *apiWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.buf != nil {
		return w.buf.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// finish sends a held conditional answer: 304 when If-None-Match names
// its ETag, else the answer with its ETag.
func (w *apiWriter) finish() {
	if w.buf == nil {
		return
	}
	h := w.Header()
	etag := h.Get("ETag")
	if etag == "" {
		sum := sha256.Sum256(w.buf.Bytes())
		etag = `"` + hex.EncodeToString(sum[:12]) + `"`
		h.Set("ETag", etag)
	}
	if noneMatch(w.r.Header.Get("If-None-Match"), etag) {
		h.Del("Content-Type")
		h.Del("Content-Length")
		w.ResponseWriter.WriteHeader(http.StatusNotModified)
		return
	}
	w.ResponseWriter.WriteHeader(w.status)
	_, _ = w.ResponseWriter.Write(w.buf.Bytes())
}

// noneMatch reports whether an If-None-Match header names etag, by the
// weak comparison RFC 9110 §13.1.2 asks for, or is "*".
func noneMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	if strings.TrimSpace(header) == "*" {
		return true
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == want {
			return true
		}
	}
	return false
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *apiWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
