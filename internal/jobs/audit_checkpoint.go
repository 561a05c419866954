package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// AuditCheckpointArgs is the periodic job that signs the audit chain's
// head and exports it (a file, syslog), at least daily.
type AuditCheckpointArgs struct{}

// Kind names the job in the queue.
func (AuditCheckpointArgs) Kind() string { return "audit_checkpoint" }

type auditCheckpointWorker struct {
	river.WorkerDefaults[AuditCheckpointArgs]
	write func(context.Context) error
}

func (w *auditCheckpointWorker) Work(ctx context.Context, _ *river.Job[AuditCheckpointArgs]) error {
	if err := w.write(ctx); err != nil {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	return nil
}

// RegisterAuditCheckpoint registers the checkpoint worker, which calls
// write; pass it to New, then call AddAuditCheckpoints.
func RegisterAuditCheckpoint(write func(context.Context) error) func(*river.Workers) {
	return func(w *river.Workers) { river.AddWorker(w, &auditCheckpointWorker{write: write}) }
}

// AddAuditCheckpoints runs the checkpoint job every period (and at
// start), on the leader only, so several instances write one per period.
func (q *Queue) AddAuditCheckpoints(every time.Duration) {
	q.client.PeriodicJobs().Add(river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return AuditCheckpointArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "audit_checkpoint"}))
}
