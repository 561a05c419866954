package cn

import "testing"

func TestValidateUSCC(t *testing.T) {
	tests := []struct {
		name, in, want string
		problem        *Problem
	}{
		{"a commonly cited valid code passes", "91350100M000100Y43", "91350100M000100Y43", nil},
		{"a code whose check character is a letter passes", "91110000802100433B", "91110000802100433B", nil},
		{"a social organisation's code passes", "521100005000000008", "521100005000000008", nil},
		{"lower case and spaces are normalised", " 91350100m000100y4 3 ", "91350100M000100Y43", nil},
		{"full-width characters from a Chinese IME are folded", "９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43", nil},
		{"an empty value is reported as empty", "  ", "", errorCode(CodeEmpty)},
		{"a 17-character code has the wrong length", "91350100M000100Y4", "91350100M000100Y4", &Problem{Code: CodeLength, Severity: Error, Got: "17"}},
		{"a 19-character code has the wrong length", "91350100M000100Y430", "91350100M000100Y430", &Problem{Code: CodeLength, Severity: Error, Got: "19"}},
		{"a Chinese character counts as one character", "91350100M000100Y4中", "91350100M000100Y4中", &Problem{Code: CodeCharset, Severity: Error, Pos: 18, Got: "中"}},
		{"the letter O is flagged with the digit it resembles", "91350100MO00100Y43", "91350100MO00100Y43", &Problem{Code: CodeCharset, Severity: Error, Pos: 10, Got: "O", Want: "0"}},
		{"the letter I is flagged with the digit it resembles", "9I350100M000100Y43", "9I350100M000100Y43", &Problem{Code: CodeCharset, Severity: Error, Pos: 2, Got: "I", Want: "1"}},
		{"punctuation is an invalid character", "91350100M000100Y4*", "91350100M000100Y4*", &Problem{Code: CodeCharset, Severity: Error, Pos: 18, Got: "*"}},
		{"a letter in the region code is a format error", "9135A100M000100Y4Y", "9135A100M000100Y4Y", &Problem{Code: CodeFormat, Severity: Error, Pos: 5, Got: "A"}},
		{"a wrong check character is only a warning", "91350100M000100Y44", "91350100M000100Y44", &Problem{Code: CodeChecksum, Severity: Warning, Pos: 18, Want: "3", Got: "4"}},
		{"an unknown authority category is only a warning", "B1350100M000100Y41", "B1350100M000100Y41", &Problem{Code: CodeAuthority, Severity: Warning, Got: "B1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, p := ValidateUSCC(tt.in)
			checkProblem(t, p, tt.problem)
			if got != tt.want {
				t.Errorf("ValidateUSCC(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestUSCCChecksumMessage(t *testing.T) {
	_, p := ValidateUSCC("91350100M000100Y44")
	t.Run("the Chinese message names position 18 and the expected character", func(t *testing.T) {
		if want := "第18位校验码应为 3，实际为 4"; !containsStr(p.Message("zh-CN"), want) {
			t.Errorf("message %q lacks %q", p.Message("zh-CN"), want)
		}
	})
	t.Run("the English message names position 18 and the expected character", func(t *testing.T) {
		if want := "check character (position 18) should be 3, not 4"; !containsStr(p.Message("en"), want) {
			t.Errorf("message %q lacks %q", p.Message("en"), want)
		}
	})
}

func TestUSCCWeights(t *testing.T) {
	t.Run("the weights are 3^i mod 31", func(t *testing.T) {
		w := 1
		for i, got := range usccWeights {
			if got != w {
				t.Errorf("weight %d = %d, want %d", i, got, w)
			}
			w = w * 3 % 31
		}
	})
	t.Run("the check character of a short or foreign input is not computed", func(t *testing.T) {
		for _, s := range []string{"", "9135", "9135010OM000100Y4"} {
			if c, ok := USCCCheckCharacter(s); ok {
				t.Errorf("USCCCheckCharacter(%q) = %q, true", s, c)
			}
		}
	})
}

func FuzzValidateUSCC(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91350100m000100y4 3", "9135A100M000100Y4Y", "", "\xff\xfe", "９１３５"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, p := ValidateUSCC(s)
		if p != nil && p.Severity == Error {
			return
		}
		if len(v) != 18 {
			t.Fatalf("accepted %q as %q", s, v)
		}
		// Validating the normalised value again must give the same answer.
		v2, p2 := ValidateUSCC(v)
		if v2 != v || (p == nil) != (p2 == nil) || p != nil && p.Code != p2.Code {
			t.Fatalf("not idempotent: %q -> %q %v -> %q %v", s, v, p, v2, p2)
		}
	})
}

func BenchmarkValidateUSCC(b *testing.B) {
	for _, in := range []string{"91350100M000100Y43", "91350100m000100y4 3", "91350100M000100Y44"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ValidateUSCC(in)
			}
		})
	}
}
