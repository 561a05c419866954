package importer

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/kehucrm/kehu/internal/msg"
)

// How to read a file travels in the import's mapping beside the header →
// field entries, under keys no header has (they start with @), so that a
// check, a commit and a resume all read the file alike.
const (
	// OptSheet names the workbook's sheet: its name or 1-based index; the
	// first visible sheet by default.
	OptSheet = "@sheet"
	// OptHeaderRow is the header's 1-based row number; by default it is the
	// first of the first HeaderSearchRows rows that maps the name column.
	OptHeaderRow = "@header_row"
	// OptFormulas set to FormulaValues takes each formula cell's value (as
	// last calculated); by default a formula in a mapped column is a
	// problem of its row.
	OptFormulas   = "@formulas"
	FormulaValues = "values"
)

// readOptions are the reading options of a mapping.
type readOptions struct {
	sheet         string
	headerRow     int
	formulaValues bool
}

// splitMapping parts a mapping into its header → field entries and its
// reading options, refusing a bad option.
func splitMapping(m map[string]string, lang string) (map[string]string, readOptions, error) {
	fields := map[string]string{}
	var o readOptions
	var fs []crm.FieldError
	for k, v := range m {
		v = strings.TrimSpace(v)
		switch k {
		case OptSheet:
			o.sheet = v
		case OptHeaderRow:
			if v == "" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > MaxImportRows {
				fs = append(fs, crm.BadIn(lang, "header_row", "format", msg.M("importer.header_row.format")))
			}
			o.headerRow = n
		case OptFormulas:
			if v != "" && v != FormulaValues && v != "report" {
				fs = append(fs, crm.BadIn(lang, "formulas", "unknown", msg.M("importer.formulas.unknown")))
			}
			o.formulaValues = v == FormulaValues
		default:
			fields[k] = v
		}
	}
	if len(fs) > 0 {
		return fields, o, crm.Invalid(fs...)
	}
	return fields, o, nil
}

// locateHeader reads rows up to and including the header row and
// resolves its columns. Hidden columns of a workbook are left out unless
// the mapping names them.
func locateHeader(rows RowReader, mapping map[string]string, lang string) ([]ImportColumn, int, error) {
	fields, o, err := splitMapping(mapping, lang)
	if err != nil {
		return nil, 0, err
	}
	hidden := func() map[int]bool {
		if fr, ok := rows.(formulaReader); ok {
			return fr.HiddenColumns()
		}
		return nil
	}
	if o.headerRow > 0 {
		for {
			rec, n, err := rows.Next()
			if errors.Is(err, io.EOF) || (err == nil && n > o.headerRow) {
				return nil, 0, crm.Invalid(crm.BadIn(lang, "header_row", "blank", msg.M("importer.header_row.blank", o.headerRow)))
			}
			if err != nil {
				return nil, 0, err
			}
			if n == o.headerRow {
				cols, err := resolveColumns(rec, fields, hidden(), lang)
				return cols, n, err
			}
		}
	}
	var best error
	bestScore := -1
	for {
		rec, n, err := rows.Next()
		if errors.Is(err, io.EOF) || (err == nil && n > HeaderSearchRows) {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		if blankRow(rec) {
			continue
		}
		cols, err := resolveColumns(rec, fields, hidden(), lang)
		if err == nil {
			return cols, n, nil
		}
		score := 0
		for _, c := range cols {
			if c.Field != "" {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = err, score
		}
	}
	if best == nil {
		return nil, 0, crm.Invalid(crm.BadIn(lang, "file", "empty", msg.M("importer.file.empty_file")))
	}
	return nil, 0, best
}

// colName is a 0-based column's letters: 0 → A, 27 → AB.
func colName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
