package visit

import (
	"context"
	"fmt"

	"github.com/kehucrm/kehu/internal/crm"
)

// Group-bys of compliance.
const (
	ByOwner = "owner"
	ByTeam  = "team"
)

// Compliance is items done on time ÷ items due, per manager or team, for
// the items due in [from, to]: an item counts as due once its due date
// has passed, or once it is done. Account managers see their own line,
// sales managers their team's, gm everyone's.
func (vs *Service) Compliance(ctx context.Context, groupBy, from, to string) ([]Row, error) {
	p, err := crm.Authorize(ctx, crm.ActVisitRead)
	if err != nil {
		return nil, err
	}
	var bad []crm.FieldError
	if groupBy == "" {
		groupBy = ByOwner
	}
	if groupBy != ByOwner && groupBy != ByTeam {
		bad = append(bad, crm.Bad("group_by", "unknown", "visit.err.group_by", groupBy))
	}
	f, t, err := checkRange(from, to, 3660)
	if err != nil {
		if e, ok := err.(*crm.Error); ok {
			bad = append(bad, e.Fields...)
		}
	}
	if len(bad) > 0 {
		return nil, crm.Invalid(bad...)
	}
	q := ComplianceQuery{GroupBy: groupBy, From: f.String(), To: t.String(), Today: vs.Today()}
	switch s := crm.CustomerScope(p); {
	case s.All:
	case s.TeamID != 0:
		q.TeamID, q.Self = s.TeamID, p.UserID
	default:
		q.OwnerID = p.UserID
	}
	rows, err := vs.store.Compliance(ctx, q)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		rows[i].Rate, rows[i].RateText = Rate(rows[i].OnTime, rows[i].Due)
	}
	return rows, nil
}

// Rate is on ÷ due as a fraction and as a percentage with one decimal
// ("87.5%"); "-" when nothing is due.
func Rate(on, due int64) (float64, string) {
	if due <= 0 {
		return 0, "-"
	}
	r := float64(on) / float64(due)
	return r, fmt.Sprintf("%.1f%%", r*100)
}

// ExportCompliance is Compliance for an export: the same rows, with an
// audit entry for the export.
func (vs *Service) ExportCompliance(ctx context.Context, groupBy, from, to string) ([]Row, error) {
	rows, err := vs.Compliance(ctx, groupBy, from, to)
	if err != nil {
		return nil, err
	}
	e := crm.NewAudit(ctx, crm.AuditExport, "visit_compliance", "", map[string]any{"format": "xlsx", "group_by": groupBy, "from": from, "to": to, "rows": len(rows)})
	return rows, vs.store.Audit(ctx, &e)
}
