package complaint

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
)

// ComplaintRule sets a complaint's deadlines. Empty category, severity or
// tier match any value. The tier is the customer's current level in any
// active tier scheme (客户分级: A, premium, watch…), whose service
// standard's complaint deadlines make a rule of their own (see
// standardRules), or its stage (potential, general, important,
// strategic, churned) as rules written before tiering name it; an
// unidentified caller has none (only rules with an empty tier match them).
type ComplaintRule struct {
	Category                   string `json:"category"`
	Severity                   string `json:"severity"`
	Tier                       string `json:"tier"`
	ReplyHours                 int    `json:"reply_hours"`                   // first reply, in clock hours from received_at
	SolutionWorkingDays        int    `json:"solution_working_days"`         // a non-quality complaint's solution, end of the n-th working day
	QualitySolutionWorkingDays int    `json:"quality_solution_working_days"` // a quality complaint's solution
	EscalateAfterWorkingDays   int    `json:"escalate_after_working_days"`   // to the gm, after being marked overdue
}

// DefaultComplaintRule is the policy (客户问题处理管理制度 第七、八条): a first
// reply within 24 hours; a solution within 2 working days for complaints
// other than product quality. For quality complaints the policy starts
// the recall at once (第八条 "应立即启动产品质量召回程序"): the abnormality
// record opens on intake and the solution is due at the end of the next
// working day. An overdue complaint goes to the gm one working day later.
var DefaultComplaintRule = ComplaintRule{ReplyHours: 24, SolutionWorkingDays: 2, QualitySolutionWorkingDays: 1, EscalateAfterWorkingDays: 1}

// Key names the rule: category/severity/tier, "*" for any.
func (r ComplaintRule) Key() string {
	any := func(s string) string {
		if s == "" {
			return "*"
		}
		return s
	}
	return any(r.Category) + "/" + any(r.Severity) + "/" + any(r.Tier)
}

// specificity orders matching rules: more given fields first; among
// rules with as many, category outranks severity outranks tier.
func (r ComplaintRule) specificity() int {
	n, w := 0, 0
	if r.Category != "" {
		n, w = n+1, w+4
	}
	if r.Severity != "" {
		n, w = n+1, w+2
	}
	if r.Tier != "" {
		n, w = n+1, w+1
	}
	return n*10 + w
}

func (r ComplaintRule) matches(category, severity, tier string) bool {
	return (r.Category == "" || r.Category == category) && (r.Severity == "" || r.Severity == severity) && (r.Tier == "" || r.Tier == tier)
}

// MatchComplaintRule picks the rule for a complaint: of the rules whose
// given fields all equal the complaint's, the most specific (see
// specificity); the default rule (all fields empty) matches everything.
func MatchComplaintRule(rules []ComplaintRule, category, severity, tier string) ComplaintRule {
	best, score := DefaultComplaintRule, -1
	for _, r := range rules {
		if r.matches(category, severity, tier) && r.specificity() > score {
			best, score = r, r.specificity()
		}
	}
	return best
}

// ComplaintRuleStore keeps the rules.
type ComplaintRuleStore interface {
	ComplaintRules(ctx context.Context) ([]ComplaintRule, error)
	PutComplaintRules(ctx context.Context, rules []ComplaintRule, e *crm.AuditEntry) error
}

// Rules returns the rules (settings.manage).
func (cr *Service) Rules(ctx context.Context) ([]ComplaintRule, error) {
	if _, err := crm.Authorize(ctx, crm.ActSettingsManage); err != nil {
		return nil, err
	}
	return cr.store.ComplaintRules(ctx)
}

// PutRules replaces every rule (settings.manage), audited with the rules
// before and after. It must hold exactly one default rule and no two
// rules for the same category/severity/tier; a bad rule is refused with
// the field named (rules[i].field) and nothing changes. New complaints
// get the new deadlines; those already registered keep theirs.
func (cr *Service) PutRules(ctx context.Context, rules []ComplaintRule) ([]ComplaintRule, error) {
	if _, err := crm.Authorize(ctx, crm.ActSettingsManage); err != nil {
		return nil, err
	}
	levels, err := cr.store.TierLevelCodes(ctx)
	if err != nil {
		return nil, err
	}
	if err := ValidateComplaintRulesWith(rules, levels); err != nil {
		return nil, err
	}
	before, err := cr.store.ComplaintRules(ctx)
	if err != nil {
		return nil, err
	}
	keys := func(rs []ComplaintRule) []string {
		out := make([]string, len(rs))
		for i, r := range rs {
			out[i] = fmt.Sprintf("%s reply=%dh solution=%dwd quality=%dwd escalate=%dwd", r.Key(), r.ReplyHours, r.SolutionWorkingDays, r.QualitySolutionWorkingDays, r.EscalateAfterWorkingDays)
		}
		return out
	}
	e := crm.NewAudit(ctx, crm.AuditUpdate, "complaint_rules", "", map[string]any{"rules": crm.Change{Before: keys(before), After: keys(rules)}})
	if err := cr.store.PutComplaintRules(ctx, rules, &e); err != nil {
		return nil, err
	}
	return cr.store.ComplaintRules(ctx)
}

// ValidateComplaintRules checks a whole rule set whose tiers are stages.
func ValidateComplaintRules(rules []ComplaintRule) error {
	return ValidateComplaintRulesWith(rules, nil)
}

// ValidateComplaintRulesWith checks a whole rule set whose tiers are
// stages or levels (the active tier schemes' level codes).
func ValidateComplaintRulesWith(rules []ComplaintRule, levels []string) error {
	var fs []crm.FieldError
	bad := func(i int, field, code, key string, args ...any) {
		fs = append(fs, crm.Bad(fmt.Sprintf("rules[%d].%s", i, field), code, key, args...))
	}
	if len(rules) > 500 {
		return crm.Invalid(crm.Bad("rules", "length", "complaint_err.rules.length"))
	}
	seen := map[string]int{}
	defaults := 0
	for i := range rules {
		r := &rules[i]
		r.Category, r.Severity, r.Tier = strings.TrimSpace(r.Category), strings.TrimSpace(r.Severity), strings.TrimSpace(r.Tier)
		if r.Category != "" && !slices.Contains(ComplaintCategories, r.Category) {
			bad(i, "category", "unknown", "complaint_err.rules.category.unknown", strings.Join(ComplaintCategories, ", "))
		}
		if r.Severity != "" && !slices.Contains(ComplaintSeverities, r.Severity) {
			bad(i, "severity", "unknown", "complaint_err.rules.severity.unknown")
		}
		if reason, key, args := checkRuleTier(r.Tier, levels); r.Tier != "" && key != "" {
			bad(i, "tier", reason, key, args...)
		}
		if r.ReplyHours < 1 || r.ReplyHours > 720 {
			bad(i, "reply_hours", "range", "complaint_err.rules.reply_hours.range")
		}
		if r.SolutionWorkingDays < 1 || r.SolutionWorkingDays > 60 {
			bad(i, "solution_working_days", "range", "complaint_err.rules.working_days.range")
		}
		if r.QualitySolutionWorkingDays < 1 || r.QualitySolutionWorkingDays > 60 {
			bad(i, "quality_solution_working_days", "range", "complaint_err.rules.working_days.range")
		}
		if r.EscalateAfterWorkingDays < 0 || r.EscalateAfterWorkingDays > 30 {
			bad(i, "escalate_after_working_days", "range", "complaint_err.rules.escalate.range")
		}
		if j, dup := seen[r.Key()]; dup {
			bad(i, "category", "duplicate", "complaint_err.rules.duplicate", j, r.Key())
		}
		seen[r.Key()] = i
		if r.Category == "" && r.Severity == "" && r.Tier == "" {
			defaults++
		}
	}
	if defaults != 1 && len(fs) == 0 {
		fs = append(fs, crm.Bad("rules", "default", "complaint_err.rules.default"))
	}
	if len(fs) > 0 {
		return crm.Invalid(fs...)
	}
	return nil
}

// deadlines applies the matching rule to a new complaint: tier is the
// customer's stage, which rules written before tiering name.
func (cs *Service) deadlines(ctx context.Context, c *Complaint, tier string) error {
	rules, err := cs.store.ComplaintRules(ctx)
	if err != nil {
		return err
	}
	// The customer's real tiers (客户分级) and their service standards'
	// deadlines; the stage last, for rules that name one.
	var terms []TierTerm
	if c.CustomerID != 0 {
		if terms, err = cs.store.CustomerTierTerms(ctx, c.CustomerID); err != nil {
			return err
		}
		rules = standardRules(rules, terms)
	}
	tiers := TierCandidates(terms, tier)
	r := MatchTierRule(rules, c.Category, c.Severity, tiers)
	cal, err := cs.calendars.Current(ctx)
	if err != nil {
		return err
	}
	reply, solution, err := r.dueTimes(cal, c.ReceivedAt, c.Quality)
	if err != nil {
		return err
	}
	c.SLARule, c.EscalateAfterDays = r.Key(), r.EscalateAfterWorkingDays
	c.ReplyDueAt, c.SolutionDueAt = reply, &solution
	return nil
}

// dueTimes is when a complaint received at received is due under r: the
// first reply r.ReplyHours clock hours later, holidays or not; the
// solution at the end of business on the n-th working day after the day
// it came in (China time, 调休 Saturdays counting), n being the quality
// or the other solution working days.
func (r ComplaintRule) dueTimes(cal *calendar.Calendar, received time.Time, quality bool) (reply, solution time.Time, err error) {
	days := r.SolutionWorkingDays
	if quality {
		days = r.QualitySolutionWorkingDays
	}
	due, err := cal.AddWorkingDays(received, days)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return received.Add(time.Duration(r.ReplyHours) * time.Hour).UTC(), due.Time.UTC(), nil
}
