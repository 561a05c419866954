package service

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

const servicePhoneAAD = "phone"

// Register enters a service request into the service register: the
// customer (in the caller's scope), where and whom to call, the product
// and the problem. The number is allocated in the same transaction.
func (so *Service) Register(ctx context.Context, o ServiceOrder, phone, lang string) (ServiceOrder, error) {
	p, err := crm.Authorize(ctx, crm.ActServiceOrderCreate)
	if err != nil {
		return o, err
	}
	var fs []crm.FieldError
	bad := func(field, code, key string, args ...any) { fs = append(fs, crm.Bad(field, code, key, args...)) }
	now := so.now().UTC()
	if !slices.Contains(ServiceTypes, o.Type) {
		bad("type", "unknown", "serviceorder.type.unknown")
	}
	if o.CustomerID <= 0 {
		bad("customer_id", "required", "serviceorder.customer_id.required")
	} else if c, err := so.customers.Get(ctx, o.CustomerID); crm.ErrorCode(err) == crm.ENotFound {
		bad("customer_id", "unknown", "serviceorder.no_such_customer")
	} else if err != nil {
		return o, err
	} else {
		o.CustomerName = c.Name
	}
	if o.ReceivedAt.IsZero() {
		o.ReceivedAt = now
	} else if o.ReceivedAt.After(now.Add(time.Hour)) {
		bad("received_at", "future", "serviceorder.future")
	}
	text := func(field string, v *string, required bool, max int) {
		*v = strings.TrimSpace(*v)
		if n := utf8.RuneCountInString(*v); (required && n == 0) || n > max {
			if required {
				bad(field, "length", "serviceorder.text.length", max)
			} else {
				bad(field, "length", "serviceorder.text.max_length", max)
			}
		}
	}
	text("address", &o.Address, true, 200)
	text("product_model", &o.ProductModel, true, 100)
	text("product_spec", &o.ProductSpec, false, 100)
	text("purchase_place", &o.PurchasePlace, false, 200)
	text("problem", &o.Problem, true, 2000)
	if o.PurchaseDate = strings.TrimSpace(o.PurchaseDate); o.PurchaseDate != "" {
		if d, err := calendar.ParseDate(o.PurchaseDate); err != nil {
			bad("purchase_date", "format", "serviceorder.date.format")
		} else if d.In(crm.Shanghai).After(now) {
			bad("purchase_date", "future", "serviceorder.future")
		}
	}
	norm := strings.TrimSpace(phone)
	if norm == "" {
		bad("phone", "required", "serviceorder.phone.required")
	} else if n, pr := cn.ValidateMobile(norm); pr == nil || pr.Severity != cn.Error {
		norm = n
	} else if n2, pr2 := cn.ValidateLandline(norm); pr2 == nil || pr2.Severity != cn.Error {
		norm = n2
	} else {
		fs = append(fs, crm.BadIn(lang, "phone", pr.Code, msg.Of(pr)))
	}
	if len(fs) > 0 {
		return o, crm.Invalid(fs...)
	}
	if so.sealer == nil {
		return o, crm.Fail(crm.EInternal, "crm.no_keyring")
	}
	if o.PhoneEnc, err = so.sealer.Encrypt([]byte(norm), secure.AAD("service_orders", servicePhoneAAD)); err != nil {
		return o, err
	}
	o.Phone = secure.MaskMobile(norm)
	o.ReceivedAt = o.ReceivedAt.UTC()
	if o.CarryOverAt, err = so.carryOverAt(ctx, o.ReceivedAt); err != nil {
		return o, err
	}
	o.Status, o.CreatedAt, o.UpdatedAt, o.Version = StatusRegistered, now, now, 1
	if p.UserID > 0 {
		o.CreatedBy = p.UserID
	}
	e := crm.NewAudit(ctx, crm.AuditCreate, "service_order", "", map[string]any{"type": o.Type, "customer_id": o.CustomerID})
	if err := so.store.CreateServiceOrder(ctx, &o, Numbers(o.ReceivedAt), &e); err != nil {
		return o, err
	}
	so.finish(&o, now)
	return o, nil
}

// carryOverAt is the close of the working day by which an order received
// at t should be dispatched: the end of the calendar's last business span
// (18:00 China time by default) of the day it came in, or of the next
// working day when it came in after the close or on a day off.
func (so *Service) carryOverAt(ctx context.Context, t time.Time) (time.Time, error) {
	cal, err := so.calendars.Current(ctx)
	if err != nil {
		return t, err
	}
	return CarryOverAt(cal, t), nil
}

// CarryOverAt is the close of the first working day on cal whose
// business hours end after t.
func CarryOverAt(cal *calendar.Calendar, t time.Time) time.Time {
	spans := cal.BusinessHours()
	closeAt := spans[len(spans)-1].End
	next := cal.NextWorkingTime(t).Time
	return cal.DateOf(next).In(cal.Location()).Add(closeAt).UTC()
}

// finish fills what is derived at read time: the legal next steps and the
// carried-over flag.
func (so *Service) finish(o *ServiceOrder, now time.Time) {
	o.Next = NextStatuses(o.Type, o.Status)
	o.CarriedOver = CarriedOver(o.Status, o.CarryOverAt, now)
	if o.PhoneEnc != "" && so.sealer != nil {
		if b, err := so.sealer.Decrypt(o.PhoneEnc, secure.AAD("service_orders", servicePhoneAAD)); err == nil {
			o.Phone = secure.MaskMobile(string(b))
		} else {
			o.Phone = "****"
		}
	}
}
