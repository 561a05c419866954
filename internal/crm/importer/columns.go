package importer

import (
	"sort"
	"strings"
	"unicode"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/msg"
	"golang.org/x/text/width"
)

// Import fields: what a column of an import file can hold. The names are
// the JSON names of the customer and contact APIs, the contact's prefixed
// with contact_; owner is a username.
const (
	FieldName            = "name"
	FieldShortName       = "short_name"
	FieldKind            = "kind"
	FieldUSCC            = "uscc"
	FieldLegalRep        = "legal_representative"
	FieldIndustry        = "industry_code"
	FieldRegion          = "region_code"
	FieldAddress         = "address"
	FieldSource          = "source"
	FieldStage           = "stage"
	FieldEmployeeBand    = "employee_band"
	FieldRevenueBand     = "revenue_band"
	FieldTags            = "tags"
	FieldNotes           = "notes"
	FieldOwner           = "owner"
	FieldContactName     = "contact_name"
	FieldContactTitle    = "contact_title"
	FieldContactMobile   = "contact_mobile"
	FieldContactLandline = "contact_landline"
	FieldContactEmail    = "contact_email"
	FieldContactWeChat   = "contact_wechat"
	FieldContactBirthday = "contact_birthday"
	// FieldContactPrimary says whether the row's contact is the customer's
	// primary contact (是/否), as Kehu's export writes it.
	FieldContactPrimary = "contact_primary"
	// FieldCode is the customer code of Kehu's export: it is not imported
	// (a new customer gets a new code), but rows that repeat the code of
	// the row before them are that customer's further contacts.
	FieldCode = "code"
	// FieldIgnore in a mapping skips a column.
	FieldIgnore = "-"
)

// ImportFields lists every field a column can map to, in display order.
var ImportFields = []string{FieldName, FieldShortName, FieldKind, FieldUSCC, FieldLegalRep, FieldIndustry, FieldRegion,
	FieldAddress, FieldSource, FieldStage, FieldEmployeeBand, FieldRevenueBand, FieldTags, FieldNotes, FieldOwner,
	FieldContactName, FieldContactTitle, FieldContactMobile, FieldContactLandline, FieldContactEmail, FieldContactWeChat, FieldContactBirthday,
	FieldContactPrimary, FieldCode}

// TemplateFields are the fields the downloadable template has a column
// for: ImportFields without those that only carry an export back.
var TemplateFields = ImportFields[:len(ImportFields)-2]

// importAliases are the headers recognised for each field, Chinese first,
// compared after normaliseHeader.
var importAliases = map[string][]string{
	FieldName:            {"客户名称", "客户", "名称", "公司名称", "企业名称", "单位名称", "客户全称", "customer", "customername", "company"},
	FieldShortName:       {"简称", "客户简称", "公司简称", "shortname"},
	FieldKind:            {"客户类型", "类型", "客户性质", "type", "customertype"},
	FieldUSCC:            {"统一社会信用代码", "社会信用代码", "信用代码", "统一信用代码", "creditcode", "unifiedsocialcreditcode"},
	FieldLegalRep:        {"法定代表人", "法人", "法人代表", "legalrep", "legalrepresentative"},
	FieldIndustry:        {"行业", "行业代码", "所属行业", "industry"},
	FieldRegion:          {"地区", "地区代码", "所在地区", "行政区划", "行政区划代码", "区域", "region"},
	FieldAddress:         {"地址", "详细地址", "通讯地址", "公司地址", "注册地址"},
	FieldSource:          {"客户来源", "来源", "获客渠道"},
	FieldStage:           {"客户阶段", "阶段", "客户等级", "客户状态"},
	FieldEmployeeBand:    {"员工规模", "人员规模", "员工人数", "employees"},
	FieldRevenueBand:     {"营收规模", "年营业额", "营业额", "revenue"},
	FieldTags:            {"标签", "客户标签", "tag"},
	FieldNotes:           {"备注", "说明", "remark", "remarks", "note"},
	FieldOwner:           {"负责人", "客户经理", "归属人", "所有者", "ownerusername"},
	FieldContactName:     {"联系人", "联系人姓名", "姓名", "主要联系人", "contact", "primarycontact"},
	FieldContactTitle:    {"职务", "职位", "联系人职务", "title"},
	FieldContactMobile:   {"手机", "手机号", "手机号码", "联系人手机", "移动电话", "mobile", "cellphone"},
	FieldContactLandline: {"电话", "座机", "固定电话", "联系电话", "办公电话", "landline", "phone", "telephone", "tel"},
	FieldContactEmail:    {"邮箱", "电子邮箱", "电子邮件", "邮件", "联系人邮箱", "email", "mail"},
	FieldContactWeChat:   {"微信", "微信号", "wechat", "wechatid", "weixin"},
	FieldContactBirthday: {"生日", "出生日期", "联系人生日", "birthday", "dateofbirth"},
	FieldContactPrimary:  {"是否主要联系人", "主联系人", "isprimary", "primary"},
	FieldCode:            {"客户编号", "客户编码", "customercode"},
}

var headerIndex = func() map[string]string {
	m := map[string]string{}
	for _, f := range ImportFields {
		m[normaliseHeader(f)] = f // the JSON name itself
		for _, a := range importAliases[f] {
			m[normaliseHeader(a)] = f
		}
	}
	return m
}()

// normaliseHeader folds a header for matching: half-width, lower case,
// without spaces, punctuation, a required-mark (*) or a note in brackets
// ("客户名称（必填）" → "客户名称").
func normaliseHeader(s string) string {
	s = width.Fold.String(strings.TrimPrefix(s, "\ufeff"))
	if i := strings.IndexAny(s, "(["); i > 0 {
		s = s[:i]
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimSuffix(b.String(), "必填")
}

// RecogniseHeader returns the field a header names, or "".
func RecogniseHeader(h string) string { return headerIndex[normaliseHeader(h)] }

// ImportColumn is one column of an import file and the field it fills.
type ImportColumn struct {
	Index  int    `json:"index"` // 0-based
	Header string `json:"header"`
	Field  string `json:"field"` // "" when the column is ignored
	// Hidden marks a column hidden in the workbook: it is ignored unless
	// the mapping names it.
	Hidden bool `json:"hidden,omitempty"`
}

// ResolveColumns maps a header row to fields: an explicit mapping (header
// → field, or "-" to ignore) wins over recognition. A field filled by two
// columns, a mapping to an unknown field or naming no column, and a file
// with no column for the customer's name are refused.
func ResolveColumns(header []string, mapping map[string]string, lang string) ([]ImportColumn, error) {
	fields, _, err := splitMapping(mapping, lang)
	if err != nil {
		return nil, err
	}
	return resolveColumns(header, fields, nil, lang)
}

// resolveColumns is ResolveColumns for a mapping without reading options,
// leaving hidden columns out unless the mapping names them.
func resolveColumns(header []string, mapping map[string]string, hidden map[int]bool, lang string) ([]ImportColumn, error) {
	var fs []crm.FieldError
	known := map[string]bool{}
	for _, f := range ImportFields {
		known[f] = true
	}
	byHeader := map[string]int{}
	for i, h := range header {
		byHeader[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	explicit := map[int]string{}
	keys := make([]string, 0, len(mapping))
	for k := range mapping {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, h := range keys {
		f := strings.TrimSpace(mapping[h])
		i, ok := byHeader[strings.TrimSpace(h)]
		switch {
		case !ok:
			fs = append(fs, crm.BadIn(lang, "mapping."+h, "unknown_column", msg.M("importer.mapping.unknown_column")))
		case f != FieldIgnore && f != "" && !known[f]:
			fs = append(fs, crm.BadIn(lang, "mapping."+h, "unknown_field", msg.M("importer.mapping.unknown_field", strings.Join(ImportFields, ", "))))
		default:
			explicit[i] = f
		}
	}
	cols := make([]ImportColumn, len(header))
	taken := map[string]int{}
	for i, h := range header {
		f, ok := explicit[i]
		if !ok && !hidden[i] {
			f = RecogniseHeader(h)
		}
		if f == FieldIgnore {
			f = ""
		}
		cols[i] = ImportColumn{Index: i, Header: strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), Field: f, Hidden: hidden[i]}
		if f == "" {
			continue
		}
		if j, dup := taken[f]; dup {
			fs = append(fs, crm.BadIn(lang, "mapping."+cols[i].Header, "duplicate_field",
				msg.M("importer.mapping.duplicate_field", f, cols[j].Header)))
			continue
		}
		taken[f] = i
	}
	if _, ok := taken[FieldName]; !ok && len(fs) == 0 {
		fs = append(fs, crm.BadIn(lang, "mapping", "required", msg.M("importer.mapping.required")))
	}
	if len(fs) > 0 {
		return cols, crm.Invalid(fs...)
	}
	return cols, nil
}

// Chinese labels accepted for the option lists.
var (
	importStages = map[string]string{"潜在": "potential", "潜在客户": "potential", "一般": "general", "一般客户": "general",
		"重要": "important", "重要客户": "important", "战略": "strategic", "战略客户": "strategic", "流失": "churned", "流失客户": "churned"}
	importSources = map[string]string{"线上": "online", "网络": "online", "线下": "offline", "社交媒体": "social_media",
		"转介绍": "referral", "介绍": "referral", "推荐": "referral", "展会": "trade_fair", "广告": "advertising", "其他": "other", "其它": "other"}
	importKinds = map[string]string{"企业": "company", "公司": "company", "单位": "company", "个人": "individual", "经销商": "dealer"}
)

// optionValue turns a Chinese label into its code; codes pass through.
func optionValue(labels map[string]string, s string) string {
	s = strings.TrimSpace(s)
	if v, ok := labels[s]; ok {
		return v
	}
	return strings.ToLower(s)
}

// firstWord keeps a code written with its name ("440305 南山区" → "440305").
func firstWord(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexFunc(s, unicode.IsSpace); i > 0 {
		return s[:i]
	}
	return s
}

// splitTags splits a tags cell as customer.SplitTags does: on semicolons
// when it has one (as Kehu's export joins tags, quoting one that holds a
// separator), else on the usual separators.
func splitTags(s string) []string { return customer.SplitTags(s) }
