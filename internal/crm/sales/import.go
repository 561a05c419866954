package sales

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/crm/importer"
	"github.com/kehucrm/kehu/internal/msg"
	"golang.org/x/text/width"
)

// MaxImportRows bounds the lines of one sales import (it runs in the
// request).
const MaxImportRows = 20_000

// importChunk is how many lines one transaction of an import writes.
const importChunk = 500

// The columns of a sales import.
const (
	colExternalID = "external_id"
	colDate       = "date"
	colCustomer   = "customer"
	colProduct    = "product"
	colQuantity   = "quantity"
	colAmount     = "amount"
)

// importColumns are the headers an ERP's export uses for each column,
// compared without spaces, case or full-width forms.
var importColumns = map[string][]string{
	colExternalID: {"external_id", "externalid", "外部编号", "明细编号", "明细id", "单据行号", "单据编号", "单据号", "单号", "订单号",
		"订单编号", "销售单号", "销售单编号", "销售订单号", "出库单号", "出库单编号", "发货单号", "凭证号", "凭证编号", "发票号", "发票号码",
		"lineid", "documentno", "orderno", "voucherno"},
	colDate: {"date", "日期", "单据日期", "销售日期", "业务日期", "开票日期", "出库日期", "发货日期", "订单日期", "记账日期", "凭证日期",
		"orderdate"},
	colCustomer: {"customer", "customer_code", "customercode", "客户", "客户编码", "客户编号", "客户代码", "客户名称", "客户全称",
		"购货单位", "购买方", "统一社会信用代码", "uscc", "customername"},
	colProduct: {"product", "product_code", "productcode", "产品编码", "产品编号", "产品代码", "物料编码", "物料编号", "物料代码",
		"存货编码", "存货代码", "商品编码", "商品编号", "货品编码", "料号", "sku"},
	colQuantity: {"quantity", "qty", "数量", "销售数量", "出库数量", "发货数量", "订单数量"},
	colAmount: {"amount", "金额", "销售金额", "销售额", "价税合计", "含税金额", "总金额", "amount(yuan)", "金额(元)",
		"价税合计(元)", "含税金额(元)"},
}

// requiredColumns must all be found in the header row.
var requiredColumns = []string{colDate, colCustomer, colProduct, colQuantity, colAmount}

func normHeader(h string) string {
	h = strings.ToLower(width.Fold.String(strings.TrimSpace(h)))
	return strings.NewReplacer(" ", "", "\u3000", "", "*", "", "（", "(", "）", ")").Replace(h)
}

var headerField = func() map[string]string {
	m := map[string]string{}
	for f, hs := range importColumns {
		for _, h := range hs {
			m[normHeader(h)] = f
		}
	}
	return m
}()

// ImportProblem is what is wrong with one row of an import file.
type ImportProblem struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Column  string `json:"column,omitempty"` // the file's header of the field's column`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ImportReport is what an import found and did.
type ImportReport struct {
	DryRun   bool            `json:"dry_run"`
	Rows     int             `json:"rows"`     // data rows read
	Valid    int             `json:"valid"`    // rows that would be (or were) written or were already there
	Created  int             `json:"created"`  // lines written (0 in a dry run)
	Existing int             `json:"existing"` // rows whose external ID a line already carries: skipped
	Rejected int             `json:"rejected"` // rows with problems: not written
	Problems []ImportProblem `json:"problems"`
	Notices  []ImportNotice  `json:"notices"` // what was read otherwise than one may expect
}

// ImportNotice is something about the file as a whole (or one row) that
// did not stop the import: a column not read, no external ID column.
type ImportNotice struct {
	Row     int    `json:"row,omitempty"`
	Column  string `json:"column,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Import reads an ERP's export of sales lines (CSV or XLSX, through the
// customer importer's readers) and, unless dryRun, writes its valid lines
// in transactions of 500: each row names its customer (by code, USCC or
// exact name) and its product (by code). Rows whose external ID a line
// already carries are skipped, so a re-run adds nothing twice; rows at
// fault are listed with the field and not written.
func (ss *Service) Import(ctx context.Context, name string, data []byte, dryRun bool, lang string) (ImportReport, error) {
	p, err := crm.Authorize(ctx, crm.ActSalesImport)
	if err != nil {
		return ImportReport{}, err
	}
	rep := ImportReport{DryRun: dryRun, Problems: []ImportProblem{}, Notices: []ImportNotice{}}
	ftype, err := importer.DetectFileType(name, data[:min(len(data), 512)], lang)
	if err != nil {
		return rep, err
	}
	rows, err := importer.OpenRows(bytes.NewReader(data), ftype)
	if err != nil {
		return rep, err
	}
	defer rows.Close()
	cols, heads, ignored, err := findHeader(rows)
	if err != nil {
		return rep, err
	}
	for _, h := range ignored {
		rep.Notices = append(rep.Notices, ImportNotice{Column: h, Code: "column_ignored",
			Message: msg.M("sales.import.column_ignored", h).In(lang)})
	}
	// columnHeader is the file's header of a field's (first) column.
	columnHeader := func(field string) string {
		if is := cols[field]; len(is) > 0 && is[0] < len(heads) {
			return strings.TrimSpace(heads[is[0]])
		}
		return ""
	}
	if len(cols[colExternalID]) == 0 {
		rep.Notices = append(rep.Notices, ImportNotice{Code: "no_external_id",
			Message: msg.M("sales.import.no_external_id").In(lang)})
	}
	type line struct {
		row  int
		sale Sale
	}
	var lines []line
	customers, products := map[string]int64{}, map[string]Product{}
	seen := map[string]int{}
	for {
		rec, row, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rep, err
		}
		cell := func(f string) string {
			for _, i := range cols[f] {
				if i < len(rec) {
					if v := strings.TrimSpace(rec[i]); v != "" {
						return v
					}
				}
			}
			return ""
		}
		if blank(rec) {
			continue
		}
		if summaryRow(rec) {
			rep.Notices = append(rep.Notices, ImportNotice{Row: row, Code: "summary_row",
				Message: msg.M("sales.import.summary_row").In(lang)})
			continue
		}
		if rep.Rows++; rep.Rows > MaxImportRows {
			return rep, crm.Invalid(crm.Bad("file", "too_many_rows", "sales.import.too_many_rows", MaxImportRows))
		}
		var fs []crm.FieldError
		bad := func(field, code, key string, args ...any) { fs = append(fs, crm.Bad(field, code, key, args...)) }
		// A formula cell in a column read is reported as such: its value is
		// not what the file shows in every program.
		formulaIn := map[string]bool{}
		if fr, ok := rows.(formulaReader); ok {
			for _, f := range importFields {
				for _, i := range cols[f] {
					if fx, ok := fr.Formulas()[i]; ok && !formulaIn[f] {
						formulaIn[f] = true
						bad(f, "formula", "sales.import.formula", fx)
					}
				}
			}
		}
		if len(formulaIn) > 0 {
			rep.Rejected++
			for _, f := range fs {
				rep.Problems = append(rep.Problems, ImportProblem{Row: row, Field: f.Field, Column: columnHeader(f.Field), Code: f.Code, Message: f.Text.In(lang)})
			}
			continue
		}
		s := Sale{}
		// The customer: any of its columns that names one.
		var key string
		for _, i := range cols[colCustomer] {
			if i >= len(rec) || strings.TrimSpace(rec[i]) == "" {
				continue
			}
			key = strings.TrimSpace(rec[i])
			id, ok := customers[key]
			if !ok {
				if id, err = ss.importCustomer(ctx, p, key); err != nil {
					return rep, err
				}
				customers[key] = id
			}
			if id > 0 {
				s.CustomerID = id
				break
			}
		}
		if s.CustomerID == 0 {
			if key == "" {
				bad("customer", "required", "sales.import.customer_required")
			} else {
				bad("customer", "unknown", "sales.import.customer_unknown", key)
			}
		}
		var product Product
		if code := cell(colProduct); code == "" {
			bad("product", "required", "sales.import.product_required")
		} else if pr, ok := products[code]; ok {
			product = pr
		} else if pr, err := ss.store.ProductByCode(ctx, code); crm.ErrorCode(err) == crm.ENotFound {
			products[code] = Product{}
		} else if err != nil {
			return rep, err
		} else {
			products[code], product = pr, pr
		}
		if code := cell(colProduct); code != "" && product.ID == 0 {
			bad("product", "unknown", "sales.import.product_unknown", code)
		}
		s.ProductID, s.ProductCode, s.ProductName = product.ID, product.Code, product.Name
		in := SaleInput{Source: SourceImport, ExternalID: cell(colExternalID), Quantity: wholeNumber(numberCell(cell(colQuantity))),
			Amount: fenText(numberCell(cell(colAmount)))}
		if d := width.Fold.String(cell(colDate)); d == "" {
			bad("date", "required", "sales.import.date_required")
		} else if iso, ok := importer.ParseDate(d); !ok || len(iso) != 10 {
			bad("date", "format", "sales.date.format")
		} else {
			in.Date = iso
		}
		if in.Amount == "" {
			bad("amount", "required", "sales.import.amount_required")
		}
		vfs := ss.checkValues(&s, in, Product{})
		fs = append(fs, vfs...)
		if s.ExternalID != "" {
			if first, dup := seen[s.ExternalID]; dup {
				bad("external_id", "repeated", "sales.import.external_id_repeated", first)
			} else {
				seen[s.ExternalID] = row
			}
		}
		if len(fs) > 0 {
			rep.Rejected++
			for _, f := range fs {
				rep.Problems = append(rep.Problems, ImportProblem{Row: row, Field: f.Field, Column: columnHeader(f.Field), Code: f.Code, Message: f.Text.In(lang)})
			}
			continue
		}
		if p.UserID > 0 {
			s.CreatedBy = p.UserID
		}
		lines = append(lines, line{row: row, sale: s})
	}
	if rep.Rows == 0 {
		return rep, crm.Invalid(crm.Bad("file", "empty", "sales.import.empty"))
	}
	var ext []string
	for _, l := range lines {
		if l.sale.ExternalID != "" {
			ext = append(ext, l.sale.ExternalID)
		}
	}
	taken, err := ss.store.ExternalIDsTaken(ctx, ext)
	if err != nil {
		return rep, err
	}
	var fresh []Sale
	for _, l := range lines {
		if _, ok := taken[l.sale.ExternalID]; ok && l.sale.ExternalID != "" {
			rep.Existing++
			continue
		}
		fresh = append(fresh, l.sale)
	}
	rep.Valid = len(lines)
	if dryRun {
		return rep, nil
	}
	now := ss.now().UTC()
	for start := 0; start < len(fresh); start += importChunk {
		chunk := fresh[start:min(start+importChunk, len(fresh))]
		for i := range chunk {
			chunk[i].CreatedAt = now
		}
		e := crm.NewAudit(ctx, crm.AuditCreate, "sales_import", "", map[string]any{"file": name, "lines": len(chunk), "first": start + 1})
		n, err := ss.store.CreateSales(ctx, chunk, &e)
		if err != nil {
			return rep, err
		}
		rep.Created += n
		rep.Existing += len(chunk) - n // taken by a concurrent run meanwhile
	}
	return rep, nil
}

// importCustomer is the customer a cell names, if the caller may enter
// its sales (0 if none, or several, or out of scope).
func (ss *Service) importCustomer(ctx context.Context, p crm.Principal, key string) (int64, error) {
	ids, err := ss.store.CustomersByKey(ctx, key)
	if err != nil || len(ids) != 1 {
		return 0, err
	}
	_, ok, err := ss.writableCustomer(ctx, p, ids[0])
	if err != nil || !ok {
		return 0, err
	}
	return ids[0], nil
}

// findHeader finds the header row among the first rows and the columns of
// each field (the customer may have several: code, name, USCC).
// The headers of columns it does not read are returned too.
func findHeader(rows importer.RowReader) (cols map[string][]int, heads, ignored []string, err error) {
	for n := 0; n < importer.HeaderSearchRows; n++ {
		rec, _, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, nil, err
		}
		cols = map[string][]int{}
		ignored = nil
		for i, h := range rec {
			if f, ok := headerField[normHeader(h)]; ok {
				cols[f] = append(cols[f], i)
			} else if strings.TrimSpace(h) != "" {
				ignored = append(ignored, strings.TrimSpace(h))
			}
		}
		missing := []string{}
		for _, f := range requiredColumns {
			if len(cols[f]) == 0 {
				missing = append(missing, f)
			}
		}
		if len(missing) == 0 {
			return cols, rec, ignored, nil
		}
		if len(cols) >= 3 {
			return nil, nil, nil, crm.Invalid(crm.Bad("file", "columns", "sales.import.columns_missing", columnNames(missing)))
		}
	}
	return nil, nil, nil, crm.Invalid(crm.Bad("file", "header", "sales.import.no_header", columnNames(requiredColumns)))
}

// importFields are the fields an import reads, in the file's usual order.
var importFields = []string{colExternalID, colDate, colCustomer, colProduct, colQuantity, colAmount}

// formulaReader is a row reader that knows the formulas of the last row's
// cells (by 0-based column): the importer's XLSX and CSV readers.
type formulaReader interface {
	Formulas() map[int]string
}

// columnKeys are the catalogue keys of the columns' names.
var columnKeys = map[string]string{
	colExternalID: "sales.import.column.external_id",
	colDate:       "sales.import.column.date",
	colCustomer:   "sales.import.column.customer",
	colProduct:    "sales.import.column.product",
	colQuantity:   "sales.import.column.quantity",
	colAmount:     "sales.import.column.amount",
}

// columnNames names import columns in the reader's language: the headers
// a file in that language would use (日期、客户编码 … or date, customer …).
type columnNames []string

// Message joins the columns' names in lang.
func (c columnNames) Message(lang string) string {
	sep := ", "
	if msg.Lang(lang) == msg.ZhCN {
		sep = "、"
	}
	names := make([]string, len(c))
	for i, f := range c {
		names[i] = msg.M(columnKeys[f]).In(lang)
	}
	return strings.Join(names, sep)
}

// summaryWords start a total row (合计 …) in its first non-empty cell.
var summaryWords = []string{"合计", "小计", "总计", "共计", "汇总", "累计", "grandtotal", "subtotal", "total"}

// summaryRow says whether a row is an ERP's total row: its first non-empty
// cell is a summary word, alone or followed by no letter ("合计：",
// "共计 9 条"), so that a customer named 汇总科技 is still read.
func summaryRow(rec []string) bool {
	for _, cell := range rec {
		s := strings.ToLower(strings.Join(strings.Fields(width.Fold.String(cell)), ""))
		if s == "" {
			continue
		}
		for _, w := range summaryWords {
			if rest, ok := strings.CutPrefix(s, w); ok {
				r := []rune(rest)
				return len(r) == 0 || !unicode.IsLetter(r[0])
			}
		}
		return false
	}
	return false
}

// numberCell reads full-width digits and separators (１０，０００．５)
// as their ASCII forms.
func numberCell(s string) string {
	return strings.TrimSpace(width.Fold.String(s))
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// wholeNumber writes a spreadsheet's number as a whole number when it is
// one ("12.0", "1,200"), else leaves it for the check to refuse.
func wholeNumber(s string) string {
	t := strings.ReplaceAll(s, ",", "")
	if f, err := strconv.ParseFloat(t, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return s
}

// fenText writes a spreadsheet's amount with at most two places when it
// is within a hair of a whole fen (1234.4999999 is 1234.50), else leaves
// it for the check to refuse.
func fenText(s string) string {
	if _, ok := ParseYuan(s); ok {
		return s
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil || math.Abs(f) > 1e13 {
		return s
	}
	if fen := math.Round(f * 100); math.Abs(fen-f*100) < 1e-6 {
		return Money(int64(fen)).Yuan()
	}
	return s
}
