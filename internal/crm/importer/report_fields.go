package importer

import (
	"errors"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// fieldProblems turns a validation error into row problems.
func (rc *rowChecker) fieldProblems(ch *checked, err error, prefix string) {
	var e *crm.Error
	if !errors.As(err, &e) {
		rc.problem(ch, "", "invalid", msg.Plain(err.Error()))
		return
	}
	for _, f := range e.Fields {
		field := prefix + f.Field
		switch field {
		case "contact_wechat_id":
			field = FieldContactWeChat
		case "legal_rep":
			field = FieldLegalRep
		}
		text := f.Text
		if text.IsZero() {
			text = msg.Plain(f.Message)
		}
		switch {
		case field == FieldContactName && rc.colOf[field] == "":
			text = msg.M("importer.row.contact_needs_column")
		case field == FieldContactName && f.Code == "length" && strings.TrimSpace(ch.contactName) == "":
			text = msg.M("importer.row.contact_needs_name")
		default:
			if key, ok := reportChecks[f.Field+"/"+f.Code]; ok {
				text = msg.Of(chineseWords{zh: msg.M(key), other: text})
			} else if key, ok := reportChecks["/"+f.Code]; ok {
				text = msg.Of(chineseWords{zh: msg.M(key), other: text})
			}
		}
		rc.problem(ch, field, f.Code, text)
	}
}

// reportChecks are the keys of the Chinese report's own words for the
// domain's checks (field/code, or /code for any field): they name the
// options as the importer reads them (潜在、一般 …) where the domain's
// text names the codes.
var reportChecks = map[string]string{
	"/required":             "importer.check.required",
	"name/length":           "importer.check.name_length",
	"short_name/length":     "importer.check.short_name_length",
	"kind/unknown":          "importer.check.kind",
	"source/unknown":        "importer.check.source",
	"stage/unknown":         "importer.check.stage",
	"employee_band/unknown": "importer.check.employee_band",
	"revenue_band/unknown":  "importer.check.revenue_band",
	"tags/count":            "importer.check.tags_count",
	"tags/length":           "importer.check.tags_length",
	"name/required":         "importer.check.required",
	"gender/unknown":        "importer.check.gender",
	"birthday_leap/invalid": "importer.check.birthday_leap",
}

// chineseWords is a report text that is the report's own words in Chinese
// (reportChecks) and the domain's text in every other language.
type chineseWords struct{ zh, other msg.Message }

// Message renders the text in lang.
func (w chineseWords) Message(lang string) string {
	if msg.Lang(lang) == msg.ZhCN {
		return w.zh.In(lang)
	}
	return w.other.In(lang)
}
