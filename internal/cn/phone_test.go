package cn

import "testing"

func TestValidateMobile(t *testing.T) {
	tests := []struct {
		name, in, want string
		problem        *Problem
	}{
		{"eleven plain digits pass", "13800138000", "13800138000", nil},
		{"a +86 prefix with spaces and dashes is removed", "+86 138-0013-8000", "13800138000", nil},
		{"a bare 86 prefix is removed", "8613800138000", "13800138000", nil},
		{"a 0086 prefix is removed", "0086 13800138000", "13800138000", nil},
		{"brackets around the country code are ignored", "(+86) 199 1234 5678", "19912345678", nil},
		{"full-width digits are folded", "１３８００１３８０００", "13800138000", nil},
		{"an empty value is reported as empty", " ", "", errorCode(CodeEmpty)},
		{"a Hong Kong number is refused by its country code", "+852 9123 4567", "", &Problem{Code: CodeCountryCode, Severity: Error, Got: "+852"}},
		{"an international 00 prefix other than 0086 is refused", "00852 9123 4567", "", &Problem{Code: CodeCountryCode, Severity: Error, Got: "00852"}},
		{"letters are invalid characters", "138OO138000", "", &Problem{Code: CodeCharset, Severity: Error, Got: "O"}},
		{"ten digits are too few", "1380013800", "", &Problem{Code: CodeLength, Severity: Error, Got: "10"}},
		{"twelve digits are too many", "138001380001", "", &Problem{Code: CodeLength, Severity: Error, Got: "12"}},
		{"a number starting 12 does not exist", "12800138000", "", &Problem{Code: CodePrefix, Severity: Error, Got: "12"}},
		{"a landline with area code is not a mobile", "02012345678", "", &Problem{Code: CodePrefix, Severity: Error, Got: "02"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, p := ValidateMobile(tt.in)
			checkProblem(t, p, tt.problem)
			if p == nil && got != tt.want {
				t.Errorf("ValidateMobile(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if IsMobile(tt.in) != (p == nil) {
				t.Errorf("IsMobile(%q) disagrees with ValidateMobile", tt.in)
			}
		})
	}
}

func FuzzValidateMobile(f *testing.F) {
	for _, s := range []string{"+86 138-0013-8000", "8613800138000", "+", "00", "1", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, p := ValidateMobile(s)
		if p != nil {
			return
		}
		if len(v) != 11 || !isDigits(v) || v[0] != '1' || v[1] < '3' {
			t.Fatalf("accepted %q as %q", s, v)
		}
		if v2, p2 := ValidateMobile(v); v2 != v || p2 != nil {
			t.Fatalf("not idempotent: %q -> %q -> %q %v", s, v, v2, p2)
		}
	})
}

func BenchmarkValidateMobile(b *testing.B) {
	for _, in := range []string{"13800138000", "+86 138-0013-8000", "12800138000"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ValidateMobile(in)
			}
		})
	}
}
