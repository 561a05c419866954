package api

import (
	"net/http"
	"strings"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/httpx"
)

// validators check one kind of Chinese identifier, returning its
// normalised form and what is wrong with it, if anything.
var validators = map[string]func(string) (string, *cn.Problem){
	"uscc":          cn.ValidateUSCC,
	"resident_id":   cn.ValidateResidentID,
	"mobile":        cn.ValidateMobile,
	"landline":      cn.ValidateLandline,
	"postal_code":   cn.ValidatePostalCode,
	"email":         cn.ValidateEmail,
	"region_code":   func(s string) (string, *cn.Problem) { return strings.TrimSpace(s), cn.ValidRegionCode(s) },
	"industry_code": func(s string) (string, *cn.Problem) { return strings.TrimSpace(s), cn.ValidIndustryCode(s) },
}

type validateRequest struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

type validateResponse struct {
	Kind       string           `json:"kind"`
	Valid      bool             `json:"valid"`
	Normalized string           `json:"normalized,omitempty"`
	Problem    *validateProblem `json:"problem,omitempty"`
}

type validateProblem struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// validate checks one value the way every form does, so a page can show
// the error next to the field while the user types. A warning (such as a
// USCC whose check character fails, which some early codes do) leaves the
// value valid.
func (a *API) validate(w http.ResponseWriter, r *http.Request) error {
	if _, err := crm.Authorize(r.Context(), crm.ActValidate); err != nil {
		return err
	}
	var req validateRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	check, ok := validators[req.Kind]
	if !ok {
		return crm.Invalid(crm.Bad("kind", "unknown", "api.validate.kind"))
	}
	norm, p := check(req.Value)
	res := validateResponse{Kind: req.Kind, Valid: p == nil || p.Severity == cn.Warning}
	if res.Valid {
		res.Normalized = norm
	}
	if p != nil {
		res.Problem = &validateProblem{Code: p.Code, Severity: p.Severity.String(), Message: p.Message(httpx.Language(r))}
	}
	httpx.WriteJSON(w, http.StatusOK, res)
	return nil
}
