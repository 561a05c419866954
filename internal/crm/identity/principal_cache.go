package identity

import (
	"sync"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// principalCache keeps the principals that recent tokens act for, so that a
// signed-in request costs no database read for authentication. It is exact,
// not time-based: every lookup first asks the store for its auth version
// (AuthVersion), which changes whenever a session, token or user may have
// changed — in this process, in another kehu instance, or by a CLI command
// beside the server — and a changed version empties the cache. A store that
// cannot vouch for its version (false) turns the cache off.
type principalCache struct {
	mu      sync.RWMutex
	version uint64
	m       map[string]cachedPrincipal
}

// cachedPrincipal is what Authenticate read for one token hash.
type cachedPrincipal struct {
	p         crm.Principal
	expiresAt time.Time // zero: never
	seenAt    time.Time // the last-seen time stored for it (sessions and tokens)
}

// maxCachedPrincipals bounds the cache; when full it starts over.
const maxCachedPrincipals = 10000

// get returns the cached principal for hash if the store's version is v.
func (c *principalCache) get(v uint64, hash string) (cachedPrincipal, bool) {
	c.mu.RLock()
	e, ok := c.m[hash]
	same := c.version == v
	c.mu.RUnlock()
	if !same {
		c.mu.Lock()
		if c.version != v {
			clear(c.m)
			c.version = v
		}
		c.mu.Unlock()
		return cachedPrincipal{}, false
	}
	return e, ok
}

// put remembers e for hash, read from the database while the version was v.
// If the version moved on meanwhile, e may be stale and is dropped.
func (c *principalCache) put(v uint64, hash string, e cachedPrincipal) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != v {
		return
	}
	if c.m == nil || len(c.m) >= maxCachedPrincipals {
		c.m = make(map[string]cachedPrincipal)
	}
	c.m[hash] = e
}
