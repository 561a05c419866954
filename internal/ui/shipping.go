package ui

import (
	"io"
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/attachment"
	"github.com/kehucrm/kehu/internal/crm/shipping"
	"github.com/kehucrm/kehu/internal/httpx"
)

// shippingPages serve the goods department's shipping board, the printed
// shipping note (货物发运单), a dealer's shipments with receipt and claim,
// and the claims queue with each claim's detail and resolution.
type shippingPages struct {
	*UI
	ss *shipping.Service
}

// registerShipping adds the shipping and claim pages.
func (u *UI) registerShipping(rt *httpx.Router) {
	s := &shippingPages{UI: u, ss: u.svc.Shipping}
	rt.Handle("GET /shipping", u.private(s.board))
	rt.Handle("POST /orders/{id}/ship", u.private(s.shipAll))
	rt.Handle("GET /shipments/{id}", u.private(s.note))
	rt.Handle("POST /shipments/{id}/receipt", u.private(s.receive))
	rt.Handle("POST /shipments/{id}/claim", u.private(s.fileClaim))
	rt.Handle("GET /claims", u.private(s.claims))
	rt.Handle("GET /claims/{id}", u.private(s.claim))
	rt.Handle("POST /claims/{id}/resolve", u.private(s.resolve))
	rt.Handle("POST /claims/{id}/evidence", u.private(s.evidence))
}

type shipmentRow struct {
	shipping.Shipment
	StatusLabel string
}

type boardData struct {
	Due       []shipping.Due
	Shipments []shipmentRow
	CanShip   bool
	CanClaim  bool
	Notice    string
	Error     string
}

func pathInt(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

func (s *shippingPages) board(w http.ResponseWriter, r *http.Request) error {
	return s.showBoard(w, r, http.StatusOK, "")
}

func (s *shippingPages) showBoard(w http.ResponseWriter, r *http.Request, status int, refusal string) error {
	lang := langOf(r)
	p, _ := crm.PrincipalFrom(r.Context())
	d := boardData{CanShip: p.Role.Can(crm.ActShipmentWrite), CanClaim: p.Role.Can(crm.ActClaimCreate), Error: refusal}
	if p.DealerID == 0 {
		due, err := s.ss.Board(r.Context(), 200)
		if err != nil {
			return err
		}
		d.Due = due
	}
	list, _, err := s.ss.List(r.Context(), shipping.Filter{Limit: 100})
	if err != nil {
		return err
	}
	for _, sh := range list {
		d.Shipments = append(d.Shipments, shipmentRow{Shipment: sh, StatusLabel: s.msgs.text(lang, "shipping.status."+sh.Status)})
	}
	switch r.URL.Query().Get("notice") {
	case "received":
		d.Notice = s.msgs.text(lang, "shipping.ui.received")
	case "shipped":
		d.Notice = s.msgs.text(lang, "shipping.status.shipped")
	}
	return s.render(w, r, status, "shipping_board", "shipping.ui.board", d)
}

// refused renders err on the page of the form when it is the user's
// mistake, and returns it otherwise.
func (s *shippingPages) refused(err error) bool {
	c := crm.ErrorCode(err)
	return c != crm.EUnauthorized && c != crm.EInternal && c != "" && c != crm.ENotFound && c != crm.EForbidden
}

func (s *shippingPages) shipAll(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.ss.Ship(r.Context(), pathInt(r, "id"), shipping.ShipInput{Carrier: r.PostFormValue("carrier"), WaybillNo: r.PostFormValue("waybill_no"),
		MailNo: r.PostFormValue("mail_no")})
	if err != nil {
		if s.refused(err) {
			return s.showBoard(w, r, httpx.Status(err), s.wholeForm(langOf(r), err))
		}
		return err
	}
	http.Redirect(w, r, "/shipments/"+strconv.FormatInt(sh.ID, 10), http.StatusSeeOther)
	return nil
}

type noteData struct {
	S              shipping.Shipment
	StatusLabel    string
	TransportLabel string
	CanReceive     bool
	CanClaim       bool
	Kinds          []choice
	Notice, Error  string
}

func (s *shippingPages) note(w http.ResponseWriter, r *http.Request) error {
	return s.showNote(w, r, http.StatusOK, "")
}

func (s *shippingPages) showNote(w http.ResponseWriter, r *http.Request, status int, refusal string) error {
	lang := langOf(r)
	sh, err := s.ss.Note(r.Context(), pathInt(r, "id"))
	if err != nil {
		return err
	}
	p, _ := crm.PrincipalFrom(r.Context())
	d := noteData{S: sh, StatusLabel: s.msgs.text(lang, "shipping.status."+sh.Status), TransportLabel: s.msgs.text(lang, "order.transport."+sh.Transport),
		CanReceive: sh.Status == shipping.StatusShipped && p.Role.Can(crm.ActShipmentReceive), CanClaim: p.Role.Can(crm.ActClaimCreate), Error: refusal}
	for _, k := range shipping.ClaimKinds {
		d.Kinds = append(d.Kinds, choice{Value: k, Label: s.msgs.text(lang, "shipping.claim.kind."+k)})
	}
	if r.URL.Query().Get("notice") == "received" {
		d.Notice = s.msgs.text(lang, "shipping.ui.received")
	}
	return s.render(w, r, status, "shipping_note", "shipping.ui.note_title", d)
}

func (s *shippingPages) receive(w http.ResponseWriter, r *http.Request) error {
	id := pathInt(r, "id")
	if _, err := s.ss.Receive(r.Context(), id); err != nil {
		if s.refused(err) {
			return s.showNote(w, r, httpx.Status(err), s.wholeForm(langOf(r), err))
		}
		return err
	}
	http.Redirect(w, r, "/shipments/"+strconv.FormatInt(id, 10)+"?notice=received", http.StatusSeeOther)
	return nil
}

func (s *shippingPages) fileClaim(w http.ResponseWriter, r *http.Request) error {
	id := pathInt(r, "id")
	pid, _ := strconv.ParseInt(r.PostFormValue("product_id"), 10, 64)
	c, err := s.ss.File(r.Context(), shipping.ClaimInput{ShipmentID: id, Kind: r.PostFormValue("kind"), Description: r.PostFormValue("description"),
		Lines: []shipping.LineInput{{ProductID: pid, Quantity: r.PostFormValue("quantity")}}})
	if err != nil {
		if s.refused(err) {
			return s.showNote(w, r, httpx.Status(err), s.wholeForm(langOf(r), err))
		}
		return err
	}
	http.Redirect(w, r, "/claims/"+strconv.FormatInt(c.ID, 10)+"?notice=filed", http.StatusSeeOther)
	return nil
}

type claimRow struct {
	shipping.Claim
	StatusLabel, KindLabel string
}

type claimsData struct {
	Rows   []claimRow
	Status string
}

func (s *shippingPages) claimRow(lang string, c shipping.Claim) claimRow {
	return claimRow{Claim: c, StatusLabel: s.msgs.text(lang, "shipping.claim.status."+c.Status), KindLabel: s.msgs.text(lang, "shipping.claim.kind."+c.Kind)}
}

func (s *shippingPages) claims(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	d := claimsData{Status: r.URL.Query().Get("status")}
	f := shipping.Filter{Limit: 100}
	if d.Status == shipping.ClaimOpen || d.Status == shipping.ClaimResolved {
		f.Status = d.Status
	}
	list, _, err := s.ss.Claims(r.Context(), f)
	if err != nil {
		return err
	}
	for _, c := range list {
		d.Rows = append(d.Rows, s.claimRow(lang, c))
	}
	return s.render(w, r, http.StatusOK, "shipping_claims", "shipping.ui.claims", d)
}

type claimData struct {
	C               claimRow
	ResolutionLabel string
	Resolutions     []choice
	CanResolve      bool
	CanAdd          bool
	Notice, Error   string
}

func (s *shippingPages) claim(w http.ResponseWriter, r *http.Request) error {
	return s.showClaim(w, r, http.StatusOK, "")
}

func (s *shippingPages) showClaim(w http.ResponseWriter, r *http.Request, status int, refusal string) error {
	lang := langOf(r)
	c, err := s.ss.GetClaim(r.Context(), pathInt(r, "id"))
	if err != nil {
		return err
	}
	p, _ := crm.PrincipalFrom(r.Context())
	d := claimData{C: s.claimRow(lang, c), Error: refusal, CanResolve: c.Status == shipping.ClaimOpen && p.Role.Can(crm.ActClaimResolve),
		CanAdd: c.Status == shipping.ClaimOpen && p.Role.Can(crm.ActClaimCreate)}
	if c.Resolution != "" {
		d.ResolutionLabel = s.msgs.text(lang, "shipping.resolution."+c.Resolution)
	}
	for _, res := range shipping.Resolutions {
		d.Resolutions = append(d.Resolutions, choice{Value: res, Label: s.msgs.text(lang, "shipping.resolution."+res)})
	}
	switch r.URL.Query().Get("notice") {
	case "filed":
		d.Notice = s.msgs.text(lang, "shipping.ui.filed")
	case "resolved":
		d.Notice = s.msgs.text(lang, "shipping.ui.resolved")
	}
	return s.render(w, r, status, "shipping_claim", "shipping.ui.claim", d)
}

func (s *shippingPages) resolve(w http.ResponseWriter, r *http.Request) error {
	id := pathInt(r, "id")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err := s.ss.Resolve(r.Context(), id, shipping.ResolveInput{Resolution: r.PostFormValue("resolution"), Note: r.PostFormValue("note"),
		Amount: r.PostFormValue("amount"), Version: version}); err != nil {
		if s.refused(err) {
			return s.showClaim(w, r, httpx.Status(err), s.wholeForm(langOf(r), err))
		}
		return err
	}
	http.Redirect(w, r, "/claims/"+strconv.FormatInt(id, 10)+"?notice=resolved", http.StatusSeeOther)
	return nil
}

func (s *shippingPages) evidence(w http.ResponseWriter, r *http.Request) error {
	id := pathInt(r, "id")
	r.Body = http.MaxBytesReader(w, r.Body, 11<<20)
	f, hd, err := r.FormFile("file")
	if err != nil {
		return s.showClaim(w, r, http.StatusUnprocessableEntity, s.msgs.text(langOf(r), "api.file.required"))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, attachment.MaxAttachmentBytes+1))
	if err != nil {
		return err
	}
	if _, err := s.ss.AddEvidence(r.Context(), id, r.FormValue("kind"), attachment.Upload{Name: hd.Filename, Data: data}); err != nil {
		if s.refused(err) {
			return s.showClaim(w, r, httpx.Status(err), s.wholeForm(langOf(r), err))
		}
		return err
	}
	http.Redirect(w, r, "/claims/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
