package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/httpx"
	"github.com/kehucrm/kehu/internal/msg"
)

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, crm.Invalid(crm.Bad("id", "format", "api.id.format"))
	}
	return id, nil
}

// customerInput is the body of a create: every settable field by name.
type customerInput struct {
	Kind         string `json:"kind"`
	Name         string `json:"name"`
	ShortName    string `json:"short_name"`
	USCC         string `json:"uscc"`
	LegalRep     string `json:"legal_representative"`
	IndustryCode string `json:"industry_code"`
	RegionCode   string `json:"region_code"`
	Address      string `json:"address"`
	Source       string `json:"source"`
	Stage        string `json:"stage"`
	Notes        string `json:"notes"`
	OwnerID      int64  `json:"owner_id"`
	Force        bool   `json:"force"`

	EmployeeBand string            `json:"employee_band"`
	RevenueBand  string            `json:"revenue_band"`
	Tags         []string          `json:"tags"`
	Custom       map[string]string `json:"custom_fields"`
}

func (a *API) createCustomer(w http.ResponseWriter, r *http.Request) error {
	var in customerInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.customers.CreateForced(r.Context(), customer.Customer{Kind: in.Kind, Name: in.Name, ShortName: in.ShortName, USCC: in.USCC,
		LegalRep: in.LegalRep, IndustryCode: in.IndustryCode, RegionCode: in.RegionCode, Address: in.Address, Source: in.Source,
		Stage: in.Stage, Notes: in.Notes, OwnerID: in.OwnerID, EmployeeBand: in.EmployeeBand, RevenueBand: in.RevenueBand,
		Tags: in.Tags, Custom: in.Custom}, in.Force, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, c.Version)
	httpx.WriteCreated(w, "/api/v1/customers/"+strconv.FormatInt(c.ID, 10), c)
	return nil
}

// customerPage is a page of the customer list with the list's total:
// exact up to crm.CountExactUpTo, an estimate above (total_estimated, and
// total_is_estimate, its name before every list had one).
type customerPage struct {
	httpx.Page[customer.Customer]
	TotalIsEstimate bool `json:"total_is_estimate"`
}

// listCustomers pages through the customers in scope, newest first or
// by ?sort= (created_at, updated_at, name, code; "-" first descends).
// A sorted list's cursor is a keyset (sort key, ID) that belongs to its
// sort: one from another sort is refused.
func (a *API) listCustomers(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	f, err := customerFilter(r)
	if err == nil {
		err = a.customerTierFilter(r, &f)
	}
	if err != nil {
		return err
	}
	f.Query, f.Trash, f.Limit, f.Sort = p.Q, r.URL.Query().Get("trash") == "true", p.Limit+1, p.Sort
	if err := customerCursor(p, &f); err != nil {
		return err
	}
	list, n, err := a.customers.ListCounted(r.Context(), f)
	if err != nil {
		return err
	}
	page := httpx.MakePage(list, p.Limit, func(c customer.Customer) any {
		if f.Sort != "" {
			return customer.CursorAfter(f.Sort, c)
		}
		return c.ID
	})
	page = page.Of(crm.ListTotal{N: n.Total, Estimated: n.Estimate})
	httpx.WriteJSON(w, http.StatusOK, customerPage{Page: page, TotalIsEstimate: n.Estimate})
	return nil
}

// customerCursor checks the sort and reads the cursor into f: an ID for
// the default order, a keyset of the same sort otherwise.
func customerCursor(p httpx.PageRequest, f *customer.CustomerFilter) error {
	if f.Sort != "" {
		if _, _, err := customer.ParseCustomerSort(f.Sort); err != nil {
			return err
		}
	}
	if p.Cursor == "" {
		return nil
	}
	bad := func() error {
		e := crm.Invalid(crm.Bad("cursor", "invalid", "api.cursor.invalid"))
		e.Code = crm.EBadRequest
		return e
	}
	if f.Sort == "" {
		if err := httpx.DecodeCursor(p.Cursor, &f.BeforeID); err != nil || f.BeforeID < 1 {
			return bad()
		}
		return nil
	}
	var k customer.SortCursor
	if err := httpx.DecodeCursor(p.Cursor, &k); err != nil || k.Sort != f.Sort || k.ID < 1 {
		return bad()
	}
	f.After = &k
	return nil
}

func (a *API) getCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := a.customers.Get(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, c.Version)
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

// customerPatch is a PATCH body; fields left out stay as they are.
type customerPatch struct {
	Version      int     `json:"version"`
	Kind         *string `json:"kind"`
	Name         *string `json:"name"`
	ShortName    *string `json:"short_name"`
	USCC         *string `json:"uscc"`
	LegalRep     *string `json:"legal_representative"`
	IndustryCode *string `json:"industry_code"`
	RegionCode   *string `json:"region_code"`
	Address      *string `json:"address"`
	Source       *string `json:"source"`
	Stage        *string `json:"stage"`
	Notes        *string `json:"notes"`
	OwnerID      *int64  `json:"owner_id"`
	Force        bool    `json:"force"`

	EmployeeBand *string   `json:"employee_band"`
	RevenueBand  *string   `json:"revenue_band"`
	Tags         *[]string `json:"tags"`
	// Custom merges by key: a key set to null removes that value, keys
	// left out stay as they are.
	Custom map[string]*string `json:"custom_fields"`
}

func (a *API) updateCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in customerPatch
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Version, err = versionAfter(r, in.Version, func() error { _, err := a.customers.Get(r.Context(), id); return err }); err != nil {
		return err
	}
	c, err := a.customers.Update(r.Context(), id, customer.CustomerPatch{Version: in.Version, Kind: in.Kind, Name: in.Name, ShortName: in.ShortName,
		USCC: in.USCC, LegalRep: in.LegalRep, IndustryCode: in.IndustryCode, RegionCode: in.RegionCode, Address: in.Address,
		Source: in.Source, Stage: in.Stage, Notes: in.Notes, OwnerID: in.OwnerID, Force: in.Force,
		EmployeeBand: in.EmployeeBand, RevenueBand: in.RevenueBand, Tags: in.Tags, CustomMerge: in.Custom}, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, c.Version)
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

// deleteCustomer moves a customer to the trash; ?hard=true erases one
// already in the trash (administrators only).
func (a *API) deleteCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("hard") == "true" {
		err = a.customers.HardDelete(r.Context(), id)
	} else {
		// Who may not trash hears so before what the request lacks.
		if _, err := crm.Authorize(r.Context(), crm.ActCustomerDelete); err != nil {
			return err
		}
		v := 0 // If-Match: * (RFC 9110 §13.1.1) is any version: a delete that means to win
		if strings.TrimSpace(r.Header.Get("If-Match")) != "*" {
			if v, err = versionFrom(r, 0); err != nil {
				return err
			}
		}
		err = a.customers.Delete(r.Context(), id, v)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) restoreCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := a.customers.Restore(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) handover(w http.ResponseWriter, r *http.Request) error {
	var in customer.Handover
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	res, err := a.customers.Handover(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, res)
	return nil
}

// interactionInput is a new timeline entry. at is an RFC 3339 time;
// next_due_at may also be a date, meaning the end of that day (China time).
type interactionInput struct {
	At           timeInput `json:"at"`
	Channel      string    `json:"channel"`
	Participants string    `json:"participants"`
	Content      string    `json:"content"`
	Feedback     string    `json:"feedback"`
	NextStep     string    `json:"next_step"`
	NextDueAt    timeInput `json:"next_due_at"`
}

func (a *API) createInteraction(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in interactionInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	var tf timeFields
	at, due := tf.instant("at", in.At), tf.deadline("next_due_at", in.NextDueAt)
	if err := tf.err(); err != nil {
		return err
	}
	it := customer.Interaction{CustomerID: id, Channel: in.Channel, Participants: in.Participants, Content: in.Content,
		Feedback: in.Feedback, NextStep: in.NextStep, NextDueAt: due}
	if at != nil {
		it.At = *at
	}
	it, err = a.customers.AddInteraction(r.Context(), it)
	if err != nil {
		return err
	}
	setETag(w, it.Version)
	httpx.WriteCreated(w, "/api/v1/interactions/"+strconv.FormatInt(it.ID, 10), it)
	return nil
}

func (a *API) listInteractions(w http.ResponseWriter, r *http.Request) error {
	return writeCustomerPage(w, r, a.customers.Interactions, a.customers.InteractionTotal, func(it customer.Interaction) int64 { return it.ID })
}

// writeCustomerPage answers with a page of one customer's records listed
// newest first, by ID, through list (the customer is {id} in the path;
// the cursor is the last record's ID).
func writeCustomerPage[T any](w http.ResponseWriter, r *http.Request, list func(ctx context.Context, customerID, before int64, limit int) ([]T, error),
	total func(ctx context.Context, customerID int64) (crm.ListTotal, error), id func(T) int64) error {
	customerID, err := pathID(r)
	if err != nil {
		return err
	}
	p, before, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	items, err := list(r.Context(), customerID, before, p.Limit+1)
	if err != nil {
		return err
	}
	n, err := total(r.Context(), customerID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(items, p.Limit, func(it T) any { return id(it) }).Of(n))
	return nil
}

type mergeInput struct {
	FromID  int64 `json:"from_id"`
	Version int   `json:"version"`
}

// mergeCustomer folds another customer into this one.
func (a *API) mergeCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in mergeInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	switch {
	case in.FromID == 0:
		e := crm.Invalid(crm.Bad("from_id", "required", "api.from_id.required"))
		e.Text = msg.M("api.merge.from_id_required")
		return e
	case in.FromID < 0:
		return crm.Invalid(crm.Bad("from_id", "format", "api.from_id.format"))
	}
	if in.Version, err = versionFrom(r, in.Version); err != nil {
		return err
	}
	c, err := a.customers.Merge(r.Context(), id, in.FromID, in.Version)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

// customerFilterParams are the query parameters customerFilter reads, as
// the list and the export declare them to the router: a filter added to
// customerFilter must be added here too, or the router refuses it.
var customerFilterParams = []httpx.Param{httpx.Text("q"), httpx.OneOf("stage", customer.CustomerStages...),
	httpx.ID("owner_id"), httpx.ID("team_id"), regionParam("region"), industryParam("industry"), httpx.Text("tag"), httpx.Text("tier"),
	httpx.Date("created_from"), httpx.Date("created_to"), httpx.Date("updated_from"), httpx.Date("updated_to"), httpx.Bool("trash"),
	httpx.OneOf("sort", customerSorts()...)}

// regionParam takes a GB/T 2260 region code or its 2- or 4-digit prefix
// (a province, a city); a code in no table is a 400 naming it.
func regionParam(name string) httpx.Param {
	return httpx.Code(name, func(v string) bool { _, ok := regionFilterPrefix(v); return ok }, "http.query.region.unknown")
}

// regionFilterPrefix is the prefix of the codes a region filter matches: a
// GB/T 2260 code or prefix as cn.RegionPrefix reads it, and a statistics
// bureau's development-zone code (320571 苏州工业园区) as the region it lies
// in, which is where a customer of that zone is kept.
func regionFilterPrefix(v string) (string, bool) {
	if in, _, ok := cn.DevZoneRegion(v); ok { // 320571 and 320576 alike, as a customer's code is kept
		return cn.RegionPrefix(in.Code)
	}
	if p, ok := cn.RegionPrefix(v); ok {
		return p, true
	}
	return "", false
}

// regionSearchParams are the region list's: a text to search, or the
// region whose children (parent) or whose chain up to its province (code)
// to list.
var regionSearchParams = []httpx.Param{httpx.Text("q"),
	httpx.Code("parent", func(v string) bool { _, ok := cn.RegionByCode(strings.TrimSpace(v)); return ok }, "http.query.region.unknown"),
	httpx.Code("code", func(v string) bool { return len(cn.RegionChain(strings.TrimSpace(v))) > 0 }, "http.query.region.unknown")}

// industryParam takes a GB/T 4754 section letter or division code.
func industryParam(name string) httpx.Param {
	return httpx.Code(name, func(v string) bool { _, ok := cn.IndustryByCode(v); return ok }, "http.query.industry.unknown")
}

// exportParams are the export's parameters: the list's filters, the
// format and the reason for revealing mobiles.
var exportParams = append([]httpx.Param{httpx.OneOf("format", "csv", "xlsx"), httpx.Text("reveal_reason")}, customerFilterParams...)

// customerSorts are the values of the customer list's sort: each sort
// key, ascending or, with a leading "-", descending.
func customerSorts() []string {
	var out []string
	for _, f := range customer.CustomerSorts {
		out = append(out, f, "-"+f)
	}
	return out
}

// customerFilter reads the list filters shared by the list and the export:
// stage, owner_id, team_id, region (code or 2/4-digit prefix), industry,
// tag, created_from and created_to, updated_from and updated_to (dates in
// China time, to exclusive).
// A stage that is not one of crm.CustomerStages is refused, not taken to
// match nothing.
func customerFilter(r *http.Request) (customer.CustomerFilter, error) {
	q := r.URL.Query()
	f := customer.CustomerFilter{Query: q.Get("q"), Stage: q.Get("stage"), Region: q.Get("region"), Industry: q.Get("industry"), Tag: q.Get("tag")}
	var fs []crm.FieldError
	if f.Stage != "" && !slices.Contains(customer.CustomerStages, f.Stage) {
		fs = append(fs, crm.Bad("stage", "unknown", "api.one_of", strings.Join(customer.CustomerStages, ", ")))
	}
	if t := q.Get("trash"); t != "" && t != "true" && t != "false" {
		fs = append(fs, crm.Bad("trash", "format", "api.trash.format"))
	}
	for name, dst := range map[string]*int64{"owner_id": &f.OwnerID, "team_id": &f.TeamID} {
		if s := q.Get(name); s != "" {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				fs = append(fs, crm.Bad(name, "format", "api.filter.id"))
			}
			*dst = v
		}
	}
	for name, dst := range map[string]*time.Time{"created_from": &f.From, "created_to": &f.To, "updated_from": &f.UpdatedFrom, "updated_to": &f.UpdatedTo} {
		if s := q.Get(name); s != "" {
			t, err := time.ParseInLocation("2006-01-02", s, chinaTime)
			if err != nil {
				fs = append(fs, crm.Bad(name, "format", "api.from.format"))
			}
			*dst = t
		}
	}
	if f.Region != "" {
		if _, ok := regionFilterPrefix(f.Region); !ok {
			fs = append(fs, crm.Bad("region", "unknown", "api.region.unknown"))
		}
	}
	if len(fs) > 0 {
		return f, crm.Invalid(fs...)
	}
	if p, ok := regionFilterPrefix(f.Region); ok {
		f.Region = p
	}
	if in, ok := cn.IndustryByCode(f.Industry); ok {
		f.Industry = in.Code // "c " is section C
	}
	return f, nil
}

// getInteraction reads one timeline entry, where its creation's Location
// points; one of a customer out of scope is 404.
func (a *API) getInteraction(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	it, err := a.customers.Interaction(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, it.Version)
	httpx.WriteJSON(w, http.StatusOK, it)
	return nil
}

func (a *API) customerFields(w http.ResponseWriter, r *http.Request) error {
	return writeTemplate(w, r, a.customers.CustomerFields)
}

func (a *API) putCustomerFields(w http.ResponseWriter, r *http.Request) error {
	var in templateInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := a.customers.SetCustomerFields(r.Context(), in.Fields, in.Version); err != nil {
		return err
	}
	return a.customerFields(w, r)
}
