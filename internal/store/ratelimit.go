package store

import (
	"context"
	"fmt"
	"time"
)

// Hit counts one event against key in the fixed window of length window
// that holds now, and returns the count so far in that window and when the
// window ends. Counters live in the database, so every kehu instance on
// one PostgreSQL shares them.
func (db *DB) Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error) {
	start := now.UTC().Truncate(window)
	var hits int
	err := db.InTx(ctx, func(tx *Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO rate_limits (key, window_start, hits) VALUES (?, ?, 1)
			ON CONFLICT (key) DO UPDATE SET
				hits = CASE WHEN rate_limits.window_start < excluded.window_start THEN 1 ELSE rate_limits.hits + 1 END,
				window_start = CASE WHEN rate_limits.window_start < excluded.window_start THEN excluded.window_start ELSE rate_limits.window_start END
			RETURNING hits`, key, start).Scan(&hits)
	})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: rate limit: %w", err)
	}
	return hits, start.Add(window), nil
}

// Unhit takes back one event Hit counted against key in the window that
// holds now: a request refused for its input does not use up the
// sender's quota.
func (db *DB) Unhit(ctx context.Context, key string, window time.Duration, now time.Time) error {
	_, err := db.Exec(ctx, "UPDATE rate_limits SET hits = hits - 1 WHERE key = ? AND window_start = ? AND hits > 0",
		key, now.UTC().Truncate(window))
	if err != nil {
		return fmt.Errorf("store: rate limit: %w", err)
	}
	return nil
}
