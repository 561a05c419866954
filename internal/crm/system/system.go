// Package system is what Kehu tells about itself: whether its database
// answers, which migrations are applied, and the background jobs' counts.
package system

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// Migration is one schema migration, applied or pending.
type Migration struct {
	Version   int
	Name      string
	AppliedAt *time.Time // nil while pending
}

// JobCount is how many background jobs of a kind are in a state.
type JobCount struct {
	Kind, State string
	N           int64
}

// Store reads the system's state.
type Store interface {
	// Engine names the database engine: "sqlite" or "postgres".
	Engine() string
	Ping(ctx context.Context) error
	// Migrations lists every known migration, oldest first.
	Migrations(ctx context.Context) ([]Migration, error)
	// AppliedMigration returns an applied migration, or a crm not_found error.
	AppliedMigration(ctx context.Context, version int) (Migration, error)
	JobCounts(ctx context.Context) ([]JobCount, error)
	JobsCompletedSince(ctx context.Context, t time.Time) (int64, error)
	// LastJobFinished is when a job of kind last finished; nil if never.
	LastJobFinished(ctx context.Context, kind string) (*time.Time, error)
}

// Service reports on the running system.
type Service struct {
	store Store
	now   func() time.Time
}

// New returns the system service.
func New(s Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, now: now}
}

// Ping reports whether the database answers; readiness probes use it
// without signing in.
func (s *Service) Ping(ctx context.Context) error { return s.store.Ping(ctx) }

// Migrations lists every migration (system.read).
func (s *Service) Migrations(ctx context.Context) ([]Migration, error) {
	if _, err := crm.Authorize(ctx, crm.ActSystemRead); err != nil {
		return nil, err
	}
	return s.store.Migrations(ctx)
}

// Migration reads one applied migration (system.read).
func (s *Service) Migration(ctx context.Context, version int) (Migration, error) {
	if _, err := crm.Authorize(ctx, crm.ActSystemRead); err != nil {
		return Migration{}, err
	}
	return s.store.AppliedMigration(ctx, version)
}

// Status is the system's state at a glance.
type Status struct {
	Engine          string
	SchemaVersion   int
	Jobs            []JobCount
	JobsDone24h     int64
	LastMaintenance *time.Time
}

// Status reads the engine, the schema version and the jobs' counts.
func (s *Service) Status(ctx context.Context) (Status, error) {
	st := Status{Engine: s.store.Engine()}
	ms, err := s.store.Migrations(ctx)
	if err != nil {
		return st, err
	}
	for _, m := range ms {
		if m.AppliedAt != nil {
			st.SchemaVersion = m.Version
		}
	}
	if st.Jobs, err = s.store.JobCounts(ctx); err != nil {
		return st, err
	}
	if st.JobsDone24h, err = s.store.JobsCompletedSince(ctx, s.now().Add(-24*time.Hour)); err != nil {
		return st, err
	}
	st.LastMaintenance, err = s.store.LastJobFinished(ctx, "maintenance")
	return st, err
}
