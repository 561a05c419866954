package care

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
)

// Merge fields a greeting may use, each in Chinese or English.
const (
	FieldSalutation = "salutation" // 称呼: 王先生, 李女士 / Mr Wang
	FieldName       = "name"       // 姓名
	FieldCompany    = "company"    // 公司
	FieldManager    = "manager"    // 客户经理
)

var fieldAliases = map[string]string{
	"称呼": FieldSalutation, "salutation": FieldSalutation,
	"姓名": FieldName, "name": FieldName,
	"公司": FieldCompany, "company": FieldCompany,
	"客户经理": FieldManager, "manager": FieldManager,
}

var mergeField = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// MergeValues are what the fields of one greeting stand for.
type MergeValues struct {
	Salutation, Name, Company, Manager string
}

// CheckTemplate refuses a text with an unknown merge field (naming it) or
// a brace left open; field names the text's field (body, subject).
func CheckTemplate(field, text string) error {
	for _, m := range mergeField.FindAllStringSubmatch(text, -1) {
		if _, ok := fieldAliases[m[1]]; !ok {
			return crm.Invalid(crm.Bad(field, "merge_field", "care.merge.unknown", m[1]))
		}
	}
	rest := mergeField.ReplaceAllString(text, "")
	if strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
		return crm.Invalid(crm.Bad(field, "merge_field", "care.merge.unclosed"))
	}
	// {称呼} looks like a merge field but would go out as typed.
	for _, m := range singleField.FindAllStringSubmatch(rest, -1) {
		if _, ok := fieldAliases[strings.TrimSpace(m[1])]; ok {
			return crm.Invalid(crm.Bad(field, "merge_field", "care.merge.single_brace", m[0], "{{"+strings.TrimSpace(m[1])+"}}"))
		}
	}
	return nil
}

// singleField is a name in single braces (or the full-width ｛｝).
var singleField = regexp.MustCompile(`[{｛]\s*([^{}｛｝]*?)\s*[}｝]`)

// Render fills text's merge fields with v; the text must pass CheckTemplate.
func Render(text string, v MergeValues) string {
	return mergeField.ReplaceAllStringFunc(text, func(s string) string {
		name := mergeField.FindStringSubmatch(s)[1]
		switch fieldAliases[name] {
		case FieldSalutation:
			return v.Salutation
		case FieldName:
			return v.Name
		case FieldCompany:
			return v.Company
		case FieldManager:
			return v.Manager
		}
		return s
	})
}

// Salutation is how a greeting addresses a contact: the surname with 先生
// or 女士 (Mr / Ms in English) when the gender is known, else the name.
func Salutation(name, gender, lang string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	surname := name
	if r, _ := utf8.DecodeRuneInString(name); r >= 0x4e00 && r <= 0x9fff {
		surname = string(r)
		if utf8.RuneCountInString(name) >= 4 { // 欧阳, 司马…: a two-character surname is likelier
			surname = string([]rune(name)[:2])
		}
	} else if f := strings.Fields(name); len(f) > 1 {
		surname = f[len(f)-1]
	}
	en := strings.HasPrefix(lang, "en")
	switch gender {
	case "male":
		if en {
			return "Mr " + surname
		}
		return surname + "先生"
	case "female":
		if en {
			return "Ms " + surname
		}
		return surname + "女士"
	}
	return name
}
