package complaint

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/kehucrm/kehu/internal/secure"
)

// Create registers a complaint: it validates the intake, derives the
// quality flag from the category unless given, allocates the number and
// sets the deadlines on the working-day calendar.
func (cs *Service) Create(ctx context.Context, c Complaint, callerPhone string, quality *bool, lang string) (Complaint, error) {
	p, err := crm.Authorize(ctx, crm.ActComplaintCreate)
	if err != nil {
		return c, err
	}
	var fs []crm.FieldError
	bad := func(field, code, key string, args ...any) { fs = append(fs, crm.Bad(field, code, key, args...)) }
	now := cs.now().UTC()
	if c.ReceivedAt.IsZero() {
		c.ReceivedAt = now
	} else if c.ReceivedAt.After(now.Add(time.Hour)) {
		bad("received_at", "future", "complaint_err.future")
	}
	if c.CustomerID == 0 && (strings.TrimSpace(c.CallerName) == "" || callerPhone == "") {
		bad("customer_id", "required", "complaint_err.customer_id.required")
	}
	tier := ""
	if c.CustomerID != 0 {
		if cu, err := cs.customers.Get(ctx, c.CustomerID); crm.ErrorCode(err) == crm.ENotFound {
			bad("customer_id", "unknown", "complaint_err.no_such_customer")
		} else if err != nil {
			return c, err
		} else {
			tier = cu.Stage
		}
	}
	if email := strings.TrimSpace(c.ContactEmail); email != "" {
		if !crm.ValidEmail(email) {
			bad("contact_email", "format", "complaint_err.email.format")
		} else if enc, err := cs.sealer.Encrypt([]byte(email), secure.AAD("complaints", "contact_email")); err == nil {
			c.ContactEmailEnc, c.ContactEmail = enc, crm.MaskEmail(email)
		} else {
			return c, err
		}
	}
	if callerPhone != "" {
		norm, pr := cn.ValidateMobile(callerPhone)
		if pr != nil && pr.Severity == cn.Error {
			if norm2, pr2 := cn.ValidateLandline(callerPhone); pr2 == nil || pr2.Severity != cn.Error {
				norm = norm2
			} else {
				fs = append(fs, crm.BadIn(lang, "caller_phone", pr.Code, msg.Of(pr)))
			}
		}
		if enc, err := cs.sealer.Encrypt([]byte(norm), secure.AAD("complaints", "caller_phone")); err == nil {
			c.CallerPhoneEnc, c.CallerPhone = enc, secure.MaskMobile(norm)
		} else {
			return c, err
		}
	}
	if !slices.Contains(ComplaintChannels, c.Channel) {
		bad("channel", "unknown", "complaint_err.one_of", strings.Join(ComplaintChannels, ", "))
	}
	if !slices.Contains(ComplaintCategories, c.Category) {
		bad("category", "unknown", "complaint_err.one_of", strings.Join(ComplaintCategories, ", "))
	}
	if c.Severity == "" {
		c.Severity = "normal"
	}
	if !slices.Contains(ComplaintSeverities, c.Severity) {
		bad("severity", "unknown", "complaint_err.severity.unknown")
	}
	if c.DeliveryDate != "" {
		if _, err := calendar.ParseDate(c.DeliveryDate); err != nil {
			bad("delivery_date", "format", "complaint_err.date.format")
		}
	}
	for name, q := range map[string]*int64{"quantity": c.Quantity, "defective_quantity": c.DefectiveQuantity} {
		if q != nil && *q < 0 {
			bad(name, "range", "complaint_err.quantity.negative")
		}
	}
	if c.Quantity != nil && c.DefectiveQuantity != nil && *c.DefectiveQuantity > *c.Quantity {
		bad("defective_quantity", "range", "complaint_err.defective_quantity.range")
	}
	c.Description = strings.TrimSpace(c.Description)
	if c.Description == "" || utf8.RuneCountInString(c.Description) > 5000 {
		bad("description", "length", "complaint_err.description.length")
	}
	if len(fs) > 0 {
		return c, crm.Invalid(fs...)
	}
	c.Quality = c.Category == "product_quality"
	if quality != nil {
		c.Quality = *quality
	}
	if err := cs.deadlines(ctx, &c, tier); err != nil {
		return c, err
	}
	c.ReceivedAt, c.Status, c.CreatedAt, c.UpdatedAt, c.Version = c.ReceivedAt.UTC(), StatusRegistered, now, now, 1
	if p.UserID > 0 {
		c.CreatedBy = p.UserID
	}
	detail := map[string]any{"category": c.Category, "severity": c.Severity, "customer_id": c.CustomerID, "sla_rule": c.SLARule}
	if c.Severity == "major" {
		// 重大问题应立即向上级报告: the gm hears of it at once.
		c.EscalatedAt, c.EscalationReason = &now, EscalationMajor
		detail["escalated"] = EscalationMajor
	}
	if c.Quality {
		detail["abnormality"] = "opened"
	}
	e := crm.NewAudit(ctx, crm.AuditCreate, "complaint", "", detail)
	if err := cs.store.CreateComplaint(ctx, &c, RegistrationOf(c), &e); err != nil {
		return c, err
	}
	cs.present(&c)
	return c, nil
}
