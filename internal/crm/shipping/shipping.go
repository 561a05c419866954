// Package shipping keeps what happens to an approved order after its
// approval: the shipping notes (货物发运单) the goods department ships,
// partially or in full, within the ship-by date; the per-product stock
// count each shipment moves goods out of; the dealer's receipt (or its
// deemed receipt some days after shipping); and the transit loss and
// damage claims (货损) filed within a window after receipt, with their
// evidence, resolution and ledger.
package shipping

import (
	"context"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/order"
	"github.com/kehucrm/kehu/internal/crm/sales"
)

// Shipment statuses.
const (
	StatusShipped  = "shipped"
	StatusReceived = "received"
)

// Statuses lists every shipment status.
var Statuses = []string{StatusShipped, StatusReceived}

// Claim kinds, statuses and resolutions.
const (
	KindLoss   = "loss"
	KindDamage = "damage"

	ClaimOpen     = "open"
	ClaimResolved = "resolved"

	ResolveReplacement = "replacement"
	ResolveCredit      = "credit"
	ResolveCarrier     = "carrier"
)

// ClaimKinds, ClaimStatuses and Resolutions list the claim's enums.
var (
	ClaimKinds    = []string{KindLoss, KindDamage}
	ClaimStatuses = []string{ClaimOpen, ClaimResolved}
	Resolutions   = []string{ResolveReplacement, ResolveCredit, ResolveCarrier}
	EvidenceKinds = []string{"photo", "carrier_record", "other"}
)

// Defaults of the settings.
const (
	DefaultReceiptDays = 10
	DefaultClaimDays   = 7
)

// Line is one product of a shipment.
type Line struct {
	LineNo      int         `json:"line_no"`
	ProductID   int64       `json:"product_id"`
	ProductCode string      `json:"product_code"`
	ProductName string      `json:"product_name"`
	Spec        string      `json:"spec"`
	Unit        string      `json:"unit"`
	Quantity    int64       `json:"quantity"`
	Amount      sales.Money `json:"amount"`
}

// Shipment is one shipping note (货物发运单) of an order.
type Shipment struct {
	ID           int64       `json:"id"`
	Code         string      `json:"code"`
	OrderID      int64       `json:"order_id"`
	OrderCode    string      `json:"order_code"`
	CustomerID   int64       `json:"customer_id"`
	CustomerName string      `json:"customer_name"`
	ClaimID      int64       `json:"claim_id,omitempty"` // a replacement for this claim
	Status       string      `json:"status"`
	Transport    string      `json:"transport"`
	Carrier      string      `json:"carrier"`
	WaybillNo    string      `json:"waybill_no"`
	MailNo       string      `json:"mail_no"` // 提货单据 registered mail number
	MailedAt     *time.Time  `json:"mailed_at,omitempty"`
	Lines        []Line      `json:"lines"`
	Total        sales.Money `json:"total"`
	Notes        string      `json:"notes"`
	ShippedAt    time.Time   `json:"shipped_at"`
	ShippedBy    string      `json:"shipped_by"`
	DeemedAt     time.Time   `json:"deemed_received_at"`
	ReceivedAt   *time.Time  `json:"received_at,omitempty"`
	ReceivedBy   string      `json:"received_by,omitempty"`
	Deemed       bool        `json:"receipt_deemed"`
	UpdatedAt    time.Time   `json:"updated_at"`
	Version      int         `json:"version"`
	// Warnings name the products this shipment took below zero in stock.
	Warnings []string `json:"warnings,omitempty"`
	// Note is the order as the shipping note prints it (one read only).
	Order *order.Order `json:"-"`
}

// StockLevel is the count of one product in stock.
type StockLevel struct {
	ProductID   int64     `json:"product_id"`
	ProductCode string    `json:"product_code"`
	ProductName string    `json:"product_name"`
	Quantity    int64     `json:"quantity"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Movement is a change of stock: a receipt in (positive) or a shipment
// out (negative).
type Movement struct {
	ID         int64     `json:"id"`
	ProductID  int64     `json:"product_id"`
	Quantity   int64     `json:"quantity"`
	Kind       string    `json:"kind"`
	ShipmentID int64     `json:"shipment_id,omitempty"`
	Note       string    `json:"note"`
	Balance    int64     `json:"balance"`
	CreatedAt  time.Time `json:"created_at"`
	CreatedBy  string    `json:"created_by"`
}

// Settings are the shipping rules an administrator sets.
type Settings struct {
	BlockNegativeStock bool `json:"block_negative_stock"`
	ReceiptDays        int  `json:"receipt_days"`
	ClaimDays          int  `json:"claim_days"`
	Version            int  `json:"version"`
}

// ClaimLine is a product and quantity lost or damaged.
type ClaimLine struct {
	LineNo      int         `json:"line_no"`
	ProductID   int64       `json:"product_id"`
	ProductCode string      `json:"product_code"`
	ProductName string      `json:"product_name"`
	Quantity    int64       `json:"quantity"`
	Amount      sales.Money `json:"amount"`
}

// Evidence is a file backing a claim: a photo, the carrier's record.
type Evidence struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
	CreatedBy   string    `json:"created_by"`
}

// Entry is one step of a claim's ledger.
type Entry struct {
	Seq  int       `json:"seq"`
	Step string    `json:"step"`
	Note string    `json:"note"`
	At   time.Time `json:"at"`
	By   string    `json:"by"`
}

// Claim is a transit loss or damage claim (货损).
type Claim struct {
	ID             int64       `json:"id"`
	Code           string      `json:"code"`
	ShipmentID     int64       `json:"shipment_id"`
	ShipmentCode   string      `json:"shipment_code"`
	CustomerID     int64       `json:"customer_id"`
	CustomerName   string      `json:"customer_name"`
	Kind           string      `json:"kind"`
	Status         string      `json:"status"`
	Description    string      `json:"description"`
	Lines          []ClaimLine `json:"lines"`
	Resolution     string      `json:"resolution,omitempty"`
	ResolutionNote string      `json:"resolution_note,omitempty"`
	Amount         sales.Money `json:"amount"`
	ReplacementID  int64       `json:"replacement_shipment_id,omitempty"`
	WindowEndsAt   time.Time   `json:"window_ends_at"`
	CreatedAt      time.Time   `json:"created_at"`
	CreatedBy      string      `json:"created_by"`
	ResolvedAt     *time.Time  `json:"resolved_at,omitempty"`
	ResolvedBy     string      `json:"resolved_by,omitempty"`
	UpdatedAt      time.Time   `json:"updated_at"`
	Version        int         `json:"version"`
	Evidence       []Evidence  `json:"evidence,omitempty"`
	Ledger         []Entry     `json:"ledger,omitempty"`
}

// Filter chooses shipments or claims, newest first.
type Filter struct {
	Scope      crm.Scope
	Now        time.Time
	CustomerID int64
	OrderID    int64
	Status     string
	After      int64
	Limit      int
}

// Due is an approved order waiting to ship, for the shipping board.
type Due struct {
	OrderID      int64       `json:"order_id"`
	OrderCode    string      `json:"order_code"`
	CustomerName string      `json:"customer_name"`
	Total        sales.Money `json:"total"`
	ShipDueAt    time.Time   `json:"ship_due_at"`
	Overdue      bool        `json:"overdue"`
	Remaining    int64       `json:"remaining"` // pieces still to ship
}

// Store keeps shipments, stock and claims.
type Store interface {
	Order(ctx context.Context, id int64, s crm.Scope, now time.Time) (order.Order, error)
	Product(ctx context.Context, id int64) (sales.Product, error)
	ShippingSettings(ctx context.Context) (Settings, error)
	SetShippingSettings(ctx context.Context, s Settings, e *crm.AuditEntry) error
	// Shipped sums what the order's shipments hold per product.
	Shipped(ctx context.Context, orderID int64) (map[int64]int64, error)
	// CreateShipment allocates the code and writes sh, its lines, the
	// stock moving out, and (done) the order shipped; with block it fails
	// when a product's stock would go negative, otherwise it names them
	// in sh.Warnings.
	CreateShipment(ctx context.Context, sh *Shipment, done, block bool, e *crm.AuditEntry) error
	Shipment(ctx context.Context, id int64, s crm.Scope, now time.Time) (Shipment, error)
	ListShipments(ctx context.Context, f Filter) ([]Shipment, error)
	CountShipments(ctx context.Context, f Filter) (crm.ListTotal, error)
	UpdateShipment(ctx context.Context, sh *Shipment, e *crm.AuditEntry) error
	// ReceiveShipment marks sh received when still shipped.
	ReceiveShipment(ctx context.Context, sh *Shipment, e *crm.AuditEntry) error
	// DueToDeem lists shipments not received whose deemed time passed.
	DueToDeem(ctx context.Context, now time.Time, limit int) ([]Shipment, error)
	// Board lists approved orders waiting to ship, by deadline.
	Board(ctx context.Context, s crm.Scope, now time.Time, limit int) ([]Due, error)
	// Overdue lists approved orders past their ship-by date not yet
	// escalated; EscalateShipping records the escalation and sends the notices,
	// skipping an order already escalated.
	Overdue(ctx context.Context, now time.Time, limit int) ([]Due, error)
	EscalateShipping(ctx context.Context, orderID int64, notices []crm.Notice, at time.Time) (bool, error)

	Stock(ctx context.Context, limit int) ([]StockLevel, error)
	AddStock(ctx context.Context, m *Movement, e *crm.AuditEntry) error
	StockMovement(ctx context.Context, id int64) (Movement, error)

	CreateClaim(ctx context.Context, c *Claim, e *crm.AuditEntry) error
	Claim(ctx context.Context, id int64, s crm.Scope, now time.Time) (Claim, error)
	ListClaims(ctx context.Context, f Filter) ([]Claim, error)
	CountClaims(ctx context.Context, f Filter) (crm.ListTotal, error)
	AddEvidence(ctx context.Context, claimID int64, ev *Evidence, data []byte, e *crm.AuditEntry) error
	EvidenceData(ctx context.Context, claimID, id int64) (Evidence, []byte, error)
	// ResolveClaim writes the resolution of c (still open at version),
	// the replacement shipment (nil: none) and the pending credit.
	ResolveClaim(ctx context.Context, c *Claim, version int, replacement *Shipment, block bool, e *crm.AuditEntry) error
	// WarehouseManagers lists the managers of the active warehouse users.
	WarehouseManagers(ctx context.Context) ([]int64, error)
}
