package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/workflow"
	"github.com/kehucrm/kehu/internal/httpx"
)

// registerWorkflows adds the workflow engine's routes (issue #17):
// workflows as data, the approver's inbox and delegations; see Register.
func (a *API) registerWorkflows(rt *httpx.Router) {
	rt.HandleFunc("GET /api/v1/workflows", a.listWorkflows, httpx.List(), httpx.Requires(crm.ActWorkflowRead))
	rt.HandleFunc("POST /api/v1/workflows", a.createWorkflow, httpx.Requires(crm.ActWorkflowManage))
	rt.HandleFunc("GET /api/v1/workflows/{id}", a.getWorkflow, httpx.Query(httpx.IntRange("version", 1, 1_000_000)), httpx.Requires(crm.ActWorkflowRead))
	rt.HandleFunc("PUT /api/v1/workflows/{id}", a.putWorkflow, httpx.Requires(crm.ActWorkflowManage))
	rt.HandleFunc("GET /api/v1/workflow-tasks", a.listWorkflowTasks, httpx.List(httpx.Bool("mine")), httpx.Requires(crm.ActWorkflowDecide))
	rt.HandleFunc("GET /api/v1/delegations", a.listDelegations, httpx.List(), httpx.Requires(crm.ActWorkflowDecide))
	rt.HandleFunc("POST /api/v1/delegations", a.createDelegation, httpx.Requires(crm.ActWorkflowDecide))
	rt.HandleFunc("GET /api/v1/delegations/{id}", a.getDelegation, httpx.Requires(crm.ActWorkflowDecide))
	rt.HandleFunc("DELETE /api/v1/delegations/{id}", a.deleteDelegation, httpx.Requires(crm.ActWorkflowDecide))
}

func (a *API) listWorkflows(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := a.workflows.Definitions(r.Context())
	if err != nil {
		return err
	}
	return writeSlicePage(w, list, p, func(d workflow.Definition) int64 { return d.ID })
}

func (a *API) createWorkflow(w http.ResponseWriter, r *http.Request) error {
	var in workflow.Definition
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	d, err := a.workflows.CreateDefinition(r.Context(), in)
	if err != nil {
		return err
	}
	setETag(w, d.Version)
	httpx.WriteCreated(w, "/api/v1/workflows/"+strconv.FormatInt(d.ID, 10), d)
	return nil
}

func (a *API) getWorkflow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.URL.Query().Get("version"))
	d, err := a.workflows.Definition(r.Context(), id, version)
	if err != nil {
		return err
	}
	setETag(w, d.Version)
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

// workflowInput is a workflow's new version: its steps (and names), and
// the version the change was made to.
type workflowInput struct {
	Name    string          `json:"name"`
	NameEn  string          `json:"name_en"`
	Steps   []workflow.Step `json:"steps"`
	Version int             `json:"version"`
}

// putWorkflow saves a workflow's next version; instances running keep
// theirs.
func (a *API) putWorkflow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in workflowInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	// The version read comes in If-Match (or the body's version), as
	// for products.
	if in.Version, err = versionAfter(r, in.Version, func() error { _, err := a.workflows.Definition(r.Context(), id, 0); return err }); err != nil {
		return err
	}
	d, err := a.workflows.UpdateDefinition(r.Context(), id, in.Version, workflow.Definition{Name: in.Name, NameEn: in.NameEn, Steps: in.Steps})
	if err != nil {
		return err
	}
	setETag(w, d.Version)
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

// listWorkflowTasks is the approver's inbox: the open steps the signed-in
// user may decide, their own and their delegators', oldest first.
func (a *API) listWorkflowTasks(w http.ResponseWriter, r *http.Request) error {
	p, after, err := httpx.ParsePageByID(r)
	if err != nil {
		return err
	}
	if b := httpx.QueryBool(r, "mine"); b != nil && !*b {
		return crm.Invalid(crm.Bad("mine", "unsupported", "workflow.tasks.mine_only"))
	}
	list, total, err := a.workflows.Inbox(r.Context(), after, p.Limit+1)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, httpx.MakePage(list, p.Limit, func(x workflow.InboxItem) any { return x.TaskID }).Of(total))
	return nil
}

func (a *API) listDelegations(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := a.workflows.Delegations(r.Context())
	if err != nil {
		return err
	}
	return writeSlicePage(w, list, p, func(d workflow.Delegation) int64 { return d.ID })
}

// delegationInput is a delegation: user_id (empty: the signed-in user),
// delegate_id, from (empty: now) and to, RFC 3339.
type delegationInput struct {
	UserID     int64  `json:"user_id"`
	DelegateID int64  `json:"delegate_id"`
	From       string `json:"from"`
	To         string `json:"to"`
}

func (a *API) createDelegation(w http.ResponseWriter, r *http.Request) error {
	var in delegationInput
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return err
	}
	d := workflow.Delegation{UserID: in.UserID, DelegateID: in.DelegateID}
	var fs []crm.FieldError
	parse := func(field, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			fs = append(fs, crm.Bad(field, "format", "workflow.delegation.time_format"))
		}
		return t
	}
	d.From, d.To = parse("from", in.From), parse("to", in.To)
	if len(fs) > 0 {
		return crm.Invalid(fs...)
	}
	d, err := a.workflows.Delegate(r.Context(), d)
	if err != nil {
		return err
	}
	httpx.WriteCreated(w, "/api/v1/delegations/"+strconv.FormatInt(d.ID, 10), d)
	return nil
}

func (a *API) deleteDelegation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.workflows.EndDelegation(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) getDelegation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := a.workflows.Delegation(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}
