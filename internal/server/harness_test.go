package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/secure"
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
	keys     *secure.Keyring
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
	return newEnvWith(t, db, testAuth())
}

func newEnvWith(t *testing.T, db *store.DB, auth identity.AuthConfig) *env {
	t.Helper()
	logs := &syncBuffer{}
	keys, err := secure.LoadOrCreateKeyring(filepath.Join(t.TempDir(), secure.KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(db, server.Options{Version: "test", Logger: slog.New(slog.NewJSONHandler(logs, nil)), Auth: auth, Sealer: keys})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler)
	t.Cleanup(hs.Close)
	return &env{t: t, db: db, srv: srv, http: hs, contract: loadContract(t), logs: logs, keys: keys}
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
	if isAPIPath(p) && res.StatusCode == http.StatusNotModified {
		if len(b) != 0 {
			e.t.Errorf("%s %s: 304 with a body", method, path)
		}
	} else if isAPIPath(p) && res.StatusCode == http.StatusNoContent {
		if len(b) != 0 {
			e.t.Errorf("%s %s: 204 with a body", method, path)
		}
		if err := e.contract.checkNoContent(method, p); err != nil {
			e.t.Error(err)
		}
	} else if ct := res.Header.Get("Content-Type"); isAPIPath(p) && res.StatusCode == 200 && !strings.HasPrefix(ct, "application/json") {
		if err := e.contract.checkMedia(method, p, ct); err != nil {
			e.t.Error(err)
		}
	} else if isAPIPath(p) {
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

// testAuth is the default sign-in configuration with a cheap password hash.
func testAuth() identity.AuthConfig {
	cfg := identity.DefaultAuthConfig()
	cfg.Argon2 = secure.Argon2Params{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	cfg.FailuresPerUser = 0 // tests lock accounts in one burst; harden_signin_test.go turns it on
	return cfg
}

const testPassword = "Kehu-2026-pass"

// user adds a user with role (as the command line does) and signs them in
// through the API, returning the bearer token.
func (e *env) user(username string, role crm.Role) string {
	e.t.Helper()
	return e.userIn(username, role, "", "")
}

// userIn is user with a team and a manager.
func (e *env) userIn(username string, role crm.Role, team, manager string) string {
	e.t.Helper()
	id := identity.New(e.db, testAuth(), e.keys, nil)
	sys := crm.WithPrincipal(context.Background(), crm.SystemPrincipal("test"))
	if _, err := id.AddUser(sys, identity.NewUser{Username: username, Role: role, Team: team, Manager: manager, Password: testPassword}, "en"); err != nil {
		e.t.Fatalf("add %s: %v", username, err)
	}
	r := e.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+username+`","password":"`+testPassword+`"}`), jsonHeader)
	var body struct{ Token string }
	if r.Status != 200 || json.Unmarshal(r.Body, &body) != nil || body.Token == "" {
		e.t.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	return body.Token
}

var jsonHeader = map[string]string{"Content-Type": "application/json"}

// as returns headers that authenticate with token, plus extra.
func as(token string, extra ...string) map[string]string {
	h := map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = extra[i+1]
	}
	return h
}

func isAPIPath(p string) bool {
	return strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz"
}

func newEnvSQLite(t *testing.T) *env { return newEnv(t, storetest.Open(t, store.SQLite)) }

// signIn adds a user and signs them in through the web form, returning the
// Cookie header value of their session.
func (e *env) signIn(username string, role crm.Role) string {
	e.t.Helper()
	e.user(username, role)
	form := url.Values{"username": {username}, "password": {testPassword}}.Encode()
	r := e.do("POST", "/login", strings.NewReader(form), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if r.Status != http.StatusSeeOther {
		e.t.Fatalf("sign in %s through the form: %d %s", username, r.Status, r.Body)
	}
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "kehu_session" {
			return c.Name + "=" + c.Value
		}
	}
	e.t.Fatal("no session cookie after signing in")
	return ""
}

// userID returns the ID of a user.
func (e *env) userID(username string) int64 {
	e.t.Helper()
	u, err := e.db.UserByUsername(context.Background(), username)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

func urlQuery(s string) string { return url.QueryEscape(s) }
