package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/httpx"
)

// intakeForm is the staff intake form as typed; inputs are named as the
// API names the fields.
type intakeForm struct {
	Customer, CallerName, CallerPhone, Contact, ReceivedAt string
	Channel, Category, Quality, Severity                   string
	OrderNo, PartNo, Quantity, DeliveryDate                string
	DefectiveQuantity, Demand, Description                 string
}

// intakeData is what the intake page shows.
type intakeData struct {
	Form                             intakeForm
	Channels, Categories, Severities []choice
	Problem                          formProblem
}

// intakeInputs are the intake form's inputs that can carry a message.
var intakeInputs = []string{"customer", "caller_name", "caller_phone", "contact", "received_at", "channel", "category", "severity",
	"order_no", "part_no", "quantity", "delivery_date", "defective_quantity", "demand", "description"}

func (p *complaintPages) newForm(w http.ResponseWriter, r *http.Request) error {
	me, _ := crm.PrincipalFrom(r.Context())
	if !me.Role.Can(crm.ActComplaintCreate) {
		return crm.Fail(crm.EForbidden, "complaints.refused.register")
	}
	f := intakeForm{Channel: "phone", Category: "product_quality", Severity: "normal", Customer: r.URL.Query().Get("customer"),
		ReceivedAt: formDateTime(p.now(), p.loc)}
	return p.showIntake(w, r, http.StatusOK, f, formProblem{})
}

// create registers the complaint the form describes and goes on to its
// page; a refusal shows the form again with the messages at the fields.
func (p *complaintPages) create(w http.ResponseWriter, r *http.Request) error {
	v, lang := r.PostFormValue, langOf(r)
	f := intakeForm{Customer: strings.TrimSpace(v("customer")), CallerName: v("caller_name"), CallerPhone: v("caller_phone"),
		Contact: v("contact"), ReceivedAt: v("received_at"), Channel: v("channel"), Category: v("category"), Quality: v("quality"),
		Severity: v("severity"), OrderNo: v("order_no"), PartNo: v("part_no"), Quantity: v("quantity"), DeliveryDate: v("delivery_date"),
		DefectiveQuantity: v("defective_quantity"), Demand: v("demand"), Description: v("description")}
	c := complaint.Complaint{CallerName: strings.TrimSpace(f.CallerName), ContactName: strings.TrimSpace(f.Contact), Channel: f.Channel,
		Category: f.Category, Severity: f.Severity, OrderNo: strings.TrimSpace(f.OrderNo), PartNo: strings.TrimSpace(f.PartNo),
		DeliveryDate: strings.TrimSpace(f.DeliveryDate), Demand: strings.TrimSpace(f.Demand), Description: f.Description}
	var bad []crm.FieldError
	if f.Customer != "" {
		id, err := strconv.ParseInt(f.Customer, 10, 64)
		if err != nil {
			id, err = p.svc.Directory.CustomerIDByCode(r.Context(), f.Customer)
		}
		if err != nil || id < 1 {
			id = -1 // no such customer: the domain says so beside its other checks
		}
		c.CustomerID = id
	}
	if s := strings.TrimSpace(f.ReceivedAt); s != "" {
		t, err := parseDateTime(s, p.loc)
		if err != nil {
			bad = append(bad, crm.Bad("received_at", "format", "form.date_time"))
		}
		c.ReceivedAt = t
	}
	for _, q := range []struct {
		field, text string
		dst         **int64
	}{{"quantity", f.Quantity, &c.Quantity}, {"defective_quantity", f.DefectiveQuantity, &c.DefectiveQuantity}} {
		if s := strings.TrimSpace(q.text); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				bad = append(bad, crm.Bad(q.field, "format", "customer.value.whole_number"))
			}
			*q.dst = &n
		}
	}
	var quality *bool
	if f.Quality == "yes" || f.Quality == "no" {
		b := f.Quality == "yes"
		quality = &b
	}
	var err error
	if len(bad) > 0 {
		err = crm.Invalid(bad...)
	} else {
		c, err = p.complaints.Create(r.Context(), c, strings.TrimSpace(f.CallerPhone), quality, lang)
	}
	if err != nil {
		if pageLevel(err) {
			return err
		}
		return p.showIntake(w, r, httpx.Status(err), f, p.complaintProblem(lang, err, intakeInputs))
	}
	http.Redirect(w, r, fmt.Sprintf("/complaints/%d?notice=created", c.ID), http.StatusSeeOther)
	return nil
}

func (p *complaintPages) showIntake(w http.ResponseWriter, r *http.Request, status int, f intakeForm, problem formProblem) error {
	lang := langOf(r)
	d := intakeData{Form: f, Problem: problem, Channels: p.options(lang, "channel", complaint.ComplaintChannels, f.Channel),
		Categories: p.options(lang, "category", complaint.ComplaintCategories, f.Category),
		Severities: p.options(lang, "severity", complaint.ComplaintSeverities, f.Severity)}
	return p.render(w, at(r, "/complaints/new"), status, "complaints_form", "complaints.new", d)
}
