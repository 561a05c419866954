package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/visit"
)

// VisitEvery is how often the visit plan job looks for work: a generation
// asked for on demand starts at most this late; the day's generation is
// queued, and the escalation ladder worked, by the first look each day
// (China time).
const VisitEvery = 15 * time.Second

// VisitArgs is the periodic visit plan job.
type VisitArgs struct{}

// Kind names the job in the queue.
func (VisitArgs) Kind() string { return "visit_plans" }

type visitWorker struct {
	river.WorkerDefaults[VisitArgs]
	visits *visit.Service
}

// Timeout: a generation over a million customers takes a while; it saves
// a checkpoint every batch.
func (w *visitWorker) Timeout(*river.Job[VisitArgs]) time.Duration { return -1 }

// Work queues the day's generation, works every queued one, and takes
// overdue items up the escalation ladder once a day.
func (w *visitWorker) Work(ctx context.Context, job *river.Job[VisitArgs]) error {
	ctx = crm.WithPrincipal(ctx, crm.SystemPrincipal("visit"))
	if _, err := w.visits.QueueNightly(ctx); err != nil {
		return fmt.Errorf("visit: nightly: %w", err)
	}
	if _, err := w.visits.WorkRuns(ctx); err != nil {
		return fmt.Errorf("visit: runs: %w", err)
	}
	if _, err := w.visits.EscalateDue(ctx); err != nil {
		return fmt.Errorf("visit: escalate: %w", err)
	}
	return nil
}

// visitJobs registers the visit plan worker and returns its periodic job,
// when the services are given.
func visitJobs(cfg Config, workers *river.Workers) []*river.PeriodicJob {
	if cfg.Services == nil || cfg.Services.Visits == nil {
		return nil
	}
	river.AddWorker(workers, &visitWorker{visits: cfg.Services.Visits})
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(VisitEvery),
		func() (river.JobArgs, *river.InsertOpts) { return VisitArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "visit_plans"})}
}
