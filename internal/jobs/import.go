package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/riverqueue/river"
)

// ImportArgs runs an import's pending work (dry run, commit).
type ImportArgs struct {
	ImportID int64 `json:"import_id"`
}

// Kind names the job in the queue.
func (ImportArgs) Kind() string { return "customer_import" }

// InsertOpts: an import that fails for good records why on the import
// itself; retries are for a stopped or crashed process.
func (ImportArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

type importWorker struct {
	river.WorkerDefaults[ImportArgs]
	importer *importer.Service
}

// Timeout: an import of a million rows runs for minutes.
func (w *importWorker) Timeout(*river.Job[ImportArgs]) time.Duration { return -1 }

// Work runs the import. A failure is written on the import (the user sees
// it) and ends the job; only an interruption (shutdown) makes River run it
// again, and then it resumes after the last committed batch.
func (w *importWorker) Work(ctx context.Context, job *river.Job[ImportArgs]) error {
	err := w.importer.Run(ctx, job.Args.ImportID)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("import %d interrupted: %w", job.Args.ImportID, err)
	}
	return nil
}

// RegisterImports adds the import worker, which runs imports with imp;
// pass it to New.
func RegisterImports(imp *importer.Service) func(*river.Workers) {
	return func(ws *river.Workers) {
		river.AddWorker(ws, &importWorker{importer: imp})
	}
}

// ImportQueue enqueues import jobs from a process that may not work them
// (the HTTP handlers): an insert-only River client on the same database.
type ImportQueue struct {
	client *river.Client[*sql.Tx]
}

// NewImportQueue returns the enqueuer for db.
func NewImportQueue(db *store.DB) (*ImportQueue, error) {
	c, err := river.NewClient(db.RiverDriver(), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("jobs: import queue: %w", err)
	}
	return &ImportQueue{client: c}, nil
}

// EnqueueImport queues import id's work.
func (q *ImportQueue) EnqueueImport(ctx context.Context, id int64) error {
	if _, err := q.client.Insert(ctx, ImportArgs{ImportID: id}, nil); err != nil {
		return fmt.Errorf("jobs: enqueue import %d: %w", id, err)
	}
	return nil
}
