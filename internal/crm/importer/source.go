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
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Limits on what an import file may expand to. A file past one is refused
// with an error naming the limit (and the row, where there is one).
const (
	// MaxImportRows is how many rows a file may have below its header.
	MaxImportRows = 1_000_000
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
	n int
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
	if c.n++; c.n > MaxImportRows+HeaderSearchRows {
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
