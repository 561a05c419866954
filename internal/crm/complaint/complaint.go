package complaint

import (
	"time"
)

// Complaint is a customer's complaint (客诉), from intake to closing.
type Complaint struct {
	ID                int64      `json:"id"`
	Number            string     `json:"number"` // YYYYMM-NNNN
	CustomerID        int64      `json:"customer_id,omitempty"`
	CallerName        string     `json:"caller_name,omitempty"`  // an unidentified caller
	CallerPhone       string     `json:"caller_phone,omitempty"` // masked
	ContactName       string     `json:"contact"`
	ReceivedAt        time.Time  `json:"received_at"`
	Channel           string     `json:"channel"`
	Category          string     `json:"category"`
	Quality           bool       `json:"quality"` // 质量异常
	Severity          string     `json:"severity"`
	OrderNo           string     `json:"order_no"`
	PartNo            string     `json:"part_no"`
	Quantity          *int64     `json:"quantity,omitempty"`
	DeliveryDate      string     `json:"delivery_date"`
	DefectiveQuantity *int64     `json:"defective_quantity,omitempty"`
	Demand            string     `json:"demand"`
	Description       string     `json:"description"`
	Status            Status     `json:"status"`
	ReplyDueAt        time.Time  `json:"reply_due_at"`
	SolutionDueAt     *time.Time `json:"solution_due_at,omitempty"`
	CreatedBy         int64      `json:"created_by,omitempty"`
	ComplaintWork
	ComplaintSLA
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	CallerPhoneEnc  string `json:"-"`
	ContactEmailEnc string `json:"-"`
}

// ComplaintSLA is a complaint's deadline rule, clocks, escalation, its
// abnormality record and its satisfaction score.
type ComplaintSLA struct {
	ContactEmail            string     `json:"contact_email,omitempty"` // masked; the CSAT survey goes here
	SLARule                 string     `json:"sla_rule,omitempty"`      // the rule that set the deadlines: category/severity/tier, * for any
	ReplyTimeLeftSeconds    int64      `json:"reply_time_left_seconds"` // until reply_due_at; negative when past
	SolutionTimeLeftSeconds *int64     `json:"solution_time_left_seconds,omitempty"`
	EscalateAfterDays       int        `json:"escalate_after_working_days"`
	EscalateAt              *time.Time `json:"escalate_at,omitempty"` // when an overdue complaint goes to the gm
	EscalatedAt             *time.Time `json:"escalated_at,omitempty"`
	EscalationReason        string     `json:"escalation_reason,omitempty"` // major or overdue
	AbnormalityID           int64      `json:"abnormality_id,omitempty"`    // 异常处理单 of a quality complaint
	CSATScore               *int       `json:"csat_score,omitempty"`
	CSATComment             string     `json:"csat_comment,omitempty"`
	CSATAt                  *time.Time `json:"csat_at,omitempty"`
}

// The option lists of a complaint.
var (
	ComplaintChannels   = []string{"phone", "email", "web", "letter", "visit", "other"}
	ComplaintCategories = []string{"product_quality", "service", "logistics", "price", "after_sales", "other"}
	ComplaintSeverities = []string{"normal", "major"}
)
