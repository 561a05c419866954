package service

import (
	"fmt"
	"time"
)

// ServiceOrder is an after-sales service order (服务作业): its line in the
// service register (服务登记簿) and its voucher (服务凭证), from the call to
// the department manager's countersignature (部门经理核签).
type ServiceOrder struct {
	ID            int64     `json:"id"`
	Number        string    `json:"number"` // FWYYYYMM-NNNN
	Type          Type      `json:"type"`   // A paid, B contract, C free, D internal
	CustomerID    int64     `json:"customer_id"`
	CustomerName  string    `json:"customer_name"`
	Address       string    `json:"address"`
	Phone         string    `json:"phone"` // masked
	ProductModel  string    `json:"product_model"`
	ProductSpec   string    `json:"product_spec"`
	PurchaseDate  string    `json:"purchase_date"`
	PurchasePlace string    `json:"purchase_place"`
	Problem       string    `json:"problem"`
	ReceivedAt    time.Time `json:"received_at"`
	Status        Status    `json:"status"`
	Next          []Status  `json:"next"` // the legal next statuses
	// CarriedOver (当天未派修) is set while the order is still undispatched
	// after CarryOverAt, the close (18:00 China time) of the working day by
	// which it should have been dispatched; such orders are listed first.
	CarriedOver bool      `json:"carried_over"`
	CarryOverAt time.Time `json:"carry_over_at"`
	CreatedBy   int64     `json:"created_by,omitempty"`
	ServiceWork
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	PhoneEnc string `json:"-"`
}

// ServiceWork is what dispatch, the technician, finance and the manager
// record on a service order.
type ServiceWork struct {
	TechnicianID int64  `json:"technician_id,omitempty"`
	Technician   string `json:"technician,omitempty"` // username
	// TechnicianName is the technician's name for pages (the username
	// when they have none).
	TechnicianName string     `json:"-"`
	DispatchedBy   int64      `json:"dispatched_by,omitempty"`
	DispatchedAt   *time.Time `json:"dispatched_at,omitempty"`
	DispatchNote   string     `json:"dispatch_note"`
	ArrivedAt      *time.Time `json:"arrived_at,omitempty"`
	LeftAt         *time.Time `json:"left_at,omitempty"`
	WorkMinutes    *int64     `json:"work_minutes,omitempty"`
	WorkDone       string     `json:"work_done"`
	PartsUsed      string     `json:"parts_used"`
	FeeFen         *int64     `json:"fee_fen,omitempty"` // paid (A) services only
	Signed         bool       `json:"signed"`
	SignerName     string     `json:"signer_name"`
	SignedAt       *time.Time `json:"signed_at,omitempty"`
	Settlement     string     `json:"settlement"` // on_site or finance (A only)
	CollectedFen   *int64     `json:"collected_fen,omitempty"`
	PaymentMethod  string     `json:"payment_method"`
	SettledAt      *time.Time `json:"settled_at,omitempty"`
	InvoiceNo      string     `json:"invoice_no"`
	InvoicedBy     int64      `json:"invoiced_by,omitempty"`
	InvoicedAt     *time.Time `json:"invoiced_at,omitempty"`
	ClosedBy       int64      `json:"closed_by,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	CloseNote      string     `json:"close_note"`
}

// ServicePaymentMethods are how a fee collected on site is paid.
var ServicePaymentMethods = []string{"cash", "wechat", "alipay", "bank_card", "bank_transfer"}

// maxFeeFen is the largest fee a service order carries: 100 million yuan.
const maxFeeFen = 100_000_000_00

// Yuan writes an amount of fen as a person reads it: yuan with two
// decimals ("1234.50"). Messages name money this way, never in fen.
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}
