// Package jobs runs Kehu's background and periodic work through River, a
// durable job queue kept in the same database as everything else, so a job
// enqueued before a restart runs after it and several kehu instances on one
// PostgreSQL share the work (one leader runs the periodic jobs).
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/kehucrm/kehu/internal/app"
	"github.com/kehucrm/kehu/internal/mail"
	"github.com/kehucrm/kehu/internal/store"
)

// Config tunes the queue.
type Config struct {
	// PollInterval is how often idle workers look for new jobs. SQLite has
	// no LISTEN/NOTIFY, so this bounds how late a new job starts.
	PollInterval time.Duration
	// MaintenanceEvery is the period of the database maintenance job.
	MaintenanceEvery time.Duration
	// Workers is the number of jobs run at once.
	Workers int
	Logger  *slog.Logger
	// Mailer sends the mail outbox after each SLA sweep; nil leaves mail
	// waiting there (no SMTP configured).
	Mailer mail.Mailer
	// PublicURL is Kehu's address as people reach it, for links in mail.
	PublicURL string
	// Services are the domain services the server built; the jobs use
	// their calendars and clock. Nil (tests of the queue alone) reads the
	// calendars from db and the time from time.Now.
	Services *app.Services
}

func (c Config) withDefaults() Config {
	if c.PollInterval <= 0 {
		c.PollInterval = 100 * time.Millisecond
	}
	if c.MaintenanceEvery <= 0 {
		c.MaintenanceEvery = 6 * time.Hour
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Queue is the job queue of one kehu process.
type Queue struct {
	client *river.Client[*sql.Tx]
	db     *store.DB
}

// New builds the queue on db. register adds the workers of the domain's
// jobs; the maintenance job is always registered.
func New(db *store.DB, cfg Config, register ...func(*river.Workers)) (*Queue, error) {
	cfg = cfg.withDefaults()
	workers := river.NewWorkers()
	now := time.Now
	sla := &slaWorker{db: db, mailer: cfg.Mailer, publicURL: cfg.PublicURL}
	if cfg.Services != nil {
		sla.calendars, now = cfg.Services.Calendars, cfg.Services.Clock
	}
	sla.now = now
	river.AddWorker(workers, &maintenanceWorker{db: db, now: now})
	river.AddWorker(workers, sla)
	for _, reg := range register {
		reg(workers)
	}
	tierPeriodic := tierJobs(cfg, workers)
	tierPeriodic = append(tierPeriodic, callJobs(cfg, workers)...)
	tierPeriodic = append(tierPeriodic, careJobs(cfg, workers)...)
	tierPeriodic = append(tierPeriodic, visitJobs(cfg, workers)...)
	tierPeriodic = append(tierPeriodic, workflowJobs(cfg, workers)...)
	tierPeriodic = append(tierPeriodic, poolJobs(cfg, workers)...)
	tierPeriodic = append(tierPeriodic, dealerPlanJobs(cfg, workers)...)
	tierPeriodic = append(tierPeriodic, shippingJobs(cfg, workers)...)
	client, err := river.NewClient(db.RiverDriver(), &river.Config{
		FetchPollInterval: cfg.PollInterval,
		FetchCooldown:     min(cfg.PollInterval, 100*time.Millisecond),
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:           workers,
		Logger:            cfg.Logger,
		PeriodicJobs: append([]*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(cfg.MaintenanceEvery),
				func() (river.JobArgs, *river.InsertOpts) { return MaintenanceArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true, ID: "maintenance"}),
			river.NewPeriodicJob(river.PeriodicInterval(SLAEvery),
				func() (river.JobArgs, *river.InsertOpts) { return SLASweepArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true, ID: "sla_sweep"}),
		}, tierPeriodic...),
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Queue{client: client, db: db}, nil
}

// Start starts working jobs until Stop.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop lets running jobs finish (until ctx ends, then cancels them) and
// stops fetching new ones.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return q.client.StopAndCancel(context.Background())
	}
	return err
}

// Insert enqueues a job.
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (int64, error) {
	res, err := q.client.Insert(ctx, args, opts)
	if err != nil {
		return 0, fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return res.Job.ID, nil
}

// Client returns the River client, for subscriptions in tests and tools.
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }
