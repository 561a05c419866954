// Package order keeps the order applications (订货申请单): lines of
// products in 件 with their amounts, the funds (上期余款, 本次汇款 and its
// voucher), transport and destination, approval through the workflow
// engine (the "order" workflow: sales → finance confirms funds → GM →
// goods department), the ship-by date once approved, and shortage
// adjustments (订货调整) that keep every revision.
package order

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/crm/workflow"
)

// Statuses.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
	StatusApproving = "approving"
	StatusApproved  = "approved"
	StatusRejected  = "rejected"
	StatusCancelled = "cancelled"
	StatusShipped   = "shipped"
)

// Statuses lists every status.
var Statuses = []string{StatusDraft, StatusSubmitted, StatusApproving, StatusApproved, StatusRejected, StatusCancelled, StatusShipped}

// Transports.
const (
	TransportRail = "rail"
	TransportRoad = "road"
	TransportAir  = "air" // at the dealer's cost
)

// Transports lists the means of transport.
var Transports = []string{TransportRail, TransportRoad, TransportAir}

// WorkflowCode is the workflow orders are approved by.
const WorkflowCode = "order"

// Line is one product of an order.
type Line struct {
	LineNo      int         `json:"line_no"`
	ProductID   int64       `json:"product_id"`
	ProductCode string      `json:"product_code"`
	ProductName string      `json:"product_name"`
	Spec        string      `json:"spec"`
	Unit        string      `json:"unit"`
	Quantity    int64       `json:"quantity"` // 件
	Amount      sales.Money `json:"amount"`
	// ProductLine is the product's line (产品线) when the line was entered:
	// the workflow's product_line fact.
	ProductLine string `json:"-"`
}

// Order is an order application (订货申请单).
type Order struct {
	ID                 int64       `json:"id"`
	Code               string      `json:"code"`
	CustomerID         int64       `json:"customer_id"`
	CustomerName       string      `json:"customer_name"`
	Status             string      `json:"status"`
	Lines              []Line      `json:"lines"`
	Total              sales.Money `json:"total"`
	DeliveryAddress    string      `json:"delivery_address"`
	Transport          string      `json:"transport"`
	AtDealerCost       bool        `json:"at_dealer_cost"` // air freight is paid by the dealer
	DestinationStation string      `json:"destination_station"`
	PreviousBalance    sales.Money `json:"previous_balance"`
	Remittance         sales.Money `json:"remittance"`
	VoucherID          int64       `json:"voucher_id,omitempty"` // the remittance voucher (an attachment)
	Notes              string      `json:"notes"`
	Revision           int         `json:"revision"`
	InstanceID         int64       `json:"workflow_instance_id,omitempty"`
	CurrentStep        string      `json:"current_step,omitempty"` // the open step's name
	CurrentStepEn      string      `json:"-"`                      // its English name, for the pages
	SubmittedAt        *time.Time  `json:"submitted_at,omitempty"`
	ApprovedAt         *time.Time  `json:"approved_at,omitempty"`
	ShipDueAt          *time.Time  `json:"ship_due_at,omitempty"`
	CreatedAt          time.Time   `json:"created_at"`
	CreatedBy          string      `json:"created_by"`
	UpdatedAt          time.Time   `json:"updated_at"`
	Version            int         `json:"version"`
	// Workflow is the approval, with its steps and decisions (one order
	// read only).
	Workflow  *workflow.Instance `json:"workflow,omitempty"`
	Revisions []Revision         `json:"revisions,omitempty"`
}

// Revision is the lines of an order as one revision left them.
type Revision struct {
	Revision  int         `json:"revision"`
	Lines     []Line      `json:"lines"`
	Total     sales.Money `json:"total"`
	Reason    string      `json:"reason"`
	AgreedBy  string      `json:"agreed_by"`
	CreatedAt time.Time   `json:"created_at"`
	CreatedBy string      `json:"created_by"`
}

// LineInput is a line as the form or API gives it: quantity a whole
// number of 件, amount a yuan string (empty: list price × quantity).
type LineInput struct {
	ProductID int64  `json:"product_id"`
	Quantity  string `json:"quantity"`
	Amount    string `json:"amount"`
}

// Input is a new order.
type Input struct {
	CustomerID         int64       `json:"customer_id"`
	Lines              []LineInput `json:"lines"`
	DeliveryAddress    string      `json:"delivery_address"`
	Transport          string      `json:"transport"`
	DestinationStation string      `json:"destination_station"`
	PreviousBalance    string      `json:"previous_balance"`
	Remittance         string      `json:"remittance"`
	VoucherID          int64       `json:"voucher_id"`
	Notes              string      `json:"notes"`
}

// Adjustment is a shortage adjustment (订货调整): the new lines, why, and
// who at the dealer agreed.
type Adjustment struct {
	Lines    []LineInput `json:"lines"`
	Reason   string      `json:"reason"`
	AgreedBy string      `json:"agreed_by"`
	Version  int         `json:"version"`
}

// Filter chooses the orders of a list, newest first.
type Filter struct {
	Scope      crm.Scope
	Now        time.Time
	CustomerID int64
	Status     string
	After      int64 // the id the previous page ended with
	Limit      int
}

// FundsCheck confirms an order's funds before the finance step's
// approval counts: the seam the money issue fills (现款现货: balance and
// remittance against the total, credit). An error refuses the approval.
type FundsCheck interface {
	Confirm(ctx context.Context, o Order) error
}

// ManualFunds is the default FundsCheck: finance confirms the money by
// hand, so their approval is the confirmation.
type ManualFunds struct{}

// Confirm accepts every approval.
func (ManualFunds) Confirm(context.Context, Order) error { return nil }

// Store keeps orders.
type Store interface {
	Product(ctx context.Context, id int64) (sales.Product, error)
	// VoucherOf reports whether attachment id is a file of the customer.
	VoucherOf(ctx context.Context, id, customerID int64) (bool, error)
	// CreateOrder allocates the code and writes o, its lines, revision 1
	// and the workflow launch (nil: none), with e, in one transaction.
	CreateOrder(ctx context.Context, o *Order, l *workflow.Launch, e *crm.AuditEntry) error
	// Order reads an order in scope (not_found otherwise).
	Order(ctx context.Context, id int64, s crm.Scope, now time.Time) (Order, error)
	ListOrders(ctx context.Context, f Filter) ([]Order, error)
	CountOrders(ctx context.Context, f Filter) (crm.ListTotal, error)
	Revisions(ctx context.Context, id int64) ([]Revision, error)
	// DecideOrder writes the decision a and o's new status and dates.
	DecideOrder(ctx context.Context, o *Order, a *workflow.Advance) error
	// AdjustOrder writes o's new lines as its next revision, with the
	// notices, when o's version is still version; with cancel and launch
	// (nil: none) it ends the old approval and starts the new one.
	AdjustOrder(ctx context.Context, o *Order, r Revision, version int, notices []crm.Notice, cancel *workflow.Advance, launch *workflow.Launch, e *crm.AuditEntry) error
	// CustomerTierLevels lists a customer's current levels in the active
	// tier schemes: "scheme:level" for each and the level alone for the
	// default scheme (abc while active, else the first active one).
	CustomerTierLevels(ctx context.Context, customerID int64) ([]string, error)
	// DealerUsers lists the active accounts of a dealer.
	DealerUsers(ctx context.Context, customerID int64) ([]int64, error)
}
