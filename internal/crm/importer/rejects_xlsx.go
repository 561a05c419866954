package importer

import (
	"context"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/msg"
	"github.com/xuri/excelize/v2"
)

// The rejects file (有问题的行): an import's bad rows as a workbook that a
// person fixes and uploads again. Its first columns say what is wrong
// with each row and where it stood in the original file; the importer
// recognises neither header, so it ignores them on the way back. The
// other columns are the original file's mapped columns, as they were
// written, under the headers the template uses (TemplateHeader), so that
// a column mapped by hand comes back recognised.

// rejectsPage is how many report lines one read of the report takes.
const rejectsPage = 1000

// WriteRejects writes import id's bad rows as XLSX to w in lang and
// returns how many rows it wrote. Only the import's creator (or a gm) may
// read it, as they read its report; rows with notices only are no bad
// rows and stay out.
func (im *Service) WriteRejects(ctx context.Context, id int64, lang string, w io.Writer) (int, error) {
	x, err := im.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	reasons, err := im.rowReasons(ctx, x.ID, lang)
	if err != nil {
		return 0, err
	}
	var cols []ImportColumn
	for _, c := range x.Columns {
		if c.Field != "" {
			cols = append(cols, c)
		}
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := msg.Text(lang, "importer.rejects.sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return 0, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return 0, err
	}
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FCE4D6"}}})
	reason, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "C00000"}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	_ = sw.SetColWidth(1, 1, 48)
	_ = sw.SetColWidth(2, 2, 10)
	if len(cols) > 0 {
		_ = sw.SetColWidth(3, len(cols)+2, 18)
	}
	header := []any{excelize.Cell{StyleID: head, Value: msg.Text(lang, "importer.rejects.problems")},
		excelize.Cell{StyleID: head, Value: msg.Text(lang, "importer.rejects.row")}}
	for _, c := range cols {
		header = append(header, excelize.Cell{StyleID: head, Value: TemplateHeader(lang, c.Field)})
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 20}); err != nil {
		return 0, err
	}
	n := 0
	if len(reasons) > 0 {
		rows, err := im.open(ctx, &x)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		codeCol, nameCol := -1, -1
		for _, c := range cols {
			switch c.Field {
			case FieldCode:
				codeCol = c.Index
			case FieldName:
				nameCol = c.Index
			}
		}
		var group [][]any
		var groupBad bool
		var gCode, gName string
		flush := func() error {
			if groupBad {
				for _, line := range group {
					n++
					cell, _ := excelize.CoordinatesToCellName(1, n+1)
					if err := sw.SetRow(cell, line); err != nil {
						return err
					}
				}
			}
			group, groupBad = group[:0], false
			return nil
		}
		for {
			rec, rowNo, err := rows.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return n, err
			}
			// A customer's rows (one per contact, folded by its code) go
			// together: all of them when any is bad, so that the fixed
			// file brings the customer back whole.
			code, name := cellOf(rec, codeCol, FieldCode), cellOf(rec, nameCol, FieldName)
			if !(code != "" && code == gCode && (name == "" || name == gName) && len(group) < MaxImportContacts) {
				if err := flush(); err != nil {
					return n, err
				}
				if len(reasons) == 0 {
					break
				}
				gCode, gName = code, name
			}
			why, bad := reasons[rowNo]
			line := []any{excelize.Cell{StyleID: reason, Value: strings.Join(why, "\n")}, rowNo}
			for _, c := range cols {
				v := ""
				if c.Index < len(rec) {
					v = rec[c.Index]
				}
				line = append(line, v)
			}
			group = append(group, line)
			if bad {
				groupBad = true
				delete(reasons, rowNo)
			}
		}
		if err := flush(); err != nil {
			return n, err
		}
	}
	if err := sw.Flush(); err != nil {
		return n, err
	}
	_ = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	_, err = f.WriteTo(w)
	return n, err
}

// cellOf is a row's cell at i (-1 for none) as field reads it.
func cellOf(rec []string, i int, field string) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return cellText(field, rec[i])
}

// rowReasons reads an import's whole report: each bad row's problems in
// lang, "column: why", in the order reported.
func (im *Service) rowReasons(ctx context.Context, id int64, lang string) (map[int][]string, error) {
	out := map[int][]string{}
	var after int64
	for {
		page, err := im.store.ImportProblems(ctx, id, after, rejectsPage)
		if err != nil {
			return nil, err
		}
		for _, p := range page {
			if p.Row < 1 || LevelOf(p.Code) == LevelNotice {
				continue
			}
			p = p.In(lang)
			where := p.Column
			if where == "" {
				where = p.Field
			}
			line := p.Message
			if where != "" {
				line = where + ": " + line
			}
			if !slices.Contains(out[p.Row], line) {
				out[p.Row] = append(out[p.Row], line)
			}
		}
		if len(page) < rejectsPage {
			return out, nil
		}
		after = page[len(page)-1].ID
	}
}

// RejectsFileName is the name the rejects file of import id is offered
// under: the original name with a mark, as .xlsx.
func RejectsFileName(x Import, lang string) string {
	base := x.FileName
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	if base == "" {
		base = "import-" + strconv.FormatInt(x.ID, 10)
	}
	return base + msg.Text(lang, "importer.rejects.suffix") + ".xlsx"
}
