package cn

import "testing"

func TestParseLandline(t *testing.T) {
	tests := []struct {
		name, in, want string
		problem        *Problem
	}{
		{"a Beijing number with a dash passes", "010-62345678", "010-62345678", nil},
		{"brackets and an inner dash are accepted", "(010) 6234-5678", "010-62345678", nil},
		{"digits written together split after the area code", "075588888888", "0755-88888888", nil},
		{"spaces between groups are accepted", "0755 8888 8888", "0755-88888888", nil},
		{"a seven-digit local number passes", "0371-6123456", "0371-6123456", nil},
		{"+86 without the trunk zero gets it back", "+86 755 88888888", "0755-88888888", nil},
		{"+86 with the trunk zero is accepted as well", "+86 (0)21 62345678", "021-62345678", nil},
		{"0086 is accepted as a country code", "0086-10-62345678", "010-62345678", nil},
		{"an extension after 转 is kept", "0755-88888888 转 123", "0755-88888888-123", nil},
		{"an extension after ext is kept", "021-62345678 EXT. 8001", "021-62345678-8001", nil},
		{"a trailing dash group beyond eight digits is the extension", "021-62345678-8001", "021-62345678-8001", nil},
		{"a seven-digit number with a one-digit extension reads back", "0700-2000000-1", "0700-2000000-1", nil},
		{"a number split into two groups of four has no extension", "0755-8888-8888", "0755-88888888", nil},
		{"full-width digits are folded", "０１０－６２３４５６７８", "010-62345678", nil},
		{"an empty value is reported as empty", "", "", errorCode(CodeEmpty)},
		{"a number without area code is refused", "62345678", "", errorCode(CodeAreaCode)},
		{"a mobile number is recognised as such", "138 0013 8000", "", errorCode(CodeIsMobile)},
		{"a mobile number with +86 is recognised as such", "+86 13800138000", "", errorCode(CodeIsMobile)},
		{"the unassigned area code 026 is refused", "026-62345678", "", &Problem{Code: CodeAreaCode, Severity: Error, Got: "026"}},
		{"an area code starting 01 other than 010 is refused", "0123-6234567", "", errorCode(CodeAreaCode)},
		{"a foreign country code is refused", "+852 2345 6789", "", &Problem{Code: CodeCountryCode, Severity: Error, Got: "+852"}},
		{"letters are invalid characters", "010-6234567a", "", &Problem{Code: CodeCharset, Severity: Error, Got: "a"}},
		{"nine digits after the area code are too many", "0755-888888888", "", &Problem{Code: CodeLength, Severity: Error, Got: "9"}},
		{"six digits after the area code are too few", "0755-888888", "", &Problem{Code: CodeLength, Severity: Error, Got: "6"}},
		{"a local number cannot start with 1", "010-12345678", "", &Problem{Code: CodePrefix, Severity: Error, Got: "1"}},
		{"a local number cannot start with 0", "010-02345678", "", &Problem{Code: CodePrefix, Severity: Error, Got: "0"}},
		{"an extension of seven digits is refused", "010-62345678 转 1234567", "", &Problem{Code: CodeExtension, Severity: Error, Got: "1234567"}},
		{"an extension with letters is refused", "010-62345678 ext abc", "", &Problem{Code: CodeExtension, Severity: Error, Got: "abc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, p := ParseLandline(tt.in)
			checkProblem(t, p, tt.problem)
			if p == nil && l.String() != tt.want {
				t.Errorf("ParseLandline(%q) = %q, want %q", tt.in, l, tt.want)
			}
			if v, p2 := ValidateLandline(tt.in); (p == nil) != (p2 == nil) || p == nil && v != tt.want {
				t.Errorf("ValidateLandline disagrees: %q %v", v, p2)
			}
		})
	}
}

func FuzzParseLandline(f *testing.F) {
	for _, s := range []string{"010-62345678", "+86 755 88888888", "0755-88888888 转 123", "021-62345678-8001", "+", "转", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, p := ParseLandline(s)
		if p != nil {
			return
		}
		// The formatted number must read back as the same number.
		again, p2 := ParseLandline(l.String())
		if p2 != nil || again != l {
			t.Fatalf("%q -> %q does not round-trip: %+v %v", s, l, again, p2)
		}
	})
}

func BenchmarkValidateLandline(b *testing.B) {
	for _, in := range []string{"010-62345678", "0755-88888888 转 123", "62345678"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ValidateLandline(in)
			}
		})
	}
}
