package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/workflow"
	"github.com/kehucrm/kehu/internal/httpx"
)

// workflowPages serve the approver's inbox (审批待办) with one-click
// decisions, and the workflow editor, where each save is a new version.
type workflowPages struct {
	*UI
	ws *workflow.Service
}

// registerWorkflows adds the inbox and the editor.
func (u *UI) registerWorkflows(rt *httpx.Router) {
	s := &workflowPages{UI: u, ws: u.svc.Workflows}
	rt.Handle("GET /workflow-tasks", u.private(s.inbox))
	rt.Handle("GET /workflows", u.private(s.list))
	rt.Handle("GET /workflows/{id}", u.private(s.edit))
	rt.Handle("POST /workflows/{id}", u.private(s.save))
}

// wholeForm words a refusal for a form that shows every message at its
// top, each after the field it is about.
func (u *UI) wholeForm(lang string, err error) string {
	return u.msgs.problem(lang, err, wording{
		input:   func(string) (string, bool) { return "", false },
		label:   func(f crm.FieldError, _ bool) string { return f.Field + ": " },
		generic: "error.generic",
	}).Form
}

// inboxRow is an open step as the inbox shows it.
type inboxRow struct {
	workflow.InboxItem
	Step, Link, Action string
	// An order's code, customer and amount (empty for other records).
	Code, Customer, Amount string
}

type inboxData struct {
	Rows         []inboxRow
	Total        int64
	Next, Notice string
	Error        string
}

func (s *workflowPages) inbox(w http.ResponseWriter, r *http.Request) error {
	return s.showInbox(w, r, http.StatusOK, "")
}

// showInbox renders the inbox under status, with a decision's refusal.
func (u *UI) showInbox(w http.ResponseWriter, r *http.Request, status int, refusal string) error {
	lang := langOf(r)
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	items, total, err := u.svc.Workflows.Inbox(r.Context(), after, 51)
	if err != nil {
		return err
	}
	d := inboxData{Total: total.N}
	if len(items) > 50 {
		items = items[:50]
		d.Next = "/workflow-tasks?after=" + strconv.FormatInt(items[49].TaskID, 10)
	}
	for _, it := range items {
		row := inboxRow{InboxItem: it, Step: workflow.StepName(lang, it.StepName, it.StepNameEn)}
		if it.Entity == "order" {
			row.Link, row.Action = "/orders/"+it.EntityID, "/orders/"+it.EntityID+"/decide"
			if id, err := strconv.ParseInt(it.EntityID, 10, 64); err == nil && u.svc.Orders != nil {
				if o, err := u.svc.Orders.Summary(r.Context(), id); err == nil {
					row.Code, row.Customer, row.Amount = o.Code, o.CustomerName, o.Total.Yuan()
				} else if crm.ErrorCode(err) != crm.ENotFound && crm.ErrorCode(err) != crm.EForbidden {
					return err
				}
			}
		}
		d.Rows = append(d.Rows, row)
	}
	if r.URL.Query().Get("notice") == "decided" {
		d.Notice = u.msgs.text(lang, "workflow.ui.decided")
	}
	d.Error = refusal
	return u.render(w, r, status, "workflow_inbox", "workflow.ui.inbox", d)
}

func (s *workflowPages) list(w http.ResponseWriter, r *http.Request) error {
	list, err := s.ws.Definitions(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "workflow_list", "workflow.ui.editor", struct{ Rows []workflow.Definition }{list})
}

// wfStepForm is one row of the editor as typed.
type wfStepForm struct {
	Key, Name, NameEn, Kind, Role, UserID, Mode, N, Deadline, Hook, Conditions string
}

type workflowForm struct {
	Def    workflow.Definition
	Steps  []wfStepForm
	Kinds  []choice
	Roles  []choice
	Modes  []choice
	Error  string
	Notice string
	// ReadOnly shows the workflow to whoever may not edit it
	// (workflow.manage): no save button, no blank row.
	ReadOnly bool
}

func (s *workflowPages) formOf(lang string, d workflow.Definition, steps []wfStepForm) workflowForm {
	f := workflowForm{Def: d, Steps: steps}
	for _, k := range workflow.Resolvers {
		f.Kinds = append(f.Kinds, choice{Value: k, Label: s.msgs.text(lang, "workflow.kind."+k)})
	}
	for _, m := range workflow.Modes {
		f.Modes = append(f.Modes, choice{Value: m, Label: s.msgs.text(lang, "workflow.mode."+m)})
	}
	for _, r := range crm.Roles {
		if r != crm.RoleAdmin && r != crm.RoleAuditor && r.Valid() {
			f.Roles = append(f.Roles, choice{Value: string(r), Label: s.msgs.text(lang, "role."+string(r))})
		}
	}
	// One blank row adds a step.
	f.Steps = append(f.Steps, wfStepForm{Kind: workflow.ResolveRole, Mode: workflow.ModeAny, Deadline: "8"})
	return f
}

func stepsOf(d workflow.Definition) []wfStepForm {
	out := make([]wfStepForm, 0, len(d.Steps))
	for _, st := range d.Steps {
		var conds []string
		for _, c := range st.Conditions {
			conds = append(conds, c.Fact+" "+c.Op+" "+c.Value)
		}
		f := wfStepForm{Key: st.Key, Name: st.Name, NameEn: st.NameEn, Kind: st.Approver.Kind, Role: string(st.Approver.Role), Mode: st.Mode,
			Deadline: strconv.Itoa(st.DeadlineHours), Hook: st.Hook, Conditions: strings.Join(conds, "\n")}
		if st.Approver.UserID > 0 {
			f.UserID = strconv.FormatInt(st.Approver.UserID, 10)
		}
		if st.N > 0 {
			f.N = strconv.Itoa(st.N)
		}
		out = append(out, f)
	}
	return out
}

func (s *workflowPages) edit(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return crm.Fail(crm.ENotFound, "workflow.no_such", 0)
	}
	d, err := s.ws.Definition(r.Context(), id, 0)
	if err != nil {
		return err
	}
	p, _ := crm.PrincipalFrom(r.Context())
	steps := stepsOf(d)
	f := s.formOf(langOf(r), d, steps)
	if !p.Role.Can(crm.ActWorkflowManage) {
		f.ReadOnly, f.Steps = true, steps
	}
	if v := r.URL.Query().Get("saved"); v != "" {
		n, _ := strconv.Atoi(v)
		f.Notice = s.msgs.text(langOf(r), "workflow.ui.saved", n)
	}
	return s.render(w, r, http.StatusOK, "workflow_edit", "workflow.ui.editor", f)
}

// save reads the editor's rows (a row with no name, or marked removed,
// is left out) and saves them as the workflow's next version.
func (s *workflowPages) save(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return crm.Fail(crm.ENotFound, "workflow.no_such", 0)
	}
	if err := r.ParseForm(); err != nil {
		return crm.Invalid(crm.Bad("form", "format", "error.generic"))
	}
	v := r.PostForm
	rows, _ := strconv.Atoi(v.Get("rows"))
	var forms []wfStepForm
	var steps []workflow.Step
	var bad []string
	for i := range min(rows, 40) {
		at := func(name string) string { return strings.TrimSpace(v.Get(fmt.Sprintf("%s_%d", name, i))) }
		f := wfStepForm{Key: at("key"), Name: at("name"), NameEn: at("name_en"), Kind: at("kind"), Role: at("role"), UserID: at("user_id"),
			Mode: at("mode"), N: at("n"), Deadline: at("deadline"), Hook: at("hook"), Conditions: at("conditions")}
		if f.Name == "" || at("remove") == "on" {
			continue
		}
		forms = append(forms, f)
		st := workflow.Step{Key: f.Key, Name: f.Name, NameEn: f.NameEn, Mode: f.Mode, Hook: f.Hook,
			Approver: workflow.Approver{Kind: f.Kind}}
		if f.Kind == workflow.ResolveRole {
			st.Approver.Role = crm.Role(f.Role)
		}
		if f.Kind == workflow.ResolveUser {
			st.Approver.UserID, _ = strconv.ParseInt(f.UserID, 10, 64)
		}
		st.N, _ = strconv.Atoi(f.N)
		st.DeadlineHours, _ = strconv.Atoi(f.Deadline)
		for j, line := range strings.Split(f.Conditions, "\n") {
			parts := strings.Fields(line)
			if len(parts) == 0 {
				continue
			}
			if len(parts) != 3 {
				bad = append(bad, s.msgs.text(lang, "workflow.ui.conditions_format", len(steps)+1, j+1))
				continue
			}
			st.Conditions = append(st.Conditions, workflow.Condition{Fact: parts[0], Op: parts[1], Value: parts[2]})
		}
		steps = append(steps, st)
	}
	version, _ := strconv.Atoi(v.Get("version"))
	def := workflow.Definition{ID: id, Name: v.Get("name"), NameEn: v.Get("name_en"), Steps: steps, Version: version}
	if len(bad) == 0 {
		saved, err := s.ws.UpdateDefinition(r.Context(), id, version, def)
		if err == nil {
			http.Redirect(w, r, "/workflows/"+strconv.FormatInt(id, 10)+"?saved="+strconv.Itoa(saved.Version), http.StatusSeeOther)
			return nil
		}
		if refused(err) || crm.ErrorCode(err) == crm.ENotFound {
			return err
		}
		bad = append(bad, s.wholeForm(lang, err))
	}
	old, err := s.ws.Definition(r.Context(), id, 0)
	if err != nil {
		return err
	}
	def.Code, def.Version = old.Code, old.Version
	f := s.formOf(lang, def, forms)
	f.Error = strings.Join(bad, " ")
	return s.render(w, r, http.StatusUnprocessableEntity, "workflow_edit", "workflow.ui.editor", f)
}
