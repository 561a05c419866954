package ui

import (
	"net/http"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/attachment"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/httpx"
)

// complainPages are the public complaint form and its status page: no
// sign-in, for customers themselves.
type complainPages struct {
	*UI
	complaints *complaint.Service
	files      *attachment.Service
}

func (u *UI) registerComplain(rt *httpx.Router) {
	p := &complainPages{UI: u, complaints: u.svc.Complaints, files: u.svc.Attachments}
	rt.Handle("GET /complain", u.public(p.form))
	rt.Handle("POST /complain", u.public(p.submit))
	rt.Handle("GET /complain/status/{token}", u.public(p.status))
}

// complainData is what the public pages show.
type complainData struct {
	Form       complaint.PublicComplaint
	MaxFiles   int // how many files the form takes, each up to MaxFileMiB
	MaxFileMiB int
	Attached   int // files kept with the complaint just filed
	Categories []string
	Error      string
	Fields     map[string]string
	Number     string
	StatusPath string
	Status     *complaint.PublicStatus
}

func (p *complainPages) form(w http.ResponseWriter, r *http.Request) error {
	return p.render(w, r, http.StatusOK, "complain", "complain.title", newComplainData())
}

// newComplainData is an empty form.
func newComplainData() complainData {
	return complainData{Categories: complaint.ComplaintCategories, MaxFiles: attachment.MaxPublicAttachments, MaxFileMiB: attachment.MaxAttachmentBytes >> 20}
}

// submit files the form's complaint with its files. The files are
// checked first — how many, how large, of what type by their bytes — so
// a bad one refuses the whole form and nothing is filed.
func (p *complainPages) submit(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	files, cleanup, ferr := formFiles(w, r, "files", attachment.MaxPublicAttachments)
	defer cleanup()
	if ferr == nil {
		ferr = attachment.CheckPublic(files)
	}
	in := complaint.PublicComplaint{Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"), Email: r.PostFormValue("email"), Company: r.PostFormValue("company"),
		Category: r.PostFormValue("category"), OrderNo: r.PostFormValue("order_no"), Description: r.PostFormValue("description"),
		Website: r.PostFormValue("website")}
	d := newComplainData()
	d.Form = in
	if ferr != nil {
		d.Error = p.msgs.text(lang, "complain.fix")
		if c := crm.ErrorCode(ferr); c == crm.ETooLarge || c == crm.EUnsupportedType || c == crm.EInvalid {
			d.Error = p.msgs.text(lang, "complain.files_refused")
			d.Fields = map[string]string{"files": p.attachmentMessage(lang, ferr)}
		}
		return p.render(w, r, httpx.Status(ferr), "complain", "complain.title", d)
	}
	c, token, err := p.complaints.SubmitPublic(r.Context(), in, httpx.ClientIP(r), lang)
	if err == nil && len(files) > 0 {
		sys := crm.WithPrincipal(r.Context(), crm.Principal{UserID: -1, Username: "public:" + httpx.ClientIP(r), Role: crm.RoleService})
		var kept []attachment.Attachment
		kept, err = p.files.AddPublic(sys, c.ID, files)
		d.Attached = len(kept)
	}
	if err != nil {
		var e *crm.Error
		switch {
		case crm.ErrorCode(err) == crm.EInvalid && asCrmError(err, &e):
			d.Fields = map[string]string{}
			for _, f := range e.Fields {
				d.Fields[strings.TrimPrefix(f.Field, "caller_")] = fieldSays(lang, f)
			}
			d.Error = p.msgs.text(lang, "complain.fix")
		case crm.ErrorCode(err) == crm.ERateLimited:
			d.Error = p.msgs.text(lang, "complain.slow")
		case crm.ErrorCode(err) == crm.EBadRequest:
			d.Error = p.msgs.text(lang, "complain.fix")
		default:
			return err
		}
		return p.render(w, r, httpx.Status(err), "complain", "complain.title", d)
	}
	w.Header().Set("Cache-Control", "no-store")
	d.Number, d.StatusPath = c.Number, "/complain/status/"+token
	return p.render(w, r, http.StatusCreated, "complain", "complain.title", d)
}

// status shows how a complaint filed on the public form is getting on;
// a link that does not work, whatever the reason, is the 404 page.
func (p *complainPages) status(w http.ResponseWriter, r *http.Request) error {
	st, err := p.complaints.PublicStatusOf(r.Context(), r.PathValue("token"))
	if err != nil {
		return p.notFound(w, r)
	}
	w.Header().Set("Cache-Control", "no-store")
	return p.render(w, r, http.StatusOK, "complain", "complain.status_title", complainData{Status: &st})
}

func asCrmError(err error, target **crm.Error) bool {
	e, ok := err.(*crm.Error)
	if ok {
		*target = e
	}
	return ok
}
