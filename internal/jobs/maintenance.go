package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/kehucrm/kehu/internal/store"
)

// MaintenanceArgs is the periodic database maintenance job.
type MaintenanceArgs struct{}

// Kind names the job in the queue.
func (MaintenanceArgs) Kind() string { return "maintenance" }

// InsertOpts makes the job unique while one is waiting, so instances that
// start together do not pile up copies.
func (MaintenanceArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled,
	}}}
}

// IdempotencyKeyTTL is how long the outcome of a request made with an
// Idempotency-Key is replayed (httpx.IdempotencyTTL); Maintain purges older keys.
const IdempotencyKeyTTL = 24 * time.Hour

type maintenanceWorker struct {
	river.WorkerDefaults[MaintenanceArgs]
	db  *store.DB
	now func() time.Time
}

// Work refreshes the planner's statistics; on SQLite it also folds the
// write-ahead log back into the database file so it does not grow forever.
func (w *maintenanceWorker) Work(ctx context.Context, job *river.Job[MaintenanceArgs]) error {
	return Maintain(ctx, w.db, w.now())
}

// Maintain removes dead sessions, old rate-limit counters, uploads cut
// off by a stop mid-upload and idempotency keys past their 24 hours, then runs the maintenance statements for the
// engine.
func Maintain(ctx context.Context, db *store.DB, now time.Time) error {
	if _, err := db.PurgeExpired(ctx, now); err != nil {
		return fmt.Errorf("maintenance: purge expired sessions: %w", err)
	}
	if _, err := db.PurgeAbandonedUploads(ctx, now); err != nil {
		return fmt.Errorf("maintenance: purge abandoned uploads: %w", err)
	}
	if _, err := db.PurgeIdempotencyKeys(ctx, now.Add(-IdempotencyKeyTTL)); err != nil {
		return fmt.Errorf("maintenance: purge idempotency keys: %w", err)
	}
	if err := db.Optimize(ctx); err != nil {
		return fmt.Errorf("maintenance: %w", err)
	}
	return nil
}
