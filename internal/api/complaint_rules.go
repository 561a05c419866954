package api

import (
	"net/http"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/complaint"
	"github.com/kehucrm/kehu/internal/crm/inbox"
	"github.com/kehucrm/kehu/internal/httpx"
)

// registerComplaintRules adds the complaint deadline rules, abnormality
// records, satisfaction surveys and notice e-mail routes; see Register.
func (a *API) registerComplaintRules(rt *httpx.Router) {
	rt.HandleFunc("GET /api/v1/complaint-rules", a.getComplaintRules)
	rt.HandleFunc("PUT /api/v1/complaint-rules", a.putComplaintRules, httpx.Requires(crm.ActSettingsManage))
	rt.HandleFunc("GET /api/v1/abnormalities", a.listAbnormalities, httpx.List(httpx.OneOf("status", string(complaint.AbnormalityOpen), string(complaint.AbnormalityContained), string(complaint.AbnormalityClosed))))
	rt.HandleFunc("GET /api/v1/abnormalities/{id}", a.getAbnormality)
	rt.HandleFunc("PATCH /api/v1/abnormalities/{id}", a.patchAbnormality, httpx.Requires(crm.ActComplaintRead))
	rt.HandleFunc("POST /api/v1/public/csat/{token}", a.answerCSAT, httpx.Public())
	rt.HandleFunc("POST /api/v1/complaints/{id}/csat", a.recordCSAT, httpx.Requires(crm.ActComplaintRead))
	rt.HandleFunc("GET /api/v1/csat/phone-follow-ups", a.phoneFollowUps, httpx.List())
	rt.HandleFunc("GET /api/v1/notifications/email", a.getNotifyEmail)
	rt.HandleFunc("PUT /api/v1/notifications/email", a.putNotifyEmail)
}

type complaintRulesBody struct {
	Rules []complaint.ComplaintRule `json:"rules"`
}

func (a *API) getComplaintRules(w http.ResponseWriter, r *http.Request) error {
	rules, err := a.complaints.Rules(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, complaintRulesBody{Rules: rules})
	return nil
}

func (a *API) putComplaintRules(w http.ResponseWriter, r *http.Request) error {
	var in complaintRulesBody
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Rules == nil {
		return crm.Invalid(crm.Bad("rules", "required", "api.rules.required"))
	}
	rules, err := a.complaints.PutRules(r.Context(), in.Rules)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, complaintRulesBody{Rules: rules})
	return nil
}

func (a *API) listAbnormalities(w http.ResponseWriter, r *http.Request) error {
	p, before, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	status := r.URL.Query().Get("status")
	list, err := a.complaints.Abnormalities(r.Context(), status, before, p.Limit+1)
	if err != nil {
		return err
	}
	total, err := a.complaints.AbnormalityTotal(r.Context(), status)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(x complaint.Abnormality) any { return x.ID }).Of(total))
	return nil
}

func (a *API) getAbnormality(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	x, err := a.complaints.Abnormality(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, x.Version)
	httpx.WriteJSON(w, http.StatusOK, x)
	return nil
}

func (a *API) patchAbnormality(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in complaint.AbnormalityPatch
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Version, err = versionFrom(r, in.Version); err != nil {
		return err
	}
	x, err := a.complaints.UpdateAbnormality(r.Context(), id, in)
	if err != nil {
		return err
	}
	setETag(w, x.Version)
	httpx.WriteJSON(w, http.StatusOK, x)
	return nil
}

type csatThanks struct {
	ComplaintNumber string `json:"complaint_number"`
	Score           int    `json:"score"`
}

// answerCSAT takes a customer's answer through the survey link: no
// sign-in, rate-limited per address, one answer per link.
func (a *API) answerCSAT(w http.ResponseWriter, r *http.Request) error {
	var in complaint.CSATAnswer
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	s, err := a.complaints.AnswerCSATPublic(r.Context(), r.PathValue("token"), in, httpx.ClientIP(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, csatThanks{ComplaintNumber: s.ComplaintNumber, Score: *s.Score})
	return nil
}

// recordCSAT records an answer the service desk took by phone.
func (a *API) recordCSAT(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in complaint.CSATAnswer
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	c, err := a.complaints.RecordCSATByPhone(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

// phoneFollowUps is the service desk's list of surveys to take by phone,
// oldest first.
func (a *API) phoneFollowUps(w http.ResponseWriter, r *http.Request) error {
	p, after, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	list, err := a.complaints.PhoneFollowUps(r.Context(), after, p.Limit+1)
	if err != nil {
		return err
	}
	total, err := a.complaints.PhoneFollowUpTotal(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(s complaint.CSATSurvey) any { return s.ID }).Of(total))
	return nil
}

func (a *API) getNotifyEmail(w http.ResponseWriter, r *http.Request) error {
	e, err := a.inbox.Email(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, e)
	return nil
}

func (a *API) putNotifyEmail(w http.ResponseWriter, r *http.Request) error {
	var in inbox.NotifyEmail
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	e, err := a.inbox.SetEmail(r.Context(), in.Email)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, e)
	return nil
}
