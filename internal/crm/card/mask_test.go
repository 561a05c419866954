package card

import "testing"

func TestSensitiveCardValuesAreMaskedAsEverywhereElse(t *testing.T) {
	for in, want := range map[string]string{
		"13800138000":         "138****8000",
		"138 0013 8000":       "138****8000",
		"6222020304051234567": "**** **** **** 4567",
		"张三丰":                 "张*丰",
	} {
		if got := maskValue(in); got != want {
			t.Errorf("maskValue(%q) = %q, want %q", in, got, want)
		}
	}
}
