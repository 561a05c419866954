package ui

import (
	"net/http"
	"strconv"
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

// submit files the form's complaint with its files and redirects to its
// status page. The files are checked first — how many, how large, of what
// type by their bytes — so a bad one refuses the whole form and nothing is
// filed; a refused form is shown again as typed, each message in the
// page's language next to its field.
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
	// Post/redirect/get: the result is the status page, so reloading it
	// files nothing again.
	to := "/complain/status/" + token + "?filed=1"
	if d.Attached > 0 {
		to += "&files=" + strconv.Itoa(d.Attached)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// status shows how a complaint filed on the public form is getting on;
// a link that does not work, whatever the reason, is the 404 page.
func (p *complainPages) status(w http.ResponseWriter, r *http.Request) error {
	st, err := p.complaints.PublicStatusOf(r.Context(), r.PathValue("token"))
	if err != nil {
		return p.notFound(w, r)
	}
	w.Header().Set("Cache-Control", "no-store")
	d := complainData{Status: &st}
	if r.URL.Query().Get("filed") == "1" {
		// Just filed: thank the caller and say to keep this page's link.
		d.Number, d.StatusPath = st.Number, r.URL.Path
		if n, err := strconv.Atoi(r.URL.Query().Get("files")); err == nil && n > 0 && n <= attachment.MaxPublicAttachments {
			d.Attached = n
		}
	}
	return p.render(w, r, http.StatusOK, "complain", "complain.status_title", d)
}

func asCrmError(err error, target **crm.Error) bool {
	e, ok := err.(*crm.Error)
	if ok {
		*target = e
	}
	return ok
}
