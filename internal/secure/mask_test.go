package secure

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMasks(t *testing.T) {
	tests := []struct {
		name    string
		mask    func(string) string
		in, out string
	}{
		{"a mobile number keeps its first 3 and last 4 digits", MaskMobile, "13812345678", "138****5678"},
		{"a mobile number with +86 keeps the prefix visible", MaskMobile, "+8613812345678", "+86*******5678"},
		{"a 10-character mobile falls back to the generic mask", MaskMobile, "1381234567", "1********7"},
		{"an empty mobile stays empty", MaskMobile, "", ""},
		{"an 18-digit ID number keeps 3 and 4", MaskIDNumber, "110101199003071234", "110***********1234"},
		{"an ID number ending in X keeps the X", MaskIDNumber, "11010119900307123X", "110***********123X"},
		{"a 15-digit ID number keeps 3 and 4", MaskIDNumber, "110101900307123", "110********7123"},
		{"a short ID number is masked generically", MaskIDNumber, "1234", "1**4"},
		{"a 19-digit card shows only its last 4", MaskBankAccount, "6222021234567891234", "**** **** **** 1234"},
		{"a card written in groups shows only its last 4", MaskBankAccount, "6222 0212 3456 7891", "**** **** **** 7891"},
		{"a card with dashes shows only its last 4", MaskBankAccount, "6222-0212-3456-7891", "**** **** **** 7891"},
		{"a 7-digit account shows nothing", MaskBankAccount, "1234567", "****"},
		{"an empty account shows nothing", MaskBankAccount, "", "****"},
		{"a three-character name keeps both ends", MaskGeneric, "张三丰", "张*丰"},
		{"a two-character name keeps the first", MaskGeneric, "张三", "张*"},
		{"a single character is all masked", MaskGeneric, "张", "*"},
		{"an empty string stays empty", MaskGeneric, "", ""},
		{"a long Chinese address is masked rune by rune", MaskGeneric, "北京市朝阳区", "北****区"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.mask(tt.in); got != tt.out {
				t.Errorf("mask(%q) = %q, want %q", tt.in, got, tt.out)
			}
		})
	}
}

func FuzzMasks(f *testing.F) {
	for _, s := range []string{"", "1", "13812345678", "张三丰", "\xff\xfe\xfd", "6222 0212 3456 7891"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, mask := range []func(string) string{MaskMobile, MaskIDNumber, MaskBankAccount, MaskGeneric} {
			out := mask(s)
			if !utf8.ValidString(out) {
				t.Fatalf("mask(%q) = %q, not UTF-8", s, out)
			}
			// A value of 2 or more runes must never come back whole.
			if utf8.RuneCountInString(s) >= 2 && out == s && !strings.Contains(s, "*") {
				t.Fatalf("mask(%q) showed the whole value", s)
			}
		}
	})
}
