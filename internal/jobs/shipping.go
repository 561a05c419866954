package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/shipping"
)

// ShippingEvery is how often the shipping sweep runs: it escalates (once)
// each approved order past its ship-by date to the warehouse's managers
// and the GM, and marks received the shipments whose deemed-receipt time
// passed with no confirmation.
const ShippingEvery = 15 * time.Minute

// ShippingSweepArgs is the periodic shipping sweep.
type ShippingSweepArgs struct{}

// Kind names the job in the queue.
func (ShippingSweepArgs) Kind() string { return "shipping_sweep" }

type shippingWorker struct {
	river.WorkerDefaults[ShippingSweepArgs]
	shipping *shipping.Service
}

// Work runs one sweep.
func (w *shippingWorker) Work(ctx context.Context, _ *river.Job[ShippingSweepArgs]) error {
	_, _, err := SweepShipping(ctx, w.shipping)
	return err
}

// SweepShipping escalates the overdue orders and deems the receipts due,
// reporting how many of each.
func SweepShipping(ctx context.Context, s *shipping.Service) (escalated, deemed int, err error) {
	ctx = crm.WithPrincipal(ctx, crm.SystemPrincipal("shipping"))
	if escalated, err = s.EscalateOverdue(ctx); err != nil {
		return escalated, 0, fmt.Errorf("shipping: escalate: %w", err)
	}
	if deemed, err = s.DeemReceipts(ctx); err != nil {
		return escalated, deemed, fmt.Errorf("shipping: deem receipts: %w", err)
	}
	return escalated, deemed, nil
}

// shippingJobs registers the sweep's worker and returns its periodic job,
// when the services are given.
func shippingJobs(cfg Config, workers *river.Workers) []*river.PeriodicJob {
	if cfg.Services == nil || cfg.Services.Shipping == nil {
		return nil
	}
	river.AddWorker(workers, &shippingWorker{shipping: cfg.Services.Shipping})
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(ShippingEvery),
		func() (river.JobArgs, *river.InsertOpts) { return ShippingSweepArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "shipping_sweep"})}
}
