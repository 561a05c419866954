// Package lead keeps leads (潜在客户): prospects marketing finds at a trade
// fair, online, by referral, by phone or through advertising, assigned to
// or claimed by sales, and converted into a customer through the customer
// archive's duplicate checks, keeping their history.
package lead

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// Lead is one prospect.
type Lead struct {
	ID            int64     `json:"id"`
	CompanyName   string    `json:"company_name"`
	ContactName   string    `json:"contact_name"`
	Mobile        string    `json:"mobile"` // masked (138****5678)
	Source        string    `json:"source"`
	SourceLabel   string    `json:"source_label"`
	Notes         string    `json:"notes"`
	Status        string    `json:"status"`
	CreatedBy     int64     `json:"created_by"`
	CreatedByName string    `json:"created_by_name"`
	AssigneeID    int64     `json:"assignee_id,omitempty"`
	AssigneeName  string    `json:"assignee_name,omitempty"`
	CustomerID    int64     `json:"customer_id,omitempty"` // the customer it became
	Version       int       `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`

	MobileEnc   string `json:"-"`
	MobileIdx   string `json:"-"`
	MobileLast4 string `json:"-"`
}

// Event is one line of a lead's history.
type Event struct {
	ID     int64          `json:"id"`
	LeadID int64          `json:"lead_id"`
	At     time.Time      `json:"at"`
	Kind   string         `json:"kind"` // created, updated, assigned, claimed, converted
	Actor  string         `json:"actor"`
	Detail map[string]any `json:"detail"`
}

// The statuses of a lead.
const (
	StatusNew       = "new"
	StatusAssigned  = "assigned"
	StatusContacted = "contacted"
	StatusConverted = "converted"
	StatusLost      = "lost"
)

// Statuses lists every status.
var Statuses = []string{StatusNew, StatusAssigned, StatusContacted, StatusConverted, StatusLost}

// Sources are the channels a lead comes from: 展会, 网络, 转介绍, 电话, 广告, 其他.
var Sources = []string{"trade_fair", "online", "referral", "phone", "advertising", "other"}

// customerSource is the customer archive's source for a lead's channel.
func customerSource(s string) string {
	switch s {
	case "trade_fair", "online", "referral", "advertising":
		return s
	}
	return "other"
}

// SourceLabel names a source channel in lang.
func SourceLabel(source, lang string) string {
	if !slices.Contains(Sources, source) {
		return source
	}
	return msg.M("lead.source." + source).In(lang)
}

// StatusLabel names a status in lang.
func StatusLabel(status, lang string) string {
	if !slices.Contains(Statuses, status) {
		return status
	}
	return msg.M("lead.status." + status).In(lang)
}

// Input is a lead as entered (create) or changed (nil: unchanged).
type Input struct {
	CompanyName *string `json:"company_name"`
	ContactName *string `json:"contact_name"`
	Mobile      *string `json:"mobile"`
	Source      *string `json:"source"`
	Notes       *string `json:"notes"`
	Status      *string `json:"status"` // on change: contacted, lost (or back to new/assigned)
	Version     int     `json:"version"`
}

// apply checks in and writes it over l, returning every problem at once.
func (in Input) apply(l *Lead, creating bool) []crm.FieldError {
	var bad []crm.FieldError
	text := func(p *string, field string, max int, required bool, dst *string) {
		if p == nil {
			if creating && required {
				bad = append(bad, crm.Bad(field, "required", "lead_err.required"))
			}
			return
		}
		s := strings.TrimSpace(*p)
		switch {
		case required && s == "":
			bad = append(bad, crm.Bad(field, "required", "lead_err.required"))
		case utf8.RuneCountInString(s) > max:
			bad = append(bad, crm.Bad(field, "too_long", "lead_err.too_long", max))
		default:
			*dst = s
		}
	}
	text(in.CompanyName, "company_name", 200, true, &l.CompanyName)
	text(in.ContactName, "contact_name", 50, false, &l.ContactName)
	text(in.Notes, "notes", 2000, false, &l.Notes)
	if in.Source != nil || creating {
		s := ""
		if in.Source != nil {
			s = strings.TrimSpace(*in.Source)
		}
		if s == "" {
			s = "other"
		}
		if !slices.Contains(Sources, s) {
			bad = append(bad, crm.Bad("source", "unknown", "lead_err.source", strings.Join(Sources, ", ")))
		} else {
			l.Source = s
		}
	}
	if in.Status != nil && !creating {
		s := strings.TrimSpace(*in.Status)
		switch s {
		case StatusContacted, StatusLost:
			l.Status = s
		case StatusNew, StatusAssigned:
			// Back from lost: the status its assignment gives.
			l.Status = StatusNew
			if l.AssigneeID != 0 {
				l.Status = StatusAssigned
			}
		default:
			bad = append(bad, crm.Bad("status", "unknown", "lead_err.status", "new, assigned, contacted, lost"))
		}
	}
	return bad
}
