package complaint

import (
	"slices"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

func TestTheComplaintWorkflow(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to Status
		role     crm.Role
		want     string // the error code, "" when the step is taken
	}{
		{"the GM office accepts a registered complaint", StatusRegistered, StatusAccepted, crm.RoleGMOffice, ""},
		{"the gm may stand in for the GM office", StatusRegistered, StatusAccepted, crm.RoleGM, ""},
		{"the GM office assigns an accepted complaint", StatusAccepted, StatusAssigned, crm.RoleGMOffice, ""},
		{"the GM office approves the solution", StatusSolutionProposed, StatusApproved, crm.RoleGMOffice, ""},
		{"the GM office closes after the return visit", StatusReturnVisited, StatusClosed, crm.RoleGMOffice, ""},
		{"the GM office does not investigate", StatusAssigned, StatusInvestigating, crm.RoleGMOffice, crm.EForbidden},
		{"the service desk may not accept one", StatusRegistered, StatusAccepted, crm.RoleService, crm.EForbidden},
		{"a registered complaint cannot skip to investigating", StatusRegistered, StatusInvestigating, crm.RoleGM, crm.EInvalid},
		{"the gm assigns an accepted complaint", StatusAccepted, StatusAssigned, crm.RoleGM, ""},
		{"QA starts investigating an assigned complaint", StatusAssigned, StatusInvestigating, crm.RoleQA, ""},
		{"production starts investigating an assigned complaint", StatusAssigned, StatusInvestigating, crm.RoleProduction, ""},
		{"the service desk starts investigating an assigned complaint", StatusAssigned, StatusInvestigating, crm.RoleService, ""},
		{"an account manager may not investigate", StatusAssigned, StatusInvestigating, crm.RoleAccountManager, crm.EForbidden},
		{"an investigator proposes a solution", StatusInvestigating, StatusSolutionProposed, crm.RoleProduction, ""},
		{"the gm approves the solution", StatusSolutionProposed, StatusApproved, crm.RoleGM, ""},
		{"QA may not approve its own solution", StatusSolutionProposed, StatusApproved, crm.RoleQA, crm.EForbidden},
		{"a sales manager informs the customer", StatusApproved, StatusCustomerInformed, crm.RoleSalesManager, ""},
		{"the customer confirms through the service desk", StatusCustomerInformed, StatusCustomerConfirmed, crm.RoleService, ""},
		{"a dispute sends the complaint back to investigating", StatusCustomerInformed, StatusInvestigating, crm.RoleAccountManager, ""},
		{"QA verifies the corrective action", StatusCustomerConfirmed, StatusVerified, crm.RoleQA, ""},
		{"the gm may not verify", StatusCustomerConfirmed, StatusVerified, crm.RoleGM, crm.EForbidden},
		{"an account manager makes the return visit", StatusVerified, StatusReturnVisited, crm.RoleAccountManager, ""},
		{"the gm closes after the return visit", StatusReturnVisited, StatusClosed, crm.RoleGM, ""},
		{"a closed complaint goes nowhere", StatusClosed, StatusRegistered, crm.RoleGM, crm.EInvalid},
		{"an approved complaint cannot close early", StatusApproved, StatusClosed, crm.RoleGM, crm.EInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := stepOf(tc.from, tc.to, tc.role)
			got := ""
			if err != nil {
				got = crm.ErrorCode(err)
			}
			if got != tc.want {
				t.Errorf("stepOf(%s → %s as %s) = %v, want %q", tc.from, tc.to, tc.role, err, tc.want)
			}
		})
	}
	t.Run("an illegal step names the legal ones", func(t *testing.T) {
		_, err := stepOf(StatusCustomerInformed, StatusClosed, crm.RoleService)
		var e *crm.Error
		if !asError(err, &e) || len(e.Fields) != 1 || e.Fields[0].Message != "a complaint that is customer_informed can go only to: customer_confirmed, investigating" {
			t.Errorf("error = %v", err)
		}
	})
	t.Run("every status but closed has a way on", func(t *testing.T) {
		for _, s := range Statuses {
			if (len(flow[s]) > 0) != s.Open() {
				t.Errorf("%s: %d steps on, open %v", s, len(flow[s]), s.Open())
			}
		}
	})
}

func asError(err error, e **crm.Error) bool {
	x, ok := err.(*crm.Error)
	*e = x
	return ok
}

func TestWhatAStepMustCarry(t *testing.T) {
	now := time.Date(2026, 11, 5, 10, 0, 0, 0, crm.Shanghai)
	past := now.Add(-time.Hour)
	for _, tc := range []struct {
		name        string
		c           Complaint
		to          Status
		role        crm.Role
		required    []string
		particulars []string
	}{
		{"assigning needs a department and an assignee", Complaint{Status: StatusAccepted}, StatusAssigned, crm.RoleGM, []string{"department", "assignee"}, nil},
		{"production starting on a quality complaint records the batch", Complaint{Status: StatusAssigned, Quality: true}, StatusInvestigating, crm.RoleProduction,
			productionFields, nil},
		{"QA starting on a quality complaint does not", Complaint{Status: StatusAssigned, Quality: true}, StatusInvestigating, crm.RoleQA, []string{}, nil},
		{"accepting asks for the order particulars the complaint lacks", Complaint{Status: StatusRegistered, OrderNo: "SO-1"}, StatusAccepted, crm.RoleGM,
			[]string{}, []string{"part_no", "delivery_date", "demand"}},
		{"closing a complaint that ran late needs the reason", Complaint{Status: StatusReturnVisited, SolutionDueAt: &past}, StatusClosed, crm.RoleGM,
			[]string{"delay_reason"}, nil},
		{"closing one that was marked overdue needs it too", Complaint{Status: StatusReturnVisited, ComplaintWork: ComplaintWork{OverdueAt: &past}}, StatusClosed, crm.RoleGM,
			[]string{"delay_reason"}, nil},
		{"closing on time needs nothing more", Complaint{Status: StatusReturnVisited}, StatusClosed, crm.RoleService, []string{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := stepOf(tc.c.Status, tc.to, tc.role)
			if err != nil {
				t.Fatal(err)
			}
			req, part := st.fields(tc.c, tc.to, tc.role, now)
			if !slices.Equal(req, tc.required) || !slices.Equal(part, tc.particulars) {
				t.Errorf("fields = %v, %v; want %v, %v", req, part, tc.required, tc.particulars)
			}
		})
	}
	t.Run("the page offers a quality complaint's particulars as required, another's as optional", func(t *testing.T) {
		q := NextSteps(Complaint{Status: StatusRegistered, Quality: true}, crm.RoleGM, now)
		n := NextSteps(Complaint{Status: StatusRegistered}, crm.RoleGM, now)
		// Both may carry a reply to the customer besides.
		if len(q) != 1 || len(q[0].Required) != 4 || !slices.Equal(q[0].Optional, []string{FieldReply}) || len(n) != 1 || len(n[0].Required) != 0 || len(n[0].Optional) != 5 {
			t.Errorf("quality %+v, other %+v", q, n)
		}
	})
	t.Run("the page offers a role only its own steps, in order", func(t *testing.T) {
		got := NextSteps(Complaint{Status: StatusCustomerInformed}, crm.RoleService, now)
		if len(got) != 2 || got[0].To != StatusCustomerConfirmed || got[1].To != StatusInvestigating {
			t.Errorf("steps = %+v", got)
		}
		if got := NextSteps(Complaint{Status: StatusCustomerInformed}, crm.RoleQA, now); len(got) != 0 {
			t.Errorf("QA is offered %+v", got)
		}
	})
}

func TestTheStatusSets(t *testing.T) {
	for _, tc := range []struct {
		status     Status
		unresolved bool
		deadline   string
		open       bool
	}{
		{StatusRegistered, true, DeadlineReply, true},
		{StatusAccepted, true, DeadlineSolution, true},
		{StatusAssigned, true, DeadlineSolution, true},
		{StatusInvestigating, true, DeadlineSolution, true},
		{StatusSolutionProposed, true, DeadlineSolution, true},
		{StatusApproved, false, "", true},
		{StatusCustomerInformed, false, "", true},
		{StatusCustomerConfirmed, false, "", true},
		{StatusVerified, false, "", true},
		{StatusReturnVisited, false, "", true},
		{StatusClosed, false, "", false},
	} {
		t.Run(string(tc.status)+" runs against its deadline and counts as it should", func(t *testing.T) {
			if got := slices.Contains(Unresolved, tc.status); got != tc.unresolved {
				t.Errorf("unresolved = %v", got)
			}
			if got := tc.status.Deadline(); got != tc.deadline {
				t.Errorf("deadline = %q", got)
			}
			if tc.status.Open() != tc.open || !tc.status.Valid() {
				t.Errorf("open = %v, valid = %v", tc.status.Open(), tc.status.Valid())
			}
		})
	}
	t.Run("an unknown status is not valid", func(t *testing.T) {
		if Status("archived").Valid() {
			t.Error("archived is valid")
		}
	})
	t.Run("the ledger's reply and solution steps", func(t *testing.T) {
		t1, t2, t3 := time.Unix(1, 0), time.Unix(2, 0), time.Unix(3, 0)
		var e LedgerEntry
		e.Step(StatusRegistered, StatusAccepted, t1)
		e.Step(StatusSolutionProposed, StatusApproved, t2)
		e.Step(StatusSolutionProposed, StatusApproved, t3)
		if e.RepliedAt == nil || !e.RepliedAt.Equal(t1) || e.SolvedAt == nil || !e.SolvedAt.Equal(t2) {
			t.Errorf("replied %v, solved %v", e.RepliedAt, e.SolvedAt)
		}
	})
}
