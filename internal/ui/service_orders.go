package ui

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/crm/service"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/msg"
)

// servicePages serve the after-sales service (服务作业): the service
// register (服务登记簿) with its registration form, the dispatch board,
// the technician's phone-sized view with the signature pad, finance's
// queue and the printable service voucher (服务凭证). The domain decides
// roles and rows; an order out of sight is the 404 page.
type servicePages struct {
	*UI
	so *service.Service
	cs *customer.Service
}

// registerServiceOrders adds this module's pages.
func (u *UI) registerServiceOrders(rt *httpx.Router) {
	s := &servicePages{UI: u, cs: u.svc.Customers, so: u.svc.ServiceOrders}
	rt.Handle("GET /service-orders", u.private(s.register))
	rt.Handle("POST /service-orders", u.private(s.create))
	rt.Handle("GET /service-orders/new", u.private(s.newForm))
	rt.Handle("GET /service-orders/dispatch", u.private(s.board))
	rt.Handle("GET /service-orders/mine", u.private(s.mine))
	rt.Handle("GET /service-orders/invoices", u.private(s.invoices))
	rt.Handle("GET /service-orders/{id}", u.private(s.detail))
	rt.Handle("GET /service-orders/{id}/voucher", u.private(s.voucher))
	rt.Handle("POST /service-orders/{id}/{step}", u.private(s.step))
}

// serviceRow is an order with its labels and times in words.
type serviceRow struct {
	service.ServiceOrder
	TypeLabel, StatusLabel, Received, CarryOver                    string
	Dispatched, Arrived, Left, SignedAt, Settled, Invoiced, Closed string
	Hours, Fee, Collected, Method, Settlement                      string
	DispatchedBy, InvoicedBy, ClosedBy                             string
	TechnicianName                                                 string // the technician's name, not their username
}

func (s *servicePages) label(lang, group, value string) string {
	if v, ok := s.msgs[lang]["service."+group+"."+value]; ok {
		return v
	}
	return value
}

func (s *servicePages) when(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(s.loc).Format("2006-01-02 15:04")
}

// yuan shows fen as yuan with two decimals.
func yuan(fen *int64) string {
	if fen == nil {
		return ""
	}
	return fmt.Sprintf("¥%d.%02d", *fen/100, *fen%100)
}

func (s *servicePages) row(lang string, o service.ServiceOrder) serviceRow {
	r := serviceRow{ServiceOrder: o, TypeLabel: s.label(lang, "type", string(o.Type)), StatusLabel: s.label(lang, "status", string(o.Status)),
		Received: s.when(&o.ReceivedAt), CarryOver: s.when(&o.CarryOverAt), Dispatched: s.when(o.DispatchedAt),
		Arrived: s.when(o.ArrivedAt), Left: s.when(o.LeftAt), SignedAt: s.when(o.SignedAt), Settled: s.when(o.SettledAt),
		Invoiced: s.when(o.InvoicedAt), Closed: s.when(o.ClosedAt), Fee: yuan(o.FeeFen), Collected: yuan(o.CollectedFen),
		TechnicianName: personName(o.TechnicianName, o.Technician)}
	if o.WorkMinutes != nil {
		r.Hours = fmt.Sprintf("%d:%02d", *o.WorkMinutes/60, *o.WorkMinutes%60)
	}
	if o.PaymentMethod != "" {
		r.Method = s.label(lang, "method", o.PaymentMethod)
	}
	if o.Settlement != "" {
		r.Settlement = s.label(lang, "settlement", o.Settlement)
	}
	return r
}

// names fills in who dispatched, invoiced and closed the order.
func (s *servicePages) names(r *http.Request, row *serviceRow) {
	name := func(id int64) string {
		if id == 0 {
			return ""
		}
		if u, err := s.svc.Directory.User(r.Context(), id); err == nil {
			return personName(u.DisplayName, u.Username)
		}
		return "#" + strconv.FormatInt(id, 10)
	}
	row.DispatchedBy, row.InvoicedBy, row.ClosedBy = name(row.ServiceOrder.DispatchedBy), name(row.ServiceOrder.InvoicedBy), name(row.ServiceOrder.ClosedBy)
}

// serviceTabs are the module's pages the caller may open.
type serviceTabs struct {
	Register, New, Dispatch, Mine, Invoices bool
	Current                                 string
	MineKey                                 string // my orders (technician) or the orders in the field
}

func tabsFor(p crm.Principal, current string) serviceTabs {
	t := serviceTabs{Register: p.Role.Can(crm.ActServiceOrderRead), New: p.Role.Can(crm.ActServiceOrderCreate),
		Dispatch: p.Role.Can(crm.ActServiceOrderDispatch), Mine: p.Role.Can(crm.ActServiceOrderWork) || p.Role.Can(crm.ActServiceOrderDispatch),
		Invoices: p.Role.Can(crm.ActServiceOrderInvoice) || p.Role.Can(crm.ActServiceOrderDispatch), Current: current,
		MineKey: "service.tab.field"}
	if p.Role.Can(crm.ActServiceOrderWork) {
		t.MineKey = "service.tab.mine"
	}
	return t
}

// serviceList is a list page: the register, the board, mine, the queue.
type serviceList struct {
	Tabs        serviceTabs
	Rows        []serviceRow
	Next        string
	Technicians []choice // value: the username; label: the name
	Notice      string
	Problem     formProblem
	ProblemID   int64 // the row the problem belongs to
	CanInvoice  bool  // finance: the queue's rows carry the invoice form
}

func (s *servicePages) list(r *http.Request, page, tab string, load func(after service.ServiceCursor, limit int) ([]service.ServiceOrder, error)) (serviceList, error) {
	me, _ := crm.PrincipalFrom(r.Context())
	lang := langOf(r)
	d := serviceList{Tabs: tabsFor(me, tab)}
	p, err := httpx.ParsePage(r)
	var after service.ServiceCursor
	if err == nil && p.Cursor != "" {
		err = httpx.DecodeCursor(p.Cursor, &after)
	}
	if err != nil {
		after = service.ServiceCursor{}
	}
	rows, err := load(after, p.Limit+1)
	if err != nil {
		return d, err
	}
	pg := httpx.MakePage(rows, p.Limit, func(o service.ServiceOrder) any {
		f := 0
		if o.CarriedOver {
			f = 1
		}
		return service.ServiceCursor{Flag: f, ID: o.ID}
	})
	for _, o := range pg.Items {
		d.Rows = append(d.Rows, s.row(lang, o))
	}
	if pg.NextCursor != "" {
		d.Next = page + "?cursor=" + pg.NextCursor
	}
	if key := r.URL.Query().Get("notice"); key != "" {
		if msg, ok := s.msgs[lang]["service.notice."+key]; ok {
			d.Notice = msg
		}
	}
	return d, nil
}

// register is the service register: every order the caller may see,
// carried-over orders first.
func (s *servicePages) register(w http.ResponseWriter, r *http.Request) error {
	d, err := s.list(r, "/service-orders", "register", func(after service.ServiceCursor, limit int) ([]service.ServiceOrder, error) {
		return s.so.List(r.Context(), nil, false, after, limit)
	})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "service_orders", "service.title", d)
}

// board is the dispatch board: undispatched orders, carried-over first.
func (s *servicePages) board(w http.ResponseWriter, r *http.Request) error {
	return s.showBoard(w, r, http.StatusOK, formProblem{}, 0)
}

func (s *servicePages) showBoard(w http.ResponseWriter, r *http.Request, status int, p formProblem, problemID int64) error {
	d, err := s.list(r, "/service-orders/dispatch", "dispatch", func(after service.ServiceCursor, limit int) ([]service.ServiceOrder, error) {
		return s.so.DispatchBoard(r.Context(), after, limit)
	})
	if err != nil {
		return err
	}
	if d.Technicians, err = s.technicians(r, ""); err != nil {
		return err
	}
	d.Problem, d.ProblemID = p, problemID
	return s.render(w, at(r, "/service-orders/dispatch"), status, "service_orders_dispatch", "service.dispatch_title", d)
}

// mine is the technician's phone-sized list of their open orders.
func (s *servicePages) mine(w http.ResponseWriter, r *http.Request) error {
	me, _ := crm.PrincipalFrom(r.Context())
	d, err := s.list(r, "/service-orders/mine", "mine", func(after service.ServiceCursor, limit int) ([]service.ServiceOrder, error) {
		return s.so.List(r.Context(), service.TechnicianActive, true, after, limit)
	})
	if err != nil {
		return err
	}
	// A technician sees their own orders; the service desk and the gm every
	// order out in the field.
	title := "service.field_title"
	if me.Role.Can(crm.ActServiceOrderWork) {
		title = "service.mine_title"
	}
	return s.render(w, r, http.StatusOK, "service_orders_mine", title, d)
}

// invoices is finance's queue.
func (s *servicePages) invoices(w http.ResponseWriter, r *http.Request) error {
	return s.showInvoices(w, r, http.StatusOK, formProblem{}, 0)
}

func (s *servicePages) showInvoices(w http.ResponseWriter, r *http.Request, status int, p formProblem, problemID int64) error {
	d, err := s.list(r, "/service-orders/invoices", "invoices", func(after service.ServiceCursor, limit int) ([]service.ServiceOrder, error) {
		return s.so.InvoiceQueue(r.Context(), after, limit)
	})
	if err != nil {
		return err
	}
	me, _ := crm.PrincipalFrom(r.Context())
	d.Problem, d.ProblemID, d.CanInvoice = p, problemID, me.Role.Can(crm.ActServiceOrderInvoice)
	return s.render(w, at(r, "/service-orders/invoices"), status, "service_orders_invoices", "service.invoices_title", d)
}

// serviceForm is the registration form as typed. The customer is found
// by the customer list's search (CustomerQ, by name, pinyin, code, USCC,
// contact or phone) and chosen (CustomerID); choosing one fills in its
// address and its primary contact's phone, shown masked (PhoneMasked) and
// read from the contact (ContactID) when the order is registered.
type serviceForm struct {
	Type, CustomerID, CustomerQ, Address, Phone, ProductModel, ProductSpec string
	PurchaseDate, PurchasePlace, Problem, ContactID, PhoneMasked           string
}

type serviceFormData struct {
	Tabs    serviceTabs
	Form    serviceForm
	Types   []choice
	Problem formProblem
}

func (s *servicePages) newForm(w http.ResponseWriter, r *http.Request) error {
	me, _ := crm.PrincipalFrom(r.Context())
	if !me.Role.Can(crm.ActServiceOrderCreate) {
		return crm.Fail(crm.EForbidden, "service.refused.register")
	}
	f := serviceForm{Type: "C"}
	if id, err := strconv.ParseInt(r.URL.Query().Get("customer_id"), 10, 64); err == nil && id > 0 {
		// From a customer's page: that customer, with its address.
		if c, err := s.cs.Get(r.Context(), id); err == nil {
			f.CustomerID, f.CustomerQ, f.Address = strconv.FormatInt(c.ID, 10), c.Code+" "+c.Name, c.Address
		}
	}
	return s.showForm(w, r, http.StatusOK, f, formProblem{})
}

func (s *servicePages) showForm(w http.ResponseWriter, r *http.Request, status int, f serviceForm, p formProblem) error {
	me, _ := crm.PrincipalFrom(r.Context())
	lang := langOf(r)
	d := serviceFormData{Tabs: tabsFor(me, "new"), Form: f, Problem: p}
	for _, t := range service.ServiceTypes {
		d.Types = append(d.Types, choice{Value: string(t), Label: s.label(lang, "type", string(t)), Selected: string(t) == f.Type})
	}
	return s.render(w, at(r, "/service-orders/new"), status, "service_orders_form", "service.new", d)
}

// create registers the order the form describes and shows it.
func (s *servicePages) create(w http.ResponseWriter, r *http.Request) error {
	v := r.PostFormValue
	f := serviceForm{Type: v("type"), CustomerID: v("customer_id"), CustomerQ: v("customer_q"), Address: v("address"), Phone: v("phone"),
		ProductModel: v("product_model"), ProductSpec: v("product_spec"), PurchaseDate: v("purchase_date"), PurchasePlace: v("purchase_place"),
		Problem: v("problem"), ContactID: v("contact_id"), PhoneMasked: v("phone_masked")}
	lang := langOf(r)
	var o service.ServiceOrder
	customerID, phone, err := s.formCustomer(r, &f)
	if err == nil {
		o, err = s.so.Register(r.Context(), service.ServiceOrder{Type: service.Type(f.Type), CustomerID: customerID, Address: f.Address, ProductModel: f.ProductModel,
			ProductSpec: f.ProductSpec, PurchaseDate: f.PurchaseDate, PurchasePlace: f.PurchasePlace, Problem: f.Problem}, phone, lang)
	}
	if err != nil {
		if c := crm.ErrorCode(err); c == crm.EForbidden || c == crm.EUnauthorized || c == crm.EInternal {
			return err
		}
		return s.showForm(w, r, httpx.Status(err), f, s.problem(lang, err, serviceFormFields))
	}
	http.Redirect(w, r, fmt.Sprintf("/service-orders/%d?notice=registered", o.ID), http.StatusSeeOther)
	return nil
}

// formCustomer is the customer and the phone of the registration form:
// the customer chosen from the search, or else the one customer the
// search text finds; the phone as typed, or — left as the masked number
// filled in on choosing the customer — the full number of the contact it
// came from (revealing it is audited, as every reveal is).
func (s *servicePages) formCustomer(r *http.Request, f *serviceForm) (int64, string, error) {
	ctx, lang := r.Context(), langOf(r)
	id, _ := strconv.ParseInt(f.CustomerID, 10, 64)
	if q := strings.TrimSpace(f.CustomerQ); id <= 0 && q != "" {
		found, err := s.cs.List(ctx, customer.CustomerFilter{Query: q, Limit: 2})
		if err != nil {
			return 0, "", err
		}
		switch len(found) {
		case 0:
			return 0, "", crm.Invalid(crm.Bad("customer_id", "unknown", "serviceorder.no_such_customer"))
		case 1:
			id = found[0].ID
			f.CustomerID, f.CustomerQ = strconv.FormatInt(id, 10), found[0].Code+" "+found[0].Name
			if strings.TrimSpace(f.Address) == "" {
				f.Address = found[0].Address
			}
		default:
			return 0, "", crm.Invalid(crm.BadText("customer_id", "ambiguous", msg.M("service.err.customer_id.ambiguous", q)))
		}
	}
	phone := strings.TrimSpace(f.Phone)
	contact, _ := strconv.ParseInt(f.ContactID, 10, 64)
	if contact <= 0 || id <= 0 || (phone != "" && phone != f.PhoneMasked) {
		return id, phone, nil
	}
	contacts, err := s.cs.Contacts(ctx, id)
	if err != nil {
		return id, phone, err
	}
	for _, c := range contacts {
		if c.ID != contact {
			continue
		}
		if c.Mobile == "" {
			return id, c.Landline, nil
		}
		full, err := s.cs.RevealContactMobile(ctx, c.ID, s.msgs.text(lang, "service.reveal_for_order"))
		return id, full, err
	}
	return id, "", crm.Invalid(crm.BadText("phone", "contact", msg.M("service.err.phone.contact")))
}

var serviceFormFields = []string{"type", "customer_id", "address", "phone", "product_model", "product_spec", "purchase_date", "purchase_place", "problem"}

// problem translates a refusal for a form: a field's message is the
// catalogue's service.err.FIELD.CODE when it has one, else the domain's
// in lang; an error of no field is the domain's.
func (s *servicePages) problem(lang string, err error, inputs []string) formProblem {
	return s.msgs.problem(lang, err, wording{
		own:   s.msgs.own(lang, func(f crm.FieldError) string { return "service.err." + f.Field + "." + f.Code }),
		input: func(field string) (string, bool) { return field, slices.Contains(inputs, field) },
		// A producer that gives no text yet is shown as it words itself.
		code:    func(e *crm.Error) (string, bool) { return e.Message, e.Text.IsZero() },
		generic: "service.err.generic",
	})
}

// serviceDetail is the order page with the forms of the steps the caller
// may take now.
type serviceDetail struct {
	Tabs                                       serviceTabs
	Row                                        serviceRow
	Notice                                     string
	Technicians                                []choice
	CanDispatch, CanStart, CanWork, CanSign    bool
	CanSettle, CanInvoice, CanClose, CanReveal bool
	Methods                                    []choice
	Form                                       string // the form the problem belongs to
	Problem                                    formProblem
	Now                                        string // datetime-local default of the arrival
	LeftDefault                                string // of the departure: now, unless that is the arrival's minute
	Open                                       string // the one step form shown unfolded (one at a time on a phone)
	Values                                     map[string]string
}

func orderID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, crm.Fail(crm.ENotFound, "serviceorder.no_such_order")
	}
	return id, nil
}

func (s *servicePages) detail(w http.ResponseWriter, r *http.Request) error {
	return s.showDetail(w, r, http.StatusOK, "", formProblem{}, nil)
}

func (s *servicePages) showDetail(w http.ResponseWriter, r *http.Request, status int, form string, p formProblem, values map[string]string) error {
	id, err := orderID(r)
	var o service.ServiceOrder
	if err == nil {
		o, err = s.so.Get(r.Context(), id)
	}
	if err != nil {
		return err
	}
	me, _ := crm.PrincipalFrom(r.Context())
	lang := langOf(r)
	next := func(st service.Status) bool { return slices.Contains(o.Next, st) }
	d := serviceDetail{Tabs: tabsFor(me, ""), Row: s.row(lang, o), Form: form, Problem: p, Values: values,
		Now: formDateTime(s.so.Now(), s.loc)}
	s.names(r, &d.Row)
	dispatcher, worker := me.Role.Can(crm.ActServiceOrderDispatch), me.Role.Can(crm.ActServiceOrderWork)
	d.CanDispatch = dispatcher && next("dispatched")
	d.CanStart = worker && next("in_progress")
	d.CanWork = worker && next("done")
	d.CanSign = worker && next("signed")
	d.CanSettle = (worker || dispatcher) && next("fee_collected")
	d.CanInvoice = me.Role.Can(crm.ActServiceOrderInvoice) && next("invoiced")
	d.CanClose = dispatcher && next("closed")
	d.CanReveal = worker || me.Role.Can(crm.ActCustomerReveal)
	if d.CanDispatch {
		if d.Technicians, err = s.technicians(r, values["technician"]); err != nil {
			return err
		}
	}
	d.Open = s.openForm(d, form)
	d.LeftDefault = leftDefault(o, s.so.Now(), s.loc)
	for _, m := range service.ServicePaymentMethods {
		d.Methods = append(d.Methods, choice{Value: m, Label: s.label(lang, "method", m)})
	}
	if key := r.URL.Query().Get("notice"); key != "" && status == http.StatusOK {
		if msg, ok := s.msgs[lang]["service.notice."+key]; ok {
			d.Notice = msg
		}
	}
	return s.render(w, at(r, fmt.Sprintf("/service-orders/%d", o.ID)), status, "service_orders_detail", "service.detail_title", d)
}

// technicians are the active technicians to dispatch to, by name;
// chosen is the one chosen in a form shown again.
func (s *servicePages) technicians(r *http.Request, chosen string) ([]choice, error) {
	techs, err := s.so.Technicians(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]choice, 0, len(techs))
	for _, t := range techs {
		out = append(out, choice{Value: t.Username, Label: personName(t.DisplayName, t.Username), Selected: t.Username == chosen})
	}
	return out, nil
}

// openForm is the step form shown unfolded: the one just refused, else
// the first the caller may take (in the order the page lists them).
func (s *servicePages) openForm(d serviceDetail, failed string) string {
	steps := []struct {
		name string
		can  bool
	}{{"dispatch", d.CanDispatch}, {"start", d.CanStart}, {"work", d.CanWork}, {"sign", d.CanSign},
		{"settle", d.CanSettle}, {"invoice", d.CanInvoice}, {"close", d.CanClose}}
	for _, st := range steps {
		if st.can && st.name == failed {
			return failed
		}
	}
	for _, st := range steps {
		if st.can {
			return st.name
		}
	}
	return ""
}

// leftDefault is the departure a work form offers: now (to the minute),
// unless the technician arrived in this very minute, when a departure
// at now could not be after the arrival: then nothing, to be typed.
func leftDefault(o service.ServiceOrder, now time.Time, loc *time.Location) string {
	if o.ArrivedAt != nil && !now.Truncate(time.Minute).After(*o.ArrivedAt) {
		return ""
	}
	return formDateTime(now, loc)
}

// localTime reads a datetime-local input in China time; "" is nil.
func (s *servicePages) localTime(v string) (*time.Time, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	t, err := parseDateTime(v, s.loc)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// parseYuan reads an amount in yuan (up to two decimals) as fen.
func parseYuan(v string) (*int64, bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "¥")
	if v == "" {
		return nil, true
	}
	whole, frac, _ := strings.Cut(v, ".")
	if len(frac) > 2 {
		return nil, false
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w < 0 || w > 1e12 {
		return nil, false
	}
	n := w*100 + f
	return &n, true
}

// step takes one step of the workflow from a form; a refusal shows the
// page again with the message by the form (the board and the queue
// show theirs on their own page).
func (s *servicePages) step(w http.ResponseWriter, r *http.Request) error {
	id, err := orderID(r)
	if err != nil {
		return s.notFound(w, r)
	}
	ctx, v, name := r.Context(), r.PostFormValue, r.PathValue("step")
	version, _ := strconv.Atoi(v("version"))
	badField := func(field, key string) error {
		return crm.Invalid(crm.Bad(field, "format", key))
	}
	var inputs []string
	switch name {
	case "reveal":
		phone, err := s.so.RevealPhone(ctx, id, v("reason"))
		if err != nil {
			if c := crm.ErrorCode(err); c != crm.EInvalid {
				return err
			}
			return s.showDetail(w, r, httpx.Status(err), name, s.problem(langOf(r), err, []string{"reason"}), map[string]string{"reason": v("reason")})
		}
		return s.showDetail(w, r, http.StatusOK, name, formProblem{}, map[string]string{"full_phone": phone})
	case "dispatch":
		inputs = []string{"technician", "note"}
		_, err = s.so.Dispatch(ctx, id, version, v("technician"), v("note"))
	case "start":
		inputs = []string{"arrived_at"}
		var t *time.Time
		if t, err = s.localTime(v("arrived_at")); err != nil {
			err = badField("arrived_at", "form.date_time")
		} else {
			_, err = s.so.Start(ctx, id, version, t)
		}
	case "work":
		inputs = []string{"arrived_at", "left_at", "work_minutes", "work_done", "parts_used", "fee_fen"}
		rep := service.WorkReport{WorkDone: v("work_done"), PartsUsed: v("parts_used")}
		var e1, e2 error
		rep.ArrivedAt, e1 = s.localTime(v("arrived_at"))
		rep.LeftAt, e2 = s.localTime(v("left_at"))
		fee, feeOK := parseYuan(v("fee"))
		rep.FeeFen = fee
		if m := strings.TrimSpace(v("work_minutes")); m != "" {
			if n, err := strconv.ParseInt(m, 10, 64); err == nil {
				rep.WorkMinutes = &n
			} else {
				e1 = errors.Join(e1, badField("work_minutes", "service.refused.minutes"))
			}
		}
		switch {
		case e1 != nil || e2 != nil:
			err = badField("left_at", "service.refused.times")
		case !feeOK:
			err = badField("fee_fen", "service.refused.amount")
		default:
			_, err = s.so.RecordWork(ctx, id, version, rep)
		}
	case "sign":
		inputs = []string{"signature", "signer_name"}
		data := v("signature")
		var png []byte
		if b64, ok := strings.CutPrefix(data, "data:image/png;base64,"); ok {
			png, err = base64.StdEncoding.DecodeString(b64)
			if err != nil {
				png = []byte("not a png")
			}
		} else {
			png = []byte(data)
		}
		_, err = s.so.Sign(ctx, id, version, v("order_number"), png, v("signer_name"))
	case "settle":
		inputs = []string{"settlement", "amount_fen", "payment_method"}
		amount, ok := parseYuan(v("amount"))
		if !ok {
			err = badField("amount_fen", "service.refused.amount")
		} else {
			_, err = s.so.Settle(ctx, id, version, v("settlement"), amount, v("payment_method"))
		}
	case "invoice":
		inputs = []string{"invoice_no"}
		_, err = s.so.Invoice(ctx, id, version, v("invoice_no"))
	case "close":
		inputs = []string{"note"}
		_, err = s.so.Close(ctx, id, version, v("note"))
	default:
		return s.notFound(w, r)
	}
	back := v("back")
	if err != nil {
		if pageLevel(err) {
			return err
		}
		p := s.problem(langOf(r), err, inputs)
		switch back {
		case "dispatch":
			return s.showBoard(w, r, httpx.Status(err), p, id)
		case "invoices":
			return s.showInvoices(w, r, httpx.Status(err), p, id)
		}
		values := map[string]string{}
		for _, k := range []string{"technician", "note", "arrived_at", "left_at", "work_minutes", "work_done", "parts_used", "fee", "signer_name", "amount", "payment_method", "invoice_no"} {
			values[k] = v(k)
		}
		return s.showDetail(w, r, httpx.Status(err), name, p, values)
	}
	switch back {
	case "dispatch":
		http.Redirect(w, r, "/service-orders/dispatch?notice="+name, http.StatusSeeOther)
	case "invoices":
		http.Redirect(w, r, "/service-orders/invoices?notice="+name, http.StatusSeeOther)
	default:
		http.Redirect(w, r, fmt.Sprintf("/service-orders/%d?notice=%s", id, name), http.StatusSeeOther)
	}
	return nil
}

// serviceVoucher is the printable service voucher.
type serviceVoucher struct {
	Row       serviceRow
	Signature template.URL // data: URL of the customer's signature (img-src allows data:)
}

func (s *servicePages) voucher(w http.ResponseWriter, r *http.Request) error {
	id, err := orderID(r)
	var o service.ServiceOrder
	if err == nil {
		o, err = s.so.Get(r.Context(), id)
	}
	if err != nil {
		return err
	}
	d := serviceVoucher{Row: s.row(langOf(r), o)}
	s.names(r, &d.Row)
	if o.Signed {
		b, err := s.so.Signature(r.Context(), id)
		if err != nil {
			return err
		}
		d.Signature = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b)) // #nosec: our own validated PNG
	}
	return s.render(w, r, http.StatusOK, "service_orders_voucher", "service.voucher_title", d)
}
