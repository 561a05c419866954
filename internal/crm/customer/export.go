package customer

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/secure"
)

// ExportColumns are the columns of a customer export, in order, with
// their Chinese and English headings.
var ExportColumns = []struct{ Key, ZH, EN string }{
	{"code", "客户编号", "Code"}, {"name", "客户名称", "Name"}, {"short_name", "简称", "Short name"},
	{"kind", "类型", "Kind"}, {"uscc", "统一社会信用代码", "USCC"}, {"legal_rep", "法定代表人", "Legal representative"},
	{"stage", "阶段", "Stage"}, {"source", "来源", "Source"}, {"region_code", "地区代码", "Region code"},
	{"industry_code", "行业代码", "Industry code"}, {"address", "地址", "Address"},
	{"contact_name", "主要联系人", "Primary contact"}, {"contact_mobile", "联系人手机", "Contact mobile"},
	{"tags", "标签", "Tags"}, {"owner", "负责人", "Owner"}, {"owner_id", "负责人ID", "Owner ID"},
	{"notes", "备注", "Notes"}, {"created_at", "创建时间", "Created at"},
}

// ExportRow is one customer as exported: text cells, formula-safe.
type ExportRow []string

// ExportOptions are how an export shows sensitive values.
type ExportOptions struct {
	// RevealReason, from a user who may reveal mobiles, exports them in
	// full, audited with the reason as a reveal is; otherwise they are
	// masked (138****5678).
	RevealReason string
	Format       string // csv or xlsx, for the audit entry
	Lang         string // en gives the option lists as codes, anything else in Chinese
}

// exportLabels are the option lists' Chinese words in an export (the
// words an import reads back).
var exportLabels = map[string]string{
	"company": "企业", "individual": "个人",
	"potential": "潜在", "general": "一般", "important": "重要", "strategic": "战略", "churned": "流失",
	"online": "线上", "offline": "线下", "social_media": "社交媒体", "referral": "转介绍", "trade_fair": "展会",
	"advertising": "广告", "other": "其他",
}

// Export is ExportWith masking every sensitive value.
func (cs *Service) Export(ctx context.Context, f CustomerFilter, emit func(ExportRow) error) (int, error) {
	return cs.ExportWith(ctx, f, ExportOptions{}, emit)
}

// ExportWith streams the customers matching f in the caller's scope to
// emit, one row at a time, in the list's order (f.Sort, newest first by
// default), and audits the export before the first row: who, when, the
// whole filter and format, and whether mobiles were revealed and why. Cells that a
// spreadsheet would run as a formula (starting with = + - @ or a tab/CR)
// are neutralised.
func (cs *Service) ExportWith(ctx context.Context, f CustomerFilter, opt ExportOptions, emit func(ExportRow) error) (int, error) {
	if err := cs.CheckExport(ctx, opt); err != nil {
		return 0, err
	}
	reveal := strings.TrimSpace(opt.RevealReason) != ""
	owners := map[int64]string{}
	owner := func(id int64) string {
		if name, ok := owners[id]; ok {
			return name
		}
		name := strconv.FormatInt(id, 10)
		if u, err := cs.Store.UserByID(ctx, id); err == nil {
			name = u.Username
			if u.DisplayName != "" {
				name = u.DisplayName + " (" + u.Username + ")"
			}
		}
		owners[id] = name
		return name
	}
	// The audit entry comes first: a CSV streams, and a client that
	// stops reading half-way has still received what it received.
	detail := map[string]any{"query": f.Query, "stage": f.Stage, "owner_id": f.OwnerID, "team_id": f.TeamID,
		"region": f.Region, "industry": f.Industry, "tag": f.Tag, "sort": f.Sort, "format": opt.Format, "mobiles_revealed": reveal}
	if !f.From.IsZero() {
		detail["created_from"] = f.From.UTC()
	}
	if !f.To.IsZero() {
		detail["created_to"] = f.To.UTC()
	}
	if reveal {
		detail["reveal_reason"] = opt.RevealReason
	}
	e := crm.NewAudit(ctx, crm.AuditExport, "customer", "", detail)
	if err := cs.Store.Audit(ctx, &e); err != nil {
		return 0, err
	}
	n := 0
	f.Limit, f.BeforeID, f.After = 500, 0, nil
	for {
		page, err := cs.List(ctx, f)
		if err != nil {
			return n, err
		}
		ids := make([]int64, len(page))
		for i, c := range page {
			ids[i] = c.ID
		}
		primary, err := cs.contacts.PrimaryContacts(ctx, ids)
		if err != nil {
			return n, err
		}
		for _, c := range page {
			contact, mobile := cs.exportedContact(primary[c.ID], reveal)
			label := func(code string) string {
				if w, ok := exportLabels[code]; ok && !strings.HasPrefix(opt.Lang, "en") {
					return w
				}
				return code
			}
			row := ExportRow{c.Code, c.Name, c.ShortName, label(c.Kind), c.USCC, c.LegalRep, label(c.Stage), label(c.Source), c.RegionCode, c.IndustryCode,
				c.Address, contact, mobile, strings.Join(c.Tags, ";"), owner(c.OwnerID), strconv.FormatInt(c.OwnerID, 10), c.Notes,
				c.CreatedAt.In(crm.Shanghai).Format("2006-01-02 15:04")}
			for i := range row {
				row[i] = NeutraliseCell(row[i])
			}
			if err := emit(row); err != nil {
				return n, err
			}
			n++
		}
		if len(page) < f.Limit {
			break
		}
		if f.Sort != "" {
			k := CursorAfter(f.Sort, page[len(page)-1])
			f.After = &k
		} else {
			f.BeforeID = page[len(page)-1].ID
		}
	}
	return n, nil
}

// CheckExport says whether the caller may export with opt: the export
// permission, and to reveal mobiles the reveal permission and a reason of
// at most 200 characters. A streaming caller asks before its file starts.
func (cs *Service) CheckExport(ctx context.Context, opt ExportOptions) error {
	p, err := crm.Authorize(ctx, crm.ActCustomerExport)
	if err != nil {
		return err
	}
	switch reason := strings.TrimSpace(opt.RevealReason); {
	case reason == "":
		return nil
	case !p.Role.Can(crm.ActCustomerReveal):
		msg := "you may not reveal mobile numbers"
		return &crm.Error{Code: crm.EForbidden, Message: msg, Fields: []crm.FieldError{{Field: "reveal_reason", Code: "forbidden", Message: msg}}}
	case utf8.RuneCountInString(reason) > 200:
		return crm.Invalid(crm.FieldError{Field: "reveal_reason", Code: "length", Message: "must be at most 200 characters"})
	}
	return nil
}

// exportedContact is a primary contact's name and mobile as exported:
// the mobile masked unless reveal.
func (cs *Service) exportedContact(k Contact, reveal bool) (name, mobile string) {
	if k.MobileEnc == "" || cs.Sealer == nil {
		return k.Name, ""
	}
	b, err := cs.Sealer.Decrypt(k.MobileEnc, secure.AAD("contacts", "mobile"))
	if err != nil {
		return k.Name, "****"
	}
	if reveal {
		return k.Name, string(b)
	}
	return k.Name, secure.MaskMobile(string(b))
}

// NeutraliseCell keeps a spreadsheet from running a cell as a formula
// (CSV injection): such a cell gets a leading apostrophe.
func NeutraliseCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ExportStamp is the line that records who exported and when.
func ExportStamp(ctx context.Context, now time.Time) string {
	return ExportStampLang(ctx, now, "zh-CN")
}

// ExportStampLang is ExportStamp in a language (en or Chinese).
func ExportStampLang(ctx context.Context, now time.Time, lang string) string {
	p, _ := crm.PrincipalFrom(ctx)
	at := now.In(crm.Shanghai).Format("2006-01-02 15:04:05")
	if lang == "en" {
		return "Kehu customer export · exported by " + p.Username + " · at " + at + " (Beijing time)"
	}
	return "Kehu 客户导出 · 导出人 " + p.Username + " · 导出时间 " + at + " (北京时间)"
}
