package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/workflow"
)

// WorkflowEvery is how often the escalation sweep looks for overdue
// workflow steps.
const WorkflowEvery = time.Minute

// workflowBatch bounds the steps one pass escalates; the sweep repeats
// until none is left.
const workflowBatch = 500

// WorkflowArgs is the periodic escalation sweep: every open workflow step
// past its deadline, not yet escalated, tells its approvers' managers
// and is marked escalated (once).
type WorkflowArgs struct{}

// Kind names the job in the queue.
func (WorkflowArgs) Kind() string { return "workflow_escalation" }

type workflowWorker struct {
	river.WorkerDefaults[WorkflowArgs]
	workflows *workflow.Service
}

// Work escalates the overdue steps, a batch at a time.
func (w *workflowWorker) Work(ctx context.Context, job *river.Job[WorkflowArgs]) error {
	_, err := SweepWorkflows(ctx, w.workflows)
	return err
}

// SweepWorkflows escalates every overdue workflow step, as the job does,
// and returns how many it escalated.
func SweepWorkflows(ctx context.Context, ws *workflow.Service) (int, error) {
	ctx = crm.WithPrincipal(ctx, crm.SystemPrincipal("workflow"))
	total := 0
	for {
		n, err := ws.Escalate(ctx, workflowBatch)
		if err != nil {
			return total, fmt.Errorf("workflow: escalate: %w", err)
		}
		total += n
		if n < workflowBatch {
			return total, nil
		}
	}
}

// workflowJobs registers the escalation sweep and returns its periodic
// job, when the services are given.
func workflowJobs(cfg Config, workers *river.Workers) []*river.PeriodicJob {
	if cfg.Services == nil || cfg.Services.Workflows == nil {
		return nil
	}
	river.AddWorker(workers, &workflowWorker{workflows: cfg.Services.Workflows})
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(WorkflowEvery),
		func() (river.JobArgs, *river.InsertOpts) { return WorkflowArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "workflow_escalation"})}
}
