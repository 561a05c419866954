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
// return that refusal, which becomes the administration's 403 page, and
// never show the data.
func (u *UI) registerAdmin(rt *httpx.Router) {
	a := &adminPages{UI: u, audit: u.svc.Audit, now: u.svc.Clock}
	admin := func(h pageFunc) http.Handler { return u.signedIn(adminForbiddenPage, h) }
	rt.Handle("GET /account", admin(a.account))
	rt.Handle("POST /account/password", admin(a.changePassword))
	rt.Handle("GET /admin/users", admin(a.users))
	rt.Handle("POST /admin/users", admin(a.addUser))
	rt.Handle("POST /admin/users/{username}/disabled", admin(a.setDisabled))
	rt.Handle("GET /admin/users/{username}/password", admin(a.resetPasswordPage))
	rt.Handle("POST /admin/users/{username}/password", admin(a.resetPassword))
	rt.Handle("GET /admin/audit", admin(a.auditPage))
	rt.Handle("GET /admin/system", admin(a.system))
	rt.Handle("GET /admin", admin(a.index))
}

// index sends each role to the administration page it may use.
func (a *adminPages) index(w http.ResponseWriter, r *http.Request) error {
	p, _ := crm.PrincipalFrom(r.Context())
	switch {
	case p.Role.Can(crm.ActUserManage):
		http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	case p.Role.Can(crm.ActAuditRead):
		http.Redirect(w, r, "/admin/audit", http.StatusSeeOther)
	default:
		return crm.Fail(crm.EForbidden, "admin.refused.role")
	}
	return nil
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
