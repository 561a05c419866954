package tier

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// The kinds and statuses of a recalculation run.
const (
	RunManual  = "manual"
	RunNightly = "nightly"

	RunQueued  = "queued"
	RunRunning = "running"
	RunDone    = "done"
	RunFailed  = "failed"
)

// BatchSize is how many customers a run takes per transaction; its
// checkpoint (the last customer id done) is saved with each batch, so an
// interrupted run resumes after the last committed batch.
const BatchSize = 500

// lease is how long a worker holds a run without saving a batch; after
// it another worker (or the same after a restart) resumes the run.
const lease = 5 * time.Minute

// NightlyAfter is the hour (China time) after which the day's nightly
// runs start.
const NightlyAfter = 2

// Run is one recalculation of one scheme.
type Run struct {
	ID            int64      `json:"id"`
	SchemeID      int64      `json:"scheme_id"`
	SchemeVersion int        `json:"scheme_version"`
	Kind          string     `json:"kind"` // manual, nightly
	Day           string     `json:"day"`
	Status        string     `json:"status"`
	Total         int64      `json:"total"`
	Done          int64      `json:"done"`
	Moved         int64      `json:"moved"`
	Checkpoint    int64      `json:"checkpoint"`
	Error         string     `json:"error,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	CreatedBy     string     `json:"created_by"`
	FinishedAt    *time.Time `json:"finished_at,omitempty"`
	Params        string     `json:"-"`
}

// RunStore keeps recalculation runs.
type RunStore interface {
	CreateRun(ctx context.Context, r *Run, e *crm.AuditEntry) error
	Run(ctx context.Context, id int64) (Run, error)
	// OpenRun is the scheme's queued or running run, if any.
	OpenRun(ctx context.Context, schemeID int64) (Run, bool, error)
	HasRun(ctx context.Context, schemeID int64, kind, day string) (bool, error)
	// ClaimRun takes the oldest queued run, or a running one whose lease
	// ran out, leasing it until leaseUntil.
	ClaimRun(ctx context.Context, now, leaseUntil time.Time) (Run, bool, error)
	PrepareRun(ctx context.Context, id int64, params string, total int64, leaseUntil time.Time) error
	// SaveBatch writes a batch's changes, their history and notices, and
	// the run's checkpoint and counts, in one transaction.
	SaveBatch(ctx context.Context, r Run, changes []Change, notices []crm.Notice, leaseUntil time.Time) error
	FinishRun(ctx context.Context, r Run, e *crm.AuditEntry) error
}

// Recalculate starts a run of scheme id now (202: it is worked by the
// background jobs). A scheme with a run queued or running gets that run.
func (ts *Service) Recalculate(ctx context.Context, id int64) (Run, error) {
	p, err := crm.Authorize(ctx, crm.ActTierManage)
	if err != nil {
		return Run{}, err
	}
	s, err := ts.store.Scheme(ctx, id)
	if err != nil {
		return Run{}, err
	}
	if !s.Active {
		return Run{}, crm.Fail(crm.EConflict, "tier_err.inactive", s.Code)
	}
	if r, ok, err := ts.store.OpenRun(ctx, id); err != nil || ok {
		return r, err
	}
	now := ts.now()
	r := Run{SchemeID: id, SchemeVersion: s.Version, Kind: RunManual, Day: now.In(crm.Shanghai).Format("2006-01-02"),
		Status: RunQueued, CreatedAt: now.UTC(), CreatedBy: p.Username}
	e := crm.NewAudit(ctx, "tier_recalculate", "tier_scheme", strconv.FormatInt(id, 10), map[string]any{"version": s.Version})
	if err := ts.store.CreateRun(ctx, &r, &e); err != nil {
		return Run{}, err
	}
	return r, nil
}

// Run reads a run's progress.
func (ts *Service) Run(ctx context.Context, id int64) (Run, error) {
	if _, err := readAny(ctx); err != nil {
		return Run{}, err
	}
	return ts.store.Run(ctx, id)
}

// QueueNightly queues, once a day after NightlyAfter (China time), a run
// of every active scheme. The background job calls it.
func (ts *Service) QueueNightly(ctx context.Context) (int, error) {
	now := ts.now()
	day, due := NightlyDue(now)
	if !due {
		return 0, nil
	}
	schemes, err := ts.store.Schemes(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range schemes {
		if !s.Active {
			continue
		}
		done, err := ts.store.HasRun(ctx, s.ID, RunNightly, day)
		if err != nil || done {
			if err != nil {
				return n, err
			}
			continue
		}
		if _, open, err := ts.store.OpenRun(ctx, s.ID); err != nil || open {
			if err != nil {
				return n, err
			}
			continue
		}
		r := Run{SchemeID: s.ID, SchemeVersion: s.Version, Kind: RunNightly, Day: day, Status: RunQueued, CreatedAt: now.UTC(), CreatedBy: "system:tier"}
		if err := ts.store.CreateRun(ctx, &r, nil); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// WorkRuns works the queued runs (and resumes abandoned ones) until none
// is left or ctx ends; it returns how many it finished. The background
// job calls it; tests call it to run a recalculation to its end.
func (ts *Service) WorkRuns(ctx context.Context) (int, error) {
	n := 0
	for ctx.Err() == nil {
		now := ts.now()
		r, ok, err := ts.store.ClaimRun(ctx, now, now.Add(lease))
		if err != nil || !ok {
			return n, err
		}
		if err := ts.work(ctx, r); err != nil {
			if ctx.Err() != nil {
				return n, err // interrupted: the lease runs out and the run resumes
			}
			r.Status, r.Error = RunFailed, err.Error()
			f := ts.now().UTC()
			r.FinishedAt = &f
			if err := ts.store.FinishRun(ctx, r, nil); err != nil {
				return n, err
			}
			continue
		}
		n++
	}
	return n, ctx.Err()
}

// work runs r from its checkpoint to its end.
func (ts *Service) work(ctx context.Context, r Run) error {
	s, err := ts.store.SchemeAt(ctx, r.SchemeID, r.SchemeVersion)
	if err != nil {
		return err
	}
	if err := Validate(&s); err != nil {
		return fmt.Errorf("tier: scheme %d version %d: %w", s.ID, s.Version, err)
	}
	day, err := time.Parse("2006-01-02", r.Day)
	if err != nil {
		return fmt.Errorf("tier: run %d day %q: %w", r.ID, r.Day, err)
	}
	_, first := Window(s.WindowMonths, day)
	var p Params
	if r.Params == "" {
		all, err := ts.store.Population(ctx, first.Format("2006-01"), first)
		if err != nil {
			return err
		}
		p = Prepare(s, day, all)
		b, _ := json.Marshal(p)
		r.Params, r.Total = string(b), int64(len(all))
		if err := ts.store.PrepareRun(ctx, r.ID, r.Params, r.Total, ts.now().Add(lease)); err != nil {
			return err
		}
	} else if err := json.Unmarshal([]byte(r.Params), &p); err != nil {
		return fmt.Errorf("tier: run %d params: %w", r.ID, err)
	}
	for ctx.Err() == nil {
		ms, err := ts.store.Members(ctx, s.ID, r.Checkpoint, BatchSize, p.WindowFrom, first)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			break
		}
		now := ts.now()
		changes, notices := make([]Change, 0, len(ms)), []crm.Notice{}
		for _, m := range ms {
			d := Decide(s, p, m.Facts, m.Current, now)
			d.Next.RunID = r.ID
			c := Change{Next: d.Next}
			if d.Changed {
				c.History = historyOf(s, d, r.ID, "", "system:tier")
				if d.Previous != "" && d.Previous != d.Next.Level {
					r.Moved++
					notices = append(notices, ChangedNotice(s, m, d.Previous, d.Next.Level))
				}
			}
			changes = append(changes, c)
		}
		r.Checkpoint = ms[len(ms)-1].CustomerID
		r.Done += int64(len(ms))
		if err := ts.store.SaveBatch(ctx, r, changes, notices, ts.now().Add(lease)); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f := ts.now().UTC()
	r.Status, r.FinishedAt = RunDone, &f
	e := crm.NewAudit(crm.WithPrincipal(ctx, crm.SystemPrincipal("tier")), "tier_recalculated", "tier_scheme", strconv.FormatInt(s.ID, 10),
		map[string]any{"run": r.ID, "version": s.Version, "customers": r.Done, "moved": r.Moved})
	e.At = f
	return ts.store.FinishRun(ctx, r, &e)
}

// NightlyDue is the day (China time) whose nightly runs are due at now,
// and whether they are: from NightlyAfter o'clock on.
func NightlyDue(now time.Time) (string, bool) {
	local := now.In(crm.Shanghai)
	return local.Format("2006-01-02"), local.Hour() >= NightlyAfter
}
