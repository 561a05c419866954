package ui

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
)

// customerForm is the create and edit form as typed; its inputs are
// named as the domain names the fields.
type customerForm struct {
	ID                                                        int64
	Version                                                   int
	Code, Kind, Name, ShortName, USCC, LegalRep, IndustryCode string
	RegionCode, Address, Source, Stage, Notes                 string
	EmployeeBand, RevenueBand                                 string
	Tags                                                      string            // comma-separated, as typed
	Custom                                                    map[string]string // custom field key → value
	Force                                                     bool              // keep a name another customer has
}

// customerFormData is what the form page shows.
type customerFormData struct {
	Form                   customerForm
	Edit                   bool // changing Form.ID rather than adding a customer
	Stale                  bool // someone else changed the customer since the form was filled in
	Duplicate              bool // another customer has the name: offer "save anyway"
	Kinds, Sources, Stages []choice
	EmployeeBands          []choice
	RevenueBands           []choice
	CustomFields           []customInput
	Problem                formProblem
	// Region starts the region picker; Industries are the industry
	// select's sections and divisions.
	Region     regionPick
	Industries []industryGroup
}

// customerFields are the form's inputs that can carry a message.
var customerFields = []string{"kind", "name", "short_name", "uscc", "legal_representative", "industry_code",
	"region_code", "address", "source", "stage", "notes", "employee_band", "revenue_band", "tags"}

func formOf(r *http.Request) customerForm {
	v := r.PostFormValue
	version, _ := strconv.Atoi(v("version"))
	return customerForm{Version: version, Kind: v("kind"), Name: v("name"), ShortName: v("short_name"), USCC: v("uscc"),
		LegalRep: v("legal_representative"), IndustryCode: v("industry_code"), RegionCode: v("region_code"),
		Address: v("address"), Source: v("source"), Stage: v("stage"), Notes: v("notes"), Force: v("force") == "true",
		EmployeeBand: v("employee_band"), RevenueBand: v("revenue_band"), Tags: v("tags"), Custom: customOf(r)}
}

func formFrom(x customer.Customer) customerForm {
	return customerForm{ID: x.ID, Version: x.Version, Code: x.Code, Kind: x.Kind, Name: x.Name, ShortName: x.ShortName,
		USCC: x.USCC, LegalRep: x.LegalRep, IndustryCode: x.IndustryCode, RegionCode: x.RegionCode, Address: x.Address,
		Source: x.Source, Stage: x.Stage, Notes: x.Notes, EmployeeBand: x.EmployeeBand, RevenueBand: x.RevenueBand,
		Tags: strings.Join(x.Tags, ", "), Custom: x.Custom}
}

func (c *customerPages) newForm(w http.ResponseWriter, r *http.Request) error {
	me, _ := crm.PrincipalFrom(r.Context())
	if !me.Role.Can(crm.ActCustomerCreate) {
		return crm.Fail(crm.EForbidden, "customers.refused.add")
	}
	return c.showForm(w, r, http.StatusOK, customerForm{Kind: "company", Source: "other", Stage: "potential"}, formProblem{}, nil)
}

// create adds the customer the form describes, owned by the caller, and
// goes on to its page.
func (c *customerPages) create(w http.ResponseWriter, r *http.Request) error {
	f, lang := formOf(r), langOf(r)
	x, err := c.cs.CreateForced(r.Context(), customer.Customer{Kind: f.Kind, Name: f.Name, ShortName: f.ShortName, USCC: f.USCC,
		LegalRep: f.LegalRep, IndustryCode: f.IndustryCode, RegionCode: f.RegionCode, Address: f.Address,
		Source: f.Source, Stage: f.Stage, Notes: f.Notes, EmployeeBand: f.EmployeeBand, RevenueBand: f.RevenueBand,
		Tags: splitTags(f.Tags), Custom: filled(f.Custom)}, f.Force, lang)
	if err != nil {
		if pageLevel(err) {
			return err
		}
		return c.showForm(w, r, httpx.Status(err), f, c.customerProblem(r, lang, err), err)
	}
	http.Redirect(w, r, fmt.Sprintf("/customers/%d?notice=created", x.ID), http.StatusSeeOther)
	return nil
}

func (c *customerPages) editForm(w http.ResponseWriter, r *http.Request) error {
	me, _ := crm.PrincipalFrom(r.Context())
	id, err := customerID(r)
	if err == nil && !me.Role.Can(crm.ActCustomerUpdate) {
		err = crm.Fail(crm.EForbidden, "customers.refused.change")
	}
	var x customer.Customer
	if err == nil {
		x, err = c.cs.Get(r.Context(), id)
	}
	if err != nil {
		return err
	}
	return c.showForm(w, r, http.StatusOK, formFrom(x), formProblem{}, nil)
}

// update changes the customer at the version the form was filled in
// from, so that a change made meanwhile by someone else is not lost.
func (c *customerPages) update(w http.ResponseWriter, r *http.Request) error {
	f, lang := formOf(r), langOf(r)
	id, err := customerID(r)
	var x customer.Customer
	if err == nil {
		f.ID = id
		tags, custom := splitTags(f.Tags), filled(f.Custom)
		x, err = c.cs.Update(r.Context(), id, customer.CustomerPatch{Version: f.Version, Kind: &f.Kind, Name: &f.Name,
			ShortName: &f.ShortName, USCC: &f.USCC, LegalRep: &f.LegalRep, IndustryCode: &f.IndustryCode,
			RegionCode: &f.RegionCode, Address: &f.Address, Source: &f.Source, Stage: &f.Stage, Notes: &f.Notes, Force: f.Force,
			EmployeeBand: &f.EmployeeBand, RevenueBand: &f.RevenueBand, Tags: &tags, Custom: &custom}, lang)
	}
	if err != nil {
		if pageLevel(err) {
			return err
		}
		f.Code = x.Code
		return c.showForm(w, r, httpx.Status(err), f, c.customerProblem(r, lang, err), err)
	}
	http.Redirect(w, r, fmt.Sprintf("/customers/%d?notice=updated", x.ID), http.StatusSeeOther)
	return nil
}

// showForm renders the form filled in as given, at the address of the
// page it belongs to, with p saying what is wrong with it; err is the
// refusal p was made from, if any.
func (c *customerPages) showForm(w http.ResponseWriter, r *http.Request, status int, f customerForm, p formProblem, err error) error {
	lang, title, path := langOf(r), "customers.new", "/customers/new"
	if f.ID != 0 {
		title, path = "customers.edit", fmt.Sprintf("/customers/%d/edit", f.ID)
	}
	d := customerFormData{Form: f, Edit: f.ID != 0, Problem: p, Kinds: c.choices(lang, "kind", customer.CustomerKinds, f.Kind),
		Sources: c.choices(lang, "source", customer.CustomerSources, f.Source), Stages: c.choices(lang, "stage", customer.CustomerStages, f.Stage),
		EmployeeBands: c.choices(lang, "employee_band", customer.EmployeeBands, f.EmployeeBand),
		RevenueBands:  c.choices(lang, "revenue_band", customer.RevenueBands, f.RevenueBand)}
	d.Region = regionPickOf(f.RegionCode)
	industry := strings.TrimSpace(f.IndustryCode)
	if in, ok := cn.IndustryByCode(industry); ok {
		industry = in.Code
	}
	d.Industries = industryGroups(lang, industry)
	fields, _, ferr := c.cs.CustomerFields(r.Context())
	if ferr != nil {
		return ferr
	}
	d.CustomFields = customInputs(lang, fields, f.Custom)
	d.Stale = d.Edit && crm.ErrorCode(err) == crm.EVersionConflict
	d.Duplicate = refusedFor(err, "name", "duplicate")
	return c.render(w, at(r, path), status, "customers_form", title, d)
}

// problem translates err for one of the pages' forms (customer, contact,
// interaction, …). A field's message is the catalogue's
// customers.field.FORM.FIELD.CODE where the form words it better, with
// the domain's message in lang in place of a %s; else the domain's own in
// lang. A field the form has no input for, and an error about no field,
// is the form's message.
func (c *customerPages) problem(lang, form string, err error, inputs []string) formProblem {
	return c.msgs.problem(lang, err, wording{
		own: func(f crm.FieldError) (string, bool) {
			t, ok := c.msgs[lang]["customers.field."+form+"."+f.Field+"."+f.Code]
			if ok && strings.Contains(t, "%s") {
				t = fmt.Sprintf(t, fieldSays(lang, f))
			}
			return t, ok
		},
		input:   func(field string) (string, bool) { return field, slices.Contains(inputs, field) },
		code:    c.msgs.codeKey(lang, "customers.error."),
		generic: "customers.error.generic",
	})
}

// refusedFor reports whether err refuses field for the reason code, such
// as a duplicate that the form may confirm and send again.
func refusedFor(err error, field, code string) bool {
	var e *crm.Error
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			if f.Field == field && f.Code == code {
				return true
			}
		}
	}
	return false
}
