package identity

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
)

// The common passwords are made here, not copied from a leaked list: the
// words people (and Chinese offices in particular) build passwords from,
// each with the endings they add to get past a class rule — a year, 123,
// an @ or a !, 520 or 1314 — compared without regard to case. The list
// is a few thousand strings, built once.

// commonWords are what such passwords are made of.
var commonWords = []string{
	"password", "passw0rd", "p@ssword", "p@ssw0rd", "pass", "pwd", "mima", "wodemima",
	"qwerty", "qwertyuiop", "qwer", "qwe", "asdf", "asdfgh", "asdfghjkl", "asd", "zxcvbn", "zxcvbnm", "zxc",
	"qazwsx", "1qaz2wsx", "1qaz@wsx", "1qaz!qaz", "!qaz2wsx", "zaq12wsx", "1q2w3e4r", "1q2w3e", "q1w2e3r4",
	"abc", "abcd", "abcde", "abcdef", "aa", "a", "qq",
	"admin", "administrator", "root", "system", "sysadmin", "guest", "user", "test", "demo", "default", "changeme",
	"welcome", "letmein", "hello", "iloveyou", "love", "lovely", "woaini", "aini", "wangyi",
	"monkey", "dragon", "master", "sunshine", "shadow", "superman", "football", "baseball", "princess", "starwars", "trustno1",
	"china", "zhongguo", "beijing", "shanghai", "shenzhen", "guangzhou", "hangzhou", "nanjing", "chengdu",
	"huawei", "xiaomi", "baidu", "tencent", "alibaba", "taobao", "weixin", "wechat",
	"kehu", "kehucrm", "crm", "manager", "service", "sales", "company", "office", "windows", "computer", "internet",
	"12345678", "123456789", "1234567890", "87654321", "11111111", "88888888", "66666666", "00000000", "5201314", "1314520",
}

// commonEndings are what people add to a word to make it pass.
var commonEndings = []string{
	"", "1", "12", "123", "1234", "12345", "123456", "12345678", "01", "11", "000", "111",
	"!", "@", "#", ".", "1!", "123!", "123.", "@123", "#123", "!@#", "123!@#", "_123", "@123456", "!123",
	"2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026", "2027",
	"@2023", "@2024", "@2025", "@2026", "2024!", "2025!", "2026!", "#2026",
	"520", "666", "888", "8888", "1314", "@1314", "@520", "@888", "1314!", "520!", "666!", "888!",
}

var commonSet = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool, len(commonWords)*len(commonEndings))
	for _, w := range commonWords {
		for _, e := range commonEndings {
			m[w+e] = true
		}
	}
	return m
})

// IsCommonPassword reports whether pw, ignoring case, is one of the
// passwords an attacker tries first.
func IsCommonPassword(pw string) bool { return commonSet()[strings.ToLower(pw)] }

// passwordHardening is what the lockout cannot make up for: a password on
// the common list, or one that contains the username (zhang.wei2026!).
func passwordHardening(username, pw string) []crm.FieldError {
	var out []crm.FieldError
	if IsCommonPassword(pw) {
		out = append(out, crm.Bad("password", "common", "identity.password.common"))
	}
	if u := strings.ToLower(strings.TrimSpace(username)); utf8.RuneCountInString(u) >= 3 && strings.Contains(strings.ToLower(pw), u) && !strings.EqualFold(pw, u) {
		out = append(out, crm.Bad("password", "contains_username", "identity.password.contains_username"))
	}
	return out
}

// localized renders fields' texts in lang, as checkPassword's are.
func localized(lang string, fs []crm.FieldError) []crm.FieldError {
	for i, f := range fs {
		fs[i] = crm.BadIn(lang, f.Field, f.Code, f.Text)
	}
	return fs
}
