package crm

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// ExportColumns are the columns of a customer export, in order, with
// their Chinese and English headings.
var ExportColumns = []struct{ Key, ZH, EN string }{
	{"code", "客户编号", "Code"}, {"name", "客户名称", "Name"}, {"short_name", "简称", "Short name"},
	{"kind", "类型", "Kind"}, {"uscc", "统一社会信用代码", "USCC"}, {"stage", "阶段", "Stage"},
	{"source", "来源", "Source"}, {"region_code", "地区代码", "Region code"}, {"industry_code", "行业代码", "Industry code"},
	{"address", "地址", "Address"}, {"owner_id", "负责人ID", "Owner ID"}, {"created_at", "创建时间", "Created at"},
}

// ExportRow is one customer as exported: text cells, formula-safe.
type ExportRow []string

// Export streams the customers matching f in the caller's scope to emit,
// one row at a time, newest first, and audits the export (who, when,
// what filter, how many rows). Cells that a spreadsheet would run as a
// formula (starting with = + - @ or a tab/CR) are neutralised.
func (cs *Customers) Export(ctx context.Context, f CustomerFilter, emit func(ExportRow) error) (int, error) {
	if _, err := Authorize(ctx, ActCustomerExport); err != nil {
		return 0, err
	}
	n := 0
	f.Limit, f.BeforeID = 500, 0
	for {
		page, err := cs.List(ctx, f)
		if err != nil {
			return n, err
		}
		for _, c := range page {
			row := ExportRow{c.Code, c.Name, c.ShortName, c.Kind, c.USCC, c.Stage, c.Source, c.RegionCode, c.IndustryCode,
				c.Address, strconv.FormatInt(c.OwnerID, 10), c.CreatedAt.In(shanghai).Format("2006-01-02 15:04")}
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
		f.BeforeID = page[len(page)-1].ID
	}
	e := NewAudit(ctx, AuditExport, "customer", "", map[string]any{"query": f.Query, "stage": f.Stage, "owner_id": f.OwnerID, "rows": n})
	return n, cs.store.Audit(ctx, &e)
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
	p, _ := PrincipalFrom(ctx)
	return "Kehu 客户导出 · 导出人 " + p.Username + " · 导出时间 " + now.In(shanghai).Format("2006-01-02 15:04:05") + " (北京时间)"
}
