package visit

import (
	"context"
	"fmt"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
)

// BatchSize is how many customers a generation reads and saves at once:
// a run over a million customers holds one batch in memory.
const BatchSize = 1000

// MaxSpanDays bounds a generation's range.
const MaxSpanDays = 366

// NightlyDays is how far ahead the nightly generation plans.
const NightlyDays = 31

// Generate starts a generation of plan items for [from, to] (202: the
// background jobs work it). A range with a run queued or running gets
// that run. Generating again is harmless: a customer never gets two items
// of one kind for one period.
func (vs *Service) Generate(ctx context.Context, from, to string) (Run, error) {
	if _, err := crm.Authorize(ctx, crm.ActTierManage); err != nil {
		return Run{}, err
	}
	f, t, err := checkRange(from, to, MaxSpanDays)
	if err != nil {
		return Run{}, err
	}
	if r, ok, err := vs.store.OpenVisitRun(ctx, "manual", f.String()); err != nil {
		return r, err
	} else if ok && r.To == t.String() && (r.Status == RunQueued || r.Status == RunRunning) {
		return r, nil
	}
	r := Run{Kind: "manual", From: f.String(), To: t.String(), Status: RunQueued, CreatedAt: vs.now().UTC(), CreatedBy: username(ctx)}
	e := crm.NewAudit(ctx, crm.AuditCreate, "visit_run", "", map[string]any{"from": r.From, "to": r.To})
	return r, vs.store.CreateVisitRun(ctx, &r, &e)
}

// checkRange parses a range of dates, from ≤ to, at most span days.
func checkRange(from, to string, span int) (calendar.Date, calendar.Date, error) {
	var bad []crm.FieldError
	f, err := calendar.ParseDate(from)
	if err != nil {
		bad = append(bad, crm.Bad("from", "format", "visit.err.date", from))
	}
	t, err2 := calendar.ParseDate(to)
	if err2 != nil {
		bad = append(bad, crm.Bad("to", "format", "visit.err.date", to))
	}
	if err == nil && err2 == nil {
		if t.Before(f) {
			bad = append(bad, crm.Bad("to", "order", "visit.err.range_order"))
		} else if t.Sub(f) > span {
			bad = append(bad, crm.Bad("to", "range", "visit.err.range_span", span))
		}
	}
	if len(bad) > 0 {
		return f, t, crm.Invalid(bad...)
	}
	return f, t, nil
}

func username(ctx context.Context) string {
	if p, ok := crm.PrincipalFrom(ctx); ok {
		return p.Username
	}
	return ""
}

// Run reads a generation run.
func (vs *Service) Run(ctx context.Context, id int64) (Run, error) {
	if _, err := crm.Authorize(ctx, crm.ActTierManage); err != nil {
		return Run{}, err
	}
	return vs.store.VisitRun(ctx, id)
}

// QueueNightly queues the day's generation (today and the next
// NightlyDays days) once a day; it reports whether it queued one.
func (vs *Service) QueueNightly(ctx context.Context) (bool, error) {
	today := vs.today()
	if _, ok, err := vs.store.OpenVisitRun(ctx, "nightly", today.String()); err != nil || ok {
		return false, err
	}
	r := Run{Kind: "nightly", From: today.String(), To: today.AddDays(NightlyDays).String(), Status: RunQueued,
		CreatedAt: vs.now().UTC(), CreatedBy: username(ctx)}
	e := crm.NewAudit(ctx, crm.AuditCreate, "visit_run", "", map[string]any{"from": r.From, "to": r.To, "kind": r.Kind})
	return true, vs.store.CreateVisitRun(ctx, &r, &e)
}

// WorkRuns works the queued runs (and resumes abandoned ones from their
// checkpoint) until none is left; it returns how many it finished.
func (vs *Service) WorkRuns(ctx context.Context) (int, error) {
	n := 0
	for {
		now := vs.now().UTC()
		r, ok, err := vs.store.ClaimVisitRun(ctx, now, now.Add(5*time.Minute))
		if err != nil || !ok {
			return n, err
		}
		if err := vs.work(ctx, &r); err != nil {
			r.Status, r.Error = RunFailed, err.Error()
		} else {
			r.Status = RunDone
		}
		at := vs.now().UTC()
		r.FinishedAt = &at
		if err := vs.store.FinishVisitRun(ctx, r); err != nil {
			return n, err
		}
		n++
	}
}

// work generates r's items, a batch of customers at a time, saving the
// checkpoint with each batch.
func (vs *Service) work(ctx context.Context, r *Run) error {
	cal, err := vs.calendars.Current(ctx)
	if err != nil {
		return err
	}
	from, err := calendar.ParseDate(r.From)
	if err != nil {
		return fmt.Errorf("visit run %d: %w", r.ID, err)
	}
	to, err := calendar.ParseDate(r.To)
	if err != nil {
		return fmt.Errorf("visit run %d: %w", r.ID, err)
	}
	if today := vs.today(); from.Before(today) {
		from = today // no items for periods already past
	}
	pl := planner{cal: cal, from: from, to: to, kinds: map[kindKey]string{}, periods: map[int][]Period{}, now: vs.now().UTC()}
	for {
		ms, err := vs.store.VisitMembers(ctx, r.Checkpoint, BatchSize)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return nil
		}
		items := pl.plan(ms)
		r.Checkpoint = ms[len(ms)-1].CustomerID
		r.Customers += int64(len(ms))
		n, err := vs.store.SaveVisitItems(ctx, *r, items)
		if err != nil {
			return err
		}
		r.Created += n
	}
}

type kindKey struct {
	mix Mix
	k   int
}

// planner turns members into the items of a range, caching the periods
// of each cadence and the kind of each mix and period.
type planner struct {
	cal      *calendar.Calendar
	from, to calendar.Date
	kinds    map[kindKey]string
	periods  map[int][]Period
	now      time.Time
}

// plan returns the items ms should have in the planner's range.
func (pl *planner) plan(ms []Member) []Item {
	var out []Item
	for _, m := range ms {
		c, ok := Strictest(m.Cadences)
		if !ok || m.OwnerID <= 0 {
			continue
		}
		ps, ok := pl.periods[c.Days]
		if !ok {
			ps = Periods(pl.cal, c.Days, pl.from, pl.to)
			pl.periods[c.Days] = ps
		}
		for _, p := range ps {
			if p.Due.Before(pl.from) {
				continue
			}
			kk := kindKey{c.Mix, p.Index}
			kind, ok := pl.kinds[kk]
			if !ok {
				kind = KindFor(c.Mix, p.Index)
				pl.kinds[kk] = kind
			}
			out = append(out, Item{CustomerID: m.CustomerID, OwnerID: m.OwnerID, TeamID: m.TeamID, Kind: kind,
				PeriodStart: p.Start.String(), DueOn: p.Due.String(), Cadence: c.Days, SchemeID: c.SchemeID, Level: c.Level,
				Status: StatusOpen, Version: 1, CreatedAt: pl.now, UpdatedAt: pl.now})
		}
	}
	return out
}
