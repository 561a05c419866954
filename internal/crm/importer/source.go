package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/kehucrm/kehu/internal/crm"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// RowReader streams the rows of an import file, the header first.
type RowReader interface {
	// Next returns the next row and its 1-based row number in the file
	// (as a spreadsheet numbers it), or io.EOF.
	Next() ([]string, int, error)
	Close() error
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

// OpenRows reads r as fileType (csv or xlsx). CSV may be UTF-8 (with or
// without a byte-order mark) or GB18030/GBK, as Excel in China saves it;
// XLSX is read from its first sheet with excelize's streaming row reader.
func OpenRows(r io.Reader, fileType string) (RowReader, error) {
	if fileType == "xlsx" {
		f, err := excelize.OpenReader(r)
		if err != nil {
			return nil, crm.Invalid(crm.Bad("file", "unreadable", "importer.file.workbook", err.Error()))
		}
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			f.Close()
			return nil, crm.Invalid(crm.Bad("file", "empty", "importer.file.empty"))
		}
		rows, err := f.Rows(sheets[0])
		if err != nil {
			f.Close()
			return nil, crm.Invalid(crm.Bad("file", "unreadable", "importer.file.sheet", err.Error()))
		}
		return &xlsxRows{f: f, rows: rows}, nil
	}
	br := bufio.NewReaderSize(r, 256<<10)
	head, _ := br.Peek(64 << 10)
	var src io.Reader = br
	if bytes.HasPrefix(head, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	} else if !validUTF8Prefix(head) {
		src = simplifiedchinese.GB18030.NewDecoder().Reader(br)
	}
	cr := csv.NewReader(src)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return &csvRows{r: cr}, nil
}

// validUTF8Prefix is utf8.Valid, forgiving a character cut at the end.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < 3 && len(b) > 0 && !utf8.Valid(b); i++ {
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

type csvRows struct {
	r *csv.Reader
}

func (c *csvRows) Next() ([]string, int, error) {
	rec, err := c.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, 0, io.EOF
		}
		return nil, 0, crm.Invalid(crm.Bad("file", "csv", "importer.file.error", err.Error()))
	}
	line, _ := c.r.FieldPos(0)
	return rec, line, nil
}

func (c *csvRows) Close() error { return nil }

type xlsxRows struct {
	f    *excelize.File
	rows *excelize.Rows
	n    int
}

func (x *xlsxRows) Next() ([]string, int, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return nil, 0, crm.Invalid(crm.Bad("file", "unreadable", "importer.file.error", err.Error()))
		}
		return nil, 0, io.EOF
	}
	x.n++
	cols, err := x.rows.Columns()
	if err != nil {
		return nil, 0, crm.Invalid(crm.Bad("file", "unreadable", "importer.file.error", err.Error()))
	}
	return cols, x.n, nil
}

func (x *xlsxRows) Close() error {
	x.rows.Close()
	return x.f.Close()
}

// openLocal opens an import file on this machine (the command line).
func openLocal(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, crm.Invalid(crm.Bad("file", "unreadable", "importer.file.error", err.Error()))
	}
	return f, nil
}
