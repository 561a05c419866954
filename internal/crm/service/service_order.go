package service

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/secure"
)

// ServiceOrder is an after-sales service order (服务作业): its line in the
// service register (服务登记簿) and its voucher (服务凭证), from the call to
// the department manager's countersignature (部门经理核签).
type ServiceOrder struct {
	ID            int64     `json:"id"`
	Number        string    `json:"number"` // FWYYYYMM-NNNN
	Type          string    `json:"type"`   // A paid, B contract, C free, D internal
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
	Status        string    `json:"status"`
	Next          []string  `json:"next"` // the legal next statuses
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
	TechnicianID  int64      `json:"technician_id,omitempty"`
	Technician    string     `json:"technician,omitempty"` // username
	DispatchedBy  int64      `json:"dispatched_by,omitempty"`
	DispatchedAt  *time.Time `json:"dispatched_at,omitempty"`
	DispatchNote  string     `json:"dispatch_note"`
	ArrivedAt     *time.Time `json:"arrived_at,omitempty"`
	LeftAt        *time.Time `json:"left_at,omitempty"`
	WorkMinutes   *int64     `json:"work_minutes,omitempty"`
	WorkDone      string     `json:"work_done"`
	PartsUsed     string     `json:"parts_used"`
	FeeFen        *int64     `json:"fee_fen,omitempty"` // paid (A) services only
	Signed        bool       `json:"signed"`
	SignerName    string     `json:"signer_name"`
	SignedAt      *time.Time `json:"signed_at,omitempty"`
	Settlement    string     `json:"settlement"` // on_site or finance (A only)
	CollectedFen  *int64     `json:"collected_fen,omitempty"`
	PaymentMethod string     `json:"payment_method"`
	SettledAt     *time.Time `json:"settled_at,omitempty"`
	InvoiceNo     string     `json:"invoice_no"`
	InvoicedBy    int64      `json:"invoiced_by,omitempty"`
	InvoicedAt    *time.Time `json:"invoiced_at,omitempty"`
	ClosedBy      int64      `json:"closed_by,omitempty"`
	ClosedAt      *time.Time `json:"closed_at,omitempty"`
	CloseNote     string     `json:"close_note"`
}

// The option lists of a service order.
var (
	ServiceTypes          = []string{"A", "B", "C", "D"}
	ServiceStatuses       = []string{"registered", "dispatched", "in_progress", "done", "signed", "fee_collected", "awaiting_invoice", "invoiced", "closed"}
	ServicePaymentMethods = []string{"cash", "wechat", "alipay", "bank_card", "bank_transfer"}
)

// Limits of the customer's signature image.
const (
	MaxSignatureBytes = 256 << 10
	maxSignatureSide  = 4000
)

// serviceFlow is the state machine. Paid (A) orders go from signed to
// fee_collected (收费 on site) or awaiting_invoice (财务开票), then invoiced;
// the others from signed straight to closed. A dispatched order may be
// dispatched again to another technician until work starts.
var serviceFlow = map[string][]string{
	"registered":       {"dispatched"},
	"dispatched":       {"dispatched", "in_progress", "done"},
	"in_progress":      {"done"},
	"done":             {"signed"},
	"signed":           {"fee_collected", "awaiting_invoice", "closed"},
	"fee_collected":    {"invoiced"},
	"awaiting_invoice": {"invoiced"},
	"invoiced":         {"closed"},
}

// nextStatuses lists the legal moves from o's status.
func nextStatuses(o ServiceOrder) []string {
	out := []string{}
	for _, s := range serviceFlow[o.Status] {
		paid := s == "fee_collected" || s == "awaiting_invoice"
		if o.Status == "signed" && (paid != (o.Type == "A")) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// checkMove refuses a move the state machine does not allow, naming the
// legal next steps.
func checkMove(o ServiceOrder, to string) error {
	next := nextStatuses(o)
	if slices.Contains(next, to) {
		return nil
	}
	msg := fmt.Sprintf("a service order that is %s cannot go to %s; ", o.Status, to)
	if len(next) == 0 {
		msg += "it is closed and takes no further steps"
	} else {
		msg += "it can go only to: " + strings.Join(next, ", ")
	}
	return crm.Invalid(crm.FieldError{Field: "status", Code: "illegal", Message: msg})
}

// ServiceOrderFilter chooses the orders of a list.
type ServiceOrderFilter struct {
	Scope        crm.Scope // customer scope when not All
	TechnicianID int64     // only this technician's orders
	FinanceView  bool      // only paid orders from settlement on (finance's rows)
	Statuses     []string
	Oldest       bool      // oldest first (the dispatch board) instead of newest first
	Now          time.Time // carried-over orders come first
	After        ServiceCursor
	Limit        int
}

// ServiceCursor is where a list page ends: carried-over flag, then ID.
type ServiceCursor struct {
	Flag int   `json:"f"`
	ID   int64 `json:"id"`
}

// ServiceOrderStore keeps service orders.
type ServiceOrderStore interface {
	CreateServiceOrder(ctx context.Context, o *ServiceOrder, e *crm.AuditEntry) error
	ServiceOrder(ctx context.Context, id int64) (ServiceOrder, error)
	ListServiceOrders(ctx context.Context, f ServiceOrderFilter) ([]ServiceOrder, error)
	SaveServiceOrder(ctx context.Context, o *ServiceOrder, signature []byte, e *crm.AuditEntry) error
	ServiceOrderSignature(ctx context.Context, id int64) ([]byte, error)
	ActiveUsersByRole(ctx context.Context, role crm.Role) ([]identity.User, error)
	UserByUsername(ctx context.Context, username string) (identity.User, error)
	Audit(ctx context.Context, e *crm.AuditEntry) error
}

// Service runs the after-sales service (客户服务作业程序).
type Service struct {
	store     ServiceOrderStore
	customers *customer.Service
	calendars *crm.Calendars
	sealer    crm.Sealer
	now       func() time.Time
}

// New returns the service-order service over the customer
// service (whose keyring seals the phone numbers); now is the clock
// (time.Now when nil).
func New(s ServiceOrderStore, customers *customer.Service, calendars *crm.Calendars, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, customers: customers, calendars: calendars, sealer: customers.Sealer, now: now}
}

// Now is the service's clock.
func (so *Service) Now() time.Time { return so.now() }

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
	bad := func(field, code, msg string) { fs = append(fs, crm.FieldError{Field: field, Code: code, Message: msg}) }
	now := so.now().UTC()
	if !slices.Contains(ServiceTypes, o.Type) {
		bad("type", "unknown", "must be A (paid), B (contract), C (free) or D (internal)")
	}
	if o.CustomerID <= 0 {
		bad("customer_id", "required", "choose the customer")
	} else if c, err := so.customers.Get(ctx, o.CustomerID); crm.ErrorCode(err) == crm.ENotFound {
		bad("customer_id", "unknown", "no such customer")
	} else if err != nil {
		return o, err
	} else {
		o.CustomerName = c.Name
	}
	if o.ReceivedAt.IsZero() {
		o.ReceivedAt = now
	} else if o.ReceivedAt.After(now.Add(time.Hour)) {
		bad("received_at", "future", "cannot lie in the future")
	}
	text := func(field string, v *string, required bool, max int) {
		*v = strings.TrimSpace(*v)
		if n := utf8.RuneCountInString(*v); (required && n == 0) || n > max {
			if required {
				bad(field, "length", fmt.Sprintf("must be 1 to %d characters", max))
			} else {
				bad(field, "length", fmt.Sprintf("must be at most %d characters", max))
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
			bad("purchase_date", "format", "must be a date written YYYY-MM-DD")
		} else if d.In(crm.Shanghai).After(now) {
			bad("purchase_date", "future", "cannot lie in the future")
		}
	}
	norm := strings.TrimSpace(phone)
	if norm == "" {
		bad("phone", "required", "give the phone number to call")
	} else if n, pr := cn.ValidateMobile(norm); pr == nil || pr.Severity != cn.Error {
		norm = n
	} else if n2, pr2 := cn.ValidateLandline(norm); pr2 == nil || pr2.Severity != cn.Error {
		norm = n2
	} else {
		bad("phone", pr.Code, pr.Message(lang))
	}
	if len(fs) > 0 {
		return o, crm.Invalid(fs...)
	}
	if so.sealer == nil {
		return o, crm.Errorf(crm.EInternal, "no keyring: sensitive fields cannot be stored")
	}
	if o.PhoneEnc, err = so.sealer.Encrypt([]byte(norm), secure.AAD("service_orders", servicePhoneAAD)); err != nil {
		return o, err
	}
	o.Phone = secure.MaskMobile(norm)
	o.ReceivedAt = o.ReceivedAt.UTC()
	if o.CarryOverAt, err = so.carryOverAt(ctx, o.ReceivedAt); err != nil {
		return o, err
	}
	o.Status, o.CreatedAt, o.UpdatedAt, o.Version = "registered", now, now, 1
	if p.UserID > 0 {
		o.CreatedBy = p.UserID
	}
	e := crm.NewAudit(ctx, crm.AuditCreate, "service_order", "", map[string]any{"type": o.Type, "customer_id": o.CustomerID})
	if err := so.store.CreateServiceOrder(ctx, &o, &e); err != nil {
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
	o.Next = nextStatuses(*o)
	o.CarriedOver = o.Status == "registered" && !now.Before(o.CarryOverAt)
	if o.PhoneEnc != "" && so.sealer != nil {
		if b, err := so.sealer.Decrypt(o.PhoneEnc, secure.AAD("service_orders", servicePhoneAAD)); err == nil {
			o.Phone = secure.MaskMobile(string(b))
		} else {
			o.Phone = "****"
		}
	}
}

// serviceReadAll is whether p reads every service order: the service desk
// and the gm.
func serviceReadAll(p crm.Principal) bool { return p.Role == crm.RoleService || p.Role == crm.RoleGM }

// financeStatuses are the steps of a paid order that finance sees.
var financeStatuses = []string{"fee_collected", "awaiting_invoice", "invoiced", "closed"}

// visible reports whether p may see o: the service desk and the gm all;
// a technician the orders dispatched to them; finance the paid orders
// from settlement on; account and sales managers the orders of the
// customers in their scope. Anything else is not found.
func (so *Service) visible(ctx context.Context, p crm.Principal, o ServiceOrder) (bool, error) {
	switch {
	case serviceReadAll(p):
		return true, nil
	case p.Role == crm.RoleTechnician:
		return o.TechnicianID == p.UserID, nil
	case p.Role == crm.RoleFinance:
		return o.Type == "A" && slices.Contains(financeStatuses, o.Status), nil
	}
	_, _, err := so.customers.Store.Customer(ctx, o.CustomerID, crm.CustomerScope(p), false, so.now())
	if crm.ErrorCode(err) == crm.ENotFound {
		return false, nil
	}
	return err == nil, err
}

// Get reads one service order the caller may see.
func (so *Service) Get(ctx context.Context, id int64) (ServiceOrder, error) {
	p, err := crm.Authorize(ctx, crm.ActServiceOrderRead)
	if err != nil {
		return ServiceOrder{}, err
	}
	return so.get(ctx, p, id)
}

func (so *Service) get(ctx context.Context, p crm.Principal, id int64) (ServiceOrder, error) {
	o, err := so.store.ServiceOrder(ctx, id)
	if err != nil {
		return ServiceOrder{}, err
	}
	if ok, err := so.visible(ctx, p, o); err != nil {
		return ServiceOrder{}, err
	} else if !ok {
		return ServiceOrder{}, crm.Errorf(crm.ENotFound, "no such service order")
	}
	so.finish(&o, so.now())
	return o, nil
}

// List returns the service orders the caller may see, carried-over
// orders first, then newest first (oldest first when f.Oldest). statuses
// narrows the list.
func (so *Service) List(ctx context.Context, statuses []string, oldest bool, after ServiceCursor, limit int) ([]ServiceOrder, error) {
	p, err := crm.Authorize(ctx, crm.ActServiceOrderRead)
	if err != nil {
		return nil, err
	}
	for _, s := range statuses {
		if !slices.Contains(ServiceStatuses, s) {
			return nil, crm.Invalid(crm.FieldError{Field: "status", Code: "unknown", Message: "must be one of " + strings.Join(ServiceStatuses, ", ")})
		}
	}
	now := so.now()
	f := ServiceOrderFilter{Statuses: statuses, Oldest: oldest, Now: now, After: after, Limit: limit, Scope: crm.Scope{All: true}}
	switch {
	case serviceReadAll(p):
	case p.Role == crm.RoleTechnician:
		f.TechnicianID = p.UserID
	case p.Role == crm.RoleFinance:
		f.FinanceView = true
	default:
		f.Scope = crm.CustomerScope(p)
	}
	list, err := so.store.ListServiceOrders(ctx, f)
	for i := range list {
		so.finish(&list[i], now)
	}
	return list, err
}

// DispatchBoard lists the undispatched orders for the service manager:
// those carried over from an earlier working day first, then oldest first.
func (so *Service) DispatchBoard(ctx context.Context, after ServiceCursor, limit int) ([]ServiceOrder, error) {
	if _, err := crm.Authorize(ctx, crm.ActServiceOrderDispatch); err != nil {
		return nil, err
	}
	return so.List(ctx, []string{"registered"}, true, after, limit)
}

// InvoiceQueue is finance's queue: paid orders collected on site (补寄发票)
// or sent to finance (财务开票), oldest first. The service desk and the gm
// may look at it too.
func (so *Service) InvoiceQueue(ctx context.Context, after ServiceCursor, limit int) ([]ServiceOrder, error) {
	p, err := crm.Authorize(ctx, crm.ActServiceOrderRead)
	if err != nil {
		return nil, err
	}
	if !p.Role.Can(crm.ActServiceOrderInvoice) && !serviceReadAll(p) {
		return nil, crm.Errorf(crm.EForbidden, "your role (%s) may not read finance's queue", p.Role)
	}
	return so.List(ctx, []string{"fee_collected", "awaiting_invoice"}, true, after, limit)
}

// Technicians lists the active technicians, whom orders can be
// dispatched to.
func (so *Service) Technicians(ctx context.Context) ([]identity.User, error) {
	if _, err := crm.Authorize(ctx, crm.ActServiceOrderDispatch); err != nil {
		return nil, err
	}
	return so.store.ActiveUsersByRole(ctx, crm.RoleTechnician)
}

// Signature returns the customer's signature image (PNG) of an order the
// caller may see.
func (so *Service) Signature(ctx context.Context, id int64) ([]byte, error) {
	o, err := so.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !o.Signed {
		return nil, crm.Errorf(crm.ENotFound, "service order %s has no signature yet", o.Number)
	}
	return so.store.ServiceOrderSignature(ctx, id)
}

// RevealPhone shows the full phone number of an order, with a reason,
// audited: to the technician of the order (who must call the customer)
// and to the roles that may reveal customers' numbers.
func (so *Service) RevealPhone(ctx context.Context, id int64, reason string) (string, error) {
	p, err := crm.Authorize(ctx, crm.ActServiceOrderRead)
	if err != nil {
		return "", err
	}
	if !p.Role.Can(crm.ActServiceOrderWork) && !p.Role.Can(crm.ActCustomerReveal) {
		return "", crm.Errorf(crm.EForbidden, "your role (%s) may not see a phone number in full", p.Role)
	}
	o, err := so.get(ctx, p, id)
	if err != nil {
		return "", err
	}
	if reason = strings.TrimSpace(reason); reason == "" || utf8.RuneCountInString(reason) > 200 {
		return "", crm.Invalid(crm.FieldError{Field: "reason", Code: "required", Message: "say why you need the full number (at most 200 characters)"})
	}
	b, err := so.sealer.Decrypt(o.PhoneEnc, secure.AAD("service_orders", servicePhoneAAD))
	if err != nil {
		return "", err
	}
	e := crm.NewAudit(ctx, crm.AuditReveal, "service_order", strconv.FormatInt(id, 10), map[string]any{"field": "phone", "reason": reason, "number": o.Number})
	return string(b), so.store.Audit(ctx, &e)
}

// load reads an order for a step: the caller must be allowed action a and
// see the order, and must have read the current version.
func (so *Service) load(ctx context.Context, a crm.Action, id int64, version int) (crm.Principal, ServiceOrder, error) {
	p, err := crm.Authorize(ctx, a)
	if err != nil {
		return p, ServiceOrder{}, err
	}
	o, err := so.get(ctx, p, id)
	if err != nil {
		return p, o, err
	}
	if version != o.Version {
		return p, o, crm.Errorf(crm.EVersionConflict, "service order %s was changed by someone else (version %d, you sent %d); reload and try again", o.Number, o.Version, version)
	}
	return p, o, nil
}

// save writes a step with its audit entry.
func (so *Service) save(ctx context.Context, o *ServiceOrder, from string, signature []byte, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	detail["from"], detail["to"], detail["number"] = from, o.Status, o.Number
	now := so.now().UTC()
	o.UpdatedAt = now
	e := crm.NewAudit(ctx, crm.AuditUpdate, "service_order", strconv.FormatInt(o.ID, 10), detail)
	if err := so.store.SaveServiceOrder(ctx, o, signature, &e); err != nil {
		return err
	}
	so.finish(o, now)
	return nil
}

// Dispatch (派工) gives a registered (or not yet started) order to a
// technician.
func (so *Service) Dispatch(ctx context.Context, id int64, version int, technician, note string) (ServiceOrder, error) {
	p, o, err := so.load(ctx, crm.ActServiceOrderDispatch, id, version)
	if err != nil {
		return o, err
	}
	if err := checkMove(o, "dispatched"); err != nil {
		return o, err
	}
	technician = strings.TrimSpace(technician)
	var fs []crm.FieldError
	u, err := so.store.UserByUsername(ctx, technician)
	switch {
	case technician == "":
		fs = append(fs, crm.FieldError{Field: "technician", Code: "required", Message: "choose the technician (服务人员) to send"})
	case crm.ErrorCode(err) == crm.ENotFound:
		fs = append(fs, crm.FieldError{Field: "technician", Code: "unknown", Message: "no user " + technician})
	case err != nil:
		return o, err
	case u.Role != crm.RoleTechnician || u.Disabled():
		fs = append(fs, crm.FieldError{Field: "technician", Code: "role", Message: technician + " is not an active technician (服务人员)"})
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 {
		fs = append(fs, crm.FieldError{Field: "note", Code: "length", Message: "must be at most 500 characters"})
	}
	if len(fs) > 0 {
		return o, crm.Invalid(fs...)
	}
	now, from := so.now().UTC(), o.Status
	o.Status, o.TechnicianID, o.Technician, o.DispatchNote, o.DispatchedAt = "dispatched", u.ID, u.Username, note, &now
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
	if err := checkMove(o, "in_progress"); err != nil {
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
	o.Status, o.ArrivedAt = "in_progress", &t
	return o, so.save(ctx, &o, from, nil, nil)
}

// checkWorkTime refuses a time in the future or before the dispatch.
func (so *Service) checkWorkTime(o ServiceOrder, field string, t time.Time) error {
	if t.After(so.now().Add(5 * time.Minute)) {
		return crm.Invalid(crm.FieldError{Field: field, Code: "future", Message: "cannot lie in the future"})
	}
	if o.DispatchedAt != nil && t.Before(o.DispatchedAt.Add(-24*time.Hour)) {
		return crm.Invalid(crm.FieldError{Field: field, Code: "range", Message: "cannot lie before the order was dispatched"})
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
	if err := checkMove(o, "done"); err != nil {
		return o, err
	}
	var fs []crm.FieldError
	bad := func(field, code, msg string) { fs = append(fs, crm.FieldError{Field: field, Code: code, Message: msg}) }
	arrived := o.ArrivedAt
	if w.ArrivedAt != nil {
		t := w.ArrivedAt.UTC()
		arrived = &t
	}
	if arrived == nil {
		bad("arrived_at", "required", "give the time of arrival at the customer")
	} else if err := so.checkWorkTime(o, "arrived_at", *arrived); err != nil {
		fs = append(fs, err.(*crm.Error).Fields...)
	}
	if w.LeftAt == nil {
		bad("left_at", "required", "give the time of leaving the customer")
	} else if err := so.checkWorkTime(o, "left_at", *w.LeftAt); err != nil {
		fs = append(fs, err.(*crm.Error).Fields...)
	} else if arrived != nil && !w.LeftAt.After(*arrived) {
		bad("left_at", "range", "must be after the arrival")
	}
	var minutes int64
	if arrived != nil && w.LeftAt != nil && w.LeftAt.After(*arrived) {
		minutes = int64(w.LeftAt.Sub(*arrived) / time.Minute)
		if w.WorkMinutes != nil {
			if *w.WorkMinutes < 1 || *w.WorkMinutes > minutes {
				bad("work_minutes", "range", fmt.Sprintf("must be 1 to %d (the minutes between arrival and leaving)", minutes))
			}
			minutes = *w.WorkMinutes
		}
	}
	w.WorkDone, w.PartsUsed = strings.TrimSpace(w.WorkDone), strings.TrimSpace(w.PartsUsed)
	if n := utf8.RuneCountInString(w.WorkDone); n == 0 || n > 2000 {
		bad("work_done", "length", "describe the work done (服务内容), 1 to 2000 characters")
	}
	if utf8.RuneCountInString(w.PartsUsed) > 1000 {
		bad("parts_used", "length", "must be at most 1000 characters")
	}
	switch {
	case o.Type == "A" && w.FeeFen == nil:
		bad("fee_fen", "required", "a paid (A) service carries its fee in fen")
	case o.Type == "A" && (*w.FeeFen < 1 || *w.FeeFen > 100_000_000_00):
		bad("fee_fen", "range", "must be 1 to 10000000000 fen")
	case o.Type != "A" && w.FeeFen != nil && *w.FeeFen != 0:
		bad("fee_fen", "not_paid", "only a paid (A) service carries a fee; this order is type "+o.Type)
	}
	if len(fs) > 0 {
		return o, crm.Invalid(fs...)
	}
	from := o.Status
	left := w.LeftAt.UTC()
	o.Status, o.ArrivedAt, o.LeftAt, o.WorkMinutes, o.WorkDone, o.PartsUsed = "done", arrived, &left, &minutes, w.WorkDone, w.PartsUsed
	o.FeeFen = nil
	if o.Type == "A" {
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
		return o, crm.Invalid(crm.FieldError{Field: "order_number", Code: "mismatch",
			Message: fmt.Sprintf("the signature was drawn for order %s, not for %s; nothing was stored", number, o.Number)})
	}
	if err := checkMove(o, "signed"); err != nil {
		return o, err
	}
	if err := CheckSignature(png); err != nil {
		return o, err
	}
	signer = strings.TrimSpace(signer)
	if utf8.RuneCountInString(signer) > 50 {
		return o, crm.Invalid(crm.FieldError{Field: "signer_name", Code: "length", Message: "must be at most 50 characters"})
	}
	now, from := so.now().UTC(), o.Status
	o.Status, o.Signed, o.SignerName, o.SignedAt = "signed", true, signer, &now
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
	to := map[string]string{"on_site": "fee_collected", "finance": "awaiting_invoice"}[settlement]
	if to == "" {
		return o, crm.Invalid(crm.FieldError{Field: "settlement", Code: "unknown", Message: "must be on_site (collected on site) or finance (finance invoices)"})
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
			fs = append(fs, crm.FieldError{Field: "amount_fen", Code: "mismatch", Message: fmt.Sprintf("the amount collected must equal the fee, %d fen", want)})
		}
		if !slices.Contains(ServicePaymentMethods, method) {
			fs = append(fs, crm.FieldError{Field: "payment_method", Code: "unknown", Message: "must be one of " + strings.Join(ServicePaymentMethods, ", ")})
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
	if err := checkMove(o, "invoiced"); err != nil {
		return o, err
	}
	invoiceNo = strings.TrimSpace(invoiceNo)
	ok := len(invoiceNo) >= 8 && len(invoiceNo) <= 40
	for _, r := range invoiceNo {
		ok = ok && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-')
	}
	if !ok {
		return o, crm.Invalid(crm.FieldError{Field: "invoice_no", Code: "format", Message: "must be the invoice number: 8 to 40 letters, digits or dashes (e.g. the 20 digits of a 数电发票)"})
	}
	now, from := so.now().UTC(), o.Status
	o.Status, o.InvoiceNo, o.InvoicedAt = "invoiced", invoiceNo, &now
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
	if err := checkMove(o, "closed"); err != nil {
		return o, err
	}
	if note = strings.TrimSpace(note); utf8.RuneCountInString(note) > 500 {
		return o, crm.Invalid(crm.FieldError{Field: "note", Code: "length", Message: "must be at most 500 characters"})
	}
	now, from := so.now().UTC(), o.Status
	o.Status, o.CloseNote, o.ClosedAt = "closed", note, &now
	if p.UserID > 0 {
		o.ClosedBy = p.UserID
	}
	return o, so.save(ctx, &o, from, nil, nil)
}
