// Package project keeps 客户工程: a customer's application for power
// (用电申请: address, nature, voltage, capacity) and its course through
// the steps of the "project" workflow — 受理 → 现场勘察 → 供电方案 →
// 设计审查 → 设备购置 → 施工 → 验收 → 投运 — each decided by its
// department with the fields that step requires, on a deadline in working
// hours (the workflow engine, internal/crm/workflow, runs the steps). The
// supply plan holds the capacity rule: a capacity at or above the
// threshold (3000 kVA unless configured) is supplied by a dedicated line
// (专线). The customer is told the plan in writing (供电方案通知书).
package project

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// WorkflowCode is the workflow projects run on.
const WorkflowCode = "project"

// DefaultDedicatedKVA is the capacity from which a project is supplied by
// a dedicated line (报装容量在3000KVA及以上时采用专线供电).
const DefaultDedicatedKVA = 3000

// Natures of use (用电性质).
var Natures = []string{"residential", "commercial", "industrial", "agricultural"}

// Voltages (kV) a project may ask for.
var Voltages = []string{"0.22", "0.4", "10", "20", "35", "110", "220"}

// Supply modes (供电方式).
const (
	ModeDedicated = "dedicated" // 专线供电
	ModeDual      = "dual"      // 双回路专线供电
	ModeShared    = "shared"    // 公用线路供电
)

// SupplyModes lists the supply modes.
var SupplyModes = []string{ModeDedicated, ModeDual, ModeShared}

// Acceptance results.
var Results = []string{"pass", "fail"}

// Step keys of the default workflow.
const (
	StepAccept       = "accept"
	StepSurvey       = "survey"
	StepPlan         = "plan"
	StepDesign       = "design"
	StepEquipment    = "equipment"
	StepConstruction = "construction"
	StepAcceptance   = "acceptance"
	StepCommission   = "commission"
)

// Field kinds.
const (
	KindText        = "text"
	KindDate        = "date"        // YYYY-MM-DD
	KindChoice      = "choice"      // one of Options
	KindAttachments = "attachments" // attachment ids of the customer, comma separated
)

// Field is a value a step records when it is approved.
type Field struct {
	Key      string   `json:"key"`
	Kind     string   `json:"kind"`
	Required bool     `json:"required"`
	Options  []string `json:"options,omitempty"`
}

// StepFields are the fields each step of the default workflow records;
// a step missing here (a step an admin added) records none.
var StepFields = map[string][]Field{
	StepAccept: {{Key: "accept_no", Kind: KindText}},
	StepSurvey: {{Key: "survey_date", Kind: KindDate, Required: true}, {Key: "findings", Kind: KindText, Required: true}},
	StepPlan: {{Key: "supply_mode", Kind: KindChoice, Required: true, Options: SupplyModes}, {Key: "line", Kind: KindText, Required: true},
		{Key: "metering", Kind: KindText}, {Key: "plan_date", Kind: KindDate, Required: true}},
	StepDesign:       {{Key: "review_result", Kind: KindChoice, Required: true, Options: Results}, {Key: "review_notes", Kind: KindText}},
	StepEquipment:    {{Key: "equipment", Kind: KindText, Required: true}},
	StepConstruction: {{Key: "inspection", Kind: KindText, Required: true}, {Key: "contractor", Kind: KindText}},
	StepAcceptance:   {{Key: "acceptance_result", Kind: KindChoice, Required: true, Options: Results}, {Key: "acceptance_date", Kind: KindDate, Required: true}},
	StepCommission:   {{Key: "completion_docs", Kind: KindAttachments, Required: true}, {Key: "commissioned_on", Kind: KindDate, Required: true}},
}

// NeedsDedicated reports whether a capacity in kVA must be supplied by a
// dedicated line under the threshold (≤ 0: the default).
func NeedsDedicated(capacityKVA, thresholdKVA int) bool {
	if thresholdKVA <= 0 {
		thresholdKVA = DefaultDedicatedKVA
	}
	return capacityKVA >= thresholdKVA
}

// IsDedicated reports whether a supply mode is a dedicated line.
func IsDedicated(mode string) bool { return mode == ModeDedicated || mode == ModeDual }

// CheckFields reads the fields an approval of step records: every
// required one present, each in its form, no unknown one, the plan's
// mode a dedicated line for a capacity at or above the threshold, a
// passing design review and acceptance. Errors name the field
// ("fields.supply_mode"). Attachment ids are checked by the caller.
func CheckFields(step string, in map[string]string, capacityKVA, thresholdKVA int) (map[string]string, []crm.FieldError) {
	var fs []crm.FieldError
	defs := StepFields[step]
	out := map[string]string{}
	for k := range in {
		if !slices.ContainsFunc(defs, func(f Field) bool { return f.Key == k }) {
			fs = append(fs, crm.Bad("fields."+k, "unknown", "project.field.unknown", k))
		}
	}
	for _, f := range defs {
		at := "fields." + f.Key
		v := strings.TrimSpace(in[f.Key])
		if v == "" {
			if f.Required {
				fs = append(fs, crm.Bad(at, "required", "project.field.required", msg.M("project.field."+f.Key)))
			}
			continue
		}
		switch f.Kind {
		case KindText:
			if utf8.RuneCountInString(v) > 2000 {
				fs = append(fs, crm.Bad(at, "length", "project.field.length", msg.M("project.field."+f.Key), 2000))
				continue
			}
		case KindDate:
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				fs = append(fs, crm.Bad(at, "format", "project.field.date", msg.M("project.field."+f.Key), v))
				continue
			}
		case KindChoice:
			if !slices.Contains(f.Options, v) {
				fs = append(fs, crm.Bad(at, "unknown", "project.field.choice", msg.M("project.field."+f.Key), v, strings.Join(f.Options, ", ")))
				continue
			}
		case KindAttachments:
			ids, ok := AttachmentIDs(v)
			if !ok {
				fs = append(fs, crm.Bad(at, "format", "project.field.attachments", msg.M("project.field."+f.Key), v))
				continue
			}
			v = joinIDs(ids)
		}
		out[f.Key] = v
	}
	if step == StepPlan {
		if m := out["supply_mode"]; m != "" && !IsDedicated(m) && NeedsDedicated(capacityKVA, thresholdKVA) {
			fs = append(fs, crm.Bad("fields.supply_mode", "dedicated_required", "project.plan.dedicated_required", capacityKVA, threshold(thresholdKVA)))
		}
	}
	if (step == StepDesign && out["review_result"] == "fail") || (step == StepAcceptance && out["acceptance_result"] == "fail") {
		key := "review_result"
		if step == StepAcceptance {
			key = "acceptance_result"
		}
		fs = append(fs, crm.Bad("fields."+key, "failed", "project.field.failed_approve", msg.M("project.field."+key)))
	}
	return out, fs
}

func threshold(t int) int {
	if t <= 0 {
		return DefaultDedicatedKVA
	}
	return t
}

// AttachmentIDs reads comma-separated attachment ids (at least one).
func AttachmentIDs(s string) ([]int64, bool) {
	var ids []int64
	for w := range strings.SplitSeq(s, ",") {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		id, err := strconv.ParseInt(w, 10, 64)
		if err != nil || id <= 0 {
			return nil, false
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, len(ids) > 0
}

func joinIDs(ids []int64) string {
	ws := make([]string, len(ids))
	for i, id := range ids {
		ws[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(ws, ",")
}
