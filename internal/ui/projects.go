package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/project"
	"github.com/kehucrm/kehu/internal/crm/workflow"
	"github.com/kehucrm/kehu/internal/httpx"
)

// projectPages serve 客户工程: the board (a column per step, overdue
// first), one project with its steps and the open step's form, and the
// printable supply plan notice (供电方案通知书).
type projectPages struct {
	*UI
	ps *project.Service
}

// registerProjects adds the project pages.
func (u *UI) registerProjects(rt *httpx.Router) {
	s := &projectPages{UI: u, ps: u.svc.Projects}
	rt.Handle("GET /projects", u.private(s.board))
	rt.Handle("GET /projects/{id}", u.private(s.detail))
	rt.Handle("POST /projects/{id}/decide", u.private(s.decide))
	rt.Handle("GET /projects/{id}/notice", u.private(s.notice))
}

// projectSteps are the board's columns: the default workflow's steps.
var projectSteps = []string{project.StepAccept, project.StepSurvey, project.StepPlan, project.StepDesign, project.StepEquipment,
	project.StepConstruction, project.StepAcceptance, project.StepCommission}

type boardColumn struct {
	Key, Name string
	Cards     []project.Project
}

type projectBoard struct {
	Columns []boardColumn
	Total   int64
	More    bool
}

func (s *projectPages) board(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	list, total, err := s.ps.List(r.Context(), project.Filter{ByDeadline: true, Limit: 501})
	if err != nil {
		return err
	}
	d := projectBoard{Total: total.N}
	if len(list) > 500 {
		list, d.More = list[:500], true
	}
	slices.SortStableFunc(list, func(a, b project.Project) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		return 0
	})
	at := map[string]int{}
	for _, k := range projectSteps {
		at[k] = len(d.Columns)
		d.Columns = append(d.Columns, boardColumn{Key: k, Name: s.msgs.text(lang, "project.step."+k)})
	}
	for _, p := range list {
		i, ok := at[p.Step]
		if !ok { // a step an admin added
			i = len(d.Columns)
			at[p.Step] = i
			d.Columns = append(d.Columns, boardColumn{Key: p.Step, Name: p.StepName})
		}
		d.Columns[i].Cards = append(d.Columns[i].Cards, p)
	}
	return s.render(w, r, http.StatusOK, "projects_board", "project.ui.board", d)
}

type projectField struct {
	project.Field
	Label   string
	Choices []choice
	Value   string
}

type projectStepRow struct {
	project.Step
	Label, StatusLabel, Department string
}

type projectDetail struct {
	Project       project.Project
	StatusLabel   string
	NatureLabel   string
	Steps         []projectStepRow
	Recorded      []choice // the fields recorded so far, labelled
	CanDecide     bool
	Form          []projectField
	Notice, Error string
	HasPlan       bool
	DedicatedKVA  int
}

func (s *projectPages) detail(w http.ResponseWriter, r *http.Request) error {
	return s.show(w, r, http.StatusOK, "", nil)
}

func (s *projectPages) fieldValue(lang string, f project.Field, v string) string {
	if f.Kind == project.KindChoice && v != "" {
		return s.msgs.text(lang, "project.value."+v)
	}
	return v
}

func (s *projectPages) show(w http.ResponseWriter, r *http.Request, status int, refusal string, posted map[string]string) error {
	lang := langOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return crm.Fail(crm.ENotFound, "project.not_found", 0)
	}
	p, err := s.ps.Get(r.Context(), id)
	if err != nil {
		return err
	}
	d := projectDetail{Project: p, StatusLabel: s.msgs.text(lang, "project.status."+p.Status), NatureLabel: s.msgs.text(lang, "project.nature."+p.Nature),
		Error: refusal, HasPlan: p.Fields["supply_mode"] != ""}
	for _, st := range p.Steps {
		dept := s.msgs.text(lang, "role."+st.Department)
		if !crm.Role(st.Department).Valid() {
			dept = s.msgs.text(lang, "project.department."+st.Department)
		}
		d.Steps = append(d.Steps, projectStepRow{Step: st, Label: workflow.StepName(lang, st.Name, st.NameEn),
			StatusLabel: s.msgs.text(lang, "project.step_status."+st.Status), Department: dept})
		for _, f := range st.Required {
			if v := st.Fields[f.Key]; v != "" {
				d.Recorded = append(d.Recorded, choice{Value: s.fieldValue(lang, f, v), Label: s.msgs.text(lang, "project.field."+f.Key)})
			}
		}
	}
	if p.Status == project.StatusInProgress && p.InstanceID > 0 {
		pr, _ := crm.PrincipalFrom(r.Context())
		inst, err := s.svc.Workflows.Instance(r.Context(), p.InstanceID)
		if err != nil {
			return err
		}
		if n := len(inst.Tasks); n > 0 && inst.Tasks[n-1].Status == workflow.TaskOpen {
			d.CanDecide = slices.Contains(inst.Tasks[n-1].Waiting, pr.UserID)
		}
		for _, f := range project.StepFields[p.Step] {
			pf := projectField{Field: f, Label: s.msgs.text(lang, "project.field."+f.Key), Value: posted[f.Key]}
			for _, o := range f.Options {
				pf.Choices = append(pf.Choices, choice{Value: o, Label: s.msgs.text(lang, "project.value."+o), Selected: o == pf.Value})
			}
			d.Form = append(d.Form, pf)
		}
	}
	if r.URL.Query().Get("notice") == "decided" {
		d.Notice = s.msgs.text(lang, "workflow.ui.decided")
	}
	return s.render(w, r, status, "projects_detail", "project.ui.title", d)
}

// decide takes the open step's decision with its fields from the form.
func (s *projectPages) decide(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return crm.Fail(crm.ENotFound, "project.not_found", 0)
	}
	if err := r.ParseForm(); err != nil {
		return crm.Fail(crm.EBadRequest, "project.not_found", id)
	}
	fields := map[string]string{}
	for k, vs := range r.PostForm {
		if key, ok := strings.CutPrefix(k, "f_"); ok && len(vs) > 0 && strings.TrimSpace(vs[0]) != "" {
			fields[key] = vs[0]
		}
	}
	_, err = s.ps.Decide(r.Context(), id, r.PostFormValue("decision"), r.PostFormValue("comment"), fields)
	if err != nil {
		if c := crm.ErrorCode(err); c == crm.EUnauthorized || c == crm.EInternal || c == "" || c == crm.ENotFound {
			return err
		}
		return s.show(w, r, httpx.Status(err), s.wholeForm(langOf(r), err), fields)
	}
	http.Redirect(w, r, "/projects/"+strconv.FormatInt(id, 10)+"?notice=decided", http.StatusSeeOther)
	return nil
}

type planNotice struct {
	project.Notice
	NatureLabel, ModeLabel string
}

// notice is the printable supply plan notice (供电方案通知书).
func (s *projectPages) notice(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return crm.Fail(crm.ENotFound, "project.not_found", 0)
	}
	n, err := s.ps.PlanNotice(r.Context(), id)
	if err != nil {
		return err
	}
	d := planNotice{Notice: n, NatureLabel: s.msgs.text(lang, "project.nature."+n.Project.Nature), ModeLabel: s.msgs.text(lang, "project.value."+n.Mode)}
	return s.render(w, r, http.StatusOK, "projects_notice", "project.notice.title", d)
}
