// Package workflow is Kehu's approval engine: workflows kept as data
// (ordered steps, each with an approver resolver, a mode, conditions and
// a deadline in working hours), instances that keep the version they
// started with, an inbox of open steps, delegation while away, and the
// escalation of overdue steps. Orders use it; 客户工程 and credit reviews
// use it the same way (see Service.Prepare and Service.Decide).
package workflow

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/calendar"
	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/sales"
)

// Approver resolver kinds.
const (
	ResolveRole         = "role"          // every active user of Role
	ResolveOwner        = "owner"         // the customer's owner
	ResolveOwnerManager = "owner_manager" // the manager of the customer's owner
	ResolveUser         = "user"          // the named user UserID
)

// Modes: how many of a step's approvers must approve.
const (
	ModeAny  = "any"    // any one
	ModeAll  = "all"    // every one
	ModeNOfM = "n_of_m" // N of them
)

// Facts the conditions read; the caller supplies them when it starts an
// instance.
const (
	FactAmount      = "amount"       // yuan, "1234.50"
	FactTierLevel   = "tier_level"   // the customer's tier levels, comma separated: "A,abc:A"
	FactCreditState = "credit_state" // e.g. ok, over_limit, overdue
	FactProductLine = "product_line" // the product lines, comma separated
)

// Condition operators.
const (
	OpGTE = "gte" // amount ≥ value
	OpLTE = "lte" // amount ≤ value
	OpEq  = "eq"  // the fact is value (product_line: one of the lines is)
	OpIn  = "in"  // the fact is one of value's comma-separated words
)

// Resolvers, Modes, Facts and Ops list the valid words.
var (
	Resolvers = []string{ResolveRole, ResolveOwner, ResolveOwnerManager, ResolveUser}
	Modes     = []string{ModeAny, ModeAll, ModeNOfM}
	FactNames = []string{FactAmount, FactTierLevel, FactCreditState, FactProductLine}
	Ops       = []string{OpGTE, OpLTE, OpEq, OpIn}
)

// Approver says who decides a step.
type Approver struct {
	Kind   string   `json:"kind"`
	Role   crm.Role `json:"role,omitempty"`
	UserID int64    `json:"user_id,omitempty"`
}

// Condition is a test on one fact; a step whose conditions do not all
// hold is skipped.
type Condition struct {
	Fact  string `json:"fact"`
	Op    string `json:"op"`
	Value string `json:"value"`
}

// Facts are what an instance's conditions are evaluated against.
type Facts map[string]string

// Step is one stage of a workflow.
type Step struct {
	Key           string      `json:"key"`
	Name          string      `json:"name"`
	NameEn        string      `json:"name_en,omitempty"`
	Approver      Approver    `json:"approver"`
	Mode          string      `json:"mode"`
	N             int         `json:"n,omitempty"` // for n_of_m
	Conditions    []Condition `json:"conditions,omitempty"`
	DeadlineHours int         `json:"deadline_hours"` // working hours; 0: no deadline
	// Hook names a check the module that started the instance runs
	// before an approval of this step counts ("funds": the order's
	// funds check).
	Hook string `json:"hook,omitempty"`
}

// Definition is a workflow as data. Each save is a new version; an
// instance keeps the version it started with.
type Definition struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	NameEn    string    `json:"name_en,omitempty"`
	Entity    string    `json:"entity"` // what its instances approve: "order"
	Steps     []Step    `json:"steps"`
	Version   int       `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// Validate checks d, naming every field at fault (steps[2].approver.role).
func Validate(d *Definition) error {
	var fs []crm.FieldError
	bad := func(field, code, key string, args ...any) { fs = append(fs, crm.Bad(field, code, key, args...)) }
	d.Code = strings.TrimSpace(d.Code)
	d.Name = strings.TrimSpace(d.Name)
	if d.Code == "" || len(d.Code) > 40 || strings.ContainsAny(d.Code, " /?#") {
		bad("code", "format", "workflow.code.format")
	}
	if d.Name == "" || utf8.RuneCountInString(d.Name) > 100 {
		bad("name", "length", "workflow.name.length")
	}
	if d.Entity == "" {
		d.Entity = d.Code
	}
	if len(d.Steps) == 0 || len(d.Steps) > 30 {
		bad("steps", "count", "workflow.steps.count")
	}
	keys := map[string]bool{}
	for i := range d.Steps {
		s := &d.Steps[i]
		at := fmt.Sprintf("steps[%d].", i)
		s.Name, s.Key = strings.TrimSpace(s.Name), strings.TrimSpace(s.Key)
		if s.Key == "" {
			s.Key = "step" + strconv.Itoa(i+1)
		}
		if keys[s.Key] {
			bad(at+"key", "taken", "workflow.step.key_taken", s.Key)
		}
		keys[s.Key] = true
		if s.Name == "" || utf8.RuneCountInString(s.Name) > 60 {
			bad(at+"name", "length", "workflow.step.name.length", i+1)
		}
		switch s.Approver.Kind {
		case ResolveRole:
			if !s.Approver.Role.Valid() || s.Approver.Role == crm.RoleAdmin || s.Approver.Role == crm.RoleAuditor {
				bad(at+"approver.role", "unknown", "workflow.step.role", i+1, string(s.Approver.Role))
			}
		case ResolveUser:
			if s.Approver.UserID <= 0 {
				bad(at+"approver.user_id", "required", "workflow.step.user", i+1)
			}
		case ResolveOwner, ResolveOwnerManager:
		default:
			bad(at+"approver.kind", "unknown", "workflow.step.kind", i+1, s.Approver.Kind)
		}
		if s.Mode == "" {
			s.Mode = ModeAny
		}
		if !slices.Contains(Modes, s.Mode) {
			bad(at+"mode", "unknown", "workflow.step.mode", i+1, s.Mode)
		} else if s.Mode == ModeNOfM && s.N < 1 {
			bad(at+"n", "range", "workflow.step.n", i+1)
		}
		if s.Mode != ModeNOfM {
			s.N = 0
		}
		if s.DeadlineHours < 0 || s.DeadlineHours > 2000 {
			bad(at+"deadline_hours", "range", "workflow.step.deadline", i+1)
		}
		if s.Hook != "" && s.Hook != HookFunds {
			bad(at+"hook", "unknown", "workflow.step.hook", i+1, s.Hook)
		}
		for j, c := range s.Conditions {
			cat := fmt.Sprintf("%sconditions[%d].", at, j)
			if !slices.Contains(FactNames, c.Fact) {
				bad(cat+"fact", "unknown", "workflow.condition.fact", i+1, c.Fact)
				continue
			}
			if !slices.Contains(Ops, c.Op) || (c.Fact == FactAmount) != (c.Op == OpGTE || c.Op == OpLTE) {
				bad(cat+"op", "unknown", "workflow.condition.op", i+1, c.Op, c.Fact)
				continue
			}
			if c.Fact == FactAmount {
				if _, ok := sales.ParseYuan(c.Value); !ok {
					bad(cat+"value", "format", "workflow.condition.amount", i+1, c.Value)
				}
			} else if strings.TrimSpace(c.Value) == "" {
				bad(cat+"value", "required", "workflow.condition.value", i+1)
			}
		}
	}
	if len(fs) > 0 {
		return crm.Invalid(fs...)
	}
	return nil
}

// HookFunds is the finance step's funds check (现款现货).
const HookFunds = "funds"

// Holds reports whether c holds for f. A fact the caller did not supply
// makes the condition false.
func (c Condition) Holds(f Facts) bool {
	v, ok := f[c.Fact]
	if !ok {
		return false
	}
	switch c.Fact {
	case FactAmount:
		have, ok1 := sales.ParseYuan(v)
		want, ok2 := sales.ParseYuan(c.Value)
		if !ok1 || !ok2 {
			return false
		}
		if c.Op == OpGTE {
			return have >= want
		}
		return have <= want
	case FactProductLine, FactTierLevel:
		// Sets: the order's product lines; the customer's levels ("A" of
		// the default scheme and "abc:A"). eq or in holds when any one of
		// them is one of the values (tier levels in any case).
		have := words(v)
		want := words(c.Value)
		if c.Op == OpEq {
			want = []string{strings.TrimSpace(c.Value)}
		}
		for _, w := range want {
			for _, h := range have {
				if h == w || c.Fact == FactTierLevel && strings.EqualFold(h, w) {
					return true
				}
			}
		}
		return false
	default:
		if c.Op == OpEq {
			return strings.TrimSpace(v) == strings.TrimSpace(c.Value)
		}
		return slices.Contains(words(c.Value), strings.TrimSpace(v))
	}
}

func words(s string) []string {
	var out []string
	for w := range strings.SplitSeq(s, ",") {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// Applies reports whether every condition of s holds for f.
func (s Step) Applies(f Facts) bool {
	for _, c := range s.Conditions {
		if !c.Holds(f) {
			return false
		}
	}
	return true
}

// NextStep returns the index of the first step from from on that applies
// to f, or -1 when none does.
func NextStep(steps []Step, from int, f Facts) int {
	for i := max(from, 0); i < len(steps); i++ {
		if steps[i].Applies(f) {
			return i
		}
	}
	return -1
}

// Subject is whom an instance is about: the customer's owner and the
// owner's manager (0: none).
type Subject struct {
	CustomerID     int64
	OwnerID        int64
	OwnerManagerID int64
}

// Resolve returns the users who decide a step with approver a, each once,
// in order: usersOfRole gives the active users of a role.
func Resolve(a Approver, s Subject, usersOfRole func(crm.Role) []int64) []int64 {
	var ids []int64
	switch a.Kind {
	case ResolveRole:
		if usersOfRole != nil {
			ids = usersOfRole(a.Role)
		}
	case ResolveOwner:
		ids = []int64{s.OwnerID}
	case ResolveOwnerManager:
		ids = []int64{s.OwnerManagerID}
	case ResolveUser:
		ids = []int64{a.UserID}
	}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id > 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// Need is how many approvals a step of mode (n for n_of_m) completes
// with m approvers: any one, all, or n (at most m).
func Need(mode string, n, m int) int {
	switch mode {
	case ModeAll:
		return max(m, 1)
	case ModeNOfM:
		return max(min(n, m), 1)
	default:
		return 1
	}
}

// Task statuses.
const (
	TaskOpen      = "open"
	TaskApproved  = "approved"
	TaskRejected  = "rejected"
	TaskCancelled = "cancelled"
)

// Tally is a step's status after approvals and rejections with waiting
// approvers still to decide: one rejection rejects it; need approvals
// approve it; too few left to reach need rejects it; else it stays open.
func Tally(need, approvals, rejections, waiting int) string {
	switch {
	case rejections > 0:
		return TaskRejected
	case approvals >= need:
		return TaskApproved
	case approvals+waiting < need:
		return TaskRejected
	default:
		return TaskOpen
	}
}

// DueAt is when a step opened at opened with a deadline of hours working
// hours is due on cal (nil: no deadline).
func DueAt(cal *calendar.Calendar, opened time.Time, hours int) (*time.Time, error) {
	if hours <= 0 || cal == nil {
		return nil, nil
	}
	d, err := cal.AddBusinessHours(opened, time.Duration(hours)*time.Hour)
	if err != nil {
		return nil, err
	}
	t := d.Time.UTC()
	return &t, nil
}

// Delegated reports whether a delegation d lets its delegate act at t.
func (d Delegation) Delegated(t time.Time) bool {
	return !t.Before(d.From) && t.Before(d.To)
}
