package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/tier"
)

// TierEvery is how often the tier job looks for work: a recalculation
// asked for on demand starts at most this late, and the nightly runs are
// queued by the first look after NightlyAfter (China time) each day.
const TierEvery = 15 * time.Second

// TierArgs is the periodic tier job: queue the nightly recalculations
// when due, then work the queued runs (and resume interrupted ones from
// their checkpoint).
type TierArgs struct{}

// Kind names the job in the queue.
func (TierArgs) Kind() string { return "tier_recalc" }

type tierWorker struct {
	river.WorkerDefaults[TierArgs]
	tiers *tier.Service
}

// Timeout: a run over a million customers takes a while; it saves a
// checkpoint every batch.
func (w *tierWorker) Timeout(*river.Job[TierArgs]) time.Duration { return -1 }

// Work queues the day's nightly runs when due and works every queued run.
func (w *tierWorker) Work(ctx context.Context, job *river.Job[TierArgs]) error {
	ctx = crm.WithPrincipal(ctx, crm.SystemPrincipal("tier"))
	if _, err := w.tiers.QueueNightly(ctx); err != nil {
		return fmt.Errorf("tier: nightly: %w", err)
	}
	if _, err := w.tiers.WorkRuns(ctx); err != nil {
		return fmt.Errorf("tier: runs: %w", err)
	}
	return nil
}

// tierJobs registers the tier worker and returns its periodic job, when
// the services are given.
func tierJobs(cfg Config, workers *river.Workers) []*river.PeriodicJob {
	if cfg.Services == nil || cfg.Services.Tiers == nil {
		return nil
	}
	river.AddWorker(workers, &tierWorker{tiers: cfg.Services.Tiers})
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(TierEvery),
		func() (river.JobArgs, *river.InsertOpts) { return TierArgs{}, nil }, // two at once claim different runs
		&river.PeriodicJobOpts{RunOnStart: true, ID: "tier_recalc"})}
}
