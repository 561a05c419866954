package tier

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
)

// Schemes lists every scheme, active or not.
func (ts *Service) Schemes(ctx context.Context) ([]Scheme, error) {
	if _, err := readAny(ctx); err != nil {
		return nil, err
	}
	return ts.store.Schemes(ctx)
}

// Scheme reads one scheme.
func (ts *Service) Scheme(ctx context.Context, id int64) (Scheme, error) {
	if _, err := readAny(ctx); err != nil {
		return Scheme{}, err
	}
	return ts.store.Scheme(ctx, id)
}

// CreateScheme adds a scheme as its version 1.
func (ts *Service) CreateScheme(ctx context.Context, s Scheme) (Scheme, error) {
	p, err := crm.Authorize(ctx, crm.ActTierManage)
	if err != nil {
		return Scheme{}, err
	}
	if err := Validate(&s); err != nil {
		return Scheme{}, err
	}
	s.ID, s.Version, s.UpdatedAt, s.UpdatedBy = 0, 1, ts.now().UTC(), p.Username
	e := crm.NewAudit(ctx, crm.AuditCreate, "tier_scheme", s.Code, s)
	if err := ts.store.CreateScheme(ctx, &s, &e); err != nil {
		return Scheme{}, err
	}
	return s, nil
}

// SchemePatch changes a scheme; absent fields stay. Version is the one
// the change was made to.
type SchemePatch struct {
	Version      int      `json:"version"`
	Name         *string  `json:"name,omitempty"`
	NameEn       *string  `json:"name_en,omitempty"`
	Active       *bool    `json:"active,omitempty"`
	WindowMonths *int     `json:"window_months,omitempty"`
	Period       *string  `json:"period,omitempty"`
	Periods      *int     `json:"periods,omitempty"`
	Levels       []Level  `json:"levels,omitempty"`
	Weights      *Weights `json:"weights,omitempty"`
}

// apply returns s with the patch's fields.
func (pt SchemePatch) apply(s Scheme) Scheme {
	if pt.Name != nil {
		s.Name = *pt.Name
	}
	if pt.NameEn != nil {
		s.NameEn = *pt.NameEn
	}
	if pt.Active != nil {
		s.Active = *pt.Active
	}
	if pt.WindowMonths != nil {
		s.WindowMonths = *pt.WindowMonths
		s.zeroWindow = s.WindowMonths == 0
	}
	if pt.Period != nil {
		s.Period = *pt.Period
	}
	if pt.Periods != nil {
		s.Periods = *pt.Periods
		s.zeroPeriods = s.Periods == 0
	}
	if pt.Levels != nil {
		s.Levels = slices.Clone(pt.Levels)
	}
	if pt.Weights != nil {
		w := *pt.Weights
		s.Weights = &w
	}
	return s
}

// UpdateScheme saves the patched scheme as its next version; the
// customers' standing is kept (levels the new version no longer has are
// taken up by the next run).
func (ts *Service) UpdateScheme(ctx context.Context, id int64, pt SchemePatch) (Scheme, error) {
	p, err := crm.Authorize(ctx, crm.ActTierManage)
	if err != nil {
		return Scheme{}, err
	}
	old, err := ts.store.Scheme(ctx, id)
	if err != nil {
		return Scheme{}, err
	}
	if pt.Version != old.Version {
		return Scheme{}, crm.Fail(crm.EVersionConflict, "tier_err.changed_version", old.Code, old.Version, pt.Version)
	}
	s := pt.apply(old)
	if err := Validate(&s); err != nil {
		return Scheme{}, err
	}
	s.Version, s.UpdatedAt, s.UpdatedBy = old.Version+1, ts.now().UTC(), p.Username
	e := crm.NewAudit(ctx, crm.AuditUpdate, "tier_scheme", strconv.FormatInt(id, 10), schemeChanges(old, s))
	if err := ts.store.UpdateScheme(ctx, &s, old.Version, &e); err != nil {
		return Scheme{}, err
	}
	return s, nil
}

// schemeChanges is the audit detail of a scheme's new version: each
// changed part before and after.
func schemeChanges(old, s Scheme) map[string]any {
	out := map[string]any{"version": crm.Change{Before: old.Version, After: s.Version}}
	add := func(name string, a, b any, same bool) {
		if !same {
			out[name] = crm.Change{Before: a, After: b}
		}
	}
	add("name", old.Name, s.Name, old.Name == s.Name)
	add("name_en", old.NameEn, s.NameEn, old.NameEn == s.NameEn)
	add("active", old.Active, s.Active, old.Active == s.Active)
	add("window_months", old.WindowMonths, s.WindowMonths, old.WindowMonths == s.WindowMonths)
	add("period", old.Period, s.Period, old.Period == s.Period)
	add("periods", old.Periods, s.Periods, old.Periods == s.Periods)
	add("levels", old.Levels, s.Levels, levelsEqual(old.Levels, s.Levels))
	add("weights", old.Weights, s.Weights, (old.Weights == nil) == (s.Weights == nil) && (old.Weights == nil || *old.Weights == *s.Weights))
	return out
}

func levelsEqual(a, b []Level) bool {
	return slices.EqualFunc(a, b, func(x, y Level) bool {
		ip := func(p *int) string {
			if p == nil {
				return "-"
			}
			return strconv.Itoa(*p)
		}
		key := func(l Level) string {
			return strings.Join([]string{l.Code, l.Name, l.NameEn, strconv.Itoa(l.CumulativePct), l.MinAmount, strconv.Itoa(l.MinScore),
				ip(l.MaxRecencyDays), ip(l.MinOrders), ip(l.MaxComplaints), strconv.FormatBool(l.Flag)}, "|")
		}
		return key(x) == key(y)
	})
}
