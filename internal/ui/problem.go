package ui

import (
	"errors"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// formProblem is what a form shows when the domain refuses its input:
// messages next to the fields at fault, and one message for the form as
// a whole when the problem belongs to none of its fields.
type formProblem struct {
	Fields map[string][]string // form field name → messages, in the page's language
	Form   string
}

// wording is how one group of forms words the domain's refusals. The
// domain's own text, rendered in the page's language, is the default; a
// form overrides it where it can say more (naming one of its controls),
// and words a failure of no field by the error's code.
type wording struct {
	// own is the form's text for f, if it has one.
	own func(f crm.FieldError) (string, bool)
	// input is the form's input that shows the domain's field; a field
	// without one is reported for the whole form, so no message is lost.
	input func(field string) (string, bool)
	// label prefixes a message shown for the whole form with the field it
	// is about; nil leaves the message as it is.
	label func(f crm.FieldError, ownText bool) string
	// code is the form's text for e, an error of no field, if it has one.
	code func(e *crm.Error) (string, bool)
	// generic is the key of the text for an error that is no domain error.
	generic string
}

// problem renders err for a form in lang with the form's wording: the one
// translator of the pages, so that every form shows the domain's message
// in the page's language wherever the form has no better words.
func (c catalog) problem(lang string, err error, w wording) formProblem {
	p := formProblem{Fields: map[string][]string{}}
	var e *crm.Error
	if !errors.As(err, &e) {
		p.Form = c.text(lang, w.generic)
		return p
	}
	for _, f := range e.Fields {
		text, own := "", false
		if w.own != nil {
			text, own = w.own(f)
		}
		if !own {
			text = fieldSays(lang, f)
		}
		if name, ok := w.input(f.Field); ok {
			p.Fields[name] = append(p.Fields[name], text)
			continue
		}
		if w.label != nil {
			text = w.label(f, own) + text
		}
		p.Form = strings.TrimSpace(p.Form + " " + text)
	}
	if len(e.Fields) == 0 {
		p.Form = c.errorText(lang, e, w)
	}
	return p
}

// errorText words an error of no field: the form's text for its code,
// else the domain's, else the generic text.
func (c catalog) errorText(lang string, e *crm.Error, w wording) string {
	if w.code != nil {
		if t, ok := w.code(e); ok {
			return t
		}
	}
	if !e.Text.IsZero() {
		return e.Text.In(lang)
	}
	return c.text(lang, w.generic)
}

// own returns a wording's override function for the keys prefix+f(field
// error): the catalogue's text in lang where it has the key.
func (c catalog) own(lang string, key func(f crm.FieldError) string) func(crm.FieldError) (string, bool) {
	return func(f crm.FieldError) (string, bool) {
		t, ok := c[lang][key(f)]
		return t, ok
	}
}

// codeKey returns a wording's code function for the keys prefix+CODE.
func (c catalog) codeKey(lang, prefix string) func(*crm.Error) (string, bool) {
	return func(e *crm.Error) (string, bool) {
		t, ok := c[lang][prefix+e.Code]
		return t, ok
	}
}

// fieldSays is what the domain says about f in lang: its text rendered
// in lang, or, from a producer that gives none yet, its message.
func fieldSays(lang string, f crm.FieldError) string {
	if f.Text.IsZero() {
		return f.Message
	}
	return f.Text.In(lang)
}

// errorSays is what the domain says err is, in lang (for a validation
// error, its one field and what is wrong with it, or that several fields
// are); an error that is no domain error is the catalogue's internal
// error, so nothing internal is shown.
func errorSays(lang string, err error) string {
	var e *crm.Error
	if !errors.As(err, &e) {
		return msg.Text(lang, "crm.internal")
	}
	text, _ := e.In(lang)
	return text
}
