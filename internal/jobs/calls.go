package jobs

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/riverqueue/river"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/call"
	"github.com/kehucrm/kehu/internal/sms"
)

// CallbackEvery is how often overdue call-backs are looked for: one is
// escalated at most this late after its due time.
const CallbackEvery = time.Minute

// CallbackArgs is the periodic job that escalates overdue call-backs to
// the service manager, once each.
type CallbackArgs struct{}

// Kind names the job in the queue.
func (CallbackArgs) Kind() string { return "call_callback_escalation" }

type callbackWorker struct {
	river.WorkerDefaults[CallbackArgs]
	calls *call.Service
}

// Work escalates the overdue call-backs.
func (w *callbackWorker) Work(ctx context.Context, job *river.Job[CallbackArgs]) error {
	ctx = crm.WithPrincipal(ctx, crm.SystemPrincipal("callbacks"))
	if _, err := w.calls.EscalateOverdue(ctx); err != nil {
		return fmt.Errorf("calls: escalate: %w", err)
	}
	return nil
}

// callJobs registers the call-back worker and returns its periodic job,
// when the services are given.
func callJobs(cfg Config, workers *river.Workers) []*river.PeriodicJob {
	if cfg.Services != nil && cfg.Services.Events != nil {
		if u := os.Getenv("KEHU_SMS_URL"); u != "" { // the care module's SMS gateway sends invitations too
			cfg.Services.Events.UseSMS(&sms.HTTP{URL: u, Token: os.Getenv("KEHU_SMS_TOKEN")})
		}
	}
	if cfg.Services == nil || cfg.Services.Calls == nil {
		return nil
	}
	river.AddWorker(workers, &callbackWorker{calls: cfg.Services.Calls})
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(CallbackEvery),
		func() (river.JobArgs, *river.InsertOpts) { return CallbackArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "call_callbacks"})}
}
