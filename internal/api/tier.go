package api

import (
	"net/http"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/tier"
	"github.com/kehucrm/kehu/internal/httpx"
)

// registerTiers adds the tiering routes (客户分级, issue #16): schemes,
// preview, recalculation runs, customers' tiers, overrides and watch
// flags, and service standards; see Register.
func (a *API) registerTiers(rt *httpx.Router) {
	rt.HandleFunc("GET /api/v1/tier-schemes", a.listTierSchemes, httpx.List())
	rt.HandleFunc("POST /api/v1/tier-schemes", a.createTierScheme, httpx.Requires(crm.ActTierManage))
	rt.HandleFunc("GET /api/v1/tier-schemes/{id}", a.getTierScheme)
	rt.HandleFunc("PATCH /api/v1/tier-schemes/{id}", a.patchTierScheme, httpx.Requires(crm.ActTierManage))
	rt.HandleFunc("POST /api/v1/tier-schemes/{id}/preview", a.previewTierScheme, httpx.Requires(crm.ActTierManage))
	rt.HandleFunc("POST /api/v1/tier-schemes/{id}/recalculate", a.recalculateTiers, httpx.Requires(crm.ActTierManage))
	rt.HandleFunc("GET /api/v1/tier-runs/{id}", a.getTierRun)
	rt.HandleFunc("GET /api/v1/customers/{id}/tiers", a.customerTiers)
	rt.HandleFunc("GET /api/v1/customers/{id}/tier-history", a.customerTierHistory, httpx.List(httpx.ID("scheme_id")))
	rt.HandleFunc("PUT /api/v1/customers/{id}/tiers/{scheme}/override", a.overrideTier, httpx.Requires(crm.ActTierOverride))
	rt.HandleFunc("DELETE /api/v1/customers/{id}/tiers/{scheme}/override", a.clearTierOverride, httpx.Requires(crm.ActTierOverride))
	rt.HandleFunc("PUT /api/v1/customers/{id}/watch-flag", a.setWatchFlag, httpx.Requires(crm.ActTierOverride))
	rt.HandleFunc("DELETE /api/v1/customers/{id}/watch-flag", a.clearWatchFlag, httpx.Requires(crm.ActTierOverride))
	rt.HandleFunc("GET /api/v1/service-standards", a.listServiceStandards, httpx.List(httpx.ID("scheme_id")))
	rt.HandleFunc("PUT /api/v1/service-standards/{scheme}", a.putServiceStandards, httpx.Requires(crm.ActTierManage))
	rt.HandleFunc("GET /api/v1/service-standards/violations", a.listStandardViolations, httpx.List())
}

func schemePathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("scheme"), 10, 64)
	if err != nil || id < 1 {
		return 0, crm.Invalid(crm.Bad("scheme", "format", "api.id.format"))
	}
	return id, nil
}

func (a *API) listTierSchemes(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := a.tiers.Schemes(r.Context())
	if err != nil {
		return err
	}
	return writeSlicePage(w, list, p, func(s tier.Scheme) int64 { return s.ID })
}

func (a *API) createTierScheme(w http.ResponseWriter, r *http.Request) error {
	var in tier.Scheme
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	s, err := a.tiers.CreateScheme(r.Context(), in)
	if err != nil {
		return err
	}
	setETag(w, s.Version)
	w.Header().Set("Location", "/api/v1/tier-schemes/"+strconv.FormatInt(s.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, s)
	return nil
}

func (a *API) getTierScheme(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	s, err := a.tiers.Scheme(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, s.Version)
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) patchTierScheme(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in tier.SchemePatch
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Version, err = versionFrom(r, in.Version); err != nil {
		return err
	}
	s, err := a.tiers.UpdateScheme(r.Context(), id, in)
	if err != nil {
		return err
	}
	setETag(w, s.Version)
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

// previewTierScheme answers what the scheme as edited (the body, a patch
// over the saved scheme) would do now, saving nothing.
func (a *API) previewTierScheme(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in tier.SchemePatch
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	p, err := a.tiers.Preview(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (a *API) recalculateTiers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	run, err := a.tiers.Recalculate(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tier-runs/"+strconv.FormatInt(run.ID, 10))
	httpx.WriteJSON(w, http.StatusAccepted, run)
	return nil
}

func (a *API) getTierRun(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	run, err := a.tiers.Run(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, run)
	return nil
}

type customerTiersBody struct {
	Tiers []tier.CustomerTier `json:"tiers"`
	Flag  *tier.Flag          `json:"watch_flag"`
}

func (a *API) customerTiers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ts, f, err := a.tiers.CustomerTiers(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, customerTiersBody{Tiers: ts, Flag: f})
	return nil
}

func (a *API) customerTierHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, before, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	list, total, err := a.tiers.CustomerHistory(r.Context(), id, httpx.QueryID(r, "scheme_id"), before, p.Limit+1)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(h tier.HistoryEntry) any { return h.ID }).Of(total))
	return nil
}

func (a *API) overrideTier(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	scheme, err := schemePathID(r)
	if err != nil {
		return err
	}
	var in tier.OverrideInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	t, err := a.tiers.Override(r.Context(), id, scheme, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, t)
	return nil
}

func (a *API) clearTierOverride(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	scheme, err := schemePathID(r)
	if err != nil {
		return err
	}
	t, err := a.tiers.ClearOverride(r.Context(), id, scheme)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, t)
	return nil
}

type watchFlagInput struct {
	Reason string `json:"reason"`
}

func (a *API) setWatchFlag(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in watchFlagInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	f, err := a.tiers.SetFlag(r.Context(), id, in.Reason)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, f)
	return nil
}

func (a *API) clearWatchFlag(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.tiers.ClearFlag(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listServiceStandards(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := a.tiers.Standards(r.Context(), httpx.QueryID(r, "scheme_id"))
	if err != nil {
		return err
	}
	page, err := httpx.SlicePage(list, p, func(s tier.Standard) any { return strconv.FormatInt(s.SchemeID, 10) + "/" + s.Level })
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

type standardsBody struct {
	Standards []tier.Standard `json:"standards"`
}

func (a *API) putServiceStandards(w http.ResponseWriter, r *http.Request) error {
	scheme, err := schemePathID(r)
	if err != nil {
		return err
	}
	var in standardsBody
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Standards == nil {
		return crm.Invalid(crm.Bad("standards", "required", "tier_err.required"))
	}
	ss, err := a.tiers.PutStandards(r.Context(), scheme, in.Standards)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, standardsBody{Standards: ss})
	return nil
}

func (a *API) listStandardViolations(w http.ResponseWriter, r *http.Request) error {
	p, after, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	list, total, err := a.tiers.Violations(r.Context(), after, p.Limit+1)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(v tier.Violation) any { return v.CustomerID }).Of(total))
	return nil
}
