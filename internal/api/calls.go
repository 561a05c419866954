package api

import (
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/call"
	"github.com/kehucrm/kehu/internal/httpx"
)

// callsAPI serves the service desk's call log (客服沟通流程) and call-backs.
type callsAPI struct {
	cs *call.Service
}

// registerCalls adds this module's routes; see Register.
func (a *API) registerCalls(rt *httpx.Router) {
	s := &callsAPI{cs: a.calls}
	rt.HandleFunc("GET /api/v1/calls", s.list, httpx.List(callListParams...), httpx.Requires(crm.ActCallRead))
	rt.HandleFunc("POST /api/v1/calls", s.create, httpx.Requires(crm.ActCallCreate))
	rt.HandleFunc("GET /api/v1/calls/lookup", s.lookup, httpx.Query(httpx.Text("phone")), httpx.Requires(crm.ActCallRead))
	rt.HandleFunc("GET /api/v1/calls/{id}", s.get, httpx.Requires(crm.ActCallRead))
	rt.HandleFunc("PATCH /api/v1/calls/{id}", s.update, httpx.Requires(crm.ActCallCreate))
	rt.HandleFunc("POST /api/v1/calls/{id}/complaint", s.toComplaint, httpx.Requires(crm.ActCallCreate))
	rt.HandleFunc("POST /api/v1/calls/{id}/service-order", s.toServiceOrder, httpx.Requires(crm.ActCallCreate))
	rt.HandleFunc("POST /api/v1/calls/{id}/interaction", s.toInteraction, httpx.Requires(crm.ActCallCreate))
}

// callListParams are the call list's filters: callbacks=open lists the
// open call-backs (soonest due first), callbacks=overdue those past due.
var callListParams = []httpx.Param{httpx.OneOf("direction", call.Directions...), httpx.ID("customer_id"),
	httpx.OneOf("callbacks", "open", "overdue")}

// callInput is the body of a call or its change; absent fields stay.
type callInput struct {
	Direction         *string   `json:"direction"`
	Phone             *string   `json:"phone"`
	StartedAt         timeInput `json:"started_at"`
	DurationSeconds   *int      `json:"duration_seconds"`
	CustomerID        *int64    `json:"customer_id"`
	ContactID         *int64    `json:"contact_id"`
	IdentityConfirmed *bool     `json:"identity_confirmed"`
	Need              *string   `json:"need"`
	Analysis          *string   `json:"analysis"`
	Handling          *string   `json:"handling"`
	TransferTo        *string   `json:"transfer_to"`
	CallbackResult    *string   `json:"callback_result"`
	Report            *string   `json:"report"`
	Outcome           *string   `json:"outcome"`
	NeedsCallback     *bool     `json:"needs_callback"`
	CallbackDueAt     timeInput `json:"callback_due_at"`
	CallbackDone      *bool     `json:"callback_done"`
	Version           int       `json:"version"`
}

func (in callInput) domain() (call.Input, error) {
	var tf timeFields
	started := tf.instant("started_at", in.StartedAt)
	due := tf.instant("callback_due_at", in.CallbackDueAt)
	if err := tf.err(); err != nil {
		return call.Input{}, err
	}
	return call.Input{Direction: in.Direction, Phone: in.Phone, StartedAt: started, DurationSeconds: in.DurationSeconds,
		CustomerID: in.CustomerID, ContactID: in.ContactID, IdentityConfirmed: in.IdentityConfirmed, Need: in.Need,
		Analysis: in.Analysis, Handling: in.Handling, TransferTo: in.TransferTo, CallbackResult: in.CallbackResult,
		Report: in.Report, Outcome: in.Outcome, NeedsCallback: in.NeedsCallback, CallbackDueAt: due, CallbackDone: in.CallbackDone}, nil
}

func (s *callsAPI) list(w http.ResponseWriter, r *http.Request) error {
	p, before, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := call.Filter{Direction: q.Get("direction"), CustomerID: httpx.QueryID(r, "customer_id"), Callbacks: q.Get("callbacks") != "",
		Overdue: q.Get("callbacks") == "overdue", BeforeID: before, Limit: p.Limit + 1}
	list, total, err := s.cs.Calls(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(x call.Call) any { return x.ID }).Of(total))
	return nil
}

func (s *callsAPI) create(w http.ResponseWriter, r *http.Request) error {
	var in callInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	d, err := in.domain()
	if err != nil {
		return err
	}
	c, err := s.cs.Create(r.Context(), d, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, c.Version)
	httpx.WriteCreated(w, "/api/v1/calls/"+strconv.FormatInt(c.ID, 10), c)
	return nil
}

func (s *callsAPI) get(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.cs.Call(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, c.Version)
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

// update records more of a call; the version read comes in If-Match (or
// the body's version).
func (s *callsAPI) update(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in callInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Version, err = versionAfter(r, in.Version, func() error { _, err := s.cs.Call(r.Context(), id); return err }); err != nil {
		return err
	}
	d, err := in.domain()
	if err != nil {
		return err
	}
	c, err := s.cs.Update(r.Context(), id, in.Version, d, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, c.Version)
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *callsAPI) lookup(w http.ResponseWriter, r *http.Request) error {
	phone := r.URL.Query().Get("phone")
	if phone == "" {
		e := crm.Invalid(crm.Bad("phone", "required", "call.phone.required"))
		e.Code = crm.EBadRequest
		return e
	}
	ms, err := s.cs.Lookup(r.Context(), phone, httpx.Language(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": ms})
	return nil
}

// complaintFromCall is what the complaint needs beyond the call.
type complaintFromCall struct {
	Category    string `json:"category"`
	Severity    string `json:"severity"`
	Demand      string `json:"demand"`
	Description string `json:"description"`
	CallerName  string `json:"caller_name"`
}

// toComplaint turns a call into a complaint (201, the complaint's
// Location); a call converts once.
func (s *callsAPI) toComplaint(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in complaintFromCall
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	k, _, err := s.cs.ToComplaint(r.Context(), id, call.ComplaintInput{Category: in.Category, Severity: in.Severity, Demand: in.Demand,
		Description: in.Description, CallerName: in.CallerName}, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, k.Version)
	httpx.WriteCreated(w, "/api/v1/complaints/"+strconv.FormatInt(k.ID, 10), k)
	return nil
}

// orderFromCall is what the service order needs beyond the call.
type orderFromCall struct {
	Type         string `json:"type"`
	Address      string `json:"address"`
	ProductModel string `json:"product_model"`
	Problem      string `json:"problem"`
}

func (s *callsAPI) toServiceOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in orderFromCall
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	o, _, err := s.cs.ToServiceOrder(r.Context(), id, call.ServiceOrderInput{Type: in.Type, Address: in.Address,
		ProductModel: in.ProductModel, Problem: in.Problem}, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, o.Version)
	httpx.WriteCreated(w, "/api/v1/service-orders/"+strconv.FormatInt(o.ID, 10), o)
	return nil
}

func (s *callsAPI) toInteraction(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	it, _, err := s.cs.ToInteraction(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, it.Version)
	httpx.WriteCreated(w, "/api/v1/interactions/"+strconv.FormatInt(it.ID, 10), it)
	return nil
}
