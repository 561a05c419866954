package jobs

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/riverqueue/river"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/care"
	"github.com/kehucrm/kehu/internal/sms"
)

// CareEvery is how often the care job runs: it writes the reminders of
// the occasions of the next CareHorizon days (idempotent: one per
// contact, occasion and year) and posts the due ones to the owners'
// inboxes.
const CareEvery = 6 * time.Hour

// CareHorizon is how far ahead the care job looks: longer than any lead
// time (at most 60 working days).
const CareHorizon = 100

// CareArgs is the periodic care job.
type CareArgs struct{}

// Kind names the job in the queue.
func (CareArgs) Kind() string { return "care_reminders" }

type careWorker struct {
	river.WorkerDefaults[CareArgs]
	care *care.Service
	now  func() time.Time
}

// Timeout: a million contacts are read in batches; let it run.
func (w *careWorker) Timeout(*river.Job[CareArgs]) time.Duration { return -1 }

// Work generates the reminders from today to CareHorizon days ahead.
func (w *careWorker) Work(ctx context.Context, job *river.Job[CareArgs]) error {
	ctx = crm.WithPrincipal(ctx, crm.SystemPrincipal("care"))
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return err
	}
	from := calendar.DateOf(w.now().In(loc))
	if _, err := w.care.Generate(ctx, from, from.AddDays(CareHorizon)); err != nil {
		return fmt.Errorf("care: %w", err)
	}
	return nil
}

// careJobs registers the care worker and returns its periodic job, when
// the services are given. It also gives the care service the ways to
// send: the queue's mailer, and the SMS gateway of KEHU_SMS_URL (with
// KEHU_SMS_TOKEN) when set; without them greetings are queued to send by
// hand.
func careJobs(cfg Config, workers *river.Workers) []*river.PeriodicJob {
	if cfg.Services == nil || cfg.Services.Care == nil {
		return nil
	}
	if cfg.Mailer != nil {
		cfg.Services.Care.UseMailer(cfg.Mailer)
	}
	if u := os.Getenv("KEHU_SMS_URL"); u != "" {
		cfg.Services.Care.UseSMS(&sms.HTTP{URL: u, Token: os.Getenv("KEHU_SMS_TOKEN")})
	}
	now := cfg.Services.Clock
	if now == nil {
		now = time.Now
	}
	river.AddWorker(workers, &careWorker{care: cfg.Services.Care, now: now})
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(CareEvery),
		func() (river.JobArgs, *river.InsertOpts) { return CareArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "care_reminders"})}
}
