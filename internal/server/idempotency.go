package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/store"
)

// maxIdempotentBody bounds the request bodies read whole to fingerprint
// a request made with an Idempotency-Key: the largest upload (an import
// file) and its form.
const maxIdempotentBody = 257 << 20

// idempotencyKeys keeps the API's idempotency keys in the database, so
// every kehu instance on one PostgreSQL shares them.
type idempotencyKeys struct{ db *store.DB }

func (k idempotencyKeys) Claim(ctx context.Context, scope, key, fingerprint string, now time.Time) (bool, httpx.IdempotentOutcome, error) {
	claimed, kept, err := k.db.ClaimIdempotencyKey(ctx, scope, key, fingerprint, now, httpx.IdempotencyLease, httpx.IdempotencyTTL)
	if err != nil || claimed {
		return claimed, httpx.IdempotentOutcome{}, err
	}
	out := httpx.IdempotentOutcome{Fingerprint: kept.Fingerprint, Status: kept.Status, Body: []byte(kept.Body)}
	if kept.Header != "" {
		if err := json.Unmarshal([]byte(kept.Header), &out.Header); err != nil {
			return false, out, err
		}
	}
	if out.Header == nil {
		out.Header = http.Header{}
	}
	return false, out, nil
}

func (k idempotencyKeys) Finish(ctx context.Context, scope, key string, out httpx.IdempotentOutcome) error {
	h, err := json.Marshal(out.Header)
	if err != nil {
		return err
	}
	return k.db.FinishIdempotencyKey(ctx, scope, key, out.Status, string(h), string(out.Body))
}

func (k idempotencyKeys) Release(ctx context.Context, scope, key string) error {
	return k.db.ReleaseIdempotencyKey(ctx, scope, key)
}
