package ui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
)

// formProblem is what a form shows when the domain refuses its input:
// messages next to the fields at fault, and one message for the form as
// a whole when the problem belongs to none of its fields.
type formProblem struct {
	Fields map[string][]string // form field name → messages, in the page's language
	Form   string
}

// problemOf translates err for a form in lang. fields maps the domain's
// field names to the form's input names; a field the form does not have
// is reported for the whole form, so no message is lost.
//
// A field's message is the catalogue's field.FIELD.CODE when it has one
// (a whole sentence for fields no form has, such as a page's cursor),
// else the domain's own: the domain speaks English, except the password
// policy, which already answers in the language it is given.
func (u *UI) problemOf(lang string, err error, fields map[string]string) formProblem {
	p := formProblem{Fields: map[string][]string{}}
	var e *crm.Error
	if !errors.As(err, &e) {
		p.Form = u.msgs.text(lang, "error.generic")
		return p
	}
	for _, f := range e.Fields {
		msg, translated := u.msgs[lang]["field."+f.Field+"."+f.Code]
		if !translated {
			msg = f.Message
		}
		if name, ok := fields[f.Field]; ok {
			p.Fields[name] = append(p.Fields[name], msg)
			continue
		}
		if !translated {
			msg = f.Field + ": " + msg
		}
		p.Form = strings.TrimSpace(p.Form + " " + msg)
	}
	if len(e.Fields) == 0 {
		key := "error." + e.Code
		if _, ok := u.msgs[lang][key]; !ok {
			key = "error.generic"
		}
		p.Form = u.msgs.text(lang, key)
	}
	return p
}

// mismatch is the validation error of a repeated password that differs
// from the first; the forms check it before asking the domain.
func mismatch() error {
	return crm.Invalid(crm.FieldError{Field: "repeat", Code: "mismatch", Message: "does not match"})
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
