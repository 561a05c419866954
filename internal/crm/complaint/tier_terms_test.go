package complaint

import (
	"errors"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

func TestTheServiceStandardOfACustomersTierSetsItsComplaintDeadlines(t *testing.T) {
	def := ComplaintRule{ReplyHours: 24, SolutionWorkingDays: 2, QualitySolutionWorkingDays: 1, EscalateAfterWorkingDays: 1}
	quality := ComplaintRule{Category: "product_quality", ReplyHours: 4, SolutionWorkingDays: 1, QualitySolutionWorkingDays: 1, EscalateAfterWorkingDays: 1}
	strategic := ComplaintRule{Tier: "strategic", ReplyHours: 6, SolutionWorkingDays: 1, QualitySolutionWorkingDays: 1, EscalateAfterWorkingDays: 1}
	ownA := ComplaintRule{Tier: "A", ReplyHours: 2, SolutionWorkingDays: 1, QualitySolutionWorkingDays: 1, EscalateAfterWorkingDays: 1}
	a := TierTerm{Scheme: "abc", Level: "A", ReplyHours: 12, SolutionDays: 2}
	c := TierTerm{Scheme: "abc", Level: "C", ReplyHours: 24, SolutionDays: 3}
	premium := TierTerm{Scheme: "bank", Level: "premium", ReplyHours: 8, SolutionDays: 2}
	unset := TierTerm{Scheme: "value", Level: "general"}
	cases := []struct {
		name          string
		rules         []ComplaintRule
		terms         []TierTerm
		category      string
		stage         string
		key           string
		reply, solved int
	}{
		{"an A customer gets A's standard", []ComplaintRule{def}, []TierTerm{a}, "service", "", "*/*/A", 12, 2},
		{"a C customer gets C's standard", []ComplaintRule{def}, []TierTerm{c}, "service", "", "*/*/C", 24, 3},
		{"a customer without a tier gets the default rule", []ComplaintRule{def}, nil, "service", "", "*/*/*", 24, 2},
		{"a standard that sets no deadline leaves the default rule", []ComplaintRule{def}, []TierTerm{unset}, "service", "", "*/*/*", 24, 2},
		{"of two schemes' standards the stricter wins", []ComplaintRule{def}, []TierTerm{a, premium}, "service", "", "*/*/premium", 8, 2},
		{"a category rule outranks the tier's standard", []ComplaintRule{def, quality}, []TierTerm{a}, "product_quality", "", "product_quality/*/*", 4, 1},
		{"a rule written for the level is kept over its standard", []ComplaintRule{def, ownA}, []TierTerm{a}, "service", "", "*/*/A", 2, 1},
		{"a rule naming the stage still matches it", []ComplaintRule{def, strategic}, nil, "service", "strategic", "*/*/strategic", 6, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tiers := []string{}
			for _, x := range tc.terms {
				tiers = append(tiers, x.Level)
			}
			if tc.stage != "" {
				tiers = append(tiers, tc.stage)
			}
			r := MatchTierRule(standardRules(tc.rules, tc.terms), tc.category, "normal", tiers)
			if r.Key() != tc.key || r.ReplyHours != tc.reply || r.SolutionWorkingDays != tc.solved {
				t.Errorf("got %s %dh %dd, want %s %dh %dd", r.Key(), r.ReplyHours, r.SolutionWorkingDays, tc.key, tc.reply, tc.solved)
			}
			if r.QualitySolutionWorkingDays > def.QualitySolutionWorkingDays {
				t.Errorf("a quality complaint's solution later than the default's: %d", r.QualitySolutionWorkingDays)
			}
		})
	}
}

// Stage codes and value-tier codes collide (general, potential,
// strategic): a qualified tier (value:general, stage:general, abc:A)
// matches exactly that; a bare stage code means the stage, as rules
// written before tiering do; a bare level code matches the level.
func TestAQualifiedTierMatchesOnlyItsSchemesLevel(t *testing.T) {
	def := ComplaintRule{ReplyHours: 24, SolutionWorkingDays: 2, QualitySolutionWorkingDays: 1, EscalateAfterWorkingDays: 1}
	rule := func(tier string, hours int) ComplaintRule {
		return ComplaintRule{Tier: tier, ReplyHours: hours, SolutionWorkingDays: 2, QualitySolutionWorkingDays: 1, EscalateAfterWorkingDays: 1}
	}
	potential := []TierTerm{{Scheme: "value", Level: "potential"}, {Scheme: "abc", Level: "A"}}
	general := []TierTerm{{Scheme: "value", Level: "general"}}
	cases := []struct {
		name  string
		rules []ComplaintRule
		terms []TierTerm
		stage string
		key   string
	}{
		{"value:general skips a general-stage customer whose value tier is potential", []ComplaintRule{def, rule("value:general", 6)}, potential, "general", "*/*/*"},
		{"value:general matches a value-general customer of another stage", []ComplaintRule{def, rule("value:general", 6)}, general, "potential", "*/*/value:general"},
		{"a bare general is the stage, not the value tier", []ComplaintRule{def, rule("general", 6)}, general, "potential", "*/*/*"},
		{"a bare general still matches the stage", []ComplaintRule{def, rule("general", 6)}, potential, "general", "*/*/general"},
		{"stage:general matches the stage", []ComplaintRule{def, rule("stage:general", 6)}, potential, "general", "*/*/stage:general"},
		{"abc:A matches an A customer", []ComplaintRule{def, rule("abc:A", 6)}, potential, "potential", "*/*/abc:A"},
		{"a bare A matches an A customer", []ComplaintRule{def, rule("A", 6)}, potential, "potential", "*/*/A"},
		{"abc:A skips a customer without A", []ComplaintRule{def, rule("abc:A", 6)}, general, "potential", "*/*/*"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := MatchTierRule(standardRules(tc.rules, tc.terms), "service", "normal", TierCandidates(tc.terms, tc.stage))
			if r.Key() != tc.key {
				t.Errorf("got %s, want %s", r.Key(), tc.key)
			}
		})
	}
}

func TestARulesTierIsAStageALevelOrQualifiedAndAnAmbiguousBareCodeIsRefused(t *testing.T) {
	levels := []string{"abc:A", "abc:B", "abc:C", "bank:premium", "bank:watch", "value:strategic", "value:important", "value:general", "value:potential"}
	cases := []struct {
		tier, reason string
	}{
		{"value:general", ""},
		{"abc:A", ""},
		{"stage:general", ""},
		{"stage:churned", ""},
		{"A", ""},
		{"premium", ""},
		{"churned", ""}, // a stage only
		{"general", "ambiguous"},
		{"strategic", "ambiguous"},
		{"potential", "ambiguous"},
		{"value:A", "unknown"},
		{"stage:A", "unknown"},
		{"nosuch:general", "unknown"},
		{"Z", "unknown"},
	}
	for _, tc := range cases {
		t.Run(tc.tier, func(t *testing.T) {
			rules := []ComplaintRule{
				{ReplyHours: 24, SolutionWorkingDays: 2, QualitySolutionWorkingDays: 1, EscalateAfterWorkingDays: 1},
				{Tier: tc.tier, ReplyHours: 8, SolutionWorkingDays: 2, QualitySolutionWorkingDays: 1, EscalateAfterWorkingDays: 1},
			}
			err := ValidateComplaintRulesWith(rules, levels)
			var e *crm.Error
			switch {
			case tc.reason == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.reason != "" && (!errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "rules[1].tier" || e.Fields[0].Code != tc.reason):
				t.Errorf("got %v, want rules[1].tier %s", err, tc.reason)
			}
			if tc.reason == "ambiguous" {
				_, fs := e.In("zh-CN")
				if !strings.Contains(fs[0].Message, "stage:"+tc.tier) || !strings.Contains(fs[0].Message, "value:"+tc.tier) {
					t.Errorf("the message offers no qualified form: %s", fs[0].Message)
				}
			}
		})
	}
	// Without tier schemes, a bare stage is no ambiguity.
	if err := ValidateComplaintRulesWith([]ComplaintRule{{ReplyHours: 24, SolutionWorkingDays: 2, QualitySolutionWorkingDays: 1}, {Tier: "general", ReplyHours: 8, SolutionWorkingDays: 2, QualitySolutionWorkingDays: 1}}, nil); err != nil {
		t.Errorf("a stage without schemes: %v", err)
	}
}
