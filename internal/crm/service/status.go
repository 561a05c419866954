package service

import (
	"slices"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// Type is the kind of service an order is (服务类别), which decides
// whether it is charged for.
type Type string

// The service types.
const (
	TypePaid     Type = "A" // 有偿服务: charged, settled on site or through finance
	TypeContract Type = "B" // 合同服务: under a service contract
	TypeFree     Type = "C" // 免费服务: under warranty or goodwill
	TypeInternal Type = "D" // 内部服务: for the company itself
)

// Paid reports whether orders of type t carry a fee and are settled.
func (t Type) Paid() bool { return t == TypePaid }

// Status is where a service order stands.
type Status string

// The statuses, in the order an order passes them.
const (
	StatusRegistered      Status = "registered"       // in the service register, waiting for dispatch
	StatusDispatched      Status = "dispatched"       // 派工: given to a technician
	StatusInProgress      Status = "in_progress"      // the technician arrived
	StatusDone            Status = "done"             // the work is recorded
	StatusSigned          Status = "signed"           // the customer signed the voucher
	StatusFeeCollected    Status = "fee_collected"    // a paid order's fee was collected on site
	StatusAwaitingInvoice Status = "awaiting_invoice" // a paid order went to finance to invoice
	StatusInvoiced        Status = "invoiced"         // finance recorded the invoice
	StatusClosed          Status = "closed"           // 部门经理核签: countersigned and filed
)

// The option lists of a service order.
var (
	ServiceTypes    = []Type{TypePaid, TypeContract, TypeFree, TypeInternal}
	ServiceStatuses = []Status{StatusRegistered, StatusDispatched, StatusInProgress, StatusDone, StatusSigned,
		StatusFeeCollected, StatusAwaitingInvoice, StatusInvoiced, StatusClosed}
)

// The status sets that lists and views are made of.
var (
	// FinanceStatuses are the steps of a paid order that finance sees.
	FinanceStatuses = []Status{StatusFeeCollected, StatusAwaitingInvoice, StatusInvoiced, StatusClosed}
	// InvoiceStatuses are finance's queue: settled and waiting for the invoice.
	InvoiceStatuses = []Status{StatusFeeCollected, StatusAwaitingInvoice}
	// TechnicianActive are the steps a technician still works on.
	TechnicianActive = []Status{StatusDispatched, StatusInProgress, StatusDone, StatusSigned}
)

// serviceFlow is the state machine. Paid (A) orders go from signed to
// fee_collected (收费 on site) or awaiting_invoice (财务开票), then invoiced;
// the others from signed straight to closed. A dispatched order may be
// dispatched again to another technician until work starts.
var serviceFlow = map[Status][]Status{
	StatusRegistered:      {StatusDispatched},
	StatusDispatched:      {StatusDispatched, StatusInProgress, StatusDone},
	StatusInProgress:      {StatusDone},
	StatusDone:            {StatusSigned},
	StatusSigned:          {StatusFeeCollected, StatusAwaitingInvoice, StatusClosed},
	StatusFeeCollected:    {StatusInvoiced},
	StatusAwaitingInvoice: {StatusInvoiced},
	StatusInvoiced:        {StatusClosed},
}

// settlements are the two ways a paid order is settled, and the status
// each leads to.
var settlements = map[string]Status{"on_site": StatusFeeCollected, "finance": StatusAwaitingInvoice}

// NextStatuses lists the legal moves of an order of type t in status s:
// a signed paid order must be settled, any other signed order closes.
func NextStatuses(t Type, s Status) []Status {
	out := []Status{}
	for _, to := range serviceFlow[s] {
		settling := to == StatusFeeCollected || to == StatusAwaitingInvoice
		if s == StatusSigned && settling != t.Paid() {
			continue
		}
		out = append(out, to)
	}
	return out
}

// checkMove refuses a move the state machine does not allow, naming the
// legal next steps.
func checkMove(o ServiceOrder, to Status) error {
	next := NextStatuses(o.Type, o.Status)
	if slices.Contains(next, to) {
		return nil
	}
	if len(next) == 0 {
		return crm.Invalid(crm.Bad("status", "illegal", "serviceorder.status.closed", string(o.Status), string(to)))
	}
	return crm.Invalid(crm.Bad("status", "illegal", "serviceorder.status.illegal", statusWord(o.Status), statusWord(to), msg.Codes("service.status.", next...)))
}

// CarriedOver reports whether an order in s is still undispatched at now
// after carryOverAt (当天未派修).
func CarriedOver(s Status, carryOverAt, now time.Time) bool {
	return s == StatusRegistered && !now.Before(carryOverAt)
}

// Numbers is the series of service-order numbers: FW + YYYYMM-NNNN of
// the month received, in China time.
func Numbers(received time.Time) crm.MonthlyNumber {
	return crm.NewMonthlyNumber("service_order", "FW", received)
}

func strs[S ~string](xs []S) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// statusWord names a status in a message: its code in English, its name
// with the code in Chinese.
func statusWord(s Status) msg.Coded {
	return msg.Coded{Code: string(s), Key: "service.status." + string(s)}
}
