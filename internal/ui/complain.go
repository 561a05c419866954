package ui

import (
	"net/http"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
)

// complainPages are the public complaint form and its status page: no
// sign-in, for customers themselves.
type complainPages struct {
	*UI
	complaints *crm.Complaints
}

func (u *UI) registerComplain(rt *httpx.Router) {
	cs := crm.NewCustomers(u.db, nil)
	cs.SetSealer(u.sealer)
	p := &complainPages{UI: u, complaints: crm.NewComplaints(u.db, cs, u.calendars, u.sealer, nil)}
	rt.Handle("GET /complain", http.HandlerFunc(p.form))
	rt.Handle("POST /complain", http.HandlerFunc(p.submit))
	rt.Handle("GET /complain/status/{token}", http.HandlerFunc(p.status))
}

// complainData is what the public pages show.
type complainData struct {
	Form       crm.PublicComplaint
	Categories []string
	Error      string
	Fields     map[string]string
	Number     string
	StatusPath string
	Status     *crm.PublicStatus
}

func (p *complainPages) form(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, http.StatusOK, "complain", "complain.title", complainData{Categories: crm.ComplaintCategories})
}

func (p *complainPages) submit(w http.ResponseWriter, r *http.Request) {
	in := crm.PublicComplaint{Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"), Company: r.PostFormValue("company"),
		Category: r.PostFormValue("category"), OrderNo: r.PostFormValue("order_no"), Description: r.PostFormValue("description"),
		Website: r.PostFormValue("website")}
	c, token, err := p.complaints.SubmitPublic(r.Context(), in, httpx.ClientIP(r), langOf(r))
	d := complainData{Form: in, Categories: crm.ComplaintCategories}
	if err != nil {
		var e *crm.Error
		switch {
		case crm.ErrorCode(err) == crm.EInvalid && asCrmError(err, &e):
			d.Fields = map[string]string{}
			for _, f := range e.Fields {
				d.Fields[strings.TrimPrefix(f.Field, "caller_")] = f.Message
			}
			d.Error = p.msgs.text(langOf(r), "complain.fix")
		case crm.ErrorCode(err) == crm.ERateLimited:
			d.Error = p.msgs.text(langOf(r), "complain.slow")
		case crm.ErrorCode(err) == crm.EBadRequest:
			d.Error = p.msgs.text(langOf(r), "complain.fix")
		default:
			p.fail(w, r, err)
			return
		}
		p.render(w, r, httpx.Status(err), "complain", "complain.title", d)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	d.Number, d.StatusPath = c.Number, "/complain/status/"+token
	p.render(w, r, http.StatusCreated, "complain", "complain.title", d)
}

func (p *complainPages) status(w http.ResponseWriter, r *http.Request) {
	st, err := p.complaints.PublicStatusOf(r.Context(), r.PathValue("token"))
	if err != nil {
		p.notFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.render(w, r, http.StatusOK, "complain", "complain.status_title", complainData{Status: &st})
}

func asCrmError(err error, target **crm.Error) bool {
	e, ok := err.(*crm.Error)
	if ok {
		*target = e
	}
	return ok
}
