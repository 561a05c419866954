package ui

import (
	"net/http"
	"net/url"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/msg"
)

// pageFunc is a page's handler, shaped like the API's: it writes the page,
// a form shown again with what is wrong with it, or a redirect, and
// returns the errors no page can show in place, which answer turns into
// the page that says so.
type pageFunc func(w http.ResponseWriter, r *http.Request) error

// refusalPage is the 403 page a group of pages shows a role that may not
// use them: the administration pages have their own, which says who may.
type refusalPage struct{ page, title string }

var (
	forbiddenPage      = refusalPage{"forbidden", "forbidden.title"}
	adminForbiddenPage = refusalPage{"admin_forbidden", "admin.forbidden.title"}
)

// public serves h to anyone, signed in or not.
func (u *UI) public(h pageFunc) http.Handler { return u.serve(forbiddenPage, h) }

// private lets only signed-in users through to h; others go to the
// sign-in page and come back afterwards.
func (u *UI) private(h pageFunc) http.Handler { return u.signedIn(forbiddenPage, h) }

// signedIn is private with the 403 page of the group h belongs to.
func (u *UI) signedIn(refused refusalPage, h pageFunc) http.Handler {
	next := u.serve(refused, h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := crm.PrincipalFrom(r.Context()); !ok {
			http.Redirect(w, r, "/login?next="+r.URL.EscapedPath(), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// serve adapts h to http.Handler: the error it returns, if any, is
// answered with a page.
func (u *UI) serve(refused refusalPage, h pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			u.answer(w, r, refused, err)
		}
	})
}

// answer writes the page for an error a handler returned: a record
// missing or out of scope is the 404 page, so that one out of scope looks
// exactly like one that does not exist; a role that may not is the 403
// page; an ended session is the sign-in page; anything else is logged and
// a plain 500.
func (u *UI) answer(w http.ResponseWriter, r *http.Request, refused refusalPage, err error) {
	switch crm.ErrorCode(err) {
	case crm.ENotFound:
		err = u.notFound(w, r)
	case crm.EForbidden:
		err = u.render(w, r, http.StatusForbidden, refused.page, refused.title, nil)
	case crm.EUnauthorized:
		// Only a page can be come back to after signing in, not a form's POST.
		next := "/"
		if r.Method == http.MethodGet {
			next = r.URL.EscapedPath()
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	if err != nil {
		u.fail(w, r, err)
	}
}

// pageLevel reports whether err is one that no form can show beside its
// inputs — a record missing or out of scope, a role that may not, an
// ended session, a failure — and so is returned for answer to show.
func pageLevel(err error) bool {
	switch crm.ErrorCode(err) {
	case crm.ENotFound, crm.EForbidden, crm.EUnauthorized, crm.EInternal:
		return true
	}
	return false
}

// fail logs err and shows a plain 500.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, err error) {
	httpx.Logger(r.Context()).Error("ui", "error", err.Error())
	http.Error(w, msg.Text(langOf(r), "crm.internal"), http.StatusInternalServerError)
}

// notFound is the 404 page, for unknown addresses too.
func (u *UI) notFound(w http.ResponseWriter, r *http.Request) error {
	return u.render(w, r, http.StatusNotFound, "notfound", "notfound.title", nil)
}
