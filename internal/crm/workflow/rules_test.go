package workflow

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
)

func TestConditionsHoldAgainstTheFactsSupplied(t *testing.T) {
	facts := Facts{FactAmount: "150000.00", FactTierLevel: "A", FactCreditState: "over_limit", FactProductLine: "PUMP,MOTOR"}
	tests := []struct {
		name string
		c    Condition
		want bool
	}{
		{"amount at least, met", Condition{FactAmount, OpGTE, "100000"}, true},
		{"amount at least, equal", Condition{FactAmount, OpGTE, "150000.00"}, true},
		{"amount at least, not met", Condition{FactAmount, OpGTE, "150000.01"}, false},
		{"amount at most, met", Condition{FactAmount, OpLTE, "200000"}, true},
		{"amount at most, not met", Condition{FactAmount, OpLTE, "1,000.00"}, false},
		{"tier level is", Condition{FactTierLevel, OpEq, "A"}, true},
		{"tier level is not", Condition{FactTierLevel, OpEq, "B"}, false},
		{"tier level in", Condition{FactTierLevel, OpIn, "B, A"}, true},
		{"credit state in", Condition{FactCreditState, OpIn, "overdue,over_limit"}, true},
		{"credit state not in", Condition{FactCreditState, OpIn, "ok"}, false},
		{"product line named", Condition{FactProductLine, OpEq, "MOTOR"}, true},
		{"product line one of", Condition{FactProductLine, OpIn, "FAN,PUMP"}, true},
		{"product line absent", Condition{FactProductLine, OpIn, "FAN"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.Holds(facts); got != tc.want {
				t.Errorf("%+v holds = %v, want %v", tc.c, got, tc.want)
			}
		})
	}
	if (Condition{FactTierLevel, OpEq, "A"}).Holds(Facts{}) {
		t.Error("a fact not supplied must make the condition false")
	}
}

func TestTheNextStepIsTheFirstWhoseConditionsAllHold(t *testing.T) {
	steps := []Step{
		{Name: "sales"},
		{Name: "big orders", Conditions: []Condition{{FactAmount, OpGTE, "100000"}}},
		{Name: "watch", Conditions: []Condition{{FactAmount, OpGTE, "100"}, {FactCreditState, OpEq, "overdue"}}},
		{Name: "goods"},
	}
	tests := []struct {
		name  string
		from  int
		facts Facts
		want  int
	}{
		{"first step", 0, Facts{FactAmount: "10"}, 0},
		{"small order skips the big-order step", 1, Facts{FactAmount: "10"}, 3},
		{"big order stops at it", 1, Facts{FactAmount: "100000"}, 1},
		{"every condition must hold", 2, Facts{FactAmount: "500", FactCreditState: "ok"}, 3},
		{"both hold", 2, Facts{FactAmount: "500", FactCreditState: "overdue"}, 2},
		{"past the end", 4, Facts{}, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NextStep(steps, tc.from, tc.facts); got != tc.want {
				t.Errorf("NextStep from %d = %d, want %d", tc.from, got, tc.want)
			}
		})
	}
}

func TestApproversAreResolvedOnceEach(t *testing.T) {
	roles := func(r crm.Role) []int64 {
		if r == crm.RoleFinance {
			return []int64{7, 8, 7}
		}
		return nil
	}
	sub := Subject{CustomerID: 1, OwnerID: 3, OwnerManagerID: 9}
	tests := []struct {
		name string
		a    Approver
		sub  Subject
		want []int64
	}{
		{"a role's active users", Approver{Kind: ResolveRole, Role: crm.RoleFinance}, sub, []int64{7, 8}},
		{"a role with nobody", Approver{Kind: ResolveRole, Role: crm.RoleQA}, sub, []int64{}},
		{"the customer's owner", Approver{Kind: ResolveOwner}, sub, []int64{3}},
		{"the owner's manager", Approver{Kind: ResolveOwnerManager}, sub, []int64{9}},
		{"an owner with no manager", Approver{Kind: ResolveOwnerManager}, Subject{OwnerID: 3}, []int64{}},
		{"a named user", Approver{Kind: ResolveUser, UserID: 42}, sub, []int64{42}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Resolve(tc.a, tc.sub, roles); !slices.Equal(got, tc.want) {
				t.Errorf("Resolve = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAStepCompletesByItsMode(t *testing.T) {
	tests := []struct {
		name                                 string
		mode                                 string
		n, m, approvals, rejections, waiting int
		want                                 string
	}{
		{"any: one approval", ModeAny, 0, 3, 1, 0, 2, TaskApproved},
		{"any: nobody yet", ModeAny, 0, 3, 0, 0, 3, TaskOpen},
		{"any: one rejection", ModeAny, 0, 3, 0, 1, 2, TaskRejected},
		{"all: two of three", ModeAll, 0, 3, 2, 0, 1, TaskOpen},
		{"all: three of three", ModeAll, 0, 3, 3, 0, 0, TaskApproved},
		{"all: a rejection ends it", ModeAll, 0, 3, 2, 1, 0, TaskRejected},
		{"2 of 3: one", ModeNOfM, 2, 3, 1, 0, 2, TaskOpen},
		{"2 of 3: two", ModeNOfM, 2, 3, 2, 0, 1, TaskApproved},
		{"5 of 3 needs all three", ModeNOfM, 5, 3, 3, 0, 0, TaskApproved},
		{"too few left to reach need", ModeNOfM, 3, 3, 1, 0, 1, TaskRejected},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			need := Need(tc.mode, tc.n, tc.m)
			if got := Tally(need, tc.approvals, tc.rejections, tc.waiting); got != tc.want {
				t.Errorf("Tally(need %d, %d, %d, %d) = %s, want %s", need, tc.approvals, tc.rejections, tc.waiting, got, tc.want)
			}
		})
	}
}

func TestAStepIsDueAfterItsWorkingHours(t *testing.T) {
	cal, err := calendar.New()
	if err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("CST", 8*3600)
	at := func(s string) time.Time {
		t0, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
		if err != nil {
			t.Fatal(err)
		}
		return t0
	}
	tests := []struct {
		name   string
		opened time.Time
		hours  int
		want   *time.Time
	}{
		{"no deadline", at("2026-12-07 10:00"), 0, nil},
		{"within the day", at("2026-12-07 10:00"), 2, ptr(at("2026-12-07 12:00"))},
		{"over the lunch break", at("2026-12-07 11:00"), 2, ptr(at("2026-12-07 14:00"))},
		{"over the night", at("2026-12-07 17:00"), 2, ptr(at("2026-12-08 10:00"))},
		{"over the weekend", at("2026-12-11 17:00"), 8, ptr(at("2026-12-14 17:00"))},
		{"opened on a Saturday", at("2026-12-12 10:00"), 1, ptr(at("2026-12-14 10:00"))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DueAt(cal, tc.opened, tc.hours)
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tc.want == nil) || got != nil && !got.Equal(*tc.want) {
				t.Errorf("DueAt = %v, want %v", got, tc.want)
			}
		})
	}
}

func ptr(t time.Time) *time.Time { return &t }

func TestADelegationHoldsFromItsStartUntilItsEnd(t *testing.T) {
	from := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	d := Delegation{From: from, To: from.Add(48 * time.Hour)}
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{{from.Add(-time.Second), false}, {from, true}, {from.Add(47 * time.Hour), true}, {from.Add(48 * time.Hour), false}} {
		if got := d.Delegated(tc.at); got != tc.want {
			t.Errorf("Delegated(%v) = %v, want %v", tc.at, got, tc.want)
		}
	}
}

func TestAWorkflowIsRefusedNamingEachFieldAtFault(t *testing.T) {
	d := Definition{Code: "x", Name: "测试", Steps: []Step{
		{Name: "", Approver: Approver{Kind: ResolveRole, Role: crm.RoleFinance}},
		{Name: "b", Approver: Approver{Kind: "boss"}, Mode: "most"},
		{Name: "c", Approver: Approver{Kind: ResolveRole, Role: crm.RoleAuditor}, Mode: ModeNOfM},
		{Name: "d", Approver: Approver{Kind: ResolveUser}, Conditions: []Condition{{FactAmount, OpEq, "1"}, {"colour", OpEq, "red"}, {FactAmount, OpGTE, "abc"}}},
	}}
	err := Validate(&d)
	var e *crm.Error
	if !errors.As(err, &e) {
		t.Fatalf("Validate = %v", err)
	}
	var got []string
	for _, f := range e.Fields {
		got = append(got, f.Field)
	}
	want := []string{"steps[0].name", "steps[1].approver.kind", "steps[1].mode", "steps[2].approver.role", "steps[2].n",
		"steps[3].approver.user_id", "steps[3].conditions[0].op", "steps[3].conditions[1].fact", "steps[3].conditions[2].value"}
	if !slices.Equal(got, want) {
		t.Errorf("fields = %v\nwant     %v", got, want)
	}
	ok := Definition{Code: "order", Name: "订货", Steps: []Step{{Name: "销售", Approver: Approver{Kind: ResolveOwner}}}}
	if err := Validate(&ok); err != nil || ok.Steps[0].Key != "step1" || ok.Steps[0].Mode != ModeAny || ok.Entity != "order" {
		t.Errorf("a good workflow: %v %+v", err, ok)
	}
}
