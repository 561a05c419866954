package api

import (
	"net/http"

	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/httpx"
)

// complaintInput is the intake of a complaint from any channel.
type complaintInput struct {
	CustomerID        int64     `json:"customer_id"`
	CallerName        string    `json:"caller_name"`
	CallerPhone       string    `json:"caller_phone"`
	Contact           string    `json:"contact"`
	ContactEmail      string    `json:"contact_email"`
	ReceivedAt        timeInput `json:"received_at"`
	Channel           string    `json:"channel"`
	Category          string    `json:"category"`
	Quality           *bool     `json:"quality"`
	Severity          string    `json:"severity"`
	OrderNo           string    `json:"order_no"`
	PartNo            string    `json:"part_no"`
	Quantity          *int64    `json:"quantity"`
	DeliveryDate      string    `json:"delivery_date"`
	DefectiveQuantity *int64    `json:"defective_quantity"`
	Demand            string    `json:"demand"`
	Description       string    `json:"description"`
}

func (a *API) createComplaint(w http.ResponseWriter, r *http.Request) error {
	var in complaintInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	var tf timeFields
	received := tf.instant("received_at", in.ReceivedAt)
	if err := tf.err(); err != nil {
		return err
	}
	c := complaint.Complaint{CustomerID: in.CustomerID, CallerName: in.CallerName, ContactName: in.Contact, Channel: in.Channel,
		ComplaintSLA: complaint.ComplaintSLA{ContactEmail: in.ContactEmail},
		Category:     in.Category, Severity: in.Severity, OrderNo: in.OrderNo, PartNo: in.PartNo, Quantity: in.Quantity,
		DeliveryDate: in.DeliveryDate, DefectiveQuantity: in.DefectiveQuantity, Demand: in.Demand, Description: in.Description}
	if received != nil {
		c.ReceivedAt = *received
	}
	c, err := a.complaints.Create(r.Context(), c, in.CallerPhone, in.Quality, httpx.Language(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (a *API) getComplaint(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := a.complaints.Get(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, c.Version)
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) listComplaints(w http.ResponseWriter, r *http.Request) error {
	p, before, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	list, err := a.complaints.List(r.Context(), before, p.Limit+1)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(c complaint.Complaint) any { return c.ID }))
	return nil
}

// complaintCounts answers a customer's complaint counts by period.
func (a *API) complaintCounts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	period := r.URL.Query().Get("period")
	if period == "" {
		period = "month"
	}
	counts, err := a.complaints.CountsByPeriod(r.Context(), id, period)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"customer_id": id, "period": period, "counts": counts})
	return nil
}

type moveInput struct {
	To      string            `json:"to"`
	Note    string            `json:"note"`
	Version int               `json:"version"`
	Fields  map[string]string `json:"fields"`
}

// moveComplaint takes a complaint one step along its workflow.
func (a *API) moveComplaint(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in moveInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Version, err = versionFrom(r, in.Version); err != nil {
		return err
	}
	c, err := a.complaints.Move(r.Context(), id, in.Version, complaint.Status(in.To), in.Note, in.Fields)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) complaintEvents(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	evs, err := a.complaints.Events(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.Page[complaint.ComplaintEvent]{Items: evs})
	return nil
}

type publicResponse struct {
	Number    string `json:"number"`
	StatusURL string `json:"status_url"`
}

// submitPublicComplaint takes a complaint from the public form: no
// sign-in; rate-limited per address; the answer is the number and the
// private status link, shown only now.
func (a *API) submitPublicComplaint(w http.ResponseWriter, r *http.Request) error {
	var in complaint.PublicComplaint
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	c, token, err := a.complaints.SubmitPublic(r.Context(), in, httpx.ClientIP(r), httpx.Language(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusCreated, publicResponse{Number: c.Number, StatusURL: "/api/v1/public/complaints/" + token})
	return nil
}

func (a *API) publicComplaintStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := a.complaints.PublicStatusOf(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, st)
	return nil
}
