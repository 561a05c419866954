package api

import (
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/lead"
	"github.com/kehucrm/kehu/internal/crm/pool"
	"github.com/kehucrm/kehu/internal/httpx"
)

// leadsAPI serves leads (潜在客户) and the public pool (公海).
type leadsAPI struct {
	leads *lead.Service
	pool  *pool.Service
}

// registerLeads adds this module's routes; see Register.
func (a *API) registerLeads(rt *httpx.Router) {
	s := &leadsAPI{leads: a.leads, pool: a.pool}
	rt.HandleFunc("GET /api/v1/leads", s.listLeads, httpx.List(httpx.OneOf("status", lead.Statuses...), httpx.OneOf("source", lead.Sources...),
		httpx.ID("assignee_id"), httpx.ID("customer_id")), httpx.Requires(crm.ActLeadRead))
	rt.HandleFunc("POST /api/v1/leads", s.createLead, httpx.Requires(crm.ActLeadCreate))
	rt.HandleFunc("GET /api/v1/leads/{id}", s.getLead, httpx.Requires(crm.ActLeadRead))
	rt.HandleFunc("PATCH /api/v1/leads/{id}", s.updateLead, httpx.Requires(crm.ActLeadRead))
	rt.HandleFunc("GET /api/v1/leads/{id}/events", s.leadEvents, httpx.List(), httpx.Requires(crm.ActLeadRead))
	rt.HandleFunc("POST /api/v1/leads/{id}/assign", s.assignLead, httpx.Requires(crm.ActLeadAssign))
	rt.HandleFunc("POST /api/v1/leads/{id}/claim", s.claimLead, httpx.Requires(crm.ActLeadClaim))
	rt.HandleFunc("POST /api/v1/leads/{id}/convert", s.convertLead, httpx.Requires(crm.ActLeadConvert))

	rt.HandleFunc("GET /api/v1/pool-rules", s.listPoolRules, httpx.List())
	rt.HandleFunc("PUT /api/v1/pool-rules/{tier}", s.putPoolRule, httpx.Requires(crm.ActPoolManage))
	rt.HandleFunc("DELETE /api/v1/pool-rules/{tier}", s.deletePoolRule, httpx.Requires(crm.ActPoolManage))
	rt.HandleFunc("GET /api/v1/pool", s.listPool, httpx.List(httpx.Text("region_code"), httpx.ID("from_owner_id")), httpx.Requires(crm.ActPoolRead))
	rt.HandleFunc("GET /api/v1/pool/upcoming", s.listUpcoming, httpx.List(), httpx.Requires(crm.ActPoolRead))
	rt.HandleFunc("POST /api/v1/pool/{customer_id}/claim", s.claimFromPool, httpx.Requires(crm.ActPoolClaim))
}

func (s *leadsAPI) listLeads(w http.ResponseWriter, r *http.Request) error {
	p, before, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := lead.Filter{Status: q.Get("status"), Source: q.Get("source"), AssigneeID: httpx.QueryID(r, "assignee_id"),
		CustomerID: httpx.QueryID(r, "customer_id"), Before: before, Limit: p.Limit + 1}
	list, total, err := s.leads.List(r.Context(), f, httpx.Language(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(l lead.Lead) any { return l.ID }).Of(total))
	return nil
}

func leadLocation(id int64) string { return "/api/v1/leads/" + strconv.FormatInt(id, 10) }

func (s *leadsAPI) createLead(w http.ResponseWriter, r *http.Request) error {
	var in lead.Input
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	l, err := s.leads.Create(r.Context(), in, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, l.Version)
	httpx.WriteCreated(w, leadLocation(l.ID), l)
	return nil
}

func (s *leadsAPI) getLead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	l, err := s.leads.Get(r.Context(), id, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, l.Version)
	httpx.WriteJSON(w, http.StatusOK, l)
	return nil
}

func (s *leadsAPI) updateLead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in lead.Input
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Version, err = versionFrom(r, in.Version); err != nil {
		return err
	}
	l, err := s.leads.Update(r.Context(), id, in, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, l.Version)
	httpx.WriteJSON(w, http.StatusOK, l)
	return nil
}

func (s *leadsAPI) leadEvents(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	evs, err := s.leads.Events(r.Context(), id)
	if err != nil {
		return err
	}
	return writeSlicePage(w, evs, p, func(e lead.Event) int64 { return e.ID })
}

func (s *leadsAPI) assignLead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		AssigneeID int64 `json:"assignee_id"`
	}
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	l, err := s.leads.Assign(r.Context(), id, in.AssigneeID, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, l.Version)
	httpx.WriteJSON(w, http.StatusOK, l)
	return nil
}

func (s *leadsAPI) claimLead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	l, err := s.leads.Claim(r.Context(), id, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, l.Version)
	httpx.WriteJSON(w, http.StatusOK, l)
	return nil
}

// convertLead creates the customer (201, its Location) and answers the
// lead with it.
func (s *leadsAPI) convertLead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in lead.ConvertInput
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(r, &in); err != nil {
			return err
		}
	}
	out, err := s.leads.Convert(r.Context(), id, in, httpx.Language(r))
	if err != nil {
		return err
	}
	setETag(w, out.Customer.Version)
	httpx.WriteCreated(w, "/api/v1/customers/"+strconv.FormatInt(out.Customer.ID, 10), out)
	return nil
}

func (s *leadsAPI) listPoolRules(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	rules, err := s.pool.Rules(r.Context())
	if err != nil {
		return err
	}
	return writeSlicePage(w, rules, p, func(x pool.Rule) int64 { return x.ID })
}

func (s *leadsAPI) putPoolRule(w http.ResponseWriter, r *http.Request) error {
	var in pool.Rule
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if r.Header.Get("If-Match") != "" {
		v, err := versionFrom(r, in.Version)
		if err != nil {
			return err
		}
		in.Version = v
	}
	rule, err := s.pool.PutRule(r.Context(), r.PathValue("tier"), in)
	if err != nil {
		return err
	}
	setETag(w, rule.Version)
	httpx.WriteJSON(w, http.StatusOK, rule)
	return nil
}

func (s *leadsAPI) deletePoolRule(w http.ResponseWriter, r *http.Request) error {
	if err := s.pool.DeleteRule(r.Context(), r.PathValue("tier")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func poolCursor(p httpx.PageRequest) (pool.Cursor, error) {
	var c pool.Cursor
	if p.Cursor != "" {
		if err := httpx.DecodeCursor(p.Cursor, &c); err != nil {
			return c, err
		}
	}
	return c, nil
}

func (s *leadsAPI) listPool(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	after, err := poolCursor(p)
	if err != nil {
		return err
	}
	f := pool.ListFilter{RegionCode: r.URL.Query().Get("region_code"), FromOwnerID: httpx.QueryID(r, "from_owner_id"), After: after, Limit: p.Limit + 1}
	list, total, err := s.pool.List(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(e pool.Entry) any {
		return pool.Cursor{At: e.Since, ID: e.CustomerID}
	}).Of(total))
	return nil
}

func (s *leadsAPI) listUpcoming(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	after, err := poolCursor(p)
	if err != nil {
		return err
	}
	list, total, err := s.pool.Upcoming(r.Context(), pool.ListFilter{After: after, Limit: p.Limit + 1})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(u pool.Upcoming) any {
		return pool.Cursor{At: u.DueAt, ID: u.CustomerID}
	}).Of(total))
	return nil
}

func (s *leadsAPI) claimFromPool(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("customer_id"), 10, 64)
	if err != nil || id < 1 {
		return crm.Invalid(crm.Bad("customer_id", "format", "api.id.format"))
	}
	e, err := s.pool.Claim(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, e)
	return nil
}
