package importer

import (
	"fmt"
	"io"
	"strings"

	"github.com/kehucrm/kehu/internal/cn"
	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/msg"
	"github.com/xuri/excelize/v2"
)

// The import template (导入模板): a workbook whose first sheet holds a
// line of instructions, the header of every import field and one example
// row, and whose second sheet lists the values the coded columns take
// (regions, industries, stages, kinds, sources, bands), which the first
// sheet's coded columns also offer as drop-down lists. The importer reads
// the first sheet and finds the header below the instructions; the
// rejects file (rejects_xlsx.go) uses the same headers, so both come back
// as they went out.

// TemplateHeader is the header the template and the rejects file give a
// field in lang: a header RecogniseHeader maps back to the field (the
// first Chinese alias, or the field's own name in English).
func TemplateHeader(lang, field string) string {
	if msg.Lang(lang) == msg.ZhCN {
		for _, a := range importAliases[field] {
			if RecogniseHeader(a) == field {
				return a
			}
		}
	}
	return field
}

// templateExample is the example row, by field, in Chinese; English
// pages write the coded values as codes.
func templateExample(lang string) map[string]string {
	uscc := "91440106MA5D8K2L7"
	check, _ := cn.USCCCheckCharacter(uscc)
	en := msg.Lang(lang) != msg.ZhCN
	word := func(code string) string {
		if en {
			return code
		}
		return msg.Text(lang, "customer.export.option."+code)
	}
	return map[string]string{
		FieldName: msg.Text(lang, "importer.template.example_name"), FieldShortName: msg.Text(lang, "importer.template.example_short"),
		FieldKind: word("company"), FieldUSCC: uscc + check, FieldLegalRep: "王海",
		FieldIndustry: "65 软件和信息技术服务业", FieldRegion: "440106 " + cn.RegionFullName("440106"),
		FieldAddress: "广州市天河区天河路 100 号", FieldSource: word("trade_fair"), FieldStage: word("important"),
		FieldEmployeeBand: "50-99", FieldRevenueBand: "1000万-5000万", FieldTags: "软件;重点",
		FieldNotes: msg.Text(lang, "importer.template.example_notes"), FieldContactName: "李娜", FieldContactTitle: "采购经理",
		FieldContactMobile: "13800138000", FieldContactLandline: "020-38881234", FieldContactEmail: "lina@example.com",
		FieldContactWeChat: "lina_yunhai", FieldContactBirthday: "1988-05-20",
	}
}

// codeList is one list of the code sheet: what to write in a cell and
// what it means.
type codeList struct {
	field  string
	title  string
	values [][2]string
}

// templateLists are the code sheet's lists in lang.
func templateLists(lang string) []codeList {
	en := msg.Lang(lang) != msg.ZhCN
	options := func(field, title string, codes []string) codeList {
		l := codeList{field: field, title: title}
		for _, c := range codes {
			w := c
			if !en {
				w = msg.Text(lang, "customer.export.option."+c)
			}
			l.values = append(l.values, [2]string{w, c})
		}
		return l
	}
	bands := func(field, title string, values []string) codeList {
		l := codeList{field: field, title: title}
		for _, v := range values {
			l.values = append(l.values, [2]string{v, ""})
		}
		return l
	}
	industry := codeList{field: FieldIndustry, title: msg.Text(lang, "importer.template.list.industry_code")}
	for _, s := range cn.Sections() {
		name := s.Name
		industry.values = append(industry.values, [2]string{s.Code + " " + name, msg.Text(lang, "importer.template.section")})
		for _, d := range cn.Divisions(s.Code) {
			industry.values = append(industry.values, [2]string{d.Code + " " + d.Name, s.Code + " " + name})
		}
	}
	region := codeList{field: FieldRegion, title: msg.Text(lang, "importer.template.list.region_code")}
	var walk func(parent string)
	walk = func(parent string) {
		for _, r := range cn.RegionChildren(parent) {
			// The 市辖区 placeholders name nothing a customer is in; the
			// development zones do.
			if !r.Statistical || r.Level == cn.CountyLevel {
				region.values = append(region.values, [2]string{r.Code, cn.RegionFullName(r.Code)})
			}
			walk(r.Code)
		}
	}
	walk("")
	return []codeList{
		options(FieldKind, msg.Text(lang, "importer.template.list.kind"), customer.CustomerKinds),
		options(FieldStage, msg.Text(lang, "importer.template.list.stage"), customer.CustomerStages),
		options(FieldSource, msg.Text(lang, "importer.template.list.source"), customer.CustomerSources),
		bands(FieldEmployeeBand, msg.Text(lang, "importer.template.list.employee_band"), customer.EmployeeBands),
		bands(FieldRevenueBand, msg.Text(lang, "importer.template.list.revenue_band"), customer.RevenueBands),
		industry,
		region,
	}
}

// templateRows is how many rows of the first sheet the drop-down lists
// cover.
const templateRows = 5000

// WriteTemplate writes the import template in lang as XLSX to w.
func WriteTemplate(lang string, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	data, codes := msg.Text(lang, "importer.template.sheet_customers"), msg.Text(lang, "importer.template.sheet_codes")
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return err
	}
	if _, err := f.NewSheet(codes); err != nil {
		return err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border: []excelize.Border{{Type: "bottom", Color: "9BC2E6", Style: 1}}})
	note, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "C00000"}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	example, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "7F7F7F"}})
	text, _ := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": codes and numbers stay text

	// The first sheet: instructions, header, example.
	last, _ := excelize.ColumnNumberToName(len(TemplateFields))
	if err := f.SetCellStr(data, "A1", msg.Text(lang, "importer.template.instructions")); err != nil {
		return err
	}
	_ = f.MergeCell(data, "A1", last+"1")
	_ = f.SetCellStyle(data, "A1", last+"1", note)
	_ = f.SetRowHeight(data, 1, 48)
	ex := templateExample(lang)
	for i, field := range TemplateFields {
		col, _ := excelize.ColumnNumberToName(i + 1)
		h := TemplateHeader(lang, field)
		if field == FieldName {
			h += msg.Text(lang, "importer.template.required")
		}
		_ = f.SetCellStr(data, col+"2", h)
		_ = f.SetCellStr(data, col+"3", ex[field])
		_ = f.SetColWidth(data, col, col, max(12, min(32, float64(len([]rune(ex[field])))*1.6)))
	}
	_ = f.SetColStyle(data, "A:"+last, text)
	_ = f.SetCellStyle(data, "A2", last+"2", bold)
	_ = f.SetCellStyle(data, "A3", last+"3", example)
	_ = f.SetPanes(data, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})

	// The second sheet: each list in two columns, a blank column between.
	for i, l := range templateLists(lang) {
		valueCol, _ := excelize.ColumnNumberToName(i*3 + 1)
		meaningCol, _ := excelize.ColumnNumberToName(i*3 + 2)
		_ = f.SetCellStr(codes, valueCol+"1", l.title)
		_ = f.SetCellStr(codes, valueCol+"2", msg.Text(lang, "importer.template.col_value"))
		_ = f.SetCellStr(codes, meaningCol+"2", msg.Text(lang, "importer.template.col_meaning"))
		_ = f.SetCellStyle(codes, valueCol+"1", meaningCol+"2", bold)
		for j, v := range l.values {
			_ = f.SetCellStr(codes, fmt.Sprintf("%s%d", valueCol, j+3), v[0])
			_ = f.SetCellStr(codes, fmt.Sprintf("%s%d", meaningCol, j+3), v[1])
		}
		_ = f.SetColWidth(codes, valueCol, valueCol, 24)
		_ = f.SetColWidth(codes, meaningCol, meaningCol, 26)
		// The coded columns of the first sheet offer the list; the
		// regions are too many for a drop-down and may be written by name.
		if l.field == FieldRegion {
			continue
		}
		at := -1
		for k, field := range TemplateFields {
			if field == l.field {
				at = k
			}
		}
		if at < 0 {
			continue
		}
		col, _ := excelize.ColumnNumberToName(at + 1)
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s3:%s%d", col, col, templateRows)
		dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$3:$%s$%d", strings.ReplaceAll(codes, "'", "''"), valueCol, valueCol, len(l.values)+2))
		if err := f.AddDataValidation(data, dv); err != nil {
			return err
		}
	}
	_ = f.SetPanes(codes, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
	f.SetActiveSheet(0)
	_, err := f.WriteTo(w)
	return err
}
