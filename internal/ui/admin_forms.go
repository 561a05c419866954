package ui

import (
	"net/http"

	"github.com/kehucrm/kehu/internal/crm"
)

// problemOf translates err for an administration form in lang. fields
// maps the domain's field names to the form's input names. A field's
// message is the catalogue's field.FIELD.CODE where the form words it
// better (a whole sentence for fields no form has, such as a page's
// cursor), else the domain's own in lang; an error of no field is the
// catalogue's error.CODE where it has one.
func (u *UI) problemOf(lang string, err error, fields map[string]string) formProblem {
	return u.msgs.problem(lang, err, wording{
		own: u.msgs.own(lang, func(f crm.FieldError) string { return "field." + f.Field + "." + f.Code }),
		input: func(field string) (string, bool) {
			name, ok := fields[field]
			return name, ok
		},
		label: func(f crm.FieldError, own bool) string {
			if own {
				return ""
			}
			return f.Field + ": "
		},
		code:    u.msgs.codeKey(lang, "error."),
		generic: "error.generic",
	})
}

// mismatch is the validation error of a repeated password that differs
// from the first; the forms check it before asking the domain.
func mismatch() error {
	return crm.Invalid(crm.Bad("repeat", "mismatch", "field.repeat.mismatch"))
}

// at returns r as if it had asked for the page at path. A form that fails
// is shown again in the answer to its POST; the page must still say where
// it lives, so that the language switch and the navigation come back to
// it and not to the POST's address.
func at(r *http.Request, path string) *http.Request {
	if r.URL.Path == path {
		return r
	}
	r2 := *r
	u := *r.URL
	u.Path, u.RawPath, u.RawQuery = path, "", ""
	r2.URL = &u
	return &r2
}
