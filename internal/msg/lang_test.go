package msg

import "testing"

func TestLang(t *testing.T) {
	tests := []struct {
		name, tag, want string
		known           bool
	}{
		{"an empty tag gets Chinese and is not a language", "", "zh-CN", false},
		{"zh-CN is Chinese", "zh-CN", "zh-CN", true},
		{"plain zh is Chinese", "zh", "zh-CN", true},
		{"Traditional Chinese is served Simplified", "zh-TW", "zh-CN", true},
		{"zh_Hans_CN with underscores is Chinese", "zh_Hans_CN", "zh-CN", true},
		{"en is English", "en", "en", true},
		{"en-US is English", "en-US", "en", true},
		{"EN_gb is English regardless of case", "EN_gb", "en", true},
		{"spaces around a tag do not matter", " en ", "en", true},
		{"a tag merely starting with en (enx) is not English", "enx", "zh-CN", false},
		{"a tag merely starting with zh (zhx) is not Chinese", "zhx", "zh-CN", false},
		{"an unsupported language gets Chinese", "fr", "zh-CN", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Lang(tt.tag); got != tt.want {
				t.Errorf("Lang(%q) = %q, want %q", tt.tag, got, tt.want)
			}
			if _, ok := Parse(tt.tag); ok != tt.known {
				t.Errorf("Parse(%q) known = %v, want %v", tt.tag, ok, tt.known)
			}
		})
	}
	t.Run("the default language comes first", func(t *testing.T) {
		if l := Langs(); len(l) != 2 || l[0] != ZhCN || l[1] != En {
			t.Errorf("Langs() = %v", l)
		}
	})
}

func TestText(t *testing.T) {
	tests := []struct {
		name, lang, key string
		args            []any
		want            string
	}{
		{"a text in Chinese", "zh-CN", "password.equals_username", nil, "密码不能与用户名相同"},
		{"a text in English", "en", "password.equals_username", nil, "the password must not be the same as the username"},
		{"a regional English tag is English", "en-GB", "password.equals_username", nil, "the password must not be the same as the username"},
		{"an unsupported language gets Chinese", "fr", "password.equals_username", nil, "密码不能与用户名相同"},
		{"arguments fill the verbs", "en", "password.too_short", []any{8, 3}, "the password must have at least 8 characters"},
		{"a text without verbs ignores its arguments", "zh-CN", "cn.email.empty", []any{0, "", ""}, "请填写电子邮箱"},
		{"indexed verbs take the arguments they name", "zh-CN", "cn.resident_id.checksum", []any{18, "X", "3"}, "第18位校验码应为 X，实际为 3"},
		{"a missing key shows as itself in brackets", "en", "no.such.key", nil, "⟦no.such.key⟧"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.lang, tt.key, tt.args...); got != tt.want {
				t.Errorf("Text(%q, %q, %v) = %q, want %q", tt.lang, tt.key, tt.args, got, tt.want)
			}
		})
	}
}

func BenchmarkText(b *testing.B) {
	for b.Loop() {
		Text("zh-CN", "cn.uscc.checksum", 18, "X", "3")
	}
}
