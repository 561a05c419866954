package httpx

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// SessionCookie is the web UI's session cookie.
const SessionCookie = "kehu_session"

// Authenticator turns a session or API token into a principal.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (crm.Principal, error)
}

// Authenticate resolves the request's credentials, a bearer token or the
// session cookie, into the principal the domain services check. A request
// without credentials goes on anonymous (the services refuse what needs a
// user); a bad bearer token is refused at once; a dead session cookie is
// cleared. It also records the client address and request ID for audit
// entries.
func Authenticate(auth Authenticator) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := crm.WithRequestMeta(r.Context(), ClientIP(r), RequestID(r.Context()))
			token, fromCookie := credentials(r)
			if token != "" {
				p, err := auth.Authenticate(ctx, token)
				switch {
				case err == nil:
					ctx = crm.WithPrincipal(ctx, p)
				case fromCookie && crm.ErrorCode(err) == crm.EUnauthorized:
					ClearSessionCookie(w, r)
				default:
					WriteError(w, r, err)
					return
				}
			}
			// After the principal, whose saved language comes first.
			ctx = msg.WithLang(ctx, Lang(r.WithContext(ctx)))
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

func credentials(r *http.Request) (token string, fromCookie bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		// The scheme is case-insensitive (RFC 9110 §11.1): "bearer" too.
		if scheme, rest, ok := strings.Cut(strings.TrimSpace(h), " "); ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(rest), false
		}
		return h, false // not a bearer token: Authenticate refuses it with a clear message
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		return c.Value, true
	}
	return "", false
}

// SetSessionCookie gives the browser its session: HttpOnly, SameSite=Lax,
// Secure when served over TLS or the public URL is https, no Max-Age (it ends with the browser, and
// the server ends it after 30 idle minutes or 12 hours anyway).
func SetSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: overHTTPS(r)})
}

// ClearSessionCookie removes the session cookie.
func ClearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: overHTTPS(r)})
}

// ClientIP is the address the request came from. Kehu does not trust
// X-Forwarded-For: behind a proxy the proxy's address is recorded.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
