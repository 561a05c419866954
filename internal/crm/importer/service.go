// Package importer brings customers in from CSV and XLSX files: an upload
// is checked row by row as the customers API would check it (the dry run,
// whose report names every bad row), then committed in batches of one
// transaction each, resuming after the last batch when a run was cut off.
package importer

import (
	"context"
	"io"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
)

// ImportStore keeps imports.
type ImportStore interface {
	CreateImport(ctx context.Context, im *Import, e *crm.AuditEntry) error
	AppendImportChunk(ctx context.Context, id int64, seq int, data []byte) error
	FinishUpload(ctx context.Context, im *Import) error
	DeleteImport(ctx context.Context, id int64, e *crm.AuditEntry) error
	Import(ctx context.Context, id int64) (Import, error)
	ImportsByCreator(ctx context.Context, userID int64, limit int) ([]Import, error)
	ImportFile(ctx context.Context, id int64) (io.ReadCloser, error)
	SaveImportProgress(ctx context.Context, im *Import, problems []ImportProblem) error
	ClearImportProblems(ctx context.Context, id int64, phase string) error
	StartImportPhase(ctx context.Context, im *Import, from []string, e *crm.AuditEntry) error
	ImportProblems(ctx context.Context, id int64, afterID int64, limit int) ([]ImportProblem, error)
	ImportDuplicates(ctx context.Context, s crm.Scope, now time.Time, usccs, names, mobiles []string) (ImportDuplicates, error)
	CommitImportBatch(ctx context.Context, b *ImportBatch, e *crm.AuditEntry) error
	EarlierImport(ctx context.Context, hash string, before int64) (int64, error)
	UnfinishedImport(ctx context.Context, createdBy int64, hash string) (Import, bool, error)
	RemapImport(ctx context.Context, im *Import, e *crm.AuditEntry) error
	UserByID(ctx context.Context, id int64) (identity.User, error)
	UserByUsername(ctx context.Context, username string) (identity.User, error)
}

// ImportQueue starts an import's background job.
type ImportQueue interface {
	EnqueueImport(ctx context.Context, id int64) error
}

// Service is the customer import service.
type Service struct {
	cs    *customer.Service
	store ImportStore
	queue ImportQueue
	// keyring seals contacts' mobiles as their rows are committed.
	keyring crm.Sealer
	now     func() time.Time
	// Progress, when set, is called after each batch (the command line's
	// progress bar).
	Progress func(Import)
	// BatchHook, when set, runs before each batch is committed; an error
	// fails the batch (tests simulate a crash with it).
	BatchHook func(b *ImportBatch) error
}

// New returns the import service over the customer service
// (whose validation, duplicate rules and keyring it shares).
func New(cs *customer.Service, s ImportStore, q ImportQueue, keyring crm.Sealer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{cs: cs, store: s, queue: q, keyring: keyring, now: now}
}
