package httpx

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// Idempotency keys, as Stripe has them: a client sends Idempotency-Key
// with a POST that creates something, and a retry with the same key and
// the same request, within IdempotencyTTL, gets the first response again
// (with Idempotent-Replayed: true) instead of creating a second time.
const (
	// IdempotencyKeyHeader names the request header.
	IdempotencyKeyHeader = "Idempotency-Key"
	// IdempotentReplayedHeader is "true" on a replayed response.
	IdempotentReplayedHeader = "Idempotent-Replayed"
	// IdempotencyTTL is how long an outcome is replayed.
	IdempotencyTTL = 24 * time.Hour
	// IdempotencyLease is how long a request in flight holds its key; a
	// server that stops mid-request frees it after this.
	IdempotencyLease = 10 * time.Minute
	// MaxIdempotencyKeyLen is the longest key accepted.
	MaxIdempotencyKeyLen = 255
)

// IdempotentOutcome is what is kept of a request made with a key.
type IdempotentOutcome struct {
	Fingerprint string      // the request: method, path, query and body
	Status      int         // 0 while the first request is in flight
	Header      http.Header // the response headers that are replayed
	Body        []byte
}

// IdempotencyStore keeps keys per scope (a user, or the address of an
// anonymous caller).
type IdempotencyStore interface {
	// Claim claims the key for a request; when it cannot, it returns what
	// is kept under the key.
	Claim(ctx context.Context, scope, key, fingerprint string, now time.Time) (claimed bool, kept IdempotentOutcome, err error)
	// Finish keeps the outcome of the request that claimed the key.
	Finish(ctx context.Context, scope, key string, out IdempotentOutcome) error
	// Release frees a claimed key whose request had no effect.
	Release(ctx context.Context, scope, key string) error
}

// replayedHeaders are the response headers kept with an outcome; the
// others (request ID, rate limits, security headers) belong to each
// response.
var replayedHeaders = []string{"Content-Type", "Content-Language", "Location", "ETag", "Last-Modified"}

// spoolInMemory is the largest request body held in memory while its
// fingerprint is taken; a larger one (an upload) goes to a temporary file.
const spoolInMemory = 1 << 20

// Idempotency returns the middleware that honours Idempotency-Key on the
// routes given as ServeMux patterns ("POST /api/v1/customers"). Requests
// without the header, and routes not listed, pass untouched.
//
// A key is claimed before the request runs, per caller: the signed-in
// user, or the client address for an anonymous caller (the public
// complaint form). Then:
//   - a 2xx outcome is kept for IdempotencyTTL and replayed, status, body
//     and the headers above, with Idempotent-Replayed: true, to every retry
//     with the same key and the same request;
//   - the same key with another request (method, path, query or body) is
//     refused with 422;
//   - a retry while the first request is still in flight is refused with
//     409 and Retry-After (it does not wait);
//   - a request that failed (any status other than 2xx) had no effect: its
//     key is released, so the same request may be retried with it.
//
// maxBody bounds the request bodies read to take their fingerprint (413
// beyond it).
func Idempotency(store IdempotencyStore, sealer crm.Sealer, routes []string, maxBody int64) Middleware {
	mux := http.NewServeMux()
	for _, p := range routes {
		mux.Handle(p, http.NotFoundHandler())
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := r.Header.Get(IdempotencyKeyHeader)
			if key == "" && len(r.Header.Values(IdempotencyKeyHeader)) == 0 {
				next.ServeHTTP(w, r)
				return
			}
			if _, pattern := mux.Handler(r); pattern == "" {
				next.ServeHTTP(w, r) // the key means nothing here, as on GET
				return
			}
			if !validIdempotencyKey(key) || len(r.Header.Values(IdempotencyKeyHeader)) > 1 {
				WriteError(w, r, crm.Fail(crm.EBadRequest, "idempotency.key_invalid", MaxIdempotencyKeyLen))
				return
			}
			scope := idempotencyScope(r)
			limit := maxBody
			if strings.HasPrefix(scope, "ip:") {
				// Anonymous callers post small forms; a large body from one
				// goes on unread, for the handler to refuse (401 or 413),
				// rather than to disk.
				limit = spoolInMemory
			}
			body, err := spool(r.Body, limit)
			var tooLarge *tooLargeBody
			if errors.As(err, &tooLarge) && strings.HasPrefix(scope, "ip:") {
				r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(tooLarge.head), r.Body))
				next.ServeHTTP(w, r)
				return
			}
			if err != nil {
				WriteError(w, r, err)
				return
			}
			defer body.Close()
			fp, err := fingerprint(r, body)
			if err != nil {
				WriteError(w, r, err)
				return
			}
			if _, err := body.Seek(0, io.SeekStart); err != nil {
				WriteError(w, r, err)
				return
			}
			r.Body = io.NopCloser(body)

			ctx := r.Context()
			claimed, kept, err := store.Claim(ctx, scope, key, fp, crm.Now(ctx))
			if err != nil {
				WriteError(w, r, err)
				return
			}
			if !claimed {
				replay(w, r, sealer, scope, key, fp, kept)
				return
			}
			run(w, r, next, store, sealer, scope, key, fp)
		})
	}
}

// run serves a request that claimed its key and keeps or releases the
// key after it, whatever happens (the client leaving, a panic).
func run(w http.ResponseWriter, r *http.Request, next http.Handler, store IdempotencyStore, sealer crm.Sealer, scope, key, fp string) {
	rec := &recordingWriter{ResponseWriter: w}
	bg := context.WithoutCancel(r.Context())
	kept := false
	defer func() {
		if kept {
			return
		}
		if err := store.Release(bg, scope, key); err != nil {
			Logger(bg).Error("idempotency: release key", "error", err.Error())
		}
	}()
	next.ServeHTTP(rec, r)
	status := rec.Status()
	if status < 200 || status > 299 {
		return
	}
	out := IdempotentOutcome{Fingerprint: fp, Status: status, Header: http.Header{}, Body: rec.body.Bytes()}
	for _, h := range replayedHeaders {
		if v := rec.Header().Values(h); len(v) > 0 {
			out.Header[http.CanonicalHeaderKey(h)] = v
		}
	}
	sealed, err := seal(sealer, scope, key, out.Body)
	if err != nil {
		Logger(bg).Error("idempotency: seal outcome", "error", err.Error())
		return
	}
	out.Body = sealed
	if err := store.Finish(bg, scope, key, out); err != nil {
		Logger(bg).Error("idempotency: keep outcome", "error", err.Error())
		return
	}
	kept = true
}

// replay answers a request whose key is taken: the kept outcome, or why
// there is none to give.
func replay(w http.ResponseWriter, r *http.Request, sealer crm.Sealer, scope, key, fp string, kept IdempotentOutcome) {
	switch {
	case kept.Fingerprint != fp:
		WriteError(w, r, crm.Fail(crm.EInvalid, "idempotency.key_reused"))
		return
	case kept.Status == 0:
		e := crm.Fail(crm.EConflict, "idempotency.in_flight")
		e.RetryAfter = time.Second
		WriteError(w, r, e)
		return
	}
	body, err := unseal(sealer, scope, key, kept.Body)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	for _, h := range replayedHeaders {
		if v := kept.Header.Values(h); len(v) > 0 {
			w.Header()[http.CanonicalHeaderKey(h)] = v
		}
	}
	w.Header().Set(IdempotentReplayedHeader, "true")
	w.WriteHeader(kept.Status)
	_, _ = w.Write(body)
}

// validIdempotencyKey: 1 to MaxIdempotencyKeyLen visible ASCII characters
// (a UUID, as most clients send, fits).
func validIdempotencyKey(k string) bool {
	if k == "" || len(k) > MaxIdempotencyKeyLen {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// idempotencyScope is whose keys a request's key is among: the signed-in
// user's, else the client address's.
func idempotencyScope(r *http.Request) string {
	if p, ok := crm.PrincipalFrom(r.Context()); ok {
		return "user:" + strconv.FormatInt(p.UserID, 10)
	}
	return "ip:" + ClientIP(r)
}

// seal encrypts a kept response body: a creating response may hold what
// only its caller may read (a public complaint's tracking token).
func seal(s crm.Sealer, scope, key string, body []byte) ([]byte, error) {
	if s == nil {
		return []byte(base64.StdEncoding.EncodeToString(body)), nil
	}
	c, err := s.Encrypt(body, []byte("idempotency\x00"+scope+"\x00"+key))
	return []byte(c), err
}

func unseal(s crm.Sealer, scope, key string, body []byte) ([]byte, error) {
	if s == nil {
		return base64.StdEncoding.DecodeString(string(body))
	}
	return s.Decrypt(string(body), []byte("idempotency\x00"+scope+"\x00"+key))
}

// spooled is a request body read once, to be read again by the handler.
type spooled interface {
	io.ReadSeeker
	io.Closer
}

type memBody struct{ *bytes.Reader }

func (memBody) Close() error { return nil }

type fileBody struct{ *os.File }

func (f fileBody) Close() error {
	err := f.File.Close()
	_ = os.Remove(f.Name())
	return err
}

// spool reads body whole: into memory up to spoolInMemory, beyond that
// into a temporary file; more than limit bytes is refused with 413.
func spool(body io.Reader, limit int64) (spooled, error) {
	if body == nil || body == http.NoBody {
		return memBody{bytes.NewReader(nil)}, nil
	}
	head, err := io.ReadAll(io.LimitReader(body, spoolInMemory+1))
	if err != nil {
		return nil, crm.Fail(crm.EBadRequest, "idempotency.body_unreadable")
	}
	if len(head) <= spoolInMemory {
		return memBody{bytes.NewReader(head)}, nil
	}
	if limit <= spoolInMemory {
		return nil, &tooLargeBody{head: head, limit: limit}
	}
	f, err := os.CreateTemp("", "kehu-idempotent-*")
	if err != nil {
		return nil, err
	}
	fb := fileBody{f}
	n, err := io.Copy(f, io.MultiReader(bytes.NewReader(head), io.LimitReader(body, limit-int64(len(head))+1)))
	switch {
	case err != nil:
		fb.Close()
		return nil, crm.Fail(crm.EBadRequest, "idempotency.body_unreadable")
	case n > limit:
		fb.Close()
		return nil, crm.Fail(crm.ETooLarge, "http.request_body_larger_than", limit)
	}
	return fb, nil
}

// tooLargeBody is a body over a limit within memory: what was read of it.
type tooLargeBody struct {
	head  []byte
	limit int64
}

func (e *tooLargeBody) Error() string {
	return fmt.Sprintf("the request body is larger than %d bytes", e.limit)
}

// Unwrap makes it the 413 it is when it reaches WriteError.
func (e *tooLargeBody) Unwrap() error {
	return crm.Fail(crm.ETooLarge, "http.request_body_larger_than", e.limit)
}

// fingerprint is the SHA-256 of what makes a request the same request:
// method, path, query, media type and body. A JSON body counts by its
// value (key order and spacing aside) and a multipart form by its parts
// (the random boundary aside), so a client that builds the same request
// again matches.
func fingerprint(r *http.Request, body io.ReadSeeker) (string, error) {
	h := sha256.New()
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	writeField(h, []byte(r.Method))
	writeField(h, []byte(r.URL.EscapedPath()))
	writeField(h, []byte(r.URL.RawQuery))
	writeField(h, []byte(mt))
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		if canonicalJSON(h, body) {
			return hex.EncodeToString(h.Sum(nil)), nil
		}
	case mt == "multipart/form-data" && params["boundary"] != "":
		parts := sha256.New()
		if hashParts(parts, body, params["boundary"]) {
			writeField(h, parts.Sum(nil))
			return hex.EncodeToString(h.Sum(nil)), nil
		}
	}
	// Any other body, or one that does not parse: its bytes.
	if _, err := body.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	raw := sha256.New()
	if _, err := io.Copy(raw, body); err != nil {
		return "", err
	}
	writeField(h, []byte("raw"))
	writeField(h, raw.Sum(nil))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeField writes b with its length, so fields cannot run into each other.
func writeField(h hash.Hash, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}

// canonicalJSON writes the body's JSON value with its object keys sorted;
// false when the body is not one JSON value (the handler refuses it).
func canonicalJSON(h hash.Hash, body io.ReadSeeker) bool {
	if _, err := body.Seek(0, io.SeekStart); err != nil {
		return false
	}
	dec := json.NewDecoder(io.LimitReader(body, spoolInMemory+1))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return false
	}
	b, err := json.Marshal(v) // maps marshal with sorted keys
	if err != nil {
		return false
	}
	writeField(h, []byte("json"))
	writeField(h, b)
	return true
}

// hashParts writes each part of a multipart form: its name, file name,
// content type and content.
func hashParts(h hash.Hash, body io.ReadSeeker, boundary string) bool {
	if _, err := body.Seek(0, io.SeekStart); err != nil {
		return false
	}
	mr := multipart.NewReader(body, boundary)
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return false
		}
		writeField(h, []byte(p.FormName()))
		writeField(h, []byte(p.FileName()))
		writeField(h, []byte(p.Header.Get("Content-Type")))
		content := sha256.New()
		if _, err := io.Copy(content, p); err != nil {
			return false
		}
		writeField(h, content.Sum(nil))
	}
}

// recordingWriter passes the response on and keeps a copy of it.
type recordingWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *recordingWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

// Status is the status written, 200 when none was written explicitly.
func (w *recordingWriter) Status() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
