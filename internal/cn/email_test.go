package cn

import (
	"strings"
	"testing"
)

func TestValidateEmail(t *testing.T) {
	tests := []struct {
		name, in, want string
		problem        *Problem
	}{
		{"a plain address passes", "zhangsan@qq.com", "zhangsan@qq.com", nil},
		{"the domain is lower-cased but the user name keeps its case", " Zhang.San@Example.COM ", "Zhang.San@example.com", nil},
		{"plus addressing and other specials pass", "a+tag_x-y@mail.example.cn", "a+tag_x-y@mail.example.cn", nil},
		{"a full-width @ and ideographic full stop are folded", "abc＠qq。com", "abc@qq.com", nil},
		{"an internationalised address passes", "张三@例子.中国", "张三@例子.中国", nil},
		{"an empty value is reported as empty", "", "", errorCode(CodeEmpty)},
		{"an address without @ is malformed", "zhangsan.qq.com", "", errorCode(CodeFormat)},
		{"an address with two @ is malformed", "a@b@c.com", "", errorCode(CodeFormat)},
		{"a missing user name is reported", "@qq.com", "", errorCode(CodeLocalPart)},
		{"a user name of 65 characters is too long", strings.Repeat("a", 65) + "@qq.com", "", &Problem{Code: CodeLocalPart, Severity: Error, Got: "65"}},
		{"a space in the user name is invalid", "zhang san@qq.com", "", &Problem{Code: CodeLocalPart, Severity: Error, Pos: 6, Got: " "}},
		{"two dots in a row are invalid", "a..b@qq.com", "", errorCode(CodeLocalPart)},
		{"a leading dot is invalid", ".ab@qq.com", "", errorCode(CodeLocalPart)},
		{"a bare host name is not a domain", "ab@localhost", "", &Problem{Code: CodeDomain, Severity: Error, Got: "localhost"}},
		{"an IP address is not accepted as a domain", "ab@1.2.3.4", "", errorCode(CodeDomain)},
		{"an empty label is invalid", "ab@qq..com", "", errorCode(CodeDomain)},
		{"a label starting with a hyphen is invalid", "ab@-qq.com", "", &Problem{Code: CodeDomain, Severity: Error, Got: "-qq"}},
		{"an underscore in the domain is invalid", "ab@q_q.com", "", &Problem{Code: CodeDomain, Severity: Error, Got: "q_q"}},
		{"an address over 254 characters is too long", "a@" + strings.Repeat("b", 250) + ".com", "", errorCode(CodeLength)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, p := ValidateEmail(tt.in)
			checkProblem(t, p, tt.problem)
			if p == nil && got != tt.want {
				t.Errorf("ValidateEmail(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzValidateEmail(f *testing.F) {
	for _, s := range []string{"zhangsan@qq.com", "张三@例子.中国", "@", "a@b", "\xff@\xfe.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, p := ValidateEmail(s)
		if p != nil {
			return
		}
		if strings.Count(v, "@") != 1 {
			t.Fatalf("accepted %q as %q", s, v)
		}
		if v2, p2 := ValidateEmail(v); v2 != v || p2 != nil {
			t.Fatalf("not idempotent: %q -> %q -> %q %v", s, v, v2, p2)
		}
	})
}

func BenchmarkValidateEmail(b *testing.B) {
	for _, in := range []string{"zhangsan@qq.com", "Zhang.San@Example.COM", "ab@localhost"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ValidateEmail(in)
			}
		})
	}
}
