package api

import (
	"context"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/service"
	"github.com/kehucrm/kehu/internal/httpx"
)

// serviceOrderAPI serves the after-sales service orders (服务作业).
type serviceOrderAPI struct {
	so *service.Service
}

// registerServiceOrders adds this module's routes; see Register.
func (a *API) registerServiceOrders(rt *httpx.Router) {
	s := &serviceOrderAPI{so: a.serviceOrders}
	rt.HandleFunc("GET /api/v1/service-orders", s.list, httpx.List(serviceOrderListParams...))
	rt.HandleFunc("POST /api/v1/service-orders", s.register, httpx.Requires(crm.ActServiceOrderCreate))
	rt.HandleFunc("GET /api/v1/service-orders/dispatch-board", s.dispatchBoard, httpx.List())
	rt.HandleFunc("GET /api/v1/service-orders/invoice-queue", s.invoiceQueue, httpx.List())
	rt.HandleFunc("GET /api/v1/service-orders/{id}", s.get)
	rt.HandleFunc("POST /api/v1/service-orders/{id}/dispatch", s.dispatch, httpx.Requires(crm.ActServiceOrderDispatch))
	rt.HandleFunc("POST /api/v1/service-orders/{id}/start", s.start, httpx.Requires(crm.ActServiceOrderWork))
	rt.HandleFunc("POST /api/v1/service-orders/{id}/work", s.work, httpx.Requires(crm.ActServiceOrderWork))
	rt.HandleFunc("PUT /api/v1/service-orders/{id}/signature", s.sign,
		httpx.Query(httpx.Text("version"), httpx.Text("order_number"), httpx.Text("signer_name")), httpx.Requires(crm.ActServiceOrderWork))
	rt.HandleFunc("GET /api/v1/service-orders/{id}/signature", s.signature)
	rt.HandleFunc("POST /api/v1/service-orders/{id}/settlement", s.settle, httpx.Requires(crm.ActServiceOrderWork, crm.ActServiceOrderDispatch))
	rt.HandleFunc("POST /api/v1/service-orders/{id}/invoice", s.invoice, httpx.Requires(crm.ActServiceOrderInvoice))
	rt.HandleFunc("POST /api/v1/service-orders/{id}/close", s.close, httpx.Requires(crm.ActServiceOrderDispatch))
	rt.HandleFunc("POST /api/v1/service-orders/{id}/reveal", s.reveal, httpx.Requires(crm.ActServiceOrderRead))
}

// reveal shows the order's phone number in full, audited.
func (s *serviceOrderAPI) reveal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req revealRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	if req.Field != "phone" {
		return crm.Invalid(crm.Bad("field", "unknown", "api.field.phone"))
	}
	v, err := s.so.RevealPhone(r.Context(), id, req.Reason)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, revealResponse{Field: req.Field, Value: v})
	return nil
}

// serviceOrderInput is a registration in the service register.
type serviceOrderInput struct {
	Type          string    `json:"type"`
	CustomerID    int64     `json:"customer_id"`
	Address       string    `json:"address"`
	Phone         string    `json:"phone"`
	ProductModel  string    `json:"product_model"`
	ProductSpec   string    `json:"product_spec"`
	PurchaseDate  string    `json:"purchase_date"`
	PurchasePlace string    `json:"purchase_place"`
	Problem       string    `json:"problem"`
	ReceivedAt    timeInput `json:"received_at"`
}

func (s *serviceOrderAPI) register(w http.ResponseWriter, r *http.Request) error {
	var in serviceOrderInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	var tf timeFields
	received := tf.instant("received_at", in.ReceivedAt)
	if err := tf.err(); err != nil {
		return err
	}
	o := service.ServiceOrder{Type: service.Type(in.Type), CustomerID: in.CustomerID, Address: in.Address, ProductModel: in.ProductModel,
		ProductSpec: in.ProductSpec, PurchaseDate: in.PurchaseDate, PurchasePlace: in.PurchasePlace, Problem: in.Problem}
	if received != nil {
		o.ReceivedAt = *received
	}
	o, err := s.so.Register(r.Context(), o, in.Phone, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, o.Version)
	httpx.WriteCreated(w, "/api/v1/service-orders/"+strconv.FormatInt(o.ID, 10), o)
	return nil
}

// serviceOrderListParams are the service-order list's filters: statuses
// and types take several values separated by commas; assignee_id is the
// technician; overdue is carried over (still undispatched past its
// dispatch deadline); the date ranges include from and exclude to.
var serviceOrderListParams = []httpx.Param{httpx.AnyOf("status", statusValues(service.ServiceStatuses)...),
	httpx.AnyOf("type", statusValues(service.ServiceTypes)...), httpx.ID("customer_id"), httpx.ID("assignee_id"),
	httpx.Bool("overdue"), httpx.Time("received_from"), httpx.Time("received_to"), httpx.Time("created_from"),
	httpx.Time("created_to"), httpx.OneOf("sort", service.ListSorts...)}

// servicePage reads the paging parameters of a service-order list.
func servicePage(r *http.Request) (httpx.PageRequest, service.ServiceCursor, error) {
	var after service.ServiceCursor
	p, err := httpx.ParsePage(r)
	if err == nil && p.Cursor != "" {
		err = httpx.DecodeCursor(p.Cursor, &after)
	}
	return p, after, err
}

func writeServicePage(w http.ResponseWriter, f service.ServiceOrderFilter, list []service.ServiceOrder, total crm.ListTotal, limit int) {
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, limit, func(o service.ServiceOrder) any {
		return service.CursorAfter(f, o)
	}).Of(total))
}

func (s *serviceOrderAPI) list(w http.ResponseWriter, r *http.Request) error {
	p, after, err := servicePage(r)
	if err != nil {
		return err
	}
	f := service.ServiceOrderFilter{CustomerID: httpx.QueryID(r, "customer_id"), AssigneeID: httpx.QueryID(r, "assignee_id"),
		Overdue: httpx.QueryBool(r, "overdue"), ReceivedFrom: httpx.QueryTime(r, "received_from"), ReceivedTo: httpx.QueryTime(r, "received_to"),
		CreatedFrom: httpx.QueryTime(r, "created_from"), CreatedTo: httpx.QueryTime(r, "created_to"), Sort: r.URL.Query().Get("sort"),
		After: after, Limit: p.Limit + 1}
	for _, st := range httpx.Values(r, "status") {
		f.Statuses = append(f.Statuses, service.Status(st))
	}
	for _, t := range httpx.Values(r, "type") {
		f.Types = append(f.Types, service.Type(t))
	}
	list, total, err := s.so.Find(r.Context(), f)
	if err != nil {
		return err
	}
	writeServicePage(w, f, list, total, p.Limit)
	return nil
}

func (s *serviceOrderAPI) dispatchBoard(w http.ResponseWriter, r *http.Request) error {
	p, after, err := servicePage(r)
	if err != nil {
		return err
	}
	list, total, err := s.so.DispatchBoardCounted(r.Context(), after, p.Limit+1)
	if err != nil {
		return err
	}
	writeServicePage(w, service.ServiceOrderFilter{}, list, total, p.Limit)
	return nil
}

func (s *serviceOrderAPI) invoiceQueue(w http.ResponseWriter, r *http.Request) error {
	p, after, err := servicePage(r)
	if err != nil {
		return err
	}
	list, total, err := s.so.InvoiceQueueCounted(r.Context(), after, p.Limit+1)
	if err != nil {
		return err
	}
	writeServicePage(w, service.ServiceOrderFilter{}, list, total, p.Limit)
	return nil
}

func (s *serviceOrderAPI) get(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	o, err := s.so.Get(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, o.Version)
	httpx.WriteJSON(w, http.StatusOK, o)
	return nil
}

// step decodes a step's body into in, reads its version (body or
// If-Match) and answers the order the step returns.
func step[T any](w http.ResponseWriter, r *http.Request, get func(context.Context, int64) (service.ServiceOrder, error), in *T, version func(*T) *int,
	do func(id int64, in *T) (service.ServiceOrder, error)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := httpx.DecodeJSON(r, in); err != nil {
		return err
	}
	v := version(in)
	if *v, err = versionAfter(r, *v, func() error { _, err := get(r.Context(), id); return err }); err != nil {
		return err
	}
	o, err := do(id, in)
	if err != nil {
		return err
	}
	setETag(w, o.Version)
	httpx.WriteJSON(w, http.StatusOK, o)
	return nil
}

type dispatchInput struct {
	Technician string `json:"technician"`
	Note       string `json:"note"`
	Version    int    `json:"version"`
}

func (s *serviceOrderAPI) dispatch(w http.ResponseWriter, r *http.Request) error {
	return step(w, r, s.so.Get, &dispatchInput{}, func(in *dispatchInput) *int { return &in.Version },
		func(id int64, in *dispatchInput) (service.ServiceOrder, error) {
			return s.so.Dispatch(r.Context(), id, in.Version, in.Technician, in.Note)
		})
}

type startInput struct {
	ArrivedAt timeInput `json:"arrived_at"`
	Version   int       `json:"version"`
}

func (s *serviceOrderAPI) start(w http.ResponseWriter, r *http.Request) error {
	return step(w, r, s.so.Get, &startInput{}, func(in *startInput) *int { return &in.Version },
		func(id int64, in *startInput) (service.ServiceOrder, error) {
			var tf timeFields
			arrived := tf.instant("arrived_at", in.ArrivedAt)
			if err := tf.err(); err != nil {
				return service.ServiceOrder{}, err
			}
			return s.so.Start(r.Context(), id, in.Version, arrived)
		})
}

type workInput struct {
	ArrivedAt   timeInput `json:"arrived_at"`
	LeftAt      timeInput `json:"left_at"`
	WorkMinutes *int64    `json:"work_minutes"`
	WorkDone    string    `json:"work_done"`
	PartsUsed   string    `json:"parts_used"`
	FeeFen      *int64    `json:"fee_fen"`
	Version     int       `json:"version"`
}

func (s *serviceOrderAPI) work(w http.ResponseWriter, r *http.Request) error {
	return step(w, r, s.so.Get, &workInput{}, func(in *workInput) *int { return &in.Version },
		func(id int64, in *workInput) (service.ServiceOrder, error) {
			var tf timeFields
			arrived, left := tf.instant("arrived_at", in.ArrivedAt), tf.instant("left_at", in.LeftAt)
			if err := tf.err(); err != nil {
				return service.ServiceOrder{}, err
			}
			return s.so.RecordWork(r.Context(), id, in.Version, service.WorkReport{ArrivedAt: arrived, LeftAt: left,
				WorkMinutes: in.WorkMinutes, WorkDone: in.WorkDone, PartsUsed: in.PartsUsed, FeeFen: in.FeeFen})
		})
}

// sign stores the customer's signature: the body is the PNG the signature
// pad drew; the version comes in If-Match or ?version=.
func (s *serviceOrderAPI) sign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "image/png" {
		return crm.Fail(crm.EUnsupportedType, "api.signature.type")
	}
	q := r.URL.Query()
	version, _ := strconv.Atoi(q.Get("version"))
	if version, err = versionAfter(r, version, func() error { _, err := s.so.Get(r.Context(), id); return err }); err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, service.MaxSignatureBytes+1))
	if err != nil {
		return crm.Fail(crm.EBadRequest, "api.signature.unreadable")
	}
	o, err := s.so.Sign(r.Context(), id, version, q.Get("order_number"), body, q.Get("signer_name"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, o)
	return nil
}

func (s *serviceOrderAPI) signature(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	b, err := s.so.Signature(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(b)
	return nil
}

type settleInput struct {
	Settlement    string `json:"settlement"`
	AmountFen     *int64 `json:"amount_fen"`
	PaymentMethod string `json:"payment_method"`
	Version       int    `json:"version"`
}

func (s *serviceOrderAPI) settle(w http.ResponseWriter, r *http.Request) error {
	return step(w, r, s.so.Get, &settleInput{}, func(in *settleInput) *int { return &in.Version },
		func(id int64, in *settleInput) (service.ServiceOrder, error) {
			return s.so.Settle(r.Context(), id, in.Version, in.Settlement, in.AmountFen, in.PaymentMethod)
		})
}

type invoiceInput struct {
	InvoiceNo string `json:"invoice_no"`
	Version   int    `json:"version"`
}

func (s *serviceOrderAPI) invoice(w http.ResponseWriter, r *http.Request) error {
	return step(w, r, s.so.Get, &invoiceInput{}, func(in *invoiceInput) *int { return &in.Version },
		func(id int64, in *invoiceInput) (service.ServiceOrder, error) {
			return s.so.Invoice(r.Context(), id, in.Version, in.InvoiceNo)
		})
}

type closeInput struct {
	Note    string `json:"note"`
	Version int    `json:"version"`
}

func (s *serviceOrderAPI) close(w http.ResponseWriter, r *http.Request) error {
	return step(w, r, s.so.Get, &closeInput{}, func(in *closeInput) *int { return &in.Version },
		func(id int64, in *closeInput) (service.ServiceOrder, error) {
			return s.so.Close(r.Context(), id, in.Version, in.Note)
		})
}
