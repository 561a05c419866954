package crm

import (
	"context"
	"sync"
	"time"
)

// RateLimit is where a request stands against a rate limit it was counted
// against: how many requests the window allows, how many are left in it,
// and when it ends. The edge sends it as the RateLimit-* headers.
type RateLimit struct {
	Limit     int
	Remaining int
	Reset     time.Time
}

// RateLimits holds the limits one request was counted against, by key.
type RateLimits struct {
	mu     sync.Mutex
	limits map[string]RateLimit
}

type rateLimitKey struct{}

// WithRateLimits returns a context in which services note the rate limits
// a request is counted against, and the holder they are noted in.
func WithRateLimits(ctx context.Context) (context.Context, *RateLimits) {
	rl := &RateLimits{}
	return context.WithValue(ctx, rateLimitKey{}, rl), rl
}

// NoteRateLimit records that the request stands at hits of the limit per
// window counted under key, the window ending at reset. Noting the same
// key again (a count taken back) replaces what was noted.
func NoteRateLimit(ctx context.Context, key string, limit, hits int, reset time.Time) {
	rl, ok := ctx.Value(rateLimitKey{}).(*RateLimits)
	if !ok {
		return
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if rl.limits == nil {
		rl.limits = map[string]RateLimit{}
	}
	rl.limits[key] = RateLimit{Limit: limit, Remaining: max(limit-hits, 0), Reset: reset}
}

// Tightest is the noted limit with the fewest requests left; false when
// the request was counted against none.
func (rl *RateLimits) Tightest() (RateLimit, bool) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	var out RateLimit
	found := false
	for _, l := range rl.limits {
		if !found || l.Remaining < out.Remaining {
			out, found = l, true
		}
	}
	return out, found
}
