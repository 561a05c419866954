package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kehucrm/kehu/internal/store"
)

// SLAEvery is how often the complaint deadlines are swept, so a complaint
// is marked overdue at most this late (the policies ask for a minute).
const SLAEvery = 30 * time.Second

// SLASweepArgs is the periodic complaint-deadline sweep.
type SLASweepArgs struct{}

// Kind names the job in the queue.
func (SLASweepArgs) Kind() string { return "sla_sweep" }

type slaWorker struct {
	river.WorkerDefaults[SLASweepArgs]
	db *store.DB
}

// Work marks every complaint whose deadline passed and tells the people
// responsible; the store does it in one idempotent transaction.
func (w *slaWorker) Work(ctx context.Context, job *river.Job[SLASweepArgs]) error {
	if _, err := w.db.MarkOverdue(ctx, time.Now()); err != nil {
		return fmt.Errorf("sla sweep: %w", err)
	}
	return nil
}
