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

type maintenanceWorker struct {
	river.WorkerDefaults[MaintenanceArgs]
	db *store.DB
}

// Work refreshes the planner's statistics; on SQLite it also folds the
// write-ahead log back into the database file so it does not grow forever.
func (w *maintenanceWorker) Work(ctx context.Context, job *river.Job[MaintenanceArgs]) error {
	return Maintain(ctx, w.db)
}

// Maintain removes dead sessions, old rate-limit counters and uploads cut
// off by a stop mid-upload, then runs the maintenance statements for the
// engine.
func Maintain(ctx context.Context, db *store.DB) error {
	if _, err := db.PurgeExpired(ctx, time.Now()); err != nil {
		return fmt.Errorf("maintenance: purge expired sessions: %w", err)
	}
	if _, err := db.PurgeAbandonedUploads(ctx, time.Now().Add(-store.AbandonedUploadAfter)); err != nil {
		return fmt.Errorf("maintenance: purge abandoned uploads: %w", err)
	}
	if db.Engine == store.Postgres {
		if _, err := db.Exec(ctx, "ANALYZE"); err != nil {
			return fmt.Errorf("maintenance: ANALYZE: %w", err)
		}
		return nil
	}
	if _, err := db.Exec(ctx, "PRAGMA optimize"); err != nil {
		return fmt.Errorf("maintenance: PRAGMA optimize: %w", err)
	}
	var busy, logFrames, checkpointed int
	if err := db.W.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &checkpointed); err != nil {
		return fmt.Errorf("maintenance: wal_checkpoint: %w", err)
	}
	return nil
}
