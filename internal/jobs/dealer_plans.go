package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/dealer"
)

// DealerPlansEvery is how often the plan reminder job looks: on the 1st
// and 3rd working days of the month it reminds the dealers with no
// submitted plan, once per dealer and day however often it runs.
const DealerPlansEvery = time.Hour

// DealerPlanRemindArgs is the periodic plan reminder job.
type DealerPlanRemindArgs struct{}

// Kind names the job in the queue.
func (DealerPlanRemindArgs) Kind() string { return "dealer_plan_remind" }

type dealerPlanWorker struct {
	river.WorkerDefaults[DealerPlanRemindArgs]
	dealers *dealer.Service
}

// Work sends today's plan reminders, if today is a reminder day.
func (w *dealerPlanWorker) Work(ctx context.Context, job *river.Job[DealerPlanRemindArgs]) error {
	ctx = crm.WithPrincipal(ctx, crm.SystemPrincipal("dealer_plans"))
	if _, err := w.dealers.RemindPlans(ctx); err != nil {
		return fmt.Errorf("dealer plans: remind: %w", err)
	}
	return nil
}

// dealerPlanJobs registers the reminder worker and returns its periodic
// job, when the services are given.
func dealerPlanJobs(cfg Config, workers *river.Workers) []*river.PeriodicJob {
	if cfg.Services == nil || cfg.Services.Dealers == nil {
		return nil
	}
	river.AddWorker(workers, &dealerPlanWorker{dealers: cfg.Services.Dealers})
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(DealerPlansEvery),
		func() (river.JobArgs, *river.InsertOpts) { return DealerPlanRemindArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "dealer_plan_remind"})}
}
