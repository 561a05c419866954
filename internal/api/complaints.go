package api

import (
	"net/http"
	"strconv"

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
	setETag(w, c.Version)
	httpx.WriteCreated(w, "/api/v1/complaints/"+strconv.FormatInt(c.ID, 10), c)
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

// complaintListParams are the complaint list's filters: statuses,
// categories and severities take several values separated by commas; the
// date ranges include from and exclude to (a date is a day in China time);
// overdue is past the deadline the complaint runs against.
var complaintListParams = []httpx.Param{httpx.AnyOf("status", statusValues(complaint.Statuses)...), httpx.ID("customer_id"),
	httpx.AnyOf("category", complaint.ComplaintCategories...), httpx.AnyOf("severity", complaint.ComplaintSeverities...),
	httpx.Bool("overdue"), httpx.OneOf("department", departmentCodes()...), httpx.ID("assignee_id"),
	httpx.Time("received_from"), httpx.Time("received_to"), httpx.Time("created_from"), httpx.Time("created_to"),
	httpx.OneOf("sort", complaint.ListSorts...)}

// departmentCodes are the codes of the departments a complaint goes to.
func departmentCodes() []string {
	out := make([]string, len(complaint.Departments))
	for i, d := range complaint.Departments {
		out[i] = d.Code
	}
	return out
}

func statusValues[S ~string](ss []S) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// listComplaints pages through the complaints the caller may see, newest
// first or by deadline (sort=deadline), narrowed by complaintListParams.
func (a *API) listComplaints(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	f := complaint.ListFilter{CustomerID: httpx.QueryID(r, "customer_id"), Categories: httpx.Values(r, "category"),
		Severities: httpx.Values(r, "severity"), Overdue: httpx.QueryBool(r, "overdue"),
		Department: r.URL.Query().Get("department"), AssigneeID: httpx.QueryID(r, "assignee_id"),
		ReceivedFrom: httpx.QueryTime(r, "received_from"), ReceivedTo: httpx.QueryTime(r, "received_to"),
		CreatedFrom: httpx.QueryTime(r, "created_from"), CreatedTo: httpx.QueryTime(r, "created_to"),
		Sort: r.URL.Query().Get("sort"), Limit: p.Limit + 1}
	for _, s := range httpx.Values(r, "status") {
		f.Statuses = append(f.Statuses, complaint.Status(s))
	}
	if p.Cursor != "" {
		if err := httpx.DecodeCursor(p.Cursor, &f.After); err != nil {
			return err
		}
	}
	list, total, err := a.complaints.List(r.Context(), f)
	if err != nil {
		return err
	}
	page := httpx.MakePage(list, p.Limit, func(c complaint.Complaint) any { return complaint.CursorAfter(f, c) })
	httpx.WriteJSON(w, http.StatusOK, page.Of(total))
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
	if in.Version, err = versionAfter(r, in.Version, func() error { _, err := a.complaints.Get(r.Context(), id); return err }); err != nil {
		return err
	}
	c, err := a.complaints.Move(r.Context(), id, in.Version, complaint.Status(in.To), in.Note, in.Fields)
	if err != nil {
		return err
	}
	setETag(w, c.Version)
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) complaintEvents(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	evs, err := a.complaints.Events(r.Context(), id)
	if err != nil {
		return err
	}
	return writeSlicePage(w, evs, p, func(e complaint.ComplaintEvent) int64 { return e.ID })
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
	httpx.WriteCreated(w, "/api/v1/public/complaints/"+token, publicResponse{Number: c.Number, StatusURL: "/api/v1/public/complaints/" + token})
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
