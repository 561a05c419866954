package complaint

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

// rule is a rule for category/severity/tier; its reply hours tell the
// rules apart in failure messages.
func rule(category, severity, tier string) ComplaintRule {
	return ComplaintRule{Category: category, Severity: severity, Tier: tier,
		ReplyHours: 1 + len(category) + len(severity) + len(tier), SolutionWorkingDays: 2, QualitySolutionWorkingDays: 1, EscalateAfterWorkingDays: 1}
}

func TestMatchComplaintRule(t *testing.T) {
	def := rule("", "", "")
	quality, major, strategic := rule("product_quality", "", ""), rule("", "major", ""), rule("", "", "strategic")
	serviceMajor, serviceStrategic, majorStrategic := rule("service", "major", ""), rule("service", "", "strategic"), rule("", "major", "strategic")
	all := rule("service", "major", "strategic")
	for _, tc := range []struct {
		name                     string
		rules                    []ComplaintRule
		category, severity, tier string
		want                     string // the rule's Key
	}{
		{"with no rules the built-in policy applies", nil, "service", "normal", "general", "*/*/*"},
		{"a complaint no rule names gets the default rule", []ComplaintRule{def, quality, major}, "price", "normal", "general", "*/*/*"},
		{"a category rule applies to every severity and tier of that category", []ComplaintRule{def, quality}, "product_quality", "normal", "potential", "product_quality/*/*"},
		{"a rule naming another value does not apply", []ComplaintRule{def, quality, strategic}, "logistics", "normal", "important", "*/*/*"},
		{"a caller with no tier matches no rule that names a tier", []ComplaintRule{def, strategic, majorStrategic}, "service", "major", "", "*/*/*"},
		{"a category outranks a severity", []ComplaintRule{def, quality, major}, "product_quality", "major", "general", "product_quality/*/*"},
		{"a severity outranks a tier", []ComplaintRule{def, major, strategic}, "price", "major", "strategic", "*/major/*"},
		{"a category outranks a tier", []ComplaintRule{def, rule("service", "", ""), strategic}, "service", "normal", "strategic", "service/*/*"},
		{"two given fields outrank one, even the category", []ComplaintRule{def, rule("service", "", ""), majorStrategic}, "service", "major", "strategic", "*/major/strategic"},
		{"category and severity outrank category and tier", []ComplaintRule{def, serviceStrategic, serviceMajor}, "service", "major", "strategic", "service/major/*"},
		{"category and tier outrank severity and tier", []ComplaintRule{def, majorStrategic, serviceStrategic}, "service", "major", "strategic", "service/*/strategic"},
		{"all three fields outrank any two", []ComplaintRule{def, serviceMajor, serviceStrategic, majorStrategic, all}, "service", "major", "strategic", "service/major/strategic"},
		{"the most specific rule applies even without a stored default", []ComplaintRule{major}, "price", "major", "general", "*/major/*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := MatchComplaintRule(tc.rules, tc.category, tc.severity, tc.tier)
			if got.Key() != tc.want {
				t.Fatalf("MatchComplaintRule(%s/%s/%s) = %s, want %s", tc.category, tc.severity, tc.tier, got.Key(), tc.want)
			}
			if i := slices.IndexFunc(tc.rules, func(r ComplaintRule) bool { return r.Key() == tc.want }); i >= 0 && got != tc.rules[i] {
				t.Errorf("got %+v, want the rule as stored %+v", got, tc.rules[i])
			}
			reversed := slices.Clone(tc.rules)
			slices.Reverse(reversed)
			if back := MatchComplaintRule(reversed, tc.category, tc.severity, tc.tier); back != got {
				t.Errorf("the rules in reverse order matched %s, in order %s", back.Key(), got.Key())
			}
		})
	}
	t.Run("a stored default rule replaces the built-in policy", func(t *testing.T) {
		stored := ComplaintRule{ReplyHours: 12, SolutionWorkingDays: 3, QualitySolutionWorkingDays: 2}
		if got := MatchComplaintRule([]ComplaintRule{stored}, "service", "normal", "general"); got != stored {
			t.Errorf("got %+v, want the stored default %+v", got, stored)
		}
	})
	t.Run("the built-in policy is a reply in 24 hours and a solution in 2 working days", func(t *testing.T) {
		want := ComplaintRule{ReplyHours: 24, SolutionWorkingDays: 2, QualitySolutionWorkingDays: 1, EscalateAfterWorkingDays: 1}
		if got := MatchComplaintRule(nil, "service", "normal", "general"); got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
}

func TestComplaintRuleKey(t *testing.T) {
	for _, tc := range []struct {
		r    ComplaintRule
		want string
	}{
		{rule("", "", ""), "*/*/*"},
		{rule("service", "", ""), "service/*/*"},
		{rule("", "major", "strategic"), "*/major/strategic"},
		{rule("product_quality", "normal", "general"), "product_quality/normal/general"},
	} {
		t.Run("a rule is named "+tc.want, func(t *testing.T) {
			if got := tc.r.Key(); got != tc.want {
				t.Errorf("Key() = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestValidateComplaintRules(t *testing.T) {
	with := func(r ComplaintRule, change func(*ComplaintRule)) ComplaintRule {
		change(&r)
		return r
	}
	def, service := rule("", "", ""), rule("service", "", "")
	many := make([]ComplaintRule, 501)
	for _, tc := range []struct {
		name  string
		rules []ComplaintRule
		want  []string // field:code, in order
	}{
		{"a default rule alone is valid", []ComplaintRule{def}, nil},
		{"a default rule and specific rules are valid", []ComplaintRule{service, def, rule("product_quality", "major", "strategic")}, nil},
		{"escalation on the day of overdue is valid", []ComplaintRule{with(def, func(r *ComplaintRule) { r.EscalateAfterWorkingDays = 0 })}, nil},
		{"the largest numbers allowed are valid", []ComplaintRule{with(def, func(r *ComplaintRule) {
			r.ReplyHours, r.SolutionWorkingDays, r.QualitySolutionWorkingDays, r.EscalateAfterWorkingDays = 720, 60, 60, 30
		})}, nil},
		{"an empty rule set has no default", nil, []string{"rules:default"}},
		{"rules without a default are refused", []ComplaintRule{service}, []string{"rules:default"}},
		{"a second default is a duplicate", []ComplaintRule{def, service, def}, []string{"rules[2].category:duplicate"}},
		{"two rules for the same category, severity and tier are refused", []ComplaintRule{def, service, with(service, func(r *ComplaintRule) { r.ReplyHours = 8 })}, []string{"rules[2].category:duplicate"}},
		{"values are compared trimmed, so a blank category is the default", []ComplaintRule{def, with(def, func(r *ComplaintRule) { r.Category = " " })}, []string{"rules[1].category:duplicate"}},
		{"an unknown category is refused", []ComplaintRule{def, rule("billing", "", "")}, []string{"rules[1].category:unknown"}},
		{"an unknown severity is refused", []ComplaintRule{def, rule("", "urgent", "")}, []string{"rules[1].severity:unknown"}},
		{"a tier that is not a customer stage is refused", []ComplaintRule{def, rule("", "", "gold")}, []string{"rules[1].tier:unknown"}},
		{"a reply within no hours is refused", []ComplaintRule{with(def, func(r *ComplaintRule) { r.ReplyHours = 0 })}, []string{"rules[0].reply_hours:range"}},
		{"a reply after more than 720 hours is refused", []ComplaintRule{with(def, func(r *ComplaintRule) { r.ReplyHours = 721 })}, []string{"rules[0].reply_hours:range"}},
		{"a solution within no working days is refused", []ComplaintRule{with(def, func(r *ComplaintRule) { r.SolutionWorkingDays = 0 })}, []string{"rules[0].solution_working_days:range"}},
		{"a solution after more than 60 working days is refused", []ComplaintRule{with(def, func(r *ComplaintRule) { r.SolutionWorkingDays = 61 })}, []string{"rules[0].solution_working_days:range"}},
		{"a quality solution within no working days is refused", []ComplaintRule{with(def, func(r *ComplaintRule) { r.QualitySolutionWorkingDays = 0 })}, []string{"rules[0].quality_solution_working_days:range"}},
		{"a negative escalation delay is refused", []ComplaintRule{with(def, func(r *ComplaintRule) { r.EscalateAfterWorkingDays = -1 })}, []string{"rules[0].escalate_after_working_days:range"}},
		{"an escalation after more than 30 working days is refused", []ComplaintRule{with(def, func(r *ComplaintRule) { r.EscalateAfterWorkingDays = 31 })}, []string{"rules[0].escalate_after_working_days:range"}},
		{"every bad field of every rule is named at once", []ComplaintRule{def, with(rule("billing", "urgent", ""), func(r *ComplaintRule) { r.ReplyHours = 0 }), rule("", "", "gold")},
			[]string{"rules[1].category:unknown", "rules[1].severity:unknown", "rules[1].reply_hours:range", "rules[2].tier:unknown"}},
		{"more than 500 rules are refused as a whole", many, []string{"rules:length"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateComplaintRules(tc.rules)
			var got []string
			var e *crm.Error
			if errors.As(err, &e) {
				if e.Code != crm.EInvalid {
					t.Errorf("code %s, want %s", e.Code, crm.EInvalid)
				}
				for _, f := range e.Fields {
					got = append(got, f.Field+":"+f.Code)
				}
			} else if err != nil {
				t.Fatalf("ValidateComplaintRules: %v, want a *crm.Error", err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("fields %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("values are stored trimmed", func(t *testing.T) {
		rules := []ComplaintRule{def, with(service, func(r *ComplaintRule) { r.Category, r.Severity, r.Tier = " service ", " major", "strategic " })}
		if err := ValidateComplaintRules(rules); err != nil {
			t.Fatal(err)
		}
		if got := rules[1].Key(); got != "service/major/strategic" {
			t.Errorf("stored as %s, want service/major/strategic", got)
		}
	})
	t.Run("a duplicate names the rule it repeats", func(t *testing.T) {
		err := ValidateComplaintRules([]ComplaintRule{def, service, service})
		if msg := fieldMessage(err, "rules[2].category"); !strings.Contains(msg, "rules[1]") {
			t.Errorf("message %q, want it to name rules[1]", msg)
		}
	})
}

// fieldMessage is the message err gives for field, or "".
func fieldMessage(err error, field string) string {
	var e *crm.Error
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			if f.Field == field {
				return f.Message
			}
		}
	}
	return ""
}
