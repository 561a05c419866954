package ui

import (
	"net/http"
	"strings"

	"github.com/kehucrm/kehu/internal/crm/customer"
)

// customInput is one of the administrator's custom customer fields as the
// form and the detail page show it.
type customInput struct {
	customer.CardField
	Name, Label, Value string // Name is the input's name, custom_fields.KEY
	Choices            []choice
}

// customInputs are the inputs of the custom fields, filled from values.
func customInputs(lang string, fields []customer.CardField, values map[string]string) []customInput {
	out := make([]customInput, 0, len(fields))
	for _, f := range fields {
		in := customInput{CardField: f, Name: "custom_fields." + f.Key, Label: cardLabel(lang, f), Value: values[f.Key]}
		for _, o := range f.Options {
			in.Choices = append(in.Choices, choice{Value: o, Label: o, Selected: o == in.Value})
		}
		out = append(out, in)
	}
	return out
}

// customOf reads the posted custom_fields.KEY inputs.
func customOf(r *http.Request) map[string]string {
	_ = r.ParseForm()
	out := map[string]string{}
	for name, vs := range r.PostForm {
		if key, ok := strings.CutPrefix(name, "custom_fields."); ok && len(vs) > 0 {
			out[key] = vs[0]
		}
	}
	return out
}

// filled keeps the values given, trimmed: an input left empty is a field
// the customer does not have, not a change to audit.
func filled(values map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out[k] = v
		}
	}
	return out
}

// splitTags splits the tags input at commas, ASCII or full-width as a
// Chinese keyboard types them, dropping empty ones.
func splitTags(s string) []string {
	out := []string{}
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// customerProblem translates err for the customer form, whose inputs
// include the custom fields defined when it was posted.
func (c *customerPages) customerProblem(r *http.Request, lang string, err error) formProblem {
	fields, _, ferr := c.cs.CustomerFields(r.Context())
	if ferr != nil {
		return c.problem(lang, "customer", err, customerFields)
	}
	inputs := append([]string{}, customerFields...)
	for _, f := range fields {
		inputs = append(inputs, "custom_fields."+f.Key)
	}
	return c.typedProblem(lang, c.problem(lang, "customer", err, inputs), err, "custom_fields.", fields)
}
