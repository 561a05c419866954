package complaint

import (
	"slices"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// Department is a department a complaint can be assigned to (责任部门 of
// the 客诉处理办法) and the roles of the people in it. The assignment form
// offers these and, for the one chosen, its people; the complaint keeps
// the code and pages show its name (complaints.department.CODE).
type Department struct {
	Code  string
	Roles []crm.Role
}

// Departments are the departments a complaint goes to, in the order the
// form offers them: QA investigates and decides responsibility,
// production reports batch, line and shift, the service desk and the
// business (sales) department handle what is not a quality problem.
var Departments = []Department{
	{Code: "qa", Roles: []crm.Role{crm.RoleQA}},
	{Code: "production", Roles: []crm.Role{crm.RoleProduction}},
	{Code: "service", Roles: []crm.Role{crm.RoleService}},
	{Code: "sales", Roles: []crm.Role{crm.RoleAccountManager, crm.RoleSalesManager}},
}

// qualityRoles are who may be assigned a quality complaint.
var qualityRoles = []crm.Role{crm.RoleQA, crm.RoleProduction}

// DepartmentsFor are the departments a complaint may go to: for a
// quality complaint only QA and production.
func DepartmentsFor(quality bool) []Department {
	if !quality {
		return Departments
	}
	var out []Department
	for _, d := range Departments {
		if slices.ContainsFunc(d.Roles, func(r crm.Role) bool { return slices.Contains(qualityRoles, r) }) {
			out = append(out, d)
		}
	}
	return out
}

// DepartmentOf finds a department by its code; a department written as
// free text (older complaints, API clients) is not one of them.
func DepartmentOf(code string) (Department, bool) {
	i := slices.IndexFunc(Departments, func(d Department) bool { return d.Code == code })
	if i < 0 {
		return Department{}, false
	}
	return Departments[i], true
}

// Takes reports whether a person of role r works in d.
func (d Department) Takes(r crm.Role) bool { return slices.Contains(d.Roles, r) }

// DepartmentWord names a department in a message: one of Departments by
// its name in the reader's language, any other as written.
func DepartmentWord(code string) msg.Message {
	if _, ok := DepartmentOf(code); ok {
		return msg.M("complaints.department." + code)
	}
	return msg.Plain(code)
}
