package server_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/kehucrm/kehu/internal/server"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

// env is a real kehu handler on a real, migrated database, reached over
// real HTTP. Every API response it sees is checked against the OpenAPI
// document.
type env struct {
	t        *testing.T
	db       *store.DB
	srv      *server.Server
	http     *httptest.Server
	contract *contract
	logs     *syncBuffer
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	logs := &syncBuffer{}
	srv, err := server.New(db, server.Options{Version: "test", Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler)
	t.Cleanup(hs.Close)
	return &env{t: t, db: db, srv: srv, http: hs, contract: loadContract(t), logs: logs}
}

// each runs fn against a server on SQLite and on PostgreSQL.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	storetest.Each(t, func(t *testing.T, db *store.DB) { fn(t, newEnv(t, db)) })
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (e *env) do(method, path string, body io.Reader, header map[string]string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.http.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := *e.http.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	r := response{Status: res.StatusCode, Header: res.Header, Body: b}
	p := req.URL.Path
	if isAPIPath(p) {
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			e.t.Errorf("%s %s: Content-Type %q, want JSON", method, path, ct)
		}
		if err := e.contract.check(method, p, res.StatusCode, b); err != nil {
			if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed {
				err = e.contract.checkError(b) // unknown routes have no operation, but must carry the error body
			}
			if err != nil {
				e.t.Error(err)
			}
		}
	}
	return r
}

func (e *env) get(path string) response { return e.do("GET", path, nil, nil) }

func isAPIPath(p string) bool {
	return strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz"
}

func newEnvSQLite(t *testing.T) *env { return newEnv(t, storetest.Open(t, store.SQLite)) }
