package ui

import (
	"net/http"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
)

// loginData is what the sign-in page shows.
type loginData struct {
	Username string
	Error    string
	Next     string
	NoUsers  bool
}

func (u *UI) loginPage(w http.ResponseWriter, r *http.Request) error {
	if _, ok := crm.PrincipalFrom(r.Context()); ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	return u.renderLogin(w, r, http.StatusOK, loginData{Next: localPath(r.URL.Query().Get("next"))})
}

func (u *UI) renderLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) error {
	has, err := u.identity.HasUsers(r.Context())
	if err != nil {
		return err
	}
	d.NoUsers = !has
	return u.render(w, r, status, "login", "login.title", d)
}

// loginSubmit signs in with the form's username and password; the session
// token goes into an HttpOnly cookie only.
func (u *UI) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	d := loginData{Username: r.PostFormValue("username"), Next: localPath(r.PostFormValue("next"))}
	token, _, err := u.identity.Login(r.Context(), d.Username, r.PostFormValue("password"), "ui")
	if err != nil {
		lang := langOf(r)
		switch crm.ErrorCode(err) {
		case crm.EUnauthorized:
			d.Error = u.msgs.text(lang, "login.bad")
		case crm.ELocked:
			d.Error = u.msgs.text(lang, "login.locked", int(u.identity.Config().LockFor.Minutes()))
		case crm.ERateLimited:
			d.Error = u.msgs.text(lang, "login.slow")
		default:
			return err
		}
		return u.renderLogin(w, r, httpx.Status(err), d)
	}
	if c, err := r.Cookie(httpx.SessionCookie); err == nil { // the browser's earlier session ends
		if err := u.identity.EndSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	httpx.SetSessionCookie(w, r, token)
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
	return nil
}

func (u *UI) logout(w http.ResponseWriter, r *http.Request) error {
	if _, ok := crm.PrincipalFrom(r.Context()); ok {
		if err := u.identity.Logout(r.Context()); err != nil {
			return err
		}
	}
	httpx.ClearSessionCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// localPath keeps redirects on this site.
func localPath(p string) string { return httpx.LocalPath(p) }
