package tier

import (
	"context"
	"sort"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// Move is one customer a preview would move.
type Move struct {
	CustomerID int64  `json:"customer_id"`
	Name       string `json:"customer_name,omitempty"` // only for callers who may read the customer
	From       string `json:"from"`
	To         string `json:"to"`
	Inputs     Inputs `json:"inputs"`
}

// Flow counts the customers moving from one level to another.
type Flow struct {
	From string `json:"from"`
	To   string `json:"to"`
	N    int64  `json:"n"`
}

// Preview is what a scheme as edited would do to the customers' levels
// now: how many would move and which (the first of them, in the caller's
// scope).
type Preview struct {
	Customers int64  `json:"customers"`
	Moves     int64  `json:"moves"`
	Flows     []Flow `json:"flows"`
	Sample    []Move `json:"sample"`
}

// PreviewLimit is how many of the moving customers a preview names.
const PreviewLimit = 50

// Preview computes the edited scheme (the patch over scheme id) for every
// customer without saving anything, and compares it with each customer's
// effective level. Hysteresis is left out: it shows where customers
// would head. Overrides and watch flags hold as they are.
func (ts *Service) Preview(ctx context.Context, id int64, pt SchemePatch) (Preview, error) {
	p, err := crm.Authorize(ctx, crm.ActTierManage)
	if err != nil {
		return Preview{}, err
	}
	old, err := ts.store.Scheme(ctx, id)
	if err != nil {
		return Preview{}, err
	}
	s := pt.apply(old)
	if err := Validate(&s); err != nil {
		return Preview{}, err
	}
	now := ts.now()
	day := dayOf(now)
	_, first := Window(s.WindowMonths, day)
	all, err := ts.store.Population(ctx, first.Format("2006-01"), first)
	if err != nil {
		return Preview{}, err
	}
	params := Prepare(s, day, all)
	scope, names := previewScope(p)
	out := Preview{Flows: []Flow{}, Sample: []Move{}}
	flows := map[[2]string]int64{}
	var after int64
	for {
		ms, err := ts.store.Members(ctx, s.ID, after, BatchSize, params.WindowFrom, first)
		if err != nil {
			return Preview{}, err
		}
		if len(ms) == 0 {
			break
		}
		for _, m := range ms {
			out.Customers++
			cur := m.Current
			if cur != nil {
				c := *cur
				c.State = State{} // no hysteresis: the level computed now
				cur = &c
			}
			d := Decide(s, params, m.Facts, cur, now)
			from := ""
			if m.Current != nil {
				from = m.Current.Level
			}
			if from == d.Next.Level {
				continue
			}
			out.Moves++
			flows[[2]string{from, d.Next.Level}]++
			if len(out.Sample) < PreviewLimit && inScope(scope, m.OwnerID, m.TeamID) {
				mv := Move{CustomerID: m.CustomerID, From: from, To: d.Next.Level, Inputs: d.Next.Inputs}
				if names {
					mv.Name = m.Name
				}
				out.Sample = append(out.Sample, mv)
			}
		}
		after = ms[len(ms)-1].CustomerID
	}
	for k, n := range flows {
		out.Flows = append(out.Flows, Flow{From: k[0], To: k[1], N: n})
	}
	sort.Slice(out.Flows, func(i, j int) bool {
		if out.Flows[i].N != out.Flows[j].N {
			return out.Flows[i].N > out.Flows[j].N
		}
		return out.Flows[i].From+out.Flows[i].To < out.Flows[j].From+out.Flows[j].To
	})
	return out, nil
}

// dayOf is now's date in China, as midnight UTC (how rules count days).
func dayOf(now time.Time) time.Time {
	d := now.In(crm.Shanghai)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// previewScope is whose moving customers a preview names: those in the
// caller's scope, by name; nobody for the admin, who reads no customers.
func previewScope(p crm.Principal) (crm.Scope, bool) {
	if !p.Role.Can(crm.ActCustomerRead) {
		return crm.Scope{UserID: -1}, false
	}
	return crm.CustomerScope(p), true
}
