package ui

import (
	"net/http"
	"net/url"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/audit"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/httpx"
)

// adminPages serves the signed-in user's account page and the pages of
// user and audit administration. It needs the audit log reader, which the
// UI itself does not hold, and a clock for telling locked accounts apart.
type adminPages struct {
	*UI
	audit *audit.Service
	now   func() time.Time
}

// registerAdmin adds the pages of account and audit administration. The
// pages ask the domain services, which refuse the wrong roles; the pages
// turn that refusal into a 403 page and never show the data.
func (u *UI) registerAdmin(rt *httpx.Router) {
	a := &adminPages{UI: u, audit: u.svc.Audit, now: u.svc.Clock}
	rt.Handle("GET /account", u.private(a.account))
	rt.Handle("POST /account/password", u.private(a.changePassword))
	rt.Handle("GET /admin/users", u.private(a.users))
	rt.Handle("POST /admin/users", u.private(a.addUser))
	rt.Handle("POST /admin/users/{username}/disabled", u.private(a.setDisabled))
	rt.Handle("GET /admin/users/{username}/password", u.private(a.resetPasswordPage))
	rt.Handle("POST /admin/users/{username}/password", u.private(a.resetPassword))
	rt.Handle("GET /admin/audit", u.private(a.auditPage))
	rt.Handle("GET /admin", u.private(a.index))
}

// index sends each role to the administration page it may use.
func (a *adminPages) index(w http.ResponseWriter, r *http.Request) {
	p, _ := crm.PrincipalFrom(r.Context())
	switch {
	case p.Role.Can(crm.ActUserManage):
		http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	case p.Role.Can(crm.ActAuditRead):
		http.Redirect(w, r, "/admin/audit", http.StatusSeeOther)
	default:
		a.render(w, r, http.StatusForbidden, "admin_forbidden", "admin.forbidden.title", nil)
	}
}

// refused answers the errors no form can fix: a role that may not do
// this gets the 403 page, an ended session the sign-in page, a missing
// record the 404 page, anything unexpected a 500. It reports whether it
// answered; if not, the error is for the caller's form to show.
func (a *adminPages) refused(w http.ResponseWriter, r *http.Request, err error) bool {
	switch crm.ErrorCode(err) {
	case crm.EForbidden:
		a.render(w, r, http.StatusForbidden, "admin_forbidden", "admin.forbidden.title", nil)
	case crm.EUnauthorized:
		// Only a page can be come back to after signing in, not a form's POST.
		next := "/"
		if r.Method == http.MethodGet {
			next = r.URL.EscapedPath()
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
	case crm.ENotFound:
		a.notFound(w, r)
	case crm.EInternal:
		a.fail(w, r, err)
	default:
		return false
	}
	return true
}

// notices are the success messages a page may show after a redirect.
// The query names one, so only these texts can ever be shown; those that
// name a user take the username from the query.
var notices = map[string]struct {
	key      string
	withUser bool
}{
	"password": {"account.notice.password", false},
	"added":    {"admin.users.notice.added", true},
	"disabled": {"admin.users.notice.disabled", true},
	"enabled":  {"admin.users.notice.enabled", true},
	"reset":    {"admin.users.notice.reset", true},
}

// notice returns the success message named in the query, or "".
func (a *adminPages) notice(r *http.Request) string {
	n, ok := notices[r.URL.Query().Get("notice")]
	user := r.URL.Query().Get("user")
	switch {
	case !ok:
		return ""
	case n.withUser:
		// Only a username: a link must not make the page say anything else.
		if identity.ValidateUsername(user) != nil {
			return ""
		}
		return a.msgs.text(langOf(r), n.key, user)
	default:
		return a.msgs.text(langOf(r), n.key)
	}
}

// redirectNotice ends a successful form post: back to the page with the
// notice to show (303, so reloading does not post again).
func redirectNotice(w http.ResponseWriter, r *http.Request, page, notice, user string) {
	q := url.Values{"notice": {notice}}
	if user != "" {
		q.Set("user", user)
	}
	http.Redirect(w, r, page+"?"+q.Encode(), http.StatusSeeOther)
}
