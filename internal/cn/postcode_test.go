package cn

import "testing"

func TestValidatePostalCode(t *testing.T) {
	tests := []struct {
		name, in, want string
		problem        *Problem
	}{
		{"a Beijing postal code passes", "100080", "100080", nil},
		{"an Inner Mongolia code starting 01 passes", "010010", "010010", nil},
		{"a Tibet code starting 86 passes", "860000", "860000", nil},
		{"spaces and full-width digits are normalised", " ５１８ ０００ ", "518000", nil},
		{"an empty value is reported as empty", "", "", errorCode(CodeEmpty)},
		{"a letter is an invalid character", "10008O", "", &Problem{Code: CodeCharset, Severity: Error, Pos: 6, Got: "O"}},
		{"five digits are too few", "10008", "", &Problem{Code: CodeLength, Severity: Error, Got: "5"}},
		{"seven digits are too many", "1000800", "", &Problem{Code: CodeLength, Severity: Error, Got: "7"}},
		{"the pseudo Hong Kong code 999077 is refused", "999077", "", &Problem{Code: CodePrefix, Severity: Error, Got: "99"}},
		{"a code starting 00 is refused", "000000", "", &Problem{Code: CodePrefix, Severity: Error, Got: "00"}},
		{"a code starting 87 is refused", "870000", "", &Problem{Code: CodePrefix, Severity: Error, Got: "87"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, p := ValidatePostalCode(tt.in)
			checkProblem(t, p, tt.problem)
			if p == nil && got != tt.want {
				t.Errorf("ValidatePostalCode(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzValidatePostalCode(f *testing.F) {
	for _, s := range []string{"100080", "999077", "", "１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, p := ValidatePostalCode(s)
		if p == nil && (len(v) != 6 || !isDigits(v)) {
			t.Fatalf("accepted %q as %q", s, v)
		}
	})
}

func BenchmarkValidatePostalCode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ValidatePostalCode("100080")
	}
}
