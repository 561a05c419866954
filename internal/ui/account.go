package ui

import (
	"net/http"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/secure"
)

// accountData is what the account page shows: who the user is and the
// change-password form.
type accountData struct {
	User      identity.User
	RoleLabel string
	Notice    string
	Problem   formProblem
	Policy    secure.PasswordPolicy
}

// passwordFields maps the domain's field names to the change-password
// form's inputs: the domain calls the new password "password".
var passwordFields = map[string]string{"old_password": "old_password", "password": "new_password", "repeat": "repeat"}

func (a *adminPages) account(w http.ResponseWriter, r *http.Request) error {
	return a.showAccount(w, r, http.StatusOK, accountData{Notice: a.notice(r)})
}

func (a *adminPages) showAccount(w http.ResponseWriter, r *http.Request, status int, d accountData) error {
	r = at(r, "/account")
	me, err := a.identity.Me(r.Context())
	if err != nil {
		return err
	}
	d.User, d.RoleLabel, d.Policy = me, a.msgs.text(langOf(r), "role."+string(me.Role)), a.identity.Config().Policy
	return a.render(w, r, status, "account", "account.title", d)
}

// changePassword checks the old password and sets the new one. The
// domain then ends every session of the user, this one included, so that
// a stolen session dies with the old password; the user, who just proved
// they know the new one, gets a fresh session here and stays signed in.
func (a *adminPages) changePassword(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	newPassword := r.PostFormValue("new_password")
	var err error
	if newPassword != r.PostFormValue("repeat") {
		err = mismatch()
	} else {
		err = a.identity.ChangePassword(r.Context(), r.PostFormValue("old_password"), newPassword, lang)
	}
	if err != nil {
		if pageLevel(err) {
			return err
		}
		return a.showAccount(w, r, httpx.Status(err), accountData{Problem: a.problemOf(lang, err, passwordFields)})
	}
	p, _ := crm.PrincipalFrom(r.Context())
	token, _, err := a.identity.Login(r.Context(), p.Username, newPassword, "ui")
	if err != nil {
		// The password is changed; only the new session failed (a rate
		// limit, say). Signing in again by hand is the way on.
		httpx.ClearSessionCookie(w, r)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	httpx.SetSessionCookie(w, r, token)
	redirectNotice(w, r, "/account", "password", "")
	return nil
}
