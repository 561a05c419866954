package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/identity"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/secure"
)

// usersData is what the user administration page shows: one page of
// users and the form to add one.
type usersData struct {
	Users   []userRow
	Next    string // the next page's address, "" on the last page
	Paged   bool   // this is not the first page
	Form    identity.NewUser
	Roles   []roleOption
	Notice  string
	Problem formProblem
	Policy  secure.PasswordPolicy
}

// userRow is one user in the list, with the labels the page shows.
type userRow struct {
	identity.User
	RoleLabel, State string // State is active, disabled or locked
	Self             bool   // the signed-in administrator, who may not disable themselves
}

// roleOption is one choice of the role select.
type roleOption struct {
	Value    crm.Role
	Label    string
	Selected bool
}

// newUserFields are the add-user form's inputs, named as the domain names them.
var newUserFields = map[string]string{"username": "username", "display_name": "display_name", "role": "role",
	"team": "team", "manager": "manager", "password": "password", "dealer_id": "dealer_id"}

func (a *adminPages) users(w http.ResponseWriter, r *http.Request) error {
	return a.showUsers(w, r, http.StatusOK, identity.NewUser{Role: crm.RoleAccountManager}, formProblem{})
}

// showUsers renders the list at the page the query asks for, with the
// add-user form filled in as given (never with its password).
func (a *adminPages) showUsers(w http.ResponseWriter, r *http.Request, status int, form identity.NewUser, problem formProblem) error {
	r, lang := at(r, "/admin/users"), langOf(r)
	d := usersData{Form: form, Problem: problem, Notice: a.notice(r), Policy: a.identity.Config().Policy}
	d.Form.Password = ""
	var after int64
	page, err := httpx.ParsePage(r)
	if err == nil && page.Cursor != "" {
		err = httpx.DecodeCursor(page.Cursor, &after)
	}
	if err != nil {
		// A hand-edited or stale page link: show the first page and say so.
		status, d.Problem.Form, after = http.StatusBadRequest, a.msgs.text(lang, "error.bad_page"), 0
	}
	rows, err := a.identity.ListUsers(r.Context(), after, page.Limit+1)
	if err != nil {
		return err
	}
	list := httpx.MakePage(rows, page.Limit, func(u identity.User) any { return u.ID })
	if list.NextCursor != "" {
		q := url.Values{"cursor": {list.NextCursor}}
		if page.Limit != httpx.DefaultLimit {
			q.Set("limit", strconv.Itoa(page.Limit))
		}
		d.Next = "/admin/users?" + q.Encode()
	}
	d.Paged = after > 0
	me, _ := crm.PrincipalFrom(r.Context())
	now := a.now()
	for _, u := range list.Items {
		row := userRow{User: u, RoleLabel: a.msgs.text(lang, "role."+string(u.Role)), State: "active", Self: u.ID == me.UserID}
		switch {
		case u.Disabled():
			row.State = "disabled"
		case u.Locked(now):
			row.State = "locked"
		}
		d.Users = append(d.Users, row)
	}
	for _, role := range crm.Roles {
		d.Roles = append(d.Roles, roleOption{Value: role, Label: a.msgs.text(lang, "role."+string(role)), Selected: role == form.Role})
	}
	return a.render(w, r, status, "admin_users", "admin.users.title", d)
}

// addUser creates the user the form describes; the domain checks the
// role, the username and the password policy.
func (a *adminPages) addUser(w http.ResponseWriter, r *http.Request) error {
	in := identity.NewUser{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"),
		Role: crm.Role(r.PostFormValue("role")), Team: r.PostFormValue("team"), Manager: r.PostFormValue("manager"),
		Password: r.PostFormValue("password")}
	in.DealerID, _ = strconv.ParseInt(strings.TrimSpace(r.PostFormValue("dealer_id")), 10, 64) // not a number: 0, refused for a dealer
	u, err := a.identity.AddUser(r.Context(), in, langOf(r))
	if redirectPending(w, r, err) { // two-person rule: awaits a second administrator
		return nil
	}
	if err != nil {
		if pageLevel(err) {
			return err
		}
		return a.showUsers(w, r, httpx.Status(err), in, a.problemOf(langOf(r), err, newUserFields))
	}
	redirectNotice(w, r, "/admin/users", "added", u.Username)
	return nil
}

// setDisabled disables or enables a user, at the version the list showed
// so that a change made meanwhile by someone else is not overwritten.
func (a *adminPages) setDisabled(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	disabled := r.PostFormValue("disabled") == "true"
	u, err := a.identity.UpdateUser(r.Context(), r.PathValue("username"), identity.UserChange{Version: version, Disabled: &disabled})
	if redirectPending(w, r, err) { // enabling a guarded account awaits a second administrator
		return nil
	}
	if err != nil {
		me, _ := crm.PrincipalFrom(r.Context())
		if crm.ErrorCode(err) == crm.EForbidden && me.Role.Can(crm.ActUserManage) {
			// An administrator refused here tried to disable themselves:
			// say that, not "your role may not see this page".
			return a.showUsers(w, r, http.StatusForbidden, identity.NewUser{}, formProblem{Form: a.msgs.text(lang, "admin.users.error.self")})
		}
		if pageLevel(err) {
			return err
		}
		return a.showUsers(w, r, httpx.Status(err), identity.NewUser{}, a.problemOf(lang, err, nil))
	}
	notice := "enabled"
	if disabled {
		notice = "disabled"
	}
	redirectNotice(w, r, "/admin/users", notice, u.Username)
	return nil
}
