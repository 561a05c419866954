package care

import (
	"context"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
)

// authorizeSettings lets whoever may read care, or change its settings,
// read the settings (lead rules, care dates): who may write may read.
func authorizeSettings(ctx context.Context) error {
	if _, err := crm.Authorize(ctx, crm.ActCareRead); err == nil {
		return nil
	}
	_, err := crm.Authorize(ctx, crm.ActCareManage)
	return err
}

// checkTier refuses a tier level no tier scheme defines ("" is any tier).
func (s *Service) checkTier(ctx context.Context, field, tier string) (*crm.FieldError, error) {
	if tier == "" {
		return nil, nil
	}
	levels, err := s.store.TierLevels(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range levels {
		if l == tier {
			return nil, nil
		}
	}
	f := crm.Bad(field, "unknown", "care.tier.unknown", tier)
	return &f, nil
}

// checkCustom refuses custom:<id> when no such care date exists.
func (s *Service) checkCustom(ctx context.Context, field, occ string) (*crm.FieldError, error) {
	rest, ok := strings.CutPrefix(occ, OccCustomPrefix)
	if !ok {
		return nil, nil
	}
	id, _ := strconv.ParseInt(rest, 10, 64)
	dates, err := s.store.CareDates(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range dates {
		if d.ID == id {
			return nil, nil
		}
	}
	f := crm.Bad(field, "unknown", "care.occasion.no_such_date", occ)
	return &f, nil
}

// appendChecked adds fe to bad when set.
func appendChecked(bad []crm.FieldError, fe *crm.FieldError) []crm.FieldError {
	if fe != nil {
		bad = append(bad, *fe)
	}
	return bad
}
