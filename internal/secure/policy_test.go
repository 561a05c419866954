package secure

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPasswordPolicyCheck(t *testing.T) {
	tests := []struct {
		name, username, pw string
		want               []Violation
	}{
		{"a long password of three classes passes", "zhang", "Winter2024", nil},
		{"a password of all four classes passes", "zhang", "Wi-2024x", nil},
		{"seven characters are too short", "zhang", "Wint2r!", []Violation{{Code: CodeTooShort, Want: 8, Got: 7}}},
		{"lower-case letters and digits are only two classes", "zhang", "winter2024", []Violation{{Code: CodeTooFewClasses, Want: 3, Got: 2}}},
		{"Chinese characters count one each and as the class other", "zhang", "张三a1张三a1", nil},
		{"four Chinese characters are too short and one class", "zhang", "张三李四", []Violation{{Code: CodeTooShort, Want: 8, Got: 4}, {Code: CodeTooFewClasses, Want: 3, Got: 1}}},
		{"full-width letters and digits count in their classes", "zhang", "Ａｂｃ１２３４５", nil},
		{"the username as password is refused", "Admin2024!", "Admin2024!", []Violation{{Code: CodeEqualsUsername}}},
		{"the username in other case is refused too", "Admin2024!", "aDMIN2024!", []Violation{{Code: CodeEqualsUsername}}},
		{"an empty password breaks length and classes but not the username rule", "", "", []Violation{{Code: CodeTooShort, Want: 8, Got: 0}, {Code: CodeTooFewClasses, Want: 3, Got: 0}}},
		{"257 characters are too long", "zhang", "Aa1" + strings.Repeat("x", 254), []Violation{{Code: CodeTooLong, Want: 256, Got: 257}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DefaultPasswordPolicy().Check(tt.username, tt.pw)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Check(%q, %q) = %+v, want %+v", tt.username, tt.pw, got, tt.want)
			}
		})
	}
}

func TestPasswordPolicyIsConfigurable(t *testing.T) {
	p := PasswordPolicy{MinLength: 12, MinClasses: 1}
	t.Run("a stricter length applies", func(t *testing.T) {
		if got := p.Check("u", "abcdefghijk"); !slices.Equal(got, []Violation{{Code: CodeTooShort, Want: 12, Got: 11}}) {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("without RejectUsername the username is allowed", func(t *testing.T) {
		if got := p.Check("abcdefghijkl", "abcdefghijkl"); got != nil {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("without MaxLength any length passes", func(t *testing.T) {
		if got := p.Check("u", strings.Repeat("长", 10000)); got != nil {
			t.Errorf("got %+v", got)
		}
	})
}

func TestViolationMessage(t *testing.T) {
	tests := []struct {
		name, lang string
		v          Violation
		want       string
	}{
		{"too short reads in Chinese by default", "", Violation{Code: CodeTooShort, Want: 8}, "密码至少需要8个字符"},
		{"too short reads in Chinese for zh-CN", "zh-CN", Violation{Code: CodeTooShort, Want: 8}, "密码至少需要8个字符"},
		{"too short reads in English for en-US", "en-US", Violation{Code: CodeTooShort, Want: 8}, "the password must have at least 8 characters"},
		{"too long reads in English for en", "en", Violation{Code: CodeTooLong, Want: 256}, "the password may have at most 256 characters"},
		{"too few classes names the classes in Chinese", "zh", Violation{Code: CodeTooFewClasses, Want: 3}, "密码须包含小写字母、大写字母、数字、其他字符中的至少3类"},
		{"equals username reads in English for en_GB", "en_GB", Violation{Code: CodeEqualsUsername}, "the password must not be the same as the username"},
		{"an unknown code still says something in Chinese", "zh-CN", Violation{Code: "nope"}, "密码不符合要求"},
		{"a tag merely starting with en is not English", "eng-x", Violation{Code: CodeEqualsUsername}, "密码不能与用户名相同"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.v.Message(tt.lang); got != tt.want {
				t.Errorf("Message(%q) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
}

func FuzzPasswordPolicyCheck(f *testing.F) {
	for _, s := range []string{"", "Winter2024", "张三李四", "\xff\xfe", "aA1!"} {
		f.Add("zhang", s)
	}
	f.Fuzz(func(t *testing.T, username, pw string) {
		for _, v := range DefaultPasswordPolicy().Check(username, pw) {
			if v.Code == CodeTooShort && utf8.RuneCountInString(pw) >= 8 {
				t.Fatalf("%q of %d runes reported too short", pw, utf8.RuneCountInString(pw))
			}
			if v.Message("en") == "" || v.Message("zh-CN") == "" {
				t.Fatalf("empty message for %+v", v)
			}
		}
	})
}
