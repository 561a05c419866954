package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/store"
	"github.com/kehucrm/kehu/internal/store/storetest"
)

func TestIdempotencyKeyIsClaimedOnceThenReplayedUntilItExpires(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		lease, ttl := time.Minute, 24*time.Hour
		claimed, _, err := db.ClaimIdempotencyKey(ctx, "user:1", "k1", "fp", now, lease, ttl)
		if err != nil || !claimed {
			t.Fatalf("first claim: %v %v, want claimed", claimed, err)
		}
		claimed, kept, err := db.ClaimIdempotencyKey(ctx, "user:1", "k1", "fp", now.Add(time.Second), lease, ttl)
		if err != nil || claimed || kept.Status != 0 || kept.Fingerprint != "fp" {
			t.Fatalf("claim while in flight: %v %+v %v, want the request in flight", claimed, kept, err)
		}
		if claimed, _, _ := db.ClaimIdempotencyKey(ctx, "user:2", "k1", "fp", now, lease, ttl); !claimed {
			t.Error("another user's key of the same name was not theirs to claim")
		}
		if err := db.FinishIdempotencyKey(ctx, "user:1", "k1", 201, `{"Location":["/x"]}`, "sealed"); err != nil {
			t.Fatal(err)
		}
		// Long past the lease, the finished outcome is still replayed.
		claimed, kept, err = db.ClaimIdempotencyKey(ctx, "user:1", "k1", "other", now.Add(23*time.Hour), lease, ttl)
		if err != nil || claimed || kept.Status != 201 || kept.Body != "sealed" || kept.Header != `{"Location":["/x"]}` || kept.Fingerprint != "fp" {
			t.Fatalf("claim of a finished key: %v %+v %v, want its outcome", claimed, kept, err)
		}
		if claimed, _, _ := db.ClaimIdempotencyKey(ctx, "user:1", "k1", "fp2", now.Add(ttl), lease, ttl); !claimed {
			t.Error("a key 24 hours old was not free to claim again")
		}
		n, err := db.PurgeIdempotencyKeys(ctx, now.Add(ttl))
		if err != nil || n != 1 {
			t.Errorf("purged %d keys (%v), want 1 (user:2's)", n, err)
		}
	})
}

func TestIdempotencyKeyHeldByAStoppedRequestIsFreedAfterItsLease(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		if claimed, _, _ := db.ClaimIdempotencyKey(ctx, "ip:10.0.0.1", "k", "fp", now, time.Minute, 24*time.Hour); !claimed {
			t.Fatal("not claimed")
		}
		if claimed, _, _ := db.ClaimIdempotencyKey(ctx, "ip:10.0.0.1", "k", "fp", now.Add(59*time.Second), time.Minute, 24*time.Hour); claimed {
			t.Error("claimed while the first request still holds it")
		}
		if claimed, _, _ := db.ClaimIdempotencyKey(ctx, "ip:10.0.0.1", "k", "fp", now.Add(time.Minute), time.Minute, 24*time.Hour); !claimed {
			t.Error("not claimed after the lease of a stopped request ran out")
		}
		if err := db.ReleaseIdempotencyKey(ctx, "ip:10.0.0.1", "k"); err != nil {
			t.Fatal(err)
		}
		if claimed, _, _ := db.ClaimIdempotencyKey(ctx, "ip:10.0.0.1", "k", "new", now.Add(time.Minute), time.Minute, 24*time.Hour); !claimed {
			t.Error("a released key was not free to claim")
		}
	})
}

func TestIdempotencyKeyClaimedConcurrentlyHasOneWinner(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		var mu sync.Mutex
		wins := 0
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				claimed, _, err := db.ClaimIdempotencyKey(context.Background(), "user:1", "same", "fp", now, time.Minute, 24*time.Hour)
				if err != nil {
					t.Error(err)
				}
				if claimed {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if wins != 1 {
			t.Errorf("%d concurrent claims won, want 1", wins)
		}
	})
}
