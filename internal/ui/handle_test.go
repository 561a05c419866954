package ui

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kehucrm/kehu/internal/app"
	"github.com/kehucrm/kehu/internal/crm"
)

// The one wrapper turns what a page's handler returns into the answer;
// these cases hold the table it keeps, without a database.
func TestAReturnedErrorBecomesThePageThatSaysSo(t *testing.T) {
	u, err := New(&app.Services{}, "test", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	signedIn := crm.Principal{UserID: 1, Username: "li", Role: crm.RoleAccountManager}
	cases := []struct {
		name     string
		method   string
		refused  refusalPage
		err      error
		status   int
		location string // the redirect's target, "" for a page
		body     string // a piece of the page
		not      string // a piece of another page, which this one lacks
	}{
		{"nothing returned leaves the handler's own answer", "GET", forbiddenPage, nil, http.StatusOK, "", "written by the handler", ""},
		{"a missing record is the 404 page", "GET", forbiddenPage, crm.Errorf(crm.ENotFound, "no such customer"), http.StatusNotFound, "", "<h1>", ""},
		{"a role that may not is the 403 page", "GET", forbiddenPage, crm.Errorf(crm.EForbidden, "no"), http.StatusForbidden, "", "<h1>", `id="forbidden"`},
		{"a role that may not administer is the administration's 403 page", "GET", adminForbiddenPage, crm.Errorf(crm.EForbidden, "no"), http.StatusForbidden, "", `id="forbidden"`, ""},
		{"an ended session on a page signs in and comes back to it", "GET", forbiddenPage, crm.Errorf(crm.EUnauthorized, "signed out"), http.StatusSeeOther, "/login?next=%2Fcustomers%2F7", "", ""},
		{"an ended session on a form's post signs in and goes home", "POST", forbiddenPage, crm.Errorf(crm.EUnauthorized, "signed out"), http.StatusSeeOther, "/login?next=%2F", "", ""},
		{"a failure is a plain 500", "GET", forbiddenPage, errors.New("disk full"), http.StatusInternalServerError, "", "internal error", ""},
		{"a refusal no page shows in place is a plain 500", "GET", forbiddenPage, crm.Errorf(crm.EConflict, "taken"), http.StatusInternalServerError, "", "internal error", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := u.serve(c.refused, func(w http.ResponseWriter, r *http.Request) error {
				if c.err == nil {
					_, _ = w.Write([]byte("written by the handler"))
				}
				return c.err
			})
			r := httptest.NewRequest(c.method, "/customers/7", nil)
			r.Header.Set("Accept-Language", "en") // the plain 500 is checked in English
			r = r.WithContext(crm.WithPrincipal(r.Context(), signedIn))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			body := w.Body.String()
			if w.Code != c.status || w.Header().Get("Location") != c.location || !strings.Contains(body, c.body) || (c.not != "" && strings.Contains(body, c.not)) {
				t.Errorf("got %d to %q with %.80q, want %d to %q with %q", w.Code, w.Header().Get("Location"), body, c.status, c.location, c.body)
			}
		})
	}
}

// A page asked for without signing in goes to the sign-in page before
// its handler runs.
func TestAPrivatePageSendsTheSignedOutToSignIn(t *testing.T) {
	u := &UI{}
	ran := false
	h := u.private(func(w http.ResponseWriter, r *http.Request) error { ran = true; return nil })
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/customers/7", nil))
	if ran || w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?next=/customers/7" {
		t.Errorf("got %d to %q (handler ran: %v), want 303 to /login?next=/customers/7", w.Code, w.Header().Get("Location"), ran)
	}
}

// What a form shows beside its inputs and what only a page can show.
func TestOnlyRefusalsNoFormCanFixLeaveTheForm(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		page bool
	}{
		{"a missing record leaves the form", crm.Errorf(crm.ENotFound, "gone"), true},
		{"a role that may not leaves the form", crm.Errorf(crm.EForbidden, "no"), true},
		{"an ended session leaves the form", crm.Errorf(crm.EUnauthorized, "signed out"), true},
		{"a failure leaves the form", errors.New("disk full"), true},
		{"a field in error stays on the form", crm.Invalid(crm.FieldError{Field: "name", Code: "required"}), false},
		{"a stale version stays on the form", crm.Errorf(crm.EVersionConflict, "changed"), false},
		{"a conflict stays on the form", crm.Errorf(crm.EConflict, "taken"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := pageLevel(c.err); got != c.page {
				t.Errorf("pageLevel(%v) = %v, want %v", c.err, got, c.page)
			}
		})
	}
}
