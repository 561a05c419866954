package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/project"
	"github.com/kehucrm/kehu/internal/httpx"
)

// registerProjects adds the customer projects' routes (客户工程, issue
// #17); see Register.
func (a *API) registerProjects(rt *httpx.Router) {
	steps := []string{project.StepAccept, project.StepSurvey, project.StepPlan, project.StepDesign, project.StepEquipment,
		project.StepConstruction, project.StepAcceptance, project.StepCommission}
	rt.HandleFunc("GET /api/v1/projects", a.listProjects, httpx.List(httpx.ID("customer_id"), httpx.OneOf("status", project.Statuses...),
		httpx.OneOf("step", steps...), httpx.Bool("overdue")), httpx.Requires(crm.ActProjectRead))
	rt.HandleFunc("POST /api/v1/projects", a.createProject, httpx.Requires(crm.ActProjectCreate))
	rt.HandleFunc("GET /api/v1/projects/{id}", a.getProject, httpx.Requires(crm.ActProjectRead))
	rt.HandleFunc("POST /api/v1/projects/{id}/decisions", a.decideProject, httpx.Requires(crm.ActWorkflowDecide))
	rt.HandleFunc("GET /api/v1/project-settings", a.projectSettings, httpx.Requires(crm.ActSettingsManage))
	rt.HandleFunc("PUT /api/v1/project-settings", a.setProjectSettings, httpx.Requires(crm.ActSettingsManage))
}

type projectInput struct {
	CustomerID int64      `json:"customer_id"`
	Address    string     `json:"address"`
	Nature     string     `json:"nature"`
	Voltage    numberText `json:"voltage"`
	Capacity   numberText `json:"capacity"`
	Contact    string     `json:"contact"`
	Notes      string     `json:"notes"`
}

func (a *API) listProjects(w http.ResponseWriter, r *http.Request) error {
	p, after, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := project.Filter{CustomerID: httpx.QueryID(r, "customer_id"), Status: q.Get("status"), Step: q.Get("step"), After: after, Limit: p.Limit + 1}
	if o := httpx.QueryBool(r, "overdue"); o != nil && *o {
		f.Overdue = true
	}
	list, total, err := a.projects.List(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(x project.Project) any { return x.ID }).Of(total))
	return nil
}

// createProject enters an application for power and starts its steps.
func (a *API) createProject(w http.ResponseWriter, r *http.Request) error {
	var in projectInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	p, err := a.projects.Submit(r.Context(), project.Input{CustomerID: in.CustomerID, Address: in.Address, Nature: in.Nature,
		Voltage: string(in.Voltage), CapacityKVA: string(in.Capacity), Contact: in.Contact, Notes: in.Notes})
	if err != nil {
		return err
	}
	setETag(w, p.Version)
	httpx.WriteCreated(w, "/api/v1/projects/"+strconv.FormatInt(p.ID, 10), p)
	return nil
}

func (a *API) getProject(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := a.projects.Get(r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, p.Version)
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

// stepFields are a decision's fields: strings, numbers, or lists (of
// attachment ids), each read as text.
type stepFields map[string]string

func (f *stepFields) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := stepFields{}
	for k, v := range raw {
		var list []numberText
		var one numberText
		switch {
		case json.Unmarshal(v, &list) == nil:
			ws := make([]string, len(list))
			for i, x := range list {
				ws[i] = string(x)
			}
			out[k] = strings.Join(ws, ",")
		case json.Unmarshal(v, &one) == nil:
			out[k] = string(one)
		default:
			out[k] = string(v)
		}
	}
	*f = out
	return nil
}

type projectDecisionInput struct {
	Decision string     `json:"decision"`
	Comment  string     `json:"comment"`
	Fields   stepFields `json:"fields"`
}

// decideProject records the signed-in user's decision on the project's
// open step with the fields it records; only whoever the step names may
// decide.
func (a *API) decideProject(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in projectDecisionInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	p, err := a.projects.Decide(r.Context(), id, in.Decision, in.Comment, in.Fields)
	if err != nil {
		return err
	}
	setETag(w, p.Version)
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (a *API) projectSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := a.projects.Settings(r.Context())
	if err != nil {
		return err
	}
	setETag(w, s.Version)
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) setProjectSettings(w http.ResponseWriter, r *http.Request) error {
	var in project.Settings
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	if v, ok, err := ifMatch(r); err != nil {
		return err
	} else if ok && in.Version == 0 {
		in.Version = v
	}
	s, err := a.projects.SetSettings(r.Context(), in)
	if err != nil {
		return err
	}
	setETag(w, s.Version)
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}
