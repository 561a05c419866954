package service

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
)

// Dispatch (派工) gives a registered (or not yet started) order to a
// technician.
func (so *Service) Dispatch(ctx context.Context, id int64, version int, technician, note string) (ServiceOrder, error) {
	p, o, err := so.load(ctx, crm.ActServiceOrderDispatch, id, version)
	if err != nil {
		return o, err
	}
	if err := checkMove(o, StatusDispatched); err != nil {
		return o, err
	}
	technician = strings.TrimSpace(technician)
	var fs []crm.FieldError
	u, err := so.store.UserByUsername(ctx, technician)
	switch {
	case technician == "":
		fs = append(fs, crm.Bad("technician", "required", "serviceorder.technician.required"))
	case crm.ErrorCode(err) == crm.ENotFound:
		fs = append(fs, crm.Bad("technician", "unknown", "serviceorder.technician.unknown", technician))
	case err != nil:
		return o, err
	case u.Role != crm.RoleTechnician || u.Disabled():
		fs = append(fs, crm.Bad("technician", "role", "serviceorder.technician.role", technician))
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 {
		fs = append(fs, crm.Bad("note", "length", "serviceorder.note.length"))
	}
	if len(fs) > 0 {
		return o, crm.Invalid(fs...)
	}
	now, from := so.now().UTC(), o.Status
	o.Status, o.TechnicianID, o.Technician, o.DispatchNote, o.DispatchedAt = StatusDispatched, u.ID, u.Username, note, &now
	if o.TechnicianName = u.DisplayName; o.TechnicianName == "" {
		o.TechnicianName = u.Username
	}
	if p.UserID > 0 {
		o.DispatchedBy = p.UserID
	}
	return o, so.save(ctx, &o, from, nil, map[string]any{"technician": u.Username})
}

// Start records the technician's arrival at the customer (in_progress).
func (so *Service) Start(ctx context.Context, id int64, version int, arrivedAt *time.Time) (ServiceOrder, error) {
	_, o, err := so.load(ctx, crm.ActServiceOrderWork, id, version)
	if err != nil {
		return o, err
	}
	if err := checkMove(o, StatusInProgress); err != nil {
		return o, err
	}
	now := so.now().UTC()
	t := now
	if arrivedAt != nil {
		t = arrivedAt.UTC()
	}
	if err := so.checkWorkTime(o, "arrived_at", t); err != nil {
		return o, err
	}
	from := o.Status
	o.Status, o.ArrivedAt = StatusInProgress, &t
	return o, so.save(ctx, &o, from, nil, nil)
}

// checkWorkTime refuses a time in the future (a technician records what
// happened, and the customer signs after the departure) or long before
// the dispatch.
func (so *Service) checkWorkTime(o ServiceOrder, field string, t time.Time) error {
	if t.After(so.now()) {
		return crm.Invalid(crm.Bad(field, "future", "serviceorder.future"))
	}
	if o.DispatchedAt != nil && t.Before(o.DispatchedAt.Add(-24*time.Hour)) {
		return crm.Invalid(crm.Bad(field, "range", "serviceorder.before_dispatch"))
	}
	return nil
}

// WorkReport is what the technician writes on the voucher: the actual
// service time (实际服务时间), the work done (服务内容), the parts used and,
// for a paid service, the fee in fen.
type WorkReport struct {
	ArrivedAt   *time.Time
	LeftAt      *time.Time
	WorkMinutes *int64 // defaults to the time between arrival and leaving
	WorkDone    string
	PartsUsed   string
	FeeFen      *int64
}

// RecordWork records the work done (done). Arrival comes from Start or
// from the report.
func (so *Service) RecordWork(ctx context.Context, id int64, version int, w WorkReport) (ServiceOrder, error) {
	_, o, err := so.load(ctx, crm.ActServiceOrderWork, id, version)
	if err != nil {
		return o, err
	}
	if err := checkMove(o, StatusDone); err != nil {
		return o, err
	}
	var fs []crm.FieldError
	bad := func(field, code, key string, args ...any) { fs = append(fs, crm.Bad(field, code, key, args...)) }
	arrived := o.ArrivedAt
	if w.ArrivedAt != nil {
		t := w.ArrivedAt.UTC()
		arrived = &t
	}
	if arrived == nil {
		bad("arrived_at", "required", "serviceorder.arrived_at.required")
	} else if err := so.checkWorkTime(o, "arrived_at", *arrived); err != nil {
		fs = append(fs, err.(*crm.Error).Fields...)
	}
	if w.LeftAt == nil {
		bad("left_at", "required", "serviceorder.left_at.required")
	} else if err := so.checkWorkTime(o, "left_at", *w.LeftAt); err != nil {
		fs = append(fs, err.(*crm.Error).Fields...)
	} else if arrived != nil && !w.LeftAt.After(*arrived) {
		bad("left_at", "range", "serviceorder.left_at.range")
	}
	var minutes int64
	if arrived != nil && w.LeftAt != nil && w.LeftAt.After(*arrived) {
		minutes = int64(w.LeftAt.Sub(*arrived) / time.Minute)
		if w.WorkMinutes != nil {
			if *w.WorkMinutes < 1 || *w.WorkMinutes > minutes {
				bad("work_minutes", "range", "serviceorder.work_minutes.range", minutes)
			}
			minutes = *w.WorkMinutes
		}
	}
	w.WorkDone, w.PartsUsed = strings.TrimSpace(w.WorkDone), strings.TrimSpace(w.PartsUsed)
	if n := utf8.RuneCountInString(w.WorkDone); n == 0 || n > 2000 {
		bad("work_done", "length", "serviceorder.work_done.length")
	}
	if utf8.RuneCountInString(w.PartsUsed) > 1000 {
		bad("parts_used", "length", "serviceorder.parts_used.length")
	}
	switch {
	case o.Type.Paid() && w.FeeFen == nil:
		bad("fee_fen", "required", "serviceorder.fee_fen.required")
	case o.Type.Paid() && (*w.FeeFen < 1 || *w.FeeFen > maxFeeFen):
		bad("fee_fen", "range", "serviceorder.fee_fen.range", Yuan(1), Yuan(maxFeeFen))
	case !o.Type.Paid() && w.FeeFen != nil && *w.FeeFen != 0:
		bad("fee_fen", "not_paid", "serviceorder.fee_fen.not_paid", string(o.Type))
	}
	if len(fs) > 0 {
		return o, crm.Invalid(fs...)
	}
	from := o.Status
	left := w.LeftAt.UTC()
	o.Status, o.ArrivedAt, o.LeftAt, o.WorkMinutes, o.WorkDone, o.PartsUsed = StatusDone, arrived, &left, &minutes, w.WorkDone, w.PartsUsed
	o.FeeFen = nil
	if o.Type.Paid() {
		o.FeeFen = w.FeeFen
	}
	return o, so.save(ctx, &o, from, nil, map[string]any{"work_minutes": minutes, "fee_fen": o.FeeFen})
}

// Sign stores the customer's signature (客户签字), drawn on the
// technician's screen, on the technician's own order awaiting it. number,
// when given, is the order number the signature was drawn for; a
// signature meant for another order is refused.
func (so *Service) Sign(ctx context.Context, id int64, version int, number string, png []byte, signer string) (ServiceOrder, error) {
	_, o, err := so.load(ctx, crm.ActServiceOrderWork, id, version)
	if err != nil {
		return o, err
	}
	if number = strings.TrimSpace(number); number != "" && number != o.Number {
		return o, crm.Invalid(crm.Bad("order_number", "mismatch", "serviceorder.order_number.mismatch", number, o.Number))
	}
	if err := checkMove(o, StatusSigned); err != nil {
		return o, err
	}
	now := so.now().UTC()
	if o.LeftAt != nil && now.Before(*o.LeftAt) {
		// The customer signs for work done: not before the technician left.
		return o, crm.Invalid(crm.Bad("signature", "before_left", "serviceorder.signature.before_left", o.LeftAt.In(crm.Shanghai).Format("2006-01-02 15:04")))
	}
	if err := CheckSignature(png); err != nil {
		return o, err
	}
	signer = strings.TrimSpace(signer)
	if utf8.RuneCountInString(signer) > 50 {
		return o, crm.Invalid(crm.Bad("signer_name", "length", "serviceorder.signer_name.length"))
	}
	from := o.Status
	o.Status, o.Signed, o.SignerName, o.SignedAt = StatusSigned, true, signer, &now
	return o, so.save(ctx, &o, from, png, map[string]any{"signature_bytes": len(png), "signer_name": signer})
}

// Settle settles a signed paid (A) order: "on_site" when the technician
// collected the fee (amount and payment method; finance then sends the
// invoice, 补寄发票), "finance" when finance invoices it (财务开票).
func (so *Service) Settle(ctx context.Context, id int64, version int, settlement string, amountFen *int64, method string) (ServiceOrder, error) {
	a := crm.ActServiceOrderWork
	if p, ok := crm.PrincipalFrom(ctx); ok && p.Role.Can(crm.ActServiceOrderDispatch) {
		a = crm.ActServiceOrderDispatch // the service desk may send an order to finance too
	}
	_, o, err := so.load(ctx, a, id, version)
	if err != nil {
		return o, err
	}
	to := settlements[settlement]
	if to == "" {
		return o, crm.Invalid(crm.Bad("settlement", "unknown", "serviceorder.settlement.unknown"))
	}
	if err := checkMove(o, to); err != nil {
		return o, err
	}
	from := o.Status
	o.Status, o.Settlement = to, settlement
	if settlement == "on_site" {
		var fs []crm.FieldError
		if amountFen == nil || o.FeeFen == nil || *amountFen != *o.FeeFen {
			want := int64(0)
			if o.FeeFen != nil {
				want = *o.FeeFen
			}
			fs = append(fs, crm.Bad("amount_fen", "mismatch", "serviceorder.amount_fen.mismatch", Yuan(want)))
		}
		if !slices.Contains(ServicePaymentMethods, method) {
			fs = append(fs, crm.Bad("payment_method", "unknown", "serviceorder.one_of", strings.Join(ServicePaymentMethods, ", ")))
		}
		if len(fs) > 0 {
			return o, crm.Invalid(fs...)
		}
		o.CollectedFen, o.PaymentMethod = amountFen, method
	}
	now := so.now().UTC()
	o.SettledAt = &now
	return o, so.save(ctx, &o, from, nil, map[string]any{"settlement": settlement, "collected_fen": o.CollectedFen, "payment_method": o.PaymentMethod})
}

// Invoice records finance's invoice number (invoiced).
func (so *Service) Invoice(ctx context.Context, id int64, version int, invoiceNo string) (ServiceOrder, error) {
	p, o, err := so.load(ctx, crm.ActServiceOrderInvoice, id, version)
	if err != nil {
		return o, err
	}
	if err := checkMove(o, StatusInvoiced); err != nil {
		return o, err
	}
	invoiceNo = strings.TrimSpace(invoiceNo)
	ok := len(invoiceNo) >= 8 && len(invoiceNo) <= 40
	for _, r := range invoiceNo {
		ok = ok && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-')
	}
	if !ok {
		return o, crm.Invalid(crm.Bad("invoice_no", "format", "serviceorder.invoice_no.format"))
	}
	now, from := so.now().UTC(), o.Status
	o.Status, o.InvoiceNo, o.InvoicedAt = StatusInvoiced, invoiceNo, &now
	if p.UserID > 0 {
		o.InvoicedBy = p.UserID
	}
	return o, so.save(ctx, &o, from, nil, map[string]any{"invoice_no": invoiceNo})
}

// Close is the department manager's countersignature (部门经理核签): a
// signed free, contract or internal order, or an invoiced paid one, is
// filed (closed).
func (so *Service) Close(ctx context.Context, id int64, version int, note string) (ServiceOrder, error) {
	p, o, err := so.load(ctx, crm.ActServiceOrderDispatch, id, version)
	if err != nil {
		return o, err
	}
	if err := checkMove(o, StatusClosed); err != nil {
		return o, err
	}
	if note = strings.TrimSpace(note); utf8.RuneCountInString(note) > 500 {
		return o, crm.Invalid(crm.Bad("note", "length", "serviceorder.note.length"))
	}
	now, from := so.now().UTC(), o.Status
	o.Status, o.CloseNote, o.ClosedAt = StatusClosed, note, &now
	if p.UserID > 0 {
		o.ClosedBy = p.UserID
	}
	return o, so.save(ctx, &o, from, nil, nil)
}
