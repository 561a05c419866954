package complaint

import (
	"context"
	"slices"
	"strings"

	"github.com/kehucrm/kehu/internal/crm/customer"
)

// TierTerm is a customer's current level in one active tier scheme and
// the complaint deadlines that level's service standard sets (服务标准;
// 0: the rules' own).
type TierTerm struct {
	Scheme       string // the scheme's code
	Level        string // the level's code
	ReplyHours   int
	SolutionDays int // working days
}

// TierTermStore reads a customer's tier terms, and the levels of the
// active tier schemes as "<scheme>:<level>" (which a rule's tier may name).
type TierTermStore interface {
	CustomerTierTerms(ctx context.Context, customerID int64) ([]TierTerm, error)
	TierLevelCodes(ctx context.Context) ([]string, error)
}

// standardRules are the complaint rules the service standards of a
// customer's tiers make: for each level whose standard sets a deadline, a
// rule naming that level (*/*/A), as specific as a tier rule, with the
// standard's reply hours and solution working days and the rest from the
// default rule (a quality complaint's solution is never later than the
// default's). A rule an administrator wrote for the same level is kept
// instead.
func standardRules(rules []ComplaintRule, terms []TierTerm) []ComplaintRule {
	base := DefaultComplaintRule
	for _, r := range rules {
		if r.Category == "" && r.Severity == "" && r.Tier == "" {
			base = r
		}
	}
	out := slices.Clone(rules)
	for _, t := range terms {
		if t.ReplyHours == 0 && t.SolutionDays == 0 {
			continue
		}
		r := base
		r.Tier = t.Level
		if slices.Contains(customer.CustomerStages, t.Level) {
			r.Tier = t.Scheme + ":" + t.Level // the bare code is the stage's
		}
		if slices.ContainsFunc(out, func(x ComplaintRule) bool {
			return x.Category == "" && x.Severity == "" && x.Tier == t.Scheme+":"+t.Level
		}) {
			continue // written for the level by its qualified name
		}
		if t.ReplyHours > 0 {
			r.ReplyHours = t.ReplyHours
		}
		if t.SolutionDays > 0 {
			r.SolutionWorkingDays = t.SolutionDays
			r.QualitySolutionWorkingDays = min(r.QualitySolutionWorkingDays, t.SolutionDays)
		}
		if !slices.ContainsFunc(out, func(x ComplaintRule) bool { return x.Key() == r.Key() }) {
			out = append(out, r)
		}
	}
	return out
}

// MatchTierRule picks the rule for a complaint of a customer with tiers
// (each active scheme's level, then the customer's stage, which rules
// written before tiering name): of the rules whose given fields all match,
// the most specific; between equally specific ones, the stricter (the
// earlier reply, then the earlier solution).
func MatchTierRule(rules []ComplaintRule, category, severity string, tiers []string) ComplaintRule {
	best, score := DefaultComplaintRule, -1
	for _, r := range rules {
		if !(r.Category == "" || r.Category == category) || !(r.Severity == "" || r.Severity == severity) {
			continue
		}
		if r.Tier != "" && !slices.Contains(tiers, r.Tier) {
			continue
		}
		s := r.specificity()
		stricter := s == score && (r.ReplyHours < best.ReplyHours ||
			(r.ReplyHours == best.ReplyHours && r.SolutionWorkingDays < best.SolutionWorkingDays))
		if s > score || stricter {
			best, score = r, s
		}
	}
	return best
}

// StageScheme qualifies a stage in a rule's tier: stage:general is the
// customer's stage 一般, value:general the value tier 一般.
const StageScheme = "stage"

// TierCandidates are the codes a customer's complaint matches a rule's
// tier against: each active scheme's level as <scheme>:<level>, and bare
// where the bare code is no stage; the stage bare (as rules written
// before tiering name it) and as stage:<stage>.
func TierCandidates(terms []TierTerm, stage string) []string {
	out := []string{}
	for _, t := range terms {
		out = append(out, t.Scheme+":"+t.Level)
		if !slices.Contains(customer.CustomerStages, t.Level) {
			out = append(out, t.Level)
		}
	}
	if stage != "" {
		out = append(out, stage, StageScheme+":"+stage)
	}
	return out
}

// checkRuleTier says what is wrong with a rule's tier, given the active
// schemes' levels as <scheme>:<level>: a qualified code must name a
// stage (stage:general) or an active scheme's level (value:general, abc:A)
// exactly; a bare code is a stage, or a level of one scheme or more
// (A, premium) — one that is both a stage and a level is refused, asking
// for the qualified form. Empty key: the tier is good.
func checkRuleTier(code string, levels []string) (reason, key string, args []any) {
	stages := strings.Join(customer.CustomerStages, ", ")
	if scheme, level, qualified := strings.Cut(code, ":"); qualified {
		if (scheme == StageScheme && slices.Contains(customer.CustomerStages, level)) || slices.Contains(levels, code) {
			return "", "", nil
		}
		if len(levels) == 0 {
			return "unknown", "complaint_err.rules.tier.unknown", []any{stages}
		}
		return "unknown", "complaint_err.rules.tier.unknown_level", []any{stages, strings.Join(levels, ", ")}
	}
	var qualified []string
	for _, l := range levels {
		if _, level, _ := strings.Cut(l, ":"); level == code {
			qualified = append(qualified, l)
		}
	}
	isStage := slices.Contains(customer.CustomerStages, code)
	switch {
	case isStage && len(qualified) > 0:
		return "ambiguous", "complaint_err.rules.tier.ambiguous", []any{code, strings.Join(append([]string{StageScheme + ":" + code}, qualified...), ", ")}
	case isStage || len(qualified) > 0:
		return "", "", nil
	case len(levels) == 0:
		return "unknown", "complaint_err.rules.tier.unknown", []any{stages}
	}
	return "unknown", "complaint_err.rules.tier.unknown_level", []any{stages, strings.Join(levels, ", ")}
}
