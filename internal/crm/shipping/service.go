package shipping

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/order"
	"github.com/kehucrm/kehu/internal/crm/sales"
	"github.com/kehucrm/kehu/internal/msg"
)

// Service runs shipping, stock, receipt and claims.
type Service struct {
	store     Store
	calendars *crm.Calendars
	now       func() time.Time
}

// New returns the shipping service.
func New(s Store, calendars *crm.Calendars, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, calendars: calendars, now: now}
}

// scope is the customers p's shipments and claims may be of: a dealer
// account's own dealer only.
func scope(p crm.Principal, read bool) crm.Scope {
	s := crm.CustomerScope(p)
	if read {
		s = crm.ReadScope(p)
	}
	if p.DealerID != 0 {
		s = crm.Scope{CustomerID: p.DealerID, UserID: p.UserID}
	}
	return s
}

func text(fs *[]crm.FieldError, field, s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > n {
		*fs = append(*fs, crm.Bad(field, "length", "shipping.text.length", n))
	}
	return s
}

func quantity(fs *[]crm.FieldError, field string, row int, s string) int64 {
	s = strings.TrimSpace(s)
	q, err := strconv.ParseInt(s, 10, 64)
	switch {
	case s == "":
		*fs = append(*fs, crm.Bad(field, "required", "shipping.line.quantity_required", row))
	case err != nil:
		*fs = append(*fs, crm.Bad(field, "format", "shipping.line.quantity_format", row, s))
	case q <= 0 || q > 10_000_000:
		*fs = append(*fs, crm.Bad(field, "range", "shipping.line.quantity_range", row, q))
	default:
		return q
	}
	return 0
}

// LineInput is a product and quantity as the form or API gives it.
type LineInput struct {
	ProductID int64  `json:"product_id"`
	Quantity  string `json:"quantity"`
}

// ShipInput is a shipment of an order: its lines (none: all that
// remains), the carrier, waybill, transport and the 提货单据 posting.
type ShipInput struct {
	Lines     []LineInput
	Transport string
	Carrier   string
	WaybillNo string
	MailNo    string
	Notes     string
}

// Settings reads the shipping settings.
func (ss *Service) Settings(ctx context.Context) (Settings, error) {
	if _, err := crm.Authorize(ctx, crm.ActShippingManage); err != nil {
		return Settings{}, err
	}
	return ss.store.ShippingSettings(ctx)
}

// SetSettings changes the shipping settings (admin).
func (ss *Service) SetSettings(ctx context.Context, in Settings) (Settings, error) {
	if _, err := crm.Authorize(ctx, crm.ActShippingManage); err != nil {
		return Settings{}, err
	}
	var fs []crm.FieldError
	if in.ReceiptDays < 1 || in.ReceiptDays > 90 {
		fs = append(fs, crm.Bad("receipt_days", "range", "shipping.settings.days_range", 1, 90))
	}
	if in.ClaimDays < 1 || in.ClaimDays > 90 {
		fs = append(fs, crm.Bad("claim_days", "range", "shipping.settings.days_range", 1, 90))
	}
	if len(fs) > 0 {
		return Settings{}, crm.Invalid(fs...)
	}
	before, err := ss.store.ShippingSettings(ctx)
	if err != nil {
		return Settings{}, err
	}
	if in.Version != 0 && in.Version != before.Version {
		return Settings{}, crm.Fail(crm.EVersionConflict, "shipping.settings.changed", before.Version, in.Version)
	}
	in.Version = before.Version
	e := crm.NewAudit(ctx, "shipping_settings", "shipping_settings", "1", map[string]any{"before": before, "after": in})
	if err := ss.store.SetShippingSettings(ctx, in, &e); err != nil {
		return Settings{}, err
	}
	return ss.store.ShippingSettings(ctx)
}

// remaining is what of each product of o is still to ship.
func (ss *Service) remaining(ctx context.Context, o order.Order) (map[int64]int64, error) {
	shipped, err := ss.store.Shipped(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	left := map[int64]int64{}
	for _, l := range o.Lines {
		left[l.ProductID] += l.Quantity
	}
	for p, q := range shipped {
		left[p] -= q
	}
	return left, nil
}

// Ship ships (part of) an approved order: each line's quantity at most
// what remains of that product; no lines ships all that remains. The
// order is shipped once nothing remains. Stock going negative is named
// in the shipment's warnings, or refused when the settings block it.
func (ss *Service) Ship(ctx context.Context, orderID int64, in ShipInput) (Shipment, error) {
	p, err := crm.Authorize(ctx, crm.ActShipmentWrite)
	if err != nil {
		return Shipment{}, err
	}
	now := ss.now().UTC()
	o, err := ss.store.Order(ctx, orderID, scope(p, false), now)
	if err != nil {
		return Shipment{}, err
	}
	if o.Status != order.StatusApproved {
		return Shipment{}, crm.Fail(crm.EConflict, "shipping.order_not_approved", o.Code, msg.M("order.status."+o.Status))
	}
	left, err := ss.remaining(ctx, o)
	if err != nil {
		return Shipment{}, err
	}
	byProduct := map[int64]order.Line{}
	for _, l := range o.Lines {
		if _, ok := byProduct[l.ProductID]; !ok {
			byProduct[l.ProductID] = l
		}
	}
	var fs []crm.FieldError
	sh := Shipment{OrderID: o.ID, OrderCode: o.Code, CustomerID: o.CustomerID, CustomerName: o.CustomerName, Status: StatusShipped}
	want := map[int64]int64{}
	if len(in.Lines) == 0 {
		for _, l := range o.Lines {
			if left[l.ProductID] > 0 && want[l.ProductID] == 0 {
				want[l.ProductID] = left[l.ProductID]
				sh.Lines = append(sh.Lines, Line{ProductID: l.ProductID, Quantity: left[l.ProductID]})
			}
		}
	} else if len(in.Lines) > 200 {
		fs = append(fs, crm.Bad("lines", "count", "shipping.lines.count", 200))
	}
	for i, li := range in.Lines {
		at, row := fmt.Sprintf("lines[%d].", i), i+1
		q := quantity(&fs, at+"quantity", row, li.Quantity)
		if _, ok := byProduct[li.ProductID]; !ok {
			fs = append(fs, crm.Bad(at+"product_id", "unknown", "shipping.line.not_in_order", row, li.ProductID, o.Code))
			continue
		}
		if q == 0 {
			continue
		}
		want[li.ProductID] += q
		if want[li.ProductID] > left[li.ProductID] {
			fs = append(fs, crm.Bad(at+"quantity", "range", "shipping.line.more_than_remains", row, want[li.ProductID], max(left[li.ProductID], 0)))
			continue
		}
		sh.Lines = append(sh.Lines, Line{ProductID: li.ProductID, Quantity: q})
	}
	if len(in.Lines) == 0 && len(sh.Lines) == 0 {
		return Shipment{}, crm.Fail(crm.EConflict, "shipping.nothing_left", o.Code)
	}
	sh.Transport = strings.TrimSpace(in.Transport)
	if sh.Transport == "" {
		sh.Transport = o.Transport
	}
	if !slices.Contains(order.Transports, sh.Transport) {
		fs = append(fs, crm.Bad("transport", "unknown", "shipping.transport.unknown", sh.Transport))
	}
	sh.Carrier = text(&fs, "carrier", in.Carrier, 100)
	sh.WaybillNo = text(&fs, "waybill_no", in.WaybillNo, 60)
	sh.MailNo = text(&fs, "mail_no", in.MailNo, 60)
	sh.Notes = text(&fs, "notes", in.Notes, 1000)
	if len(fs) > 0 {
		return Shipment{}, crm.Invalid(fs...)
	}
	for i := range sh.Lines {
		l := &sh.Lines[i]
		ol := byProduct[l.ProductID]
		l.LineNo, l.ProductCode, l.ProductName, l.Spec, l.Unit = i+1, ol.ProductCode, ol.ProductName, ol.Spec, ol.Unit
		if ol.Quantity > 0 {
			l.Amount = ol.Amount * sales.Money(l.Quantity) / sales.Money(ol.Quantity)
		}
		sh.Total += l.Amount
	}
	done := true
	for p, q := range left {
		if q-want[p] > 0 {
			done = false
		}
	}
	set, err := ss.store.ShippingSettings(ctx)
	if err != nil {
		return Shipment{}, err
	}
	cal, err := ss.calendars.Current(ctx)
	if err != nil {
		return Shipment{}, err
	}
	sh.ShippedAt, sh.ShippedBy, sh.UpdatedAt, sh.Version = now, p.Username, now, 1
	sh.DeemedAt = WindowEnd(cal, now, set.ReceiptDays)
	if sh.MailNo != "" {
		sh.MailedAt = &now
	}
	e := crm.NewAudit(ctx, crm.AuditCreate, "shipment", "", map[string]any{"order_id": o.ID, "lines": sh.Lines, "transport": sh.Transport,
		"carrier": sh.Carrier, "waybill_no": sh.WaybillNo, "mail_no": sh.MailNo, "order_shipped": done})
	if err := ss.store.CreateShipment(ctx, &sh, done, set.BlockNegativeStock, &e); err != nil {
		return Shipment{}, err
	}
	warnings := sh.Warnings
	got, err := ss.store.Shipment(ctx, sh.ID, crm.Scope{All: true}, now)
	got.Warnings = warnings
	return got, err
}

// Get reads a shipment in the reader's scope.
func (ss *Service) Get(ctx context.Context, id int64) (Shipment, error) {
	p, err := crm.Authorize(ctx, crm.ActShipmentRead)
	if err != nil {
		return Shipment{}, err
	}
	return ss.store.Shipment(ctx, id, scope(p, true), ss.now())
}

// Note reads a shipment with its order, for the printed shipping note.
func (ss *Service) Note(ctx context.Context, id int64) (Shipment, error) {
	sh, err := ss.Get(ctx, id)
	if err != nil {
		return sh, err
	}
	o, err := ss.store.Order(ctx, sh.OrderID, crm.Scope{All: true}, ss.now())
	if err != nil {
		return sh, err
	}
	sh.Order = &o
	return sh, nil
}

// List lists the shipments in the reader's scope, newest first.
func (ss *Service) List(ctx context.Context, f Filter) ([]Shipment, crm.ListTotal, error) {
	p, err := crm.Authorize(ctx, crm.ActShipmentRead)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	f.Scope, f.Now = scope(p, true), ss.now()
	list, err := ss.store.ListShipments(ctx, f)
	if err != nil {
		return nil, crm.ListTotal{}, err
	}
	total, err := ss.store.CountShipments(ctx, f)
	return list, total, err
}

// Patch is a change of a shipment's transport details; nil leaves a
// field as it is.
type Patch struct {
	Transport *string `json:"transport"`
	Carrier   *string `json:"carrier"`
	WaybillNo *string `json:"waybill_no"`
	MailNo    *string `json:"mail_no"`
	Version   int     `json:"version"`
}

// Update records the waybill, carrier, transport and the 提货单据
// posting (its registered mail number) of a shipment.
func (ss *Service) Update(ctx context.Context, id int64, in Patch) (Shipment, error) {
	p, err := crm.Authorize(ctx, crm.ActShipmentWrite)
	if err != nil {
		return Shipment{}, err
	}
	now := ss.now().UTC()
	sh, err := ss.store.Shipment(ctx, id, scope(p, false), now)
	if err != nil {
		return Shipment{}, err
	}
	if in.Version != 0 && in.Version != sh.Version {
		return Shipment{}, crm.Fail(crm.EVersionConflict, "shipping.changed_version", sh.Code, sh.Version, in.Version)
	}
	before := sh
	var fs []crm.FieldError
	if in.Transport != nil {
		sh.Transport = strings.TrimSpace(*in.Transport)
		if !slices.Contains(order.Transports, sh.Transport) {
			fs = append(fs, crm.Bad("transport", "unknown", "shipping.transport.unknown", sh.Transport))
		}
	}
	if in.Carrier != nil {
		sh.Carrier = text(&fs, "carrier", *in.Carrier, 100)
	}
	if in.WaybillNo != nil {
		sh.WaybillNo = text(&fs, "waybill_no", *in.WaybillNo, 60)
	}
	if in.MailNo != nil {
		sh.MailNo = text(&fs, "mail_no", *in.MailNo, 60)
		if sh.MailNo != before.MailNo {
			sh.MailedAt = nil
			if sh.MailNo != "" {
				sh.MailedAt = &now
			}
		}
	}
	if len(fs) > 0 {
		return Shipment{}, crm.Invalid(fs...)
	}
	sh.UpdatedAt = now
	e := crm.NewAudit(ctx, crm.AuditUpdate, "shipment", strconv.FormatInt(sh.ID, 10), map[string]any{
		"transport": crm.Change{Before: before.Transport, After: sh.Transport}, "carrier": crm.Change{Before: before.Carrier, After: sh.Carrier},
		"waybill_no": crm.Change{Before: before.WaybillNo, After: sh.WaybillNo}, "mail_no": crm.Change{Before: before.MailNo, After: sh.MailNo}})
	if err := ss.store.UpdateShipment(ctx, &sh, &e); err != nil {
		return Shipment{}, err
	}
	return ss.store.Shipment(ctx, id, crm.Scope{All: true}, now)
}

// Receive confirms the receipt of a shipment: the dealer, or staff for it.
func (ss *Service) Receive(ctx context.Context, id int64) (Shipment, error) {
	p, err := crm.Authorize(ctx, crm.ActShipmentReceive)
	if err != nil {
		return Shipment{}, err
	}
	now := ss.now().UTC()
	sh, err := ss.store.Shipment(ctx, id, scope(p, false), now)
	if err != nil {
		return Shipment{}, err
	}
	if sh.Status != StatusShipped {
		return Shipment{}, crm.Fail(crm.EConflict, "shipping.already_received", sh.Code)
	}
	sh.Status, sh.ReceivedAt, sh.ReceivedBy, sh.UpdatedAt = StatusReceived, &now, p.Username, now
	e := crm.NewAudit(ctx, "shipment_receipt", "shipment", strconv.FormatInt(sh.ID, 10), map[string]any{"received_at": now})
	if err := ss.store.ReceiveShipment(ctx, &sh, &e); err != nil {
		return Shipment{}, err
	}
	return ss.store.Shipment(ctx, id, crm.Scope{All: true}, now)
}

// DeemReceipts marks received the shipments whose deemed time passed with
// no confirmation (the job), and reports how many.
func (ss *Service) DeemReceipts(ctx context.Context) (int, error) {
	now := ss.now().UTC()
	n := 0
	for range 100 {
		due, err := ss.store.DueToDeem(ctx, now, 200)
		if err != nil || len(due) == 0 {
			return n, err
		}
		for _, sh := range due {
			at := sh.DeemedAt
			sh.Status, sh.ReceivedAt, sh.ReceivedBy, sh.Deemed, sh.UpdatedAt = StatusReceived, &at, "system", true, now
			e := crm.NewAudit(ctx, "shipment_receipt_deemed", "shipment", strconv.FormatInt(sh.ID, 10), map[string]any{"received_at": at})
			if err := ss.store.ReceiveShipment(ctx, &sh, &e); err != nil && crm.ErrorCode(err) != crm.EConflict {
				return n, err
			}
			n++
		}
		if len(due) < 200 {
			return n, nil
		}
	}
	return n, nil
}

// EscalateOverdue tells the warehouse's managers and the GM, once per
// order, of each approved order past its ship-by date.
func (ss *Service) EscalateOverdue(ctx context.Context) (int, error) {
	now := ss.now().UTC()
	managers, err := ss.store.WarehouseManagers(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for range 100 {
		list, err := ss.store.Overdue(ctx, now, 200)
		if err != nil || len(list) == 0 {
			return n, err
		}
		for _, d := range list {
			t := msg.M("shipping.notice.overdue", d.OrderCode, d.CustomerName, d.ShipDueAt.In(crm.Shanghai).Format("2006-01-02 15:04"))
			id := strconv.FormatInt(d.OrderID, 10)
			notice := crm.Notice{To: crm.Audience{Users: managers, Role: crm.RoleGM}, Kind: "shipment_overdue", Entity: "order", EntityID: id,
				Text: t, Link: "/shipping", Message: t.In(msg.ZhCN) + " / " + t.In(msg.En)}
			ok, err := ss.store.EscalateShipping(ctx, d.OrderID, []crm.Notice{notice}, now)
			if err != nil {
				return n, err
			}
			if ok {
				n++
			}
		}
		if len(list) < 200 {
			return n, nil
		}
	}
	return n, nil
}

// Board lists the approved orders waiting to ship, overdue first, then by
// deadline.
func (ss *Service) Board(ctx context.Context, limit int) ([]Due, error) {
	p, err := crm.Authorize(ctx, crm.ActShipmentRead)
	if err != nil {
		return nil, err
	}
	return ss.store.Board(ctx, scope(p, true), ss.now().UTC(), limit)
}

// Stock lists the stock count of every product that has one.
func (ss *Service) Stock(ctx context.Context, limit int) ([]StockLevel, error) {
	if _, err := crm.Authorize(ctx, crm.ActStockRead); err != nil {
		return nil, err
	}
	return ss.store.Stock(ctx, limit)
}

// MovementInput is goods received into stock.
type MovementInput struct {
	ProductID int64  `json:"product_id"`
	Quantity  string `json:"quantity"`
	Note      string `json:"note"`
}

// StockMovement is one movement of stock, for whoever reads the stock.
func (ss *Service) StockMovement(ctx context.Context, id int64) (Movement, error) {
	if _, err := crm.Authorize(ctx, crm.ActStockRead); err != nil {
		return Movement{}, err
	}
	return ss.store.StockMovement(ctx, id)
}

// AddStock records goods received into stock by the warehouse.
func (ss *Service) AddStock(ctx context.Context, in MovementInput) (Movement, error) {
	p, err := crm.Authorize(ctx, crm.ActStockWrite)
	if err != nil {
		return Movement{}, err
	}
	var fs []crm.FieldError
	m := Movement{ProductID: in.ProductID, Kind: "receipt"}
	if in.ProductID <= 0 {
		fs = append(fs, crm.Bad("product_id", "required", "shipping.stock.product_required"))
	} else if _, err := ss.store.Product(ctx, in.ProductID); crm.ErrorCode(err) == crm.ENotFound {
		fs = append(fs, crm.Bad("product_id", "unknown", "shipping.stock.product_unknown", in.ProductID))
	} else if err != nil {
		return Movement{}, err
	}
	var qf []crm.FieldError
	m.Quantity = quantity(&qf, "quantity", 1, in.Quantity)
	if len(qf) > 0 {
		fs = append(fs, crm.Bad("quantity", qf[0].Code, "shipping.stock.quantity", in.Quantity))
	}
	m.Note = text(&fs, "note", in.Note, 500)
	if len(fs) > 0 {
		return Movement{}, crm.Invalid(fs...)
	}
	m.CreatedAt, m.CreatedBy = ss.now().UTC(), p.Username
	e := crm.NewAudit(ctx, crm.AuditCreate, "stock_movement", "", map[string]any{"product_id": m.ProductID, "quantity": m.Quantity, "note": m.Note})
	if err := ss.store.AddStock(ctx, &m, &e); err != nil {
		return Movement{}, err
	}
	return m, nil
}
