package api

import (
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/dealer"
	"github.com/kehucrm/kehu/internal/httpx"
)

// dealersAPI serves dealers' monthly plans (月计划) and the month's sales
// plan.
type dealersAPI struct {
	ds *dealer.Service
}

// registerDealers adds this module's routes; see Register.
func (a *API) registerDealers(rt *httpx.Router) {
	d := &dealersAPI{ds: a.dealers}
	rt.HandleFunc("GET /api/v1/dealer-plans", d.listPlans, httpx.List(httpx.ID("dealer_id"), httpx.Month("month"),
		httpx.OneOf("status", dealer.PlanStatuses...)), httpx.Requires(crm.ActDealerPlanRead))
	rt.HandleFunc("POST /api/v1/dealer-plans", d.createPlan, httpx.Requires(crm.ActDealerPlanWrite))
	rt.HandleFunc("GET /api/v1/dealer-plans/{id}", d.getPlan, httpx.Requires(crm.ActDealerPlanRead))
	rt.HandleFunc("PATCH /api/v1/dealer-plans/{id}", d.updatePlan, httpx.Requires(crm.ActDealerPlanWrite))
	rt.HandleFunc("POST /api/v1/dealer-plans/{id}/submit", d.submitPlan, httpx.Requires(crm.ActDealerPlanWrite))
	rt.HandleFunc("GET /api/v1/dealer-plan-settings", d.settings, httpx.Requires(crm.ActSettingsManage))
	rt.HandleFunc("PUT /api/v1/dealer-plan-settings", d.setSettings, httpx.Requires(crm.ActSettingsManage))
	rt.HandleFunc("POST /api/v1/sales-plans", d.merge, httpx.Requires(crm.ActSalesPlanManage))
	rt.HandleFunc("GET /api/v1/sales-plans/{month}", d.salesPlan, httpx.Requires(crm.ActSalesPlanManage, crm.ActSalesPlanApprove))
	rt.HandleFunc("POST /api/v1/sales-plans/{month}/submit", d.submitSalesPlan, httpx.Requires(crm.ActSalesPlanManage))
	rt.HandleFunc("POST /api/v1/sales-plans/{month}/decision", d.decide, httpx.Requires(crm.ActSalesPlanApprove))
}

// dealerPlanLineInput is a plan line as the API takes it.
type dealerPlanLineInput struct {
	ProductID int64      `json:"product_id"`
	Quantity  numberText `json:"quantity"`
}

// dealerPlanInput is the body of a plan's create or change.
type dealerPlanInput struct {
	DealerID int64                  `json:"dealer_id"`
	Month    string                 `json:"month"`
	Lines    *[]dealerPlanLineInput `json:"lines"`
	Notes    *string                `json:"notes"`
	Submit   bool                   `json:"submit"`
	Version  int                    `json:"version"`
}

func (in dealerPlanInput) domain() dealer.PlanInput {
	out := dealer.PlanInput{DealerID: in.DealerID, Month: in.Month, Notes: in.Notes, Submit: in.Submit}
	if in.Lines != nil {
		out.Lines = make([]dealer.LineInput, 0, len(*in.Lines))
		for _, l := range *in.Lines {
			out.Lines = append(out.Lines, dealer.LineInput{ProductID: l.ProductID, Quantity: string(l.Quantity)})
		}
	}
	return out
}

func (d *dealersAPI) listPlans(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	var after dealer.PlanCursor
	if p.Cursor != "" {
		if err := httpx.DecodeCursor(p.Cursor, &after); err != nil {
			return err
		}
	}
	q := r.URL.Query()
	f := dealer.PlanFilter{DealerID: httpx.QueryID(r, "dealer_id"), Month: q.Get("month"), Status: q.Get("status"), After: after, Limit: p.Limit + 1}
	list, total, err := d.ds.Plans(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(x dealer.Plan) any {
		return dealer.PlanCursor{Month: x.Month, ID: x.ID}
	}).Of(total))
	return nil
}

func (d *dealersAPI) createPlan(w http.ResponseWriter, r *http.Request) error {
	var in dealerPlanInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	plan, err := d.ds.CreatePlan(r.Context(), in.domain())
	if err != nil {
		return err
	}
	setETag(w, plan.Version)
	httpx.WriteCreated(w, "/api/v1/dealer-plans/"+strconv.FormatInt(plan.ID, 10), plan)
	return nil
}

func (d *dealersAPI) getPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	plan, err := d.ds.Plan(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, plan.Version)
	httpx.WriteJSON(w, http.StatusOK, plan)
	return nil
}

// updatePlan changes a draft plan; the version read comes in If-Match (or
// the body's version).
func (d *dealersAPI) updatePlan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in dealerPlanInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Version, err = versionAfter(r, in.Version, func() error { _, err := d.ds.Plan(r.Context(), id); return err }); err != nil {
		return err
	}
	plan, err := d.ds.UpdatePlan(r.Context(), id, in.Version, in.domain())
	if err != nil {
		return err
	}
	setETag(w, plan.Version)
	httpx.WriteJSON(w, http.StatusOK, plan)
	return nil
}

// planVersionBody is the body of an action on a versioned record.
type planVersionBody struct {
	Version int `json:"version"`
}

func (d *dealersAPI) submitPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in planVersionBody
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(r, &in); err != nil {
			return err
		}
	}
	if in.Version, err = versionAfter(r, in.Version, func() error { _, err := d.ds.Plan(r.Context(), id); return err }); err != nil {
		return err
	}
	plan, err := d.ds.SubmitPlan(r.Context(), id, in.Version)
	if err != nil {
		return err
	}
	setETag(w, plan.Version)
	httpx.WriteJSON(w, http.StatusOK, plan)
	return nil
}

func (d *dealersAPI) settings(w http.ResponseWriter, r *http.Request) error {
	s, err := d.ds.Settings(r.Context())
	if err != nil {
		return err
	}
	setETag(w, s.Version)
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (d *dealersAPI) setSettings(w http.ResponseWriter, r *http.Request) error {
	var in dealer.Settings
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if v, ok, err := ifMatch(r); err != nil {
		return err
	} else if ok && in.Version == 0 {
		in.Version = v
	}
	s, err := d.ds.SetSettings(r.Context(), in)
	if err != nil {
		return err
	}
	setETag(w, s.Version)
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

// salesPlanMergeInput is the body of a merge: the month (YYYY-MM).
type salesPlanMergeInput struct {
	Month string `json:"month"`
}

// merge merges the month's submitted dealer plans into the month's sales
// plan: 201 when the month had none, 200 when an open one is merged again.
func (d *dealersAPI) merge(w http.ResponseWriter, r *http.Request) error {
	var in salesPlanMergeInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	sp, created, err := d.ds.Merge(r.Context(), in.Month)
	if err != nil {
		return err
	}
	setETag(w, sp.Version)
	if created {
		httpx.WriteCreated(w, "/api/v1/sales-plans/"+sp.Month, sp)
		return nil
	}
	w.Header().Set("Location", "/api/v1/sales-plans/"+sp.Month)
	httpx.WriteJSON(w, http.StatusOK, sp)
	return nil
}

func (d *dealersAPI) salesPlan(w http.ResponseWriter, r *http.Request) error {
	sp, err := d.ds.SalesPlan(r.Context(), r.PathValue("month"))
	if err != nil {
		return err
	}
	setETag(w, sp.Version)
	httpx.WriteJSON(w, http.StatusOK, sp)
	return nil
}

func (d *dealersAPI) submitSalesPlan(w http.ResponseWriter, r *http.Request) error {
	var in planVersionBody
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(r, &in); err != nil {
			return err
		}
	}
	if v, ok, err := ifMatch(r); err != nil {
		return err
	} else if ok && in.Version == 0 {
		in.Version = v
	}
	sp, err := d.ds.SubmitSalesPlan(r.Context(), r.PathValue("month"), in.Version)
	if err != nil {
		return err
	}
	setETag(w, sp.Version)
	httpx.WriteJSON(w, http.StatusOK, sp)
	return nil
}

// salesPlanDecisionInput is the GM's decision on a sales plan.
type salesPlanDecisionInput struct {
	Decision string `json:"decision"`
	Comment  string `json:"comment"`
	Version  int    `json:"version"`
}

func (d *dealersAPI) decide(w http.ResponseWriter, r *http.Request) error {
	var in salesPlanDecisionInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if v, ok, err := ifMatch(r); err != nil {
		return err
	} else if ok && in.Version == 0 {
		in.Version = v
	}
	sp, err := d.ds.DecideSalesPlan(r.Context(), r.PathValue("month"), in.Version, in.Decision, in.Comment)
	if err != nil {
		return err
	}
	setETag(w, sp.Version)
	httpx.WriteJSON(w, http.StatusOK, sp)
	return nil
}
