package importer

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Limits on what an import file may expand to. A file past one is refused
// with an error naming the limit (and the row, where there is one).
const (
	// MaxImportColumns is how many columns a row may have.
	MaxImportColumns = 1000
	// MaxCellChars is the longest cell, Excel's own limit.
	MaxCellChars = 32767
	// MaxUnzippedBytes bounds what an XLSX workbook unpacks to.
	MaxUnzippedBytes = 1 << 30
	// HeaderSearchRows is how many rows at the top of a file are searched
	// for the header row (below titles, notes and blank rows).
	HeaderSearchRows = 20
)

// RowReader streams the rows of an import file, the header first.
type RowReader interface {
	// Next returns the next row and its 1-based row number in the file
	// (as a spreadsheet numbers it), or io.EOF.
	Next() ([]string, int, error)
	Close() error
}

// formulaReader is a RowReader that knows the formulas of the last row's
// cells (by 0-based column) and the hidden columns: the XLSX reader.
type formulaReader interface {
	Formulas() map[int]string
	HiddenColumns() map[int]bool
}

// DetectFileType says whether a file is an XLSX workbook or CSV text from
// its name and first bytes, or refuses it.
func DetectFileType(name string, head []byte, lang string) (string, error) {
	lower := strings.ToLower(name)
	zip := bytes.HasPrefix(head, []byte("PK\x03\x04"))
	switch {
	case strings.HasSuffix(lower, ".xlsx"):
		if !zip {
			return "", crm.FailIn(lang, crm.EUnsupportedType, "importer.file.not_xlsx")
		}
		return "xlsx", nil
	case strings.HasSuffix(lower, ".csv") || strings.HasSuffix(lower, ".txt"):
		if zip || bytes.IndexByte(head, 0) >= 0 {
			return "", crm.FailIn(lang, crm.EUnsupportedType, "importer.file.not_text")
		}
		return "csv", nil
	case strings.HasSuffix(lower, ".xls"):
		return "", crm.FailIn(lang, crm.EUnsupportedType, "importer.file.xls")
	}
	return "", crm.FailIn(lang, crm.EUnsupportedType, "importer.file.type")
}

// OpenRows reads r as fileType (csv or xlsx) from the workbook's first
// visible sheet; see OpenSheet.
func OpenRows(r io.Reader, fileType string) (RowReader, error) { return OpenSheet(r, fileType, "") }

// OpenSheet reads r as fileType (csv or xlsx). CSV may be UTF-8 (with or
// without a byte-order mark) or GB18030/GBK, as Excel in China saves it.
// Of a workbook it reads sheet, a sheet's name or 1-based index ("" for the
// first visible sheet), as raw values: numbers as written, dates as serial
// numbers, formula cells with their cached value (their formula is known
// to the reader).
func OpenSheet(r io.Reader, fileType, sheet string) (RowReader, error) {
	if fileType == "xlsx" {
		data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
		if err != nil {
			return nil, crm.Invalid(crm.Bad("file", "unreadable", "importer.file.error", err.Error()))
		}
		if len(data) > MaxImportBytes {
			return nil, crm.Fail(crm.ETooLarge, "importer.file.too_large")
		}
		return openXLSX(data, sheet)
	}
	br := bufio.NewReaderSize(r, 256<<10)
	head, _ := br.Peek(64 << 10)
	var src io.Reader = br
	if bytes.HasPrefix(head, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	} else if !validUTF8Prefix(head) {
		src = simplifiedchinese.GB18030.NewDecoder().Reader(br)
	}
	return &csvRows{r: &sheetCSV{br: bufio.NewReaderSize(src, 64<<10)}}, nil
}

// sheetCSV reads CSV records as a spreadsheet does: a quote is special
// only at the start of a cell, where it opens a quoted cell ("" inside is
// one quote, line breaks are kept, and what follows the closing quote up
// to the comma is kept as written). A quote anywhere else in a cell, as in
// =HYPERLINK("http://x","y") written unquoted, is an ordinary character,
// so it cannot run on over the lines below. Empty lines are skipped but
// counted.
type sheetCSV struct {
	br    *bufio.Reader
	line  int // physical lines read so far
	start int // the line the last record started on
	eof   bool
}

// readLine returns the next physical line without its line break, or
// false at the end of the input.
func (c *sheetCSV) readLine() (string, bool, error) {
	if c.eof {
		return "", false, nil
	}
	s, err := readBoundedLine(c.br, MaxCSVLineBytes, c.line+1)
	if err != nil {
		if !errors.Is(err, io.EOF) {
			return "", false, err
		}
		c.eof = true
		if s == "" {
			return "", false, nil
		}
	}
	c.line++
	s = strings.TrimSuffix(s, "\n")
	s = strings.TrimSuffix(s, "\r")
	return s, true, nil
}

// FieldPos returns the line the last record started on (the column is
// not kept).
func (c *sheetCSV) FieldPos(int) (int, int) { return c.start, 0 }

// Read returns the next record, or io.EOF.
func (c *sheetCSV) Read() ([]string, error) {
	var line string
	for {
		l, ok, err := c.readLine()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, io.EOF
		}
		if l != "" {
			line = l
			break
		}
	}
	c.start = c.line
	var rec []string
	var b strings.Builder
	pos := 0
	for {
		b.Reset()
		if pos < len(line) && line[pos] == '"' {
			pos++
			for {
				i := strings.IndexByte(line[pos:], '"')
				if i < 0 {
					b.WriteString(line[pos:])
					next, ok, err := c.readLine()
					if err != nil {
						return nil, err
					}
					if !ok { // never closed: the cell runs to the end
						line, pos = "", 0
						break
					}
					b.WriteByte('\n')
					line, pos = next, 0
					continue
				}
				b.WriteString(line[pos : pos+i])
				pos += i + 1
				if pos < len(line) && line[pos] == '"' {
					b.WriteByte('"')
					pos++
					continue
				}
				break
			}
		}
		j := strings.IndexByte(line[pos:], ',')
		if j < 0 {
			b.WriteString(line[pos:])
			rec = append(rec, b.String())
			return rec, nil
		}
		b.WriteString(line[pos : pos+j])
		rec = append(rec, b.String())
		pos += j + 1
	}
}

// validUTF8Prefix is utf8.Valid, forgiving a character cut at the end.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < 3 && len(b) > 0 && !utf8.Valid(b); i++ {
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

type csvRows struct {
	r        *sheetCSV
	n        int
	breaks   int            // line breaks inside the quoted cells read so far
	formulas map[int]string // the last row's cells that start with =
}

// Formulas are the last row's cells that a spreadsheet would run as a
// formula (=HYPERLINK(…)): they are reported as XLSX formula cells are.
func (c *csvRows) Formulas() map[int]string { return c.formulas }

// HiddenColumns: CSV hides nothing.
func (c *csvRows) HiddenColumns() map[int]bool { return nil }

func (c *csvRows) Next() ([]string, int, error) {
	rec, err := c.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, 0, io.EOF
		}
		if e := (*crm.Error)(nil); errors.As(err, &e) {
			return nil, 0, e // a limit, named
		}
		return nil, 0, crm.Invalid(crm.Bad("file", "csv", "importer.file.error", err.Error()))
	}
	// A row is numbered as a spreadsheet shows the file: a blank line is a
	// row, and a quoted cell that holds a line break does not shift the
	// numbers (nor the progress) of the rows below it.
	start, _ := c.r.FieldPos(0)
	line := start - c.breaks
	c.n++
	c.formulas = nil
	for i, f := range rec {
		c.breaks += strings.Count(f, "\n")
		if t := strings.TrimSpace(f); len(t) > 1 && t[0] == '=' {
			if c.formulas == nil {
				c.formulas = map[int]string{}
			}
			c.formulas[i] = t
		}
	}
	if c.n > MaxImportRows+HeaderSearchRows {
		return nil, 0, crm.Invalid(crm.Bad("file", "too_many_rows", "importer.file.too_many_rows", MaxImportRows))
	}
	if len(rec) > MaxImportColumns {
		return nil, 0, crm.Invalid(crm.Bad("file", "too_many_columns", "importer.file.too_many_columns", line, MaxImportColumns))
	}
	for _, f := range rec {
		if len(f) > MaxCellChars && utf8.RuneCountInString(f) > MaxCellChars {
			return nil, 0, crm.Invalid(crm.Bad("file", "cell_too_long", "importer.file.cell_too_long", line, MaxCellChars))
		}
	}
	return rec, line, nil
}

func (c *csvRows) Close() error { return nil }

// openLocal opens an import file on this machine (the command line).
func openLocal(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, crm.Invalid(crm.Bad("file", "unreadable", "importer.file.error", err.Error()))
	}
	return f, nil
}
