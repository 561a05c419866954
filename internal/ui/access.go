package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/access"
	"github.com/kehucrm/kehu/internal/httpx"
)

// registerAccess adds the access-request inbox: asking for access to a
// customer outside one's scope, and deciding such requests.
func (u *UI) registerAccess(rt *httpx.Router) {
	a := &accessPages{UI: u, access: u.svc.Access}
	rt.Handle("GET /access-requests", u.private(a.inbox))
	rt.Handle("POST /access-requests", u.private(a.request))
	rt.Handle("POST /access-requests/{id}/approve", u.private(a.decide(true)))
	rt.Handle("POST /access-requests/{id}/reject", u.private(a.decide(false)))
}

// accessPages serves the inbox. The domain decides who may ask and who
// may decide; the pages hide what a role cannot use and show a refusal
// as a message, since a decision refused is no reason to leave the inbox.
type accessPages struct {
	*UI
	access *access.Service
}

// accessData is what the inbox shows: one page of requests, newest
// first, the status filter, and the form to ask for access.
type accessData struct {
	Rows      []accessRow
	Status    string // the status filter, "" for every status
	Older     string // the next page's address, "" on the last page
	Newest    string // the first page's address when this is not it
	CanDecide bool   // the role may decide requests, so the page has a decision column
	GrantDays int    // how long an approval lasts
	Form      accessForm
	Notice    string
	Problem   formProblem
}

// accessForm is the request form as typed.
type accessForm struct{ RecordID, Reason string }

// accessRow is one request with the labels the page shows.
type accessRow struct {
	access.AccessRequest
	EntityLabel, StatusLabel string
	DecidedByName            string
	Decidable                bool   // pending, someone else's, and the role may decide
	Link                     string // the record, while a grant lets one open it
}

// accessStatuses are the stored states the filter offers; "expired" is
// an approval past its end, stored as approved.
var accessStatuses = []string{"pending", "approved", "rejected"}

// accessFields maps the domain's field names to the request form's inputs.
var accessFields = map[string]string{"entity": "record_id", "record_id": "record_id", "reason": "reason"}

// accessNotices are the success messages the inbox may show after a redirect.
var accessNotices = map[string]string{
	"requested": "access.notice.requested",
	"approved":  "access.notice.approved",
	"rejected":  "access.notice.rejected",
}

// decideErrors are the refusals of a decision that the inbox explains.
var decideErrors = map[string]string{
	crm.EForbidden: "access.error.forbidden",
	crm.EConflict:  "access.error.decided",
	crm.ENotFound:  "access.error.gone",
}

func (a *accessPages) inbox(w http.ResponseWriter, r *http.Request) error {
	return a.show(w, r, http.StatusOK, accessForm{}, formProblem{})
}

// show renders the inbox at the page and filter the query asks for, with
// the request form filled in as given. Roles that may not ask for access
// (admin, auditor) are refused by the listing and get the 403 page.
func (a *accessPages) show(w http.ResponseWriter, r *http.Request, status int, form accessForm, problem formProblem) error {
	r, lang := at(r, "/access-requests"), langOf(r)
	q := r.URL.Query()
	me, _ := crm.PrincipalFrom(r.Context())
	d := accessData{Form: form, Problem: problem, CanDecide: me.Role.Can(crm.ActAccessApprove),
		GrantDays: int(access.DefaultGrantTTL / (24 * time.Hour))}
	if key, ok := accessNotices[q.Get("notice")]; ok {
		d.Notice = a.msgs.text(lang, key)
	}
	if s := q.Get("status"); slices.Contains(accessStatuses, s) {
		d.Status = s
	}
	var before int64
	page, err := httpx.ParsePage(r)
	if err == nil && page.Cursor != "" {
		err = httpx.DecodeCursor(page.Cursor, &before)
	}
	if err != nil {
		// A hand-edited or stale page link: show the first page and say so.
		status, d.Problem.Form, before = http.StatusBadRequest, a.msgs.text(lang, "error.bad_page"), 0
	}
	rows, err := a.access.List(r.Context(), d.Status, before, page.Limit+1)
	if err != nil {
		return err
	}
	list := httpx.MakePage(rows, page.Limit, func(x access.AccessRequest) any { return x.ID })
	names := map[int64]string{}
	for _, x := range list.Items {
		row := accessRow{AccessRequest: x, EntityLabel: a.label(lang, "access.entity.", x.Entity),
			StatusLabel: a.label(lang, "access.status.", string(x.Status)),
			Decidable:   d.CanDecide && x.Status == "pending" && x.UserID != me.UserID}
		if x.Entity == "customer" && x.Status == "approved" && (x.ExpiresAt == nil || x.ExpiresAt.After(time.Now())) {
			row.Link = fmt.Sprintf("/customers/%d", x.RecordID)
		}
		if x.DecidedBy != 0 {
			if row.DecidedByName, err = a.username(r, names, x.DecidedBy); err != nil {
				return err
			}
		}
		d.Rows = append(d.Rows, row)
	}
	link := func(cursor string) string {
		v := url.Values{}
		if d.Status != "" {
			v.Set("status", d.Status)
		}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		if page.Limit != httpx.DefaultLimit {
			v.Set("limit", strconv.Itoa(page.Limit))
		}
		return strings.TrimSuffix("/access-requests?"+v.Encode(), "?")
	}
	if list.NextCursor != "" {
		d.Older = link(list.NextCursor)
	}
	if before > 0 {
		d.Newest = link("")
	}
	return a.render(w, r, status, "access", "access.title", d)
}

// username names the user who decided a request; names caches them, as
// one approver usually decides many requests on a page.
func (a *accessPages) username(r *http.Request, names map[int64]string, id int64) (string, error) {
	if n, ok := names[id]; ok {
		return n, nil
	}
	u, err := a.svc.Directory.User(r.Context(), id)
	if err != nil {
		return "", err
	}
	names[id] = u.Username
	return u.Username, nil
}

// label names a status or entity in lang; one the catalogue does not
// know yet shows as stored.
func (a *accessPages) label(lang, prefix, value string) string {
	if s, ok := a.msgs[lang][prefix+value]; ok {
		return s
	}
	return value
}

// request asks for access to the customer the form names.
func (a *accessPages) request(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	form := accessForm{RecordID: strings.TrimSpace(r.PostFormValue("record_id")), Reason: r.PostFormValue("reason")}
	id, err := strconv.ParseInt(form.RecordID, 10, 64)
	if err != nil || id <= 0 {
		err = crm.Invalid(crm.Bad("record_id", "format", "access.field.record_id.format"))
	} else {
		_, err = a.access.Request(r.Context(), r.PostFormValue("entity"), id, form.Reason)
	}
	if err != nil {
		switch crm.ErrorCode(err) {
		case crm.EInvalid:
			return a.show(w, r, http.StatusUnprocessableEntity, form, a.fieldProblem(lang, err))
		case crm.ENotFound:
			return a.show(w, r, http.StatusNotFound, form, formProblem{Form: a.msgs.text(lang, "access.error.no_customer")})
		}
		return err
	}
	http.Redirect(w, r, "/access-requests?notice=requested", http.StatusSeeOther)
	return nil
}

// decide approves or rejects the request in the path. A refusal (wrong
// decider, already decided, gone) is shown on the inbox with its status.
func (a *accessPages) decide(approve bool) pageFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			err = crm.Fail(crm.ENotFound, "access.refused.no_such_request")
		} else {
			_, err = a.access.Decide(r.Context(), id, approve, r.PostFormValue("note"))
		}
		if err != nil {
			key, ok := decideErrors[crm.ErrorCode(err)]
			if !ok {
				return err
			}
			return a.show(w, r, httpx.Status(err), accessForm{}, formProblem{Form: a.msgs.text(langOf(r), key)})
		}
		notice := "rejected"
		if approve {
			notice = "approved"
		}
		http.Redirect(w, r, "/access-requests?notice="+notice, http.StatusSeeOther)
		return nil
	}
}

// fieldProblem translates a validation error for the request form. The
// form's texts are its own (access.field.FIELD.CODE); a field the
// catalogue does not know keeps the domain's message, in lang. An error of
// no field is worded as on the administration forms.
func (a *accessPages) fieldProblem(lang string, err error) formProblem {
	var e *crm.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return a.problemOf(lang, err, nil)
	}
	return a.msgs.problem(lang, err, wording{
		own: a.msgs.own(lang, func(f crm.FieldError) string { return "access.field." + f.Field + "." + f.Code }),
		input: func(field string) (string, bool) {
			name, ok := accessFields[field]
			return name, ok
		},
		label: func(f crm.FieldError, own bool) string {
			if own {
				return ""
			}
			return f.Field + ": "
		},
	})
}
