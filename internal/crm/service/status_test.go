package service

import (
	"slices"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
)

func TestTheServiceOrderStateMachine(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  Type
		from Status
		want []Status
	}{
		{"a registered order is dispatched", TypeFree, StatusRegistered, []Status{StatusDispatched}},
		{"a dispatched order is re-dispatched, started or reported done", TypeContract, StatusDispatched, []Status{StatusDispatched, StatusInProgress, StatusDone}},
		{"work in progress is reported done", TypePaid, StatusInProgress, []Status{StatusDone}},
		{"done work is signed for", TypeInternal, StatusDone, []Status{StatusSigned}},
		{"a signed paid order is settled on site or through finance", TypePaid, StatusSigned, []Status{StatusFeeCollected, StatusAwaitingInvoice}},
		{"a signed free order closes", TypeFree, StatusSigned, []Status{StatusClosed}},
		{"a signed contract order closes", TypeContract, StatusSigned, []Status{StatusClosed}},
		{"a signed internal order closes", TypeInternal, StatusSigned, []Status{StatusClosed}},
		{"a fee collected on site is invoiced", TypePaid, StatusFeeCollected, []Status{StatusInvoiced}},
		{"an order sent to finance is invoiced", TypePaid, StatusAwaitingInvoice, []Status{StatusInvoiced}},
		{"an invoiced order closes", TypePaid, StatusInvoiced, []Status{StatusClosed}},
		{"a closed order goes nowhere", TypePaid, StatusClosed, []Status{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := NextStatuses(tc.typ, tc.from); !slices.Equal(got, tc.want) {
				t.Errorf("NextStatuses(%s, %s) = %v, want %v", tc.typ, tc.from, got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name string
		o    ServiceOrder
		to   Status
		msg  string
	}{
		{"a paid order may not skip settlement", ServiceOrder{Type: TypePaid, Status: StatusSigned}, StatusClosed,
			"a service order that is signed cannot go to closed; it can go only to: fee_collected, awaiting_invoice"},
		{"a free order is never invoiced", ServiceOrder{Type: TypeFree, Status: StatusSigned}, StatusAwaitingInvoice,
			"a service order that is signed cannot go to awaiting_invoice; it can go only to: closed"},
		{"a closed order says it is closed", ServiceOrder{Type: TypeFree, Status: StatusClosed}, StatusDispatched,
			"a service order that is closed cannot go to dispatched; it is closed and takes no further steps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkMove(tc.o, tc.to)
			e, ok := err.(*crm.Error)
			if !ok || e.Code != crm.EInvalid || len(e.Fields) != 1 || e.Fields[0].Message != tc.msg {
				t.Errorf("checkMove = %v, want %q", err, tc.msg)
			}
		})
	}
	t.Run("a legal move passes", func(t *testing.T) {
		if err := checkMove(ServiceOrder{Type: TypePaid, Status: StatusSigned}, StatusFeeCollected); err != nil {
			t.Error(err)
		}
	})
}

func TestServiceTypesAndSets(t *testing.T) {
	for _, tc := range []struct {
		typ  Type
		paid bool
	}{{TypePaid, true}, {TypeContract, false}, {TypeFree, false}, {TypeInternal, false}} {
		t.Run("type "+string(tc.typ)+" is paid only if it is A", func(t *testing.T) {
			if tc.typ.Paid() != tc.paid {
				t.Errorf("Paid() = %v", !tc.paid)
			}
		})
	}
	t.Run("every set holds known statuses", func(t *testing.T) {
		for _, set := range [][]Status{FinanceStatuses, InvoiceStatuses, TechnicianActive} {
			for _, s := range set {
				if !slices.Contains(ServiceStatuses, s) {
					t.Errorf("%s is not a status", s)
				}
			}
		}
	})
	t.Run("finance's queue is part of what finance sees", func(t *testing.T) {
		for _, s := range InvoiceStatuses {
			if !slices.Contains(FinanceStatuses, s) {
				t.Errorf("%s is queued for finance but hidden from it", s)
			}
		}
	})
	t.Run("every settlement leads to a settled status", func(t *testing.T) {
		for how, to := range settlements {
			if !slices.Contains(NextStatuses(TypePaid, StatusSigned), to) {
				t.Errorf("%s leads to %s", how, to)
			}
		}
	})
}

func TestCarryOverAndNumbers(t *testing.T) {
	at := time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC) // 18:00 in China
	for _, tc := range []struct {
		name   string
		status Status
		now    time.Time
		want   bool
	}{
		{"an undispatched order is carried over at the close", StatusRegistered, at, true},
		{"and after it", StatusRegistered, at.Add(time.Hour), true},
		{"not before it", StatusRegistered, at.Add(-time.Minute), false},
		{"a dispatched order never is", StatusDispatched, at.Add(time.Hour), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CarriedOver(tc.status, at, tc.now); got != tc.want {
				t.Errorf("CarriedOver = %v", got)
			}
		})
	}
	t.Run("a service order number is FW and the China month", func(t *testing.T) {
		if got := Numbers(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)).Format(3); got != "FW202612-0003" {
			t.Errorf("number = %s", got)
		}
	})
}
