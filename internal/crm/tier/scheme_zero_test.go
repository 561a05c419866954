package tier

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/kehucrm/kehu/internal/crm"
)

func TestAnExplicitZeroWindowOrPeriodsIsRefusedAndAnOmittedOneDefaults(t *testing.T) {
	const levels = `"levels":[{"code":"A","name":"A类","cumulative_pct":80},{"code":"B","name":"B类","cumulative_pct":95},{"code":"C","name":"C类","cumulative_pct":100}]`
	cases := []struct {
		name         string
		body         string
		field        string // the field refused, "" for valid
		window, pers int    // the values kept when valid
	}{
		{"both omitted default", `{"code":"a","kind":"abc","name":"A",` + levels + `}`, "", 12, 2},
		{"null defaults", `{"code":"a","kind":"abc","name":"A","window_months":null,"periods":null,` + levels + `}`, "", 12, 2},
		{"explicit values kept", `{"code":"a","kind":"abc","name":"A","window_months":6,"periods":3,` + levels + `}`, "", 6, 3},
		{"zero window refused", `{"code":"a","kind":"abc","name":"A","window_months":0,` + levels + `}`, "window_months", 0, 0},
		{"zero periods refused", `{"code":"a","kind":"abc","name":"A","periods":0,` + levels + `}`, "periods", 0, 0},
		{"both zero refused", `{"code":"a","kind":"abc","name":"A","window_months":0,"periods":0,` + levels + `}`, "window_months", 0, 0},
		{"negative periods refused", `{"code":"a","kind":"abc","name":"A","periods":-1,` + levels + `}`, "periods", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s Scheme
			if err := json.Unmarshal([]byte(c.body), &s); err != nil {
				t.Fatal(err)
			}
			err := Validate(&s)
			if c.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				if s.WindowMonths != c.window || s.Periods != c.pers {
					t.Errorf("window %d periods %d, want %d %d", s.WindowMonths, s.Periods, c.window, c.pers)
				}
				return
			}
			var e *crm.Error
			if !errors.As(err, &e) || e.Code != crm.EInvalid {
				t.Fatalf("Validate = %v, want a validation error", err)
			}
			found := false
			for _, f := range e.Fields {
				found = found || f.Field == c.field
			}
			if !found {
				t.Errorf("fields %+v do not name %s", e.Fields, c.field)
			}
		})
	}
}

func TestAPatchSettingWindowOrPeriodsToZeroIsRefused(t *testing.T) {
	for _, field := range []string{"window_months", "periods"} {
		t.Run(field, func(t *testing.T) {
			var pt SchemePatch
			if err := json.Unmarshal([]byte(`{"version":1,"`+field+`":0}`), &pt); err != nil {
				t.Fatal(err)
			}
			base := abc()
			if err := Validate(&base); err != nil {
				t.Fatal(err)
			}
			s := pt.apply(base)
			err := Validate(&s)
			var e *crm.Error
			if !errors.As(err, &e) || e.Code != crm.EInvalid || len(e.Fields) == 0 || e.Fields[0].Field != field {
				t.Fatalf("Validate = %v, want %s refused", err, field)
			}
		})
	}
}
