package api

import (
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/order"
	"github.com/kehucrm/kehu/internal/httpx"
)

// registerOrders adds the order applications' routes (订货申请单, issue
// #17); see Register.
func (a *API) registerOrders(rt *httpx.Router) {
	rt.HandleFunc("GET /api/v1/orders", a.listOrders, httpx.List(httpx.ID("customer_id"), httpx.OneOf("status", order.Statuses...)),
		httpx.Requires(crm.ActOrderRead))
	rt.HandleFunc("POST /api/v1/orders", a.createOrder, httpx.Requires(crm.ActOrderCreate))
	rt.HandleFunc("GET /api/v1/orders/{id}", a.getOrder, httpx.Requires(crm.ActOrderRead))
	rt.HandleFunc("POST /api/v1/orders/{id}/decisions", a.decideOrder, httpx.Requires(crm.ActWorkflowDecide))
	rt.HandleFunc("POST /api/v1/orders/{id}/adjustments", a.adjustOrder, httpx.Requires(crm.ActOrderAdjust))
}

// orderLineInput is a line of the body: quantity and amount as numbers or
// strings, so the service names a bad one.
type orderLineInput struct {
	ProductID int64      `json:"product_id"`
	Quantity  numberText `json:"quantity"`
	Amount    numberText `json:"amount"`
}

func orderLines(in []orderLineInput) []order.LineInput {
	out := make([]order.LineInput, len(in))
	for i, l := range in {
		out[i] = order.LineInput{ProductID: l.ProductID, Quantity: string(l.Quantity), Amount: string(l.Amount)}
	}
	return out
}

type orderInput struct {
	CustomerID         int64            `json:"customer_id"`
	Lines              []orderLineInput `json:"lines"`
	DeliveryAddress    string           `json:"delivery_address"`
	Transport          string           `json:"transport"`
	DestinationStation string           `json:"destination_station"`
	PreviousBalance    numberText       `json:"previous_balance"`
	Remittance         numberText       `json:"remittance"`
	VoucherID          int64            `json:"voucher_id"`
	Notes              string           `json:"notes"`
}

func (a *API) listOrders(w http.ResponseWriter, r *http.Request) error {
	p, after, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	f := order.Filter{CustomerID: httpx.QueryID(r, "customer_id"), Status: r.URL.Query().Get("status"), After: after, Limit: p.Limit + 1}
	list, total, err := a.orders.List(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(o order.Order) any { return o.ID }).Of(total))
	return nil
}

// createOrder submits an order application and starts its approval.
func (a *API) createOrder(w http.ResponseWriter, r *http.Request) error {
	var in orderInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	o, err := a.orders.Submit(r.Context(), order.Input{CustomerID: in.CustomerID, Lines: orderLines(in.Lines), DeliveryAddress: in.DeliveryAddress,
		Transport: in.Transport, DestinationStation: in.DestinationStation, PreviousBalance: string(in.PreviousBalance),
		Remittance: string(in.Remittance), VoucherID: in.VoucherID, Notes: in.Notes})
	if err != nil {
		return err
	}
	setETag(w, o.Version)
	httpx.WriteCreated(w, "/api/v1/orders/"+strconv.FormatInt(o.ID, 10), o)
	return nil
}

func (a *API) getOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	o, err := a.orders.Get(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, o.Version)
	httpx.WriteJSON(w, http.StatusOK, o)
	return nil
}

type orderDecisionInput struct {
	Decision string `json:"decision"`
	Comment  string `json:"comment"`
}

// decideOrder records the signed-in user's decision on the order's open
// step; only whoever the step names may decide.
func (a *API) decideOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in orderDecisionInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	o, err := a.orders.Decide(r.Context(), id, in.Decision, in.Comment)
	if err != nil {
		return err
	}
	setETag(w, o.Version)
	httpx.WriteJSON(w, http.StatusOK, o)
	return nil
}

type adjustmentInput struct {
	Lines    []orderLineInput `json:"lines"`
	Reason   string           `json:"reason"`
	AgreedBy string           `json:"agreed_by"`
	Version  int              `json:"version"`
}

// adjustOrder changes the order's lines for a shortage, keeping the
// revision before, and tells the dealer.
func (a *API) adjustOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in adjustmentInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	o, err := a.orders.Adjust(r.Context(), id, order.Adjustment{Lines: orderLines(in.Lines), Reason: in.Reason, AgreedBy: in.AgreedBy, Version: in.Version})
	if err != nil {
		return err
	}
	setETag(w, o.Version)
	httpx.WriteJSON(w, http.StatusOK, o)
	return nil
}
