package tier

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

// Standard is the service a level of a scheme gets (服务标准, 第五条): a
// dedicated manager (one-to-one for 高端), visits every so many working
// days, the channel mix, and the complaint deadlines for its customers.
type Standard struct {
	SchemeID         int64     `json:"scheme_id"`
	Level            string    `json:"level"`
	DedicatedManager bool      `json:"dedicated_manager"`
	OneToOne         bool      `json:"one_to_one"`
	VisitEveryDays   int       `json:"visit_every_working_days"` // 0: no visits planned
	ChannelVisit     int       `json:"channel_visit_pct"`
	ChannelPhone     int       `json:"channel_phone_pct"`
	ChannelMessage   int       `json:"channel_message_pct"`
	ReplyHours       int       `json:"complaint_reply_hours"`   // 0: the complaint rules'
	SolutionDays     int       `json:"complaint_solution_days"` // working days; 0: the complaint rules'
	UpdatedAt        time.Time `json:"updated_at"`
	UpdatedBy        string    `json:"updated_by"`
}

// Violation is a customer whose level asks for a dedicated manager and
// whose owner is not one (disabled, or not an account or sales manager).
type Violation struct {
	CustomerID   int64  `json:"customer_id"`
	CustomerName string `json:"customer_name"`
	SchemeID     int64  `json:"scheme_id"`
	Level        string `json:"level"`
	OwnerID      int64  `json:"owner_id"`
	OwnerName    string `json:"owner_name"`
	Problem      string `json:"problem"` // owner_disabled, owner_not_manager
}

// StandardStore keeps the service standards.
type StandardStore interface {
	Standards(ctx context.Context, schemeID int64) ([]Standard, error) // 0: every scheme's
	PutStandards(ctx context.Context, schemeID int64, ss []Standard, e *crm.AuditEntry) error
	Violations(ctx context.Context, s crm.Scope, after int64, limit int) ([]Violation, error)
	ViolationTotal(ctx context.Context, s crm.Scope) (crm.ListTotal, error)
}

// Standards lists the service standards, of one scheme or (0) of all.
func (ts *Service) Standards(ctx context.Context, schemeID int64) ([]Standard, error) {
	if _, err := readAny(ctx); err != nil {
		return nil, err
	}
	return ts.store.Standards(ctx, schemeID)
}

// PutStandards replaces a scheme's standards, one per level at most.
func (ts *Service) PutStandards(ctx context.Context, schemeID int64, ss []Standard) ([]Standard, error) {
	p, err := crm.Authorize(ctx, crm.ActTierManage)
	if err != nil {
		return nil, err
	}
	s, err := ts.store.Scheme(ctx, schemeID)
	if err != nil {
		return nil, err
	}
	var bad []crm.FieldError
	seen := map[string]bool{}
	now := ts.now().UTC()
	for i := range ss {
		x := &ss[i]
		f := func(n string) string { return fmt.Sprintf("standards[%d].%s", i, n) }
		if _, ok := s.Level(x.Level); !ok {
			bad = append(bad, crm.Bad(f("level"), "unknown", "tier_err.level", x.Level))
		} else if seen[x.Level] {
			bad = append(bad, crm.Bad(f("level"), "duplicate", "tier_err.duplicate", x.Level))
		}
		seen[x.Level] = true
		if x.VisitEveryDays < 0 || x.VisitEveryDays > 260 {
			bad = append(bad, crm.Bad(f("visit_every_working_days"), "range", "tier_err.visit_days"))
		}
		if x.ChannelVisit < 0 || x.ChannelPhone < 0 || x.ChannelMessage < 0 || x.ChannelVisit+x.ChannelPhone+x.ChannelMessage != 100 {
			bad = append(bad, crm.Bad(f("channel_visit_pct"), "sum", "tier_err.channels", x.ChannelVisit+x.ChannelPhone+x.ChannelMessage))
		}
		if x.ReplyHours < 0 || x.ReplyHours > 720 {
			bad = append(bad, crm.Bad(f("complaint_reply_hours"), "range", "tier_err.reply_hours"))
		}
		if x.SolutionDays < 0 || x.SolutionDays > 60 {
			bad = append(bad, crm.Bad(f("complaint_solution_days"), "range", "tier_err.solution_days"))
		}
		if x.OneToOne && !x.DedicatedManager {
			bad = append(bad, crm.Bad(f("one_to_one"), "dedicated", "tier_err.one_to_one"))
		}
		x.SchemeID, x.UpdatedAt, x.UpdatedBy = schemeID, now, p.Username
	}
	if len(bad) > 0 {
		return nil, crm.Invalid(bad...)
	}
	old, err := ts.store.Standards(ctx, schemeID)
	if err != nil {
		return nil, err
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "service_standards", strconv.FormatInt(schemeID, 10), crm.Change{Before: old, After: ss})
	if err := ts.store.PutStandards(ctx, schemeID, ss, &e); err != nil {
		return nil, err
	}
	return ss, nil
}

// Violations lists the customers in the caller's scope whose level asks
// for a dedicated manager and have none, by customer id.
func (ts *Service) Violations(ctx context.Context, after int64, limit int) ([]Violation, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActTierRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	sc := crm.CustomerScope(p)
	if p.Role == crm.RoleGMOffice || p.Role == crm.RoleMarketing {
		sc = crm.Scope{UserID: p.UserID}
	}
	v, err := ts.store.Violations(ctx, sc, after, limit)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := ts.store.ViolationTotal(ctx, sc)
	return v, total, err
}
