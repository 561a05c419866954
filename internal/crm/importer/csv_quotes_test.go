package importer

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// readAllCSV returns the records of a CSV text with their row numbers.
func readAllCSV(t *testing.T, text string) ([][]string, []int) {
	t.Helper()
	rr, err := OpenRows(strings.NewReader(text), "csv")
	if err != nil {
		t.Fatal(err)
	}
	var recs [][]string
	var lines []int
	for {
		rec, line, err := rr.Next()
		if errors.Is(err, io.EOF) {
			return recs, lines
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, append([]string(nil), rec...))
		lines = append(lines, line)
	}
}

func TestCSVQuotesAreSpecialOnlyAtTheStartOfACell(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		recs  [][]string
		lines []int
	}{
		{"a bare formula does not swallow the rows below",
			"客户名称,联系人,联系人手机\n甲公司,=HYPERLINK(\"http://x\",\"y\"),13800001111\n乙公司,王,13800001112\n丙公司,李,1380000111\n",
			[][]string{{"客户名称", "联系人", "联系人手机"}, {"甲公司", "=HYPERLINK(\"http://x\"", "y)", "13800001111"}, {"乙公司", "王", "13800001112"}, {"丙公司", "李", "1380000111"}},
			[]int{1, 2, 3, 4}},
		{"a quote inside an unquoted cell is kept",
			"a,5\" pipe,c\nd,e,f",
			[][]string{{"a", "5\" pipe", "c"}, {"d", "e", "f"}},
			[]int{1, 2}},
		{"a quoted cell keeps commas, doubled quotes and line breaks",
			"\"x,y\",\"say \"\"hi\"\"\",\"one\r\ntwo\"\r\nnext,,\r\n",
			[][]string{{"x,y", "say \"hi\"", "one\ntwo"}, {"next", "", ""}},
			[]int{1, 2}},
		{"blank lines are skipped but counted",
			"h1,h2\n\n\"a\nb\",c\n\nd,e",
			[][]string{{"h1", "h2"}, {"a\nb", "c"}, {"d", "e"}},
			[]int{1, 3, 5}},
		{"a quoted formula as Excel writes it",
			"\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",z\n",
			[][]string{{"=HYPERLINK(\"http://x\",\"y\")", "z"}},
			[]int{1}},
		{"text after a closing quote is kept",
			"\"ab\"cd,e\n",
			[][]string{{"abcd", "e"}},
			[]int{1}},
		{"an unclosed quote runs to the end",
			"a,\"bc\nd",
			[][]string{{"a", "bc\nd"}},
			[]int{1}},
		{"a byte-order mark is dropped",
			"\xef\xbb\xbf客户名称\n甲\n",
			[][]string{{"客户名称"}, {"甲"}},
			[]int{1, 2}},
		{"GBK is decoded",
			"\xbf\xcd\xbb\xa7\xc3\xfb\xb3\xc6,\"\xbc\xd7\n\xd2\xd2\"\n",
			[][]string{{"客户名称", "甲\n乙"}},
			[]int{1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			recs, lines := readAllCSV(t, c.text)
			if !reflect.DeepEqual(recs, c.recs) {
				t.Errorf("records %q, want %q", recs, c.recs)
			}
			if !reflect.DeepEqual(lines, c.lines) {
				t.Errorf("rows %v, want %v", lines, c.lines)
			}
		})
	}
}

func TestACSVCellThatWouldRunAsAFormulaIsKnown(t *testing.T) {
	rr, err := OpenRows(strings.NewReader("a,b\n甲,=HYPERLINK(\"http://x\",\"y\")\n"), "csv")
	if err != nil {
		t.Fatal(err)
	}
	_, _, _ = rr.Next()
	if _, _, err := rr.Next(); err != nil {
		t.Fatal(err)
	}
	f := rr.(formulaReader).Formulas()
	if !strings.HasPrefix(f[1], "=HYPERLINK(") {
		t.Errorf("formulas %v", f)
	}
}
