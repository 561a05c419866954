package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/pool"
)

// PoolEvery is how often the pool job walks the customers: a customer
// returns to the pool (公海) at most this late after its rule's days, and
// its owner is told of the return to come as late.
const PoolEvery = time.Hour

// PoolArgs is the periodic return-to-pool job.
type PoolArgs struct{}

// Kind names the job in the queue.
func (PoolArgs) Kind() string { return "pool_return" }

type poolWorker struct {
	river.WorkerDefaults[PoolArgs]
	pool *pool.Service
}

// Timeout: the walk over every customer goes a batch at a time.
func (w *poolWorker) Timeout(*river.Job[PoolArgs]) time.Duration { return -1 }

// Work returns the neglected customers and lists those about to return.
func (w *poolWorker) Work(ctx context.Context, job *river.Job[PoolArgs]) error {
	ctx = crm.WithPrincipal(ctx, crm.SystemPrincipal("pool"))
	if _, err := w.pool.Sweep(ctx); err != nil {
		return fmt.Errorf("pool: sweep: %w", err)
	}
	return nil
}

// poolJobs registers the pool worker and returns its periodic job, when
// the services are given.
func poolJobs(cfg Config, workers *river.Workers) []*river.PeriodicJob {
	if cfg.Services == nil || cfg.Services.Pool == nil {
		return nil
	}
	river.AddWorker(workers, &poolWorker{pool: cfg.Services.Pool})
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(PoolEvery),
		func() (river.JobArgs, *river.InsertOpts) { return PoolArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "pool_return"})}
}
