package project

import (
	"slices"
	"testing"
)

func TestTheCapacityRuleAsksForADedicatedLineFromTheThreshold(t *testing.T) {
	tests := []struct {
		capacity, threshold int
		want                bool
	}{
		{2999, 0, false},
		{3000, 0, true}, // 报装容量在3000KVA及以上时采用专线供电
		{3001, 0, true},
		{3000, 5000, false},
		{5000, 5000, true},
		{100, 100, true},
		{1, -1, false},
	}
	for _, tt := range tests {
		if got := NeedsDedicated(tt.capacity, tt.threshold); got != tt.want {
			t.Errorf("NeedsDedicated(%d, %d) = %v, want %v", tt.capacity, tt.threshold, got, tt.want)
		}
	}
}

func TestTheSupplyPlanRefusesANonDedicatedModeForALargeCapacity(t *testing.T) {
	plan := func(mode string) map[string]string {
		return map[string]string{"supply_mode": mode, "line": "10kV 线路", "plan_date": "2026-12-10"}
	}
	tests := []struct {
		name                string
		mode                string
		capacity, threshold int
		wantRefused         bool
	}{
		{"shared under the threshold", ModeShared, 2999, 0, false},
		{"shared at the threshold", ModeShared, 3000, 0, true},
		{"dedicated at the threshold", ModeDedicated, 3000, 0, false},
		{"dual at the threshold", ModeDual, 8000, 0, false},
		{"shared under a raised threshold", ModeShared, 4000, 5000, false},
		{"shared at a lowered threshold", ModeShared, 1000, 1000, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, fs := CheckFields(StepPlan, plan(tt.mode), tt.capacity, tt.threshold)
			refused := false
			for _, f := range fs {
				if f.Field == "fields.supply_mode" && f.Code == "dedicated_required" {
					refused = true
				}
			}
			if refused != tt.wantRefused {
				t.Errorf("refused = %v (%v), want %v", refused, fs, tt.wantRefused)
			}
		})
	}
}

func TestEachStepNamesItsMissingOrMalformedFields(t *testing.T) {
	tests := []struct {
		step   string
		in     map[string]string
		fields []string // the fields named, in order
	}{
		{StepAccept, nil, nil},
		{StepSurvey, map[string]string{"survey_date": "2026-12-08", "findings": "具备条件"}, nil},
		{StepSurvey, map[string]string{"survey_date": "2026-12-08"}, []string{"fields.findings"}},
		{StepSurvey, map[string]string{"survey_date": "12/08", "findings": "好"}, []string{"fields.survey_date"}},
		{StepSurvey, map[string]string{"survey_date": "2026-12-08", "findings": "好", "colour": "red"}, []string{"fields.colour"}},
		{StepPlan, map[string]string{}, []string{"fields.supply_mode", "fields.line", "fields.plan_date"}},
		{StepPlan, map[string]string{"supply_mode": "wireless", "line": "x", "plan_date": "2026-12-10"}, []string{"fields.supply_mode"}},
		{StepDesign, map[string]string{"review_result": "fail"}, []string{"fields.review_result"}},
		{StepEquipment, map[string]string{"equipment": "  "}, []string{"fields.equipment"}},
		{StepConstruction, map[string]string{"inspection": "合格"}, nil},
		{StepAcceptance, map[string]string{"acceptance_result": "pass"}, []string{"fields.acceptance_date"}},
		{StepCommission, map[string]string{"completion_docs": "3, 4", "commissioned_on": "2027-01-06"}, nil},
		{StepCommission, map[string]string{"completion_docs": "three", "commissioned_on": "2027-01-06"}, []string{"fields.completion_docs"}},
		{StepCommission, map[string]string{"commissioned_on": "2027-01-06"}, []string{"fields.completion_docs"}},
	}
	for _, tt := range tests {
		_, fs := CheckFields(tt.step, tt.in, 100, 0)
		var got []string
		for _, f := range fs {
			got = append(got, f.Field)
		}
		if !slices.Equal(got, tt.fields) {
			t.Errorf("%s %v: fields named %v, want %v", tt.step, tt.in, got, tt.fields)
		}
	}
}

func TestAttachmentIDsAreReadOnceEach(t *testing.T) {
	ids, ok := AttachmentIDs(" 4,3 ,4 ")
	if !ok || !slices.Equal(ids, []int64{4, 3}) {
		t.Errorf("AttachmentIDs = %v %v", ids, ok)
	}
	if _, ok := AttachmentIDs(","); ok {
		t.Error("an empty list is accepted")
	}
	if _, ok := AttachmentIDs("1,-2"); ok {
		t.Error("a negative id is accepted")
	}
}
