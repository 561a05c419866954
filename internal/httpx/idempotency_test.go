package httpx_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
)

// memKeys is an IdempotencyStore in memory.
type memKeys struct {
	mu   sync.Mutex
	kept map[string]httpx.IdempotentOutcome
}

func (m *memKeys) Claim(_ context.Context, scope, key, fp string, _ time.Time) (bool, httpx.IdempotentOutcome, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if k, ok := m.kept[scope+"/"+key]; ok {
		return false, k, nil
	}
	m.kept[scope+"/"+key] = httpx.IdempotentOutcome{Fingerprint: fp}
	return true, httpx.IdempotentOutcome{}, nil
}

func (m *memKeys) Finish(_ context.Context, scope, key string, out httpx.IdempotentOutcome) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.kept[scope+"/"+key] = out
	return nil
}

func (m *memKeys) Release(_ context.Context, scope, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.kept, scope+"/"+key)
	return nil
}

// creator counts what it creates and answers 201 with the count and the
// body it read; a body "fail" gets a 422 and creates nothing.
type creator struct {
	mu      sync.Mutex
	created int
	started chan struct{} // when set, a request says it started on it,
	hold    chan struct{} // then waits on hold
}

func (c *creator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if c.hold != nil {
		c.started <- struct{}{}
		<-c.hold
	}
	b, _ := io.ReadAll(r.Body)
	if string(b) == `"fail"` {
		httpx.WriteError(w, r, crm.Fail(crm.EInvalid, "http.internal_error"))
		return
	}
	c.mu.Lock()
	c.created++
	n := c.created
	c.mu.Unlock()
	w.Header().Set("Location", fmt.Sprintf("/things/%d", n))
	w.Header().Set("X-Per-Response", "x")
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"id": n, "len": len(b)})
}

func idempotentHandler(c *creator) (http.Handler, *memKeys) {
	keys := &memKeys{kept: map[string]httpx.IdempotentOutcome{}}
	mw := httpx.Idempotency(keys, nil, []string{"POST /things", "POST /things/{id}/parts"}, 8<<20)
	inner := mw(c)
	// Requests come from user 7, unless they say they are anonymous.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Anonymous") == "" {
			r = r.WithContext(crm.WithPrincipal(r.Context(), crm.Principal{UserID: 7, Role: crm.RoleGM}))
		}
		inner.ServeHTTP(w, r)
	}), keys
}

func post(h http.Handler, path, key, contentType string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", path, bytes.NewReader(body))
	if key != "" {
		r.Header.Set("Idempotency-Key", key)
	}
	r.Header.Set("Content-Type", contentType)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestIdempotencyReplaysTheFirstOutcomeWithoutASecondEffect(t *testing.T) {
	c := &creator{}
	h, _ := idempotentHandler(c)
	first := post(h, "/things", "k-1", "application/json", []byte(`{"name":"甲","tags":["a","b"]}`))
	if first.Code != 201 || first.Header().Get("Idempotent-Replayed") != "" {
		t.Fatalf("first: %d %v", first.Code, first.Header())
	}
	// The same JSON value, keys in another order and spaced differently.
	again := post(h, "/things", "k-1", "application/json; charset=utf-8", []byte(`{ "tags": ["a","b"], "name": "甲" }`))
	if again.Code != 201 || again.Body.String() != first.Body.String() || again.Header().Get("Location") != "/things/1" ||
		again.Header().Get("Idempotent-Replayed") != "true" || again.Header().Get("X-Per-Response") != "" {
		t.Errorf("replay: %d %v %s, want the first response again", again.Code, again.Header(), again.Body)
	}
	if c.created != 1 {
		t.Errorf("created %d, want 1", c.created)
	}
	if other := post(h, "/things", "k-2", "application/json", []byte(`{"name":"甲","tags":["a","b"]}`)); other.Code != 201 || c.created != 2 {
		t.Errorf("a new key: %d, created %d; want a second creation", other.Code, c.created)
	}
	if none := post(h, "/things", "", "application/json", []byte(`{}`)); none.Code != 201 || c.created != 3 {
		t.Errorf("no key: %d, created %d", none.Code, c.created)
	}
}

func TestIdempotencyRefusesTheSameKeyWithAnotherRequest(t *testing.T) {
	c := &creator{}
	h, _ := idempotentHandler(c)
	post(h, "/things", "k", "application/json", []byte(`{"name":"甲"}`))
	for name, tc := range map[string]struct{ path, body string }{
		"another body": {"/things", `{"name":"乙"}`},
		"another path": {"/things/1/parts", `{"name":"甲"}`},
		"a query":      {"/things?x=1", `{"name":"甲"}`},
	} {
		w := post(h, tc.path, "k", "application/json", []byte(tc.body))
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Idempotency-Key") {
			t.Errorf("%s: %d %s, want 422 naming the key", name, w.Code, w.Body)
		}
	}
	if c.created != 1 {
		t.Errorf("created %d, want 1", c.created)
	}
}

func TestIdempotencyReleasesTheKeyOfAFailedRequest(t *testing.T) {
	c := &creator{}
	h, keys := idempotentHandler(c)
	if w := post(h, "/things", "k", "application/json", []byte(`"fail"`)); w.Code != 422 {
		t.Fatalf("failing request: %d", w.Code)
	}
	if len(keys.kept) != 0 {
		t.Errorf("a failed request's key is kept: %v", keys.kept)
	}
	if w := post(h, "/things", "k", "application/json", []byte(`{"fixed":true}`)); w.Code != 201 || w.Header().Get("Idempotent-Replayed") != "" {
		t.Errorf("the corrected request with the same key: %d %v", w.Code, w.Header())
	}
}

func TestIdempotencyAnswers409WhileTheFirstRequestIsInFlight(t *testing.T) {
	c := &creator{started: make(chan struct{}), hold: make(chan struct{})}
	h, _ := idempotentHandler(c)
	done := make(chan *httptest.ResponseRecorder)
	go func() { done <- post(h, "/things", "k", "application/json", []byte(`{}`)) }()
	<-c.started // the first request holds the key
	w := post(h, "/things", "k", "application/json", []byte(`{}`))
	if w.Code != http.StatusConflict || w.Header().Get("Retry-After") == "" {
		t.Errorf("while the first is in flight: %d %v, want 409 with Retry-After", w.Code, w.Header())
	}
	close(c.hold)
	if first := <-done; first.Code != 201 {
		t.Fatalf("first: %d", first.Code)
	}
	if w := post(h, "/things", "k", "application/json", []byte(`{}`)); w.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("after the first finished: %d %v, want a replay", w.Code, w.Header())
	}
}

func TestIdempotencyMatchesAMultipartFormByItsPartsAndSpoolsLargeBodies(t *testing.T) {
	c := &creator{}
	h, _ := idempotentHandler(c)
	file := bytes.Repeat([]byte("客户,"), 600_000) // over a megabyte: spooled to a file
	form := func(content []byte) (string, []byte) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b) // a new random boundary each time
		fw, _ := mw.CreateFormFile("file", "客户.csv")
		fw.Write(content)
		mw.WriteField("mapping", `{"name":"A"}`)
		mw.Close()
		return mw.FormDataContentType(), b.Bytes()
	}
	ct, body := form(file)
	first := post(h, "/things", "up", ct, body)
	if first.Code != 201 || !strings.Contains(first.Body.String(), fmt.Sprintf(`"len":%d`, len(body))) {
		t.Fatalf("first upload: %d %s (the handler must read the whole body, %d bytes)", first.Code, first.Body, len(body))
	}
	ct, body = form(file)
	if again := post(h, "/things", "up", ct, body); again.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("the same form with another boundary: %d %s, want a replay", again.Code, again.Body)
	}
	ct, body = form(append(file, 'x'))
	if other := post(h, "/things", "up", ct, body); other.Code != 422 {
		t.Errorf("another file under the same key: %d, want 422", other.Code)
	}
	if c.created != 1 {
		t.Errorf("created %d, want 1", c.created)
	}
}

func TestIdempotencyKeyMustBeShortVisibleASCII(t *testing.T) {
	c := &creator{}
	h, _ := idempotentHandler(c)
	for _, key := range []string{strings.Repeat("k", 256), "has space", "键"} {
		if w := post(h, "/things", key, "application/json", []byte(`{}`)); w.Code != 400 {
			t.Errorf("key %q: %d, want 400", key, w.Code)
		}
	}
	if w := post(h, "/things", strings.Repeat("k", 255), "application/json", []byte(`{}`)); w.Code != 201 {
		t.Errorf("a 255-character key: %d", w.Code)
	}
	// On a route that takes no key, the header is ignored.
	r := httptest.NewRequest("POST", "/other", strings.NewReader(`{}`))
	r.Header.Set("Idempotency-Key", "has space")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 201 || c.created != 2 {
		t.Errorf("a route without keys: %d", w.Code)
	}
}

func TestIdempotencyKeysOfAnonymousCallersAreTheirAddressesAndTheirBodiesStaySmall(t *testing.T) {
	c := &creator{}
	h, keys := idempotentHandler(c)
	send := func(body []byte) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/things", bytes.NewReader(body))
		r.Header.Set("Idempotency-Key", "anon")
		r.Header.Set("X-Anonymous", "yes")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	if first, again := send([]byte(`{"a":1}`)), send([]byte(`{"a":1}`)); again.Header().Get("Idempotent-Replayed") != "true" || first.Body.String() != again.Body.String() {
		t.Errorf("anonymous retry: %d %s", again.Code, again.Body)
	}
	if _, ok := keys.kept["ip:192.0.2.1/anon"]; !ok {
		t.Errorf("the anonymous key is not kept under the caller's address: %v", keys.kept)
	}
	// Over a megabyte, an anonymous body goes to the handler whole and
	// unkept (the handler refuses what it does not take).
	big := bytes.Repeat([]byte("x"), 1<<20+10)
	if w := send(big); w.Code != 201 || !strings.Contains(w.Body.String(), fmt.Sprintf(`"len":%d`, len(big))) {
		t.Errorf("a large anonymous body: %d %s", w.Code, w.Body)
	}
	if w := send(big); w.Header().Get("Idempotent-Replayed") != "" || c.created != 3 {
		t.Errorf("a large anonymous body was replayed: %d %v", w.Code, w.Header())
	}
}
