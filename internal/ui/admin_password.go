package ui

import (
	"net/http"

	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/secure"
)

// resetData is what the reset-password page shows: whose password is
// reset, and the form.
type resetData struct {
	User    identity.User
	Problem formProblem
	Policy  secure.PasswordPolicy
}

// resetFields are the reset form's inputs, named as the domain names them.
var resetFields = map[string]string{"password": "password", "repeat": "repeat"}

func (a *adminPages) resetPasswordPage(w http.ResponseWriter, r *http.Request) error {
	return a.showReset(w, r, http.StatusOK, formProblem{})
}

// showReset renders the form for the user named in the path; the domain
// refuses anyone but an administrator before saying whether the user
// exists.
func (a *adminPages) showReset(w http.ResponseWriter, r *http.Request, status int, problem formProblem) error {
	u, err := a.identity.User(r.Context(), r.PathValue("username"))
	if err != nil {
		return err
	}
	r = at(r, "/admin/users/"+u.Username+"/password")
	return a.render(w, r, status, "admin_password", "admin.reset.title", resetData{User: u, Problem: problem, Policy: a.identity.Config().Policy})
}

// resetPassword sets the password an administrator chose; the domain
// checks the policy, unlocks the account and ends the user's sessions.
func (a *adminPages) resetPassword(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	password := r.PostFormValue("password")
	var err error
	if password != r.PostFormValue("repeat") {
		err = mismatch()
	} else {
		err = a.identity.ResetPassword(r.Context(), r.PathValue("username"), password, lang)
	}
	if redirectPending(w, r, err) { // a guarded account's reset awaits a second administrator
		return nil
	}
	if err != nil {
		if pageLevel(err) {
			return err
		}
		return a.showReset(w, r, httpx.Status(err), a.problemOf(lang, err, resetFields))
	}
	redirectNotice(w, r, "/admin/users", "reset", identity.NormalizeUsername(r.PathValue("username")))
	return nil
}
