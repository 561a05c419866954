package tier

import (
	"errors"
	"strings"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

// An overlapping threshold is explained the way its method ranks: a
// cumulative percentage must rise from level to level (A 80, B 95, C
// 100), an amount or a score must fall.
func TestAnOverlappingThresholdIsExplainedForItsMethod(t *testing.T) {
	cases := []struct {
		name, field   string
		edit          func() Scheme
		zh, en, notZh string
	}{
		{"abc: cumulative percent must rise", "levels[1].cumulative_pct",
			func() Scheme { s := abc(); s.Levels[1].CumulativePct = 70; return s },
			"须高于上一层级的 80%", "must be above the 80% of the level above", "须低于"},
		{"bank: amount must fall", "levels[1].min_amount",
			func() Scheme { s := bank(); s.Levels[1].MinAmount = "2000000"; return s },
			"须低于上一层级", "must be below the one above", "须高于"},
		{"value: score must fall", "levels[2].min_score",
			func() Scheme { s := value(); s.Levels[2].MinScore = 60; return s },
			"须低于上一层级", "must be below the one above", "须高于"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.edit()
			var e *crm.Error
			if err := Validate(&s); !errors.As(err, &e) {
				t.Fatalf("Validate = %v", err)
			}
			for lang, want := range map[string]string{"zh-CN": c.zh, "en": c.en} {
				_, fields := e.In(lang)
				got := ""
				for _, f := range fields {
					if f.Field == c.field {
						got = f.Message
					}
				}
				if !strings.Contains(got, want) {
					t.Errorf("%s %s reads %q, want %q in it", lang, c.field, got, want)
				}
				if lang == "zh-CN" && strings.Contains(got, c.notZh) {
					t.Errorf("zh-CN %s reads %q, which says the opposite", c.field, got)
				}
			}
		})
	}
}
