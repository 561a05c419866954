package httpx

import (
	"net/http"
	"strings"
	"sync/atomic"
)

// publicHTTPS is whether people reach Kehu over https (its public URL),
// behind a proxy that ends TLS as well as directly.
var publicHTTPS atomic.Bool

// SetPublicURL tells the HTTP layer Kehu's address as people reach it:
// when it is https, the session cookie is Secure and every answer carries
// HSTS even when the request came from a TLS-ending proxy over plain HTTP.
func SetPublicURL(u string) {
	publicHTTPS.Store(strings.HasPrefix(strings.ToLower(strings.TrimSpace(u)), "https://"))
}

// overHTTPS reports whether r reached Kehu over https, itself or through
// the public URL.
func overHTTPS(r *http.Request) bool { return r.TLS != nil || publicHTTPS.Load() }
