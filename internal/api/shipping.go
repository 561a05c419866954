package api

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/attachment"
	"github.com/kehucrm/kehu/internal/crm/shipping"
	"github.com/kehucrm/kehu/internal/httpx"
)

// registerShipping adds the shipping, stock, receipt and claim routes
// (货物发运单, 货损, issue #17); see Register.
func (a *API) registerShipping(rt *httpx.Router) {
	rt.HandleFunc("POST /api/v1/orders/{id}/shipments", a.shipOrder, httpx.Requires(crm.ActShipmentWrite))
	rt.HandleFunc("GET /api/v1/shipments", a.listShipments, httpx.List(httpx.ID("customer_id"), httpx.ID("order_id"),
		httpx.OneOf("status", shipping.Statuses...)), httpx.Requires(crm.ActShipmentRead))
	rt.HandleFunc("GET /api/v1/shipments/{id}", a.getShipment, httpx.Requires(crm.ActShipmentRead))
	rt.HandleFunc("PATCH /api/v1/shipments/{id}", a.patchShipment, httpx.Requires(crm.ActShipmentWrite))
	rt.HandleFunc("POST /api/v1/shipments/{id}/receipt", a.receiveShipment, httpx.Requires(crm.ActShipmentReceive))
	rt.HandleFunc("GET /api/v1/stock", a.listStock, httpx.List(httpx.ID("product_id")), httpx.Requires(crm.ActStockRead))
	rt.HandleFunc("POST /api/v1/stock/movements", a.addStock, httpx.Requires(crm.ActStockWrite))
	rt.HandleFunc("GET /api/v1/stock/movements/{id}", a.getStockMovement, httpx.Requires(crm.ActStockRead))
	rt.HandleFunc("GET /api/v1/shipping-settings", a.getShippingSettings, httpx.Requires(crm.ActShippingManage))
	rt.HandleFunc("PUT /api/v1/shipping-settings", a.putShippingSettings, httpx.Requires(crm.ActShippingManage))
	rt.HandleFunc("GET /api/v1/claims", a.listClaims, httpx.List(httpx.ID("customer_id"), httpx.OneOf("status", shipping.ClaimStatuses...)),
		httpx.Requires(crm.ActClaimRead))
	rt.HandleFunc("POST /api/v1/claims", a.fileClaim, httpx.Requires(crm.ActClaimCreate))
	rt.HandleFunc("GET /api/v1/claims/{id}", a.getClaim, httpx.Requires(crm.ActClaimRead))
	rt.HandleFunc("POST /api/v1/claims/{id}/evidence", a.addEvidence, httpx.Query(httpx.OneOf("kind", shipping.EvidenceKinds...)), httpx.Requires(crm.ActClaimCreate))
	rt.HandleFunc("GET /api/v1/claims/{id}/evidence/{file}", a.getEvidence, httpx.Requires(crm.ActClaimRead))
	rt.HandleFunc("POST /api/v1/claims/{id}/resolution", a.resolveClaim, httpx.Requires(crm.ActClaimResolve))
}

type shipLineInput struct {
	ProductID int64      `json:"product_id"`
	Quantity  numberText `json:"quantity"`
}

func shipLines(in []shipLineInput) []shipping.LineInput {
	out := make([]shipping.LineInput, len(in))
	for i, l := range in {
		out[i] = shipping.LineInput{ProductID: l.ProductID, Quantity: string(l.Quantity)}
	}
	return out
}

type shipInput struct {
	Lines     []shipLineInput `json:"lines"`
	Transport string          `json:"transport"`
	Carrier   string          `json:"carrier"`
	WaybillNo string          `json:"waybill_no"`
	MailNo    string          `json:"mail_no"`
	Notes     string          `json:"notes"`
}

// shipOrder ships (part of) an approved order.
func (a *API) shipOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in shipInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	sh, err := a.shipping.Ship(r.Context(), id, shipping.ShipInput{Lines: shipLines(in.Lines), Transport: in.Transport, Carrier: in.Carrier,
		WaybillNo: in.WaybillNo, MailNo: in.MailNo, Notes: in.Notes})
	if err != nil {
		return err
	}
	setETag(w, sh.Version)
	httpx.WriteCreated(w, "/api/v1/shipments/"+strconv.FormatInt(sh.ID, 10), sh)
	return nil
}

func (a *API) listShipments(w http.ResponseWriter, r *http.Request) error {
	p, after, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	f := shipping.Filter{CustomerID: httpx.QueryID(r, "customer_id"), OrderID: httpx.QueryID(r, "order_id"), Status: r.URL.Query().Get("status"),
		After: after, Limit: p.Limit + 1}
	list, total, err := a.shipping.List(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(s shipping.Shipment) any { return s.ID }).Of(total))
	return nil
}

func (a *API) getShipment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sh, err := a.shipping.Get(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, sh.Version)
	httpx.WriteJSON(w, http.StatusOK, sh)
	return nil
}

// patchShipment records the waybill, carrier, transport and the 提货单据
// posting.
func (a *API) patchShipment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in shipping.Patch
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	sh, err := a.shipping.Update(r.Context(), id, in)
	if err != nil {
		return err
	}
	setETag(w, sh.Version)
	httpx.WriteJSON(w, http.StatusOK, sh)
	return nil
}

// receiveShipment confirms receipt (the dealer, or staff for it).
func (a *API) receiveShipment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sh, err := a.shipping.Receive(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, sh.Version)
	httpx.WriteJSON(w, http.StatusOK, sh)
	return nil
}

func (a *API) listStock(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := a.shipping.Stock(r.Context(), 10_000)
	if err != nil {
		return err
	}
	if id := httpx.QueryID(r, "product_id"); id != 0 {
		list = slices.DeleteFunc(list, func(l shipping.StockLevel) bool { return l.ProductID != id })
	}
	return writeSlicePage(w, list, p, func(l shipping.StockLevel) int64 { return l.ProductID })
}

type movementInput struct {
	ProductID int64      `json:"product_id"`
	Quantity  numberText `json:"quantity"`
	Note      string     `json:"note"`
}

// addStock records goods received into stock.
func (a *API) addStock(w http.ResponseWriter, r *http.Request) error {
	var in movementInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	m, err := a.shipping.AddStock(r.Context(), shipping.MovementInput{ProductID: in.ProductID, Quantity: string(in.Quantity), Note: in.Note})
	if err != nil {
		return err
	}
	setETag(w, 1) // a movement is never changed
	httpx.WriteCreated(w, "/api/v1/stock/movements/"+strconv.FormatInt(m.ID, 10), m)
	return nil
}

// getStockMovement answers one movement of stock.
func (a *API) getStockMovement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := a.shipping.StockMovement(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, 1)
	httpx.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (a *API) getShippingSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := a.shipping.Settings(r.Context())
	if err != nil {
		return err
	}
	setETag(w, s.Version)
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) putShippingSettings(w http.ResponseWriter, r *http.Request) error {
	var in shipping.Settings
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	s, err := a.shipping.SetSettings(r.Context(), in)
	if err != nil {
		return err
	}
	setETag(w, s.Version)
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) listClaims(w http.ResponseWriter, r *http.Request) error {
	p, after, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	f := shipping.Filter{CustomerID: httpx.QueryID(r, "customer_id"), Status: r.URL.Query().Get("status"), After: after, Limit: p.Limit + 1}
	list, total, err := a.shipping.Claims(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(c shipping.Claim) any { return c.ID }).Of(total))
	return nil
}

type claimInput struct {
	ShipmentID  int64           `json:"shipment_id"`
	Kind        string          `json:"kind"`
	Description string          `json:"description"`
	Lines       []shipLineInput `json:"lines"`
}

// fileClaim files a transit loss or damage claim (货损).
func (a *API) fileClaim(w http.ResponseWriter, r *http.Request) error {
	var in claimInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.shipping.File(r.Context(), shipping.ClaimInput{ShipmentID: in.ShipmentID, Kind: in.Kind, Description: in.Description, Lines: shipLines(in.Lines)})
	if err != nil {
		return err
	}
	setETag(w, c.Version)
	httpx.WriteCreated(w, "/api/v1/claims/"+strconv.FormatInt(c.ID, 10), c)
	return nil
}

func (a *API) getClaim(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := a.shipping.GetClaim(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, c.Version)
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

// addEvidence files a photo or the carrier's record (multipart, part
// "file"; query kind photo, carrier_record or other).
func (a *API) addEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	up, err := ReadUpload(w, r)
	if err != nil {
		return err
	}
	ev, err := a.shipping.AddEvidence(r.Context(), id, r.URL.Query().Get("kind"), up)
	if err != nil {
		return err
	}
	setETag(w, 1)
	httpx.WriteCreated(w, "/api/v1/claims/"+strconv.FormatInt(id, 10)+"/evidence/"+strconv.FormatInt(ev.ID, 10), ev)
	return nil
}

func (a *API) getEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	file, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil || file <= 0 {
		return crm.Fail(crm.ENotFound, "shipping.evidence.not_found", r.PathValue("file"))
	}
	ev, data, err := a.shipping.OpenEvidence(r.Context(), id, file)
	if err != nil {
		return err
	}
	ServeAttachment(w, attachment.Attachment{Name: ev.Name, ContentType: ev.ContentType}, data)
	return nil
}

// resolveClaim settles a claim: replacement, credit or carrier.
func (a *API) resolveClaim(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Resolution string     `json:"resolution"`
		Note       string     `json:"note"`
		Amount     numberText `json:"amount"`
		Version    int        `json:"version"`
	}
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.shipping.Resolve(r.Context(), id, shipping.ResolveInput{Resolution: in.Resolution, Note: in.Note, Amount: string(in.Amount), Version: in.Version})
	if err != nil {
		return err
	}
	setETag(w, c.Version)
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}
