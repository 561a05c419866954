package server

import (
	"context"
	"errors"
	"time"

	"github.com/kehucrm/kehu/internal/app"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/access"
	"github.com/kehucrm/kehu/internal/crm/attachment"
	"github.com/kehucrm/kehu/internal/crm/audit"
	"github.com/kehucrm/kehu/internal/crm/call"
	"github.com/kehucrm/kehu/internal/crm/card"
	"github.com/kehucrm/kehu/internal/crm/care"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/dealer"
	"github.com/kehucrm/kehu/internal/crm/directory"
	"github.com/kehucrm/kehu/internal/crm/duty"
	"github.com/kehucrm/kehu/internal/crm/event"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/crm/inbox"
	"github.com/kehucrm/kehu/internal/crm/lead"
	"github.com/kehucrm/kehu/internal/crm/order"
	"github.com/kehucrm/kehu/internal/crm/pool"
	"github.com/kehucrm/kehu/internal/crm/project"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/crm/service"
	"github.com/kehucrm/kehu/internal/crm/shipping"
	"github.com/kehucrm/kehu/internal/crm/system"
	"github.com/kehucrm/kehu/internal/crm/tier"
	"github.com/kehucrm/kehu/internal/crm/visit"
	"github.com/kehucrm/kehu/internal/crm/workbench"
	"github.com/kehucrm/kehu/internal/crm/workflow"
	"github.com/kehucrm/kehu/internal/store"
)

// Build makes every domain service once, over db, with the keyring, the
// sign-in rules and the clock of opts. imports queues import work for the
// background jobs; nil runs an import's steps in the caller (the command
// line). The server, the jobs and the command line all build through here.
func Build(db *store.DB, opts Options, imports importer.ImportQueue) (*app.Services, error) {
	if opts.Sealer == nil {
		return nil, errors.New("server: no keyring for sensitive fields")
	}
	if opts.Auth.MaxFailures == 0 {
		opts.Auth = identity.DefaultAuthConfig()
	}
	now := opts.Clock
	if now == nil {
		now = time.Now
	}
	calendars, err := crm.NewCalendars(db)
	if err != nil {
		return nil, err
	}
	s := &app.Services{Clock: now, Calendars: calendars}
	s.Identity = identity.New(db, opts.Auth, opts.Sealer, now)
	s.Audit = audit.New(db)
	s.Customers = customer.New(db, opts.Sealer, now)
	s.Cards = card.New(s.Customers, db, opts.Sealer, now)
	s.Access = access.New(db, 0, now)
	s.Imports = importer.New(s.Customers, db, imports, opts.Sealer, now)
	s.Complaints = complaint.New(db, s.Customers, calendars, opts.Sealer, now)
	s.Attachments = attachment.New(db, s.Customers, s.Complaints, now)
	s.ServiceOrders = service.New(db, s.Customers, calendars, opts.Sealer, now)
	s.Inbox = inbox.New(db, now)
	s.System = system.New(systemStore{db}, now)
	s.Directory = directory.New(db)
	s.Workbench = workbench.New(s.Complaints, s.ServiceOrders, s.Access, s.Customers, now)
	s.Tiers = tier.New(db, s.Customers, calendars, now)
	s.Duties = duty.New(db, s.Identity, s.Customers, now)
	s.Care = care.New(db, calendars, opts.Sealer, now)
	s.Sales = sales.New(db, s.Customers, now)
	s.Workflows = workflow.New(db, calendars, now)
	s.Orders = order.New(db, s.Customers, s.Workflows, calendars, now)
	s.Shipping = shipping.New(db, calendars, now)
	s.Projects = project.New(db, s.Customers, s.Workflows, now)
	s.Dealers = dealer.New(db, s.Customers, s.Sales, calendars, now)
	s.Identity.SetDealerCheck(s.Dealers.IsDealer)
	s.Events = event.New(db, s.Customers, s.Tiers, now)
	s.Events.UseSealer(opts.Sealer)
	s.Calls = call.New(db, s.Customers, s.Complaints, s.ServiceOrders, calendars, opts.Sealer, now)
	s.Visits = visit.New(db, calendars, now)
	s.Leads = lead.New(db, s.Customers, opts.Sealer, now)
	s.Pool = pool.New(db, now)
	return s, nil
}

// systemStore reads the system's state from the database for the system
// service; the store's own types stay the store's.
type systemStore struct{ db *store.DB }

func (s systemStore) Engine() string                 { return string(s.db.Engine) }
func (s systemStore) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

func (s systemStore) Migrations(ctx context.Context) ([]system.Migration, error) {
	ms, err := s.db.MigrationStatus(ctx)
	out := make([]system.Migration, len(ms))
	for i, m := range ms {
		out[i] = system.Migration{Version: m.Version, Name: m.Name, AppliedAt: m.AppliedAt}
	}
	return out, err
}

func (s systemStore) AppliedMigration(ctx context.Context, v int) (system.Migration, error) {
	m, err := s.db.AppliedMigration(ctx, v)
	if errors.Is(err, store.ErrNotFound) {
		return system.Migration{}, crm.Fail(crm.ENotFound, "http.no_applied_migration", v)
	}
	return system.Migration{Version: m.Version, Name: m.Name, AppliedAt: m.AppliedAt}, err
}

func (s systemStore) JobCounts(ctx context.Context) ([]system.JobCount, error) {
	cs, err := s.db.JobCounts(ctx)
	out := make([]system.JobCount, len(cs))
	for i, c := range cs {
		out[i] = system.JobCount{Kind: c.Kind, State: c.State, N: c.N}
	}
	return out, err
}

func (s systemStore) JobsCompletedSince(ctx context.Context, t time.Time) (int64, error) {
	return s.db.JobsCompletedSince(ctx, t)
}

func (s systemStore) LastJobFinished(ctx context.Context, kind string) (*time.Time, error) {
	return s.db.LastJobFinished(ctx, kind)
}
