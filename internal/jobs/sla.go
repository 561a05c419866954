package jobs

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/mail"
	"github.com/kehucrm/kehu/internal/store"
	"github.com/riverqueue/river"
)

// SLAEvery is how often the complaint deadlines are swept, so a complaint
// is marked overdue at most this late (the policies ask for a minute).
const SLAEvery = 30 * time.Second

// SLASweepArgs is the periodic complaint-deadline sweep.
type SLASweepArgs struct{}

// Kind names the job in the queue.
func (SLASweepArgs) Kind() string { return "sla_sweep" }

type slaWorker struct {
	river.WorkerDefaults[SLASweepArgs]
	db        *store.DB
	mailer    mail.Mailer // nil: no SMTP configured; mail waits in the outbox
	publicURL string

	now func() time.Time

	once      sync.Once
	calendars *crm.Calendars // nil until the first run reads them, unless given
	calErr    error
}

// Work sweeps the deadlines — marking overdue complaints and escalating
// those whose delay ran out, each in its own committed transaction — and
// then sends the mail those transactions left in the outbox. Sending
// comes after commit, so a slow or broken mail server neither delays nor
// undoes a sweep.
func (w *slaWorker) Work(ctx context.Context, job *river.Job[SLASweepArgs]) error {
	w.once.Do(func() {
		if w.calendars == nil {
			w.calendars, w.calErr = crm.NewCalendars(w.db)
		}
	})
	if w.calErr != nil {
		return fmt.Errorf("sla sweep: %w", w.calErr)
	}
	if _, err := complaint.SweepSLA(ctx, w.db, w.calendars, w.now()); err != nil {
		return fmt.Errorf("sla sweep: %w", err)
	}
	if w.mailer != nil {
		if _, err := DrainOutbox(ctx, w.db, w.mailer, w.publicURL, w.now()); err != nil {
			return fmt.Errorf("sla sweep: mail: %w", err)
		}
	}
	return nil
}

// outboxBatch bounds the mail sent by one run; the rest goes next run.
const outboxBatch = 200

// maxMailAttempts is how often a message is tried before it is given up.
const maxMailAttempts = 8

// DrainOutbox sends the due messages of the mail outbox through m, with
// publicURL in place of crm.PublicURLPlaceholder. Each message is first
// claimed (leased for two minutes), so concurrent drains never send one
// twice. A failed message is retried later (1, 2, 4 … minutes, at most an
// hour apart) and given up after maxMailAttempts; after three failures in
// a row, or 20 seconds, the run stops and the rest waits for the next. It
// returns how many were sent.
func DrainOutbox(ctx context.Context, db *store.DB, m mail.Mailer, publicURL string, now time.Time) (int, error) {
	pending, err := db.PendingMail(ctx, now, outboxBatch)
	if err != nil {
		return 0, err
	}
	base := strings.TrimRight(publicURL, "/")
	began := time.Now()
	sent, failed := 0, 0
	for _, p := range pending {
		if ctx.Err() != nil || failed >= 3 || time.Since(began) > 20*time.Second {
			break
		}
		if ok, err := db.ClaimMail(ctx, p.ID, now, now.Add(2*time.Minute)); err != nil {
			return sent, err
		} else if !ok {
			continue
		}
		msg := mail.Message{To: p.To, Subject: p.Subject, Body: strings.ReplaceAll(p.Body, complaint.PublicURLPlaceholder, base)}
		sendCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
		err := m.Send(sendCtx, msg)
		cancel()
		if err != nil {
			failed++
			wait := min(time.Minute<<p.Attempts, time.Hour)
			if err := db.MailFailed(ctx, p.ID, err.Error(), now.Add(wait), p.Attempts+1 >= maxMailAttempts, now); err != nil {
				return sent, err
			}
			continue
		}
		failed = 0
		if err := db.MailSent(ctx, p.ID, now); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}
