package importer

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzRead reads every row of data as fileType and holds the reader to
// its limits: no panic, no row wider than MaxImportColumns or cell longer
// than MaxCellChars, row numbers that never go back, and a refusal that
// is always a named error.
func fuzzRead(t *testing.T, data []byte, fileType string) {
	rows, err := OpenSheet(bytes.NewReader(data), fileType, "")
	if err != nil {
		return
	}
	defer rows.Close()
	last := 0
	for i := 0; i < 10_000; i++ {
		rec, n, err := rows.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		if len(rec) > MaxImportColumns {
			t.Fatalf("row %d has %d columns", n, len(rec))
		}
		for _, c := range rec {
			if utf8.RuneCountInString(c) > MaxCellChars {
				t.Fatalf("row %d has a cell of %d characters", n, utf8.RuneCountInString(c))
			}
		}
		if n < last {
			t.Fatalf("row %d after row %d", n, last)
		}
		last = n
	}
}

func FuzzCSVRows(f *testing.F) {
	f.Add([]byte("客户名称,手机\n杭州云栖科技有限公司,13800001111\n"))
	f.Add([]byte("\xef\xbb\xbfname,\"a \"\"quoted\"\"\ncell\",x\n"))
	f.Add([]byte{0xc4, 0xe3, 0xba, 0xc3, ',', 'a', '\n'})
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "csv") })
}

func FuzzXLSXRows(f *testing.F) {
	f.Add(workbookWith(f, rowsXML(3, "A1:A4", "杭州"), 0))
	f.Add(workbookWith(f, strings.NewReader(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><f>1+1</f><v>2</v></c></row></sheetData><mergeCells><mergeCell ref="A1:A3"/></mergeCells></worksheet>`), 0))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "xlsx") })
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-11-28", "2026/11/28", "2026年11月28日", "20261128", "11月28日", "46354", "１９９０．１．２"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDate(s)
		if !ok {
			return
		}
		if len(d) != 10 && len(d) != 5 {
			t.Fatalf("%q read as %q", s, d)
		}
		if again, ok := ParseDate(d); !ok || again != d {
			t.Fatalf("%q read as %q, which reads as %q, %v", s, d, again, ok)
		}
	})
}
