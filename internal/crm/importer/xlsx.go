package importer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/kehucrm/kehu/internal/crm"
)

// The workbook reader streams one sheet's XML and gives each row's raw
// values (a number as written, a date as its serial number), the formulas
// of its cells and the sheet's hidden columns, none of which excelize's
// streaming reader tells. Everything it unpacks is bounded: see the Max
// limits in source.go.

// xlsxSheet is one sheet of a workbook.
type xlsxSheet struct {
	name, path string
	hidden     bool
}

// xlsxRows reads the rows of one sheet.
type xlsxRows struct {
	dec      *xml.Decoder
	body     io.ReadCloser
	sst      []string
	hidden   map[int]bool      // 0-based column → hidden
	formulas map[int]string    // the last row's formula cells, by column
	shared   map[string]string // shared formulas' text by si
	n        int               // rows read
	lastRow  int
	down     map[[2]int]mergeDown // one-column merges by their top cell (column, row)
	held     map[int]heldValue    // column → a merged value for the rows below its top
}

// openXLSX opens sheet (a name or a 1-based index; "" for the first
// visible sheet) of the workbook in data.
func openXLSX(data []byte, sheet string) (*xlsxRows, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, crm.Invalid(crm.Bad("file", "unreadable", "importer.file.workbook", err.Error()))
	}
	if err := checkZipLimits(zr); err != nil { // before anything is unpacked
		return nil, err
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	unzipped := int64(0)
	read := func(name string) ([]byte, error) {
		f, ok := files[name]
		if !ok {
			return nil, nil
		}
		rc, err := f.Open()
		if err != nil {
			return nil, crm.Invalid(crm.Bad("file", "unreadable", "importer.file.workbook", err.Error()))
		}
		defer rc.Close()
		b, err := readPart(&limitedUnzip{r: rc, n: &unzipped}, name)
		if err != nil {
			return nil, err
		}
		return b, nil
	}
	sheets, sstPath, err := xlsxSheets(read)
	if err != nil {
		return nil, err
	}
	chosen, err := chooseSheet(sheets, sheet)
	if err != nil {
		return nil, err
	}
	var sst []string
	if b, err := read(sstPath); err != nil {
		return nil, err
	} else if b != nil {
		if sst, err = parseSharedStrings(b); err != nil {
			return nil, err
		}
	}
	f, ok := files[chosen.path]
	if !ok {
		return nil, crm.Invalid(crm.Bad("file", "unreadable", "importer.file.sheet", chosen.name))
	}
	if err := checkDeclaredRows(f); err != nil {
		return nil, err
	}
	down, err := columnMerges(f, &unzipped)
	if err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, crm.Invalid(crm.Bad("file", "unreadable", "importer.file.sheet", err.Error()))
	}
	x := &xlsxRows{dec: xml.NewDecoder(&limitedUnzip{r: rc, n: &unzipped}), body: rc, sst: sst, hidden: map[int]bool{}, shared: map[string]string{},
		down: down, held: map[int]heldValue{}}
	return x, nil
}

// mergeDown is a cell merged down one column over several rows, as offices
// merge an owner or a kind over the rows it holds for: every row of the
// range reads the value of its top cell, as the sheet shows it. Wider
// merges (titles) keep the value in their top-left cell only.
type mergeDown struct{ col, top, bottom int }

// heldValue is a merged top cell's value, held for the rows below it.
type heldValue struct {
	value  string
	bottom int
}

// columnMerges finds a sheet's one-column merges. A sheet lists its merges
// after its rows, so the sheet is unpacked once more and searched for them.
func columnMerges(f *zip.File, unzipped *int64) (map[[2]int]mergeDown, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, crm.Invalid(crm.Bad("file", "unreadable", "importer.file.sheet", err.Error()))
	}
	defer rc.Close()
	r := &limitedUnzip{r: rc, n: unzipped}
	mark := []byte("<mergeCells")
	buf := make([]byte, 256<<10)
	var tail []byte
	var rest bytes.Buffer
	found := false
	for {
		n, err := r.Read(buf)
		chunk := append(tail, buf[:n]...)
		switch {
		case found:
			if rest.Len()+n > 64<<20 {
				return nil, crm.Invalid(crm.Bad("file", "too_large", "importer.file.unzipped_too_large", MaxUnzippedBytes>>20))
			}
			rest.Write(buf[:n])
		case bytes.Contains(chunk, mark):
			found = true
			rest.Write(chunk[bytes.Index(chunk, mark):])
		default:
			if len(chunk) >= len(mark) {
				tail = append([]byte(nil), chunk[len(chunk)-len(mark)+1:]...)
			} else {
				tail = chunk
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var ce *crm.Error
			if errors.As(err, &ce) {
				return nil, ce
			}
			return nil, crm.Invalid(crm.Bad("file", "unreadable", "importer.file.sheet", err.Error()))
		}
	}
	out := map[[2]int]mergeDown{}
	dec := xml.NewDecoder(&rest)
	for {
		tok, err := dec.RawToken()
		if err != nil {
			break // the end of the merges, or of a cut file: the merges read so far hold
		}
		t, ok := tok.(xml.StartElement)
		if !ok || t.Name.Local != "mergeCell" {
			continue
		}
		from, to, ok := strings.Cut(attr(t, "ref"), ":")
		if !ok {
			continue
		}
		c1, r1, ok1 := cellRef(from)
		c2, r2, ok2 := cellRef(to)
		if ok1 && ok2 && c1 == c2 && r2 > r1 {
			out[[2]int{c1, r1}] = mergeDown{col: c1, top: r1, bottom: r2}
		}
	}
	return out, nil
}

// cellRef reads a cell reference: "B12" → column 1, row 12.
func cellRef(ref string) (int, int, bool) {
	c, ok := columnOf(ref)
	if !ok {
		return 0, 0, false
	}
	i := strings.IndexFunc(ref, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return 0, 0, false
	}
	row, err := strconv.Atoi(ref[i:])
	return c, row, err == nil && row > 0
}

// limitedUnzip fails a read that takes the workbook's unpacked size past
// MaxUnzippedBytes, whatever its entries claim.
type limitedUnzip struct {
	r io.Reader
	n *int64
}

func (l *limitedUnzip) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	*l.n += int64(n)
	if *l.n > MaxUnzippedBytes {
		return n, crm.Invalid(crm.Bad("file", "too_large", "importer.file.unzipped_too_large", MaxUnzippedBytes>>20))
	}
	return n, err
}

// xlsxSheets lists a workbook's sheets in order, and finds its shared strings.
func xlsxSheets(read func(string) ([]byte, error)) ([]xlsxSheet, string, error) {
	wb, err := read("xl/workbook.xml")
	if err != nil {
		return nil, "", err
	}
	rels, err := read("xl/_rels/workbook.xml.rels")
	if err != nil {
		return nil, "", err
	}
	if wb == nil {
		return nil, "", crm.Invalid(crm.Bad("file", "unreadable", "importer.file.workbook", "xl/workbook.xml"))
	}
	var r struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	_ = xml.Unmarshal(rels, &r)
	target := map[string]string{}
	sst := "xl/sharedStrings.xml"
	for _, rel := range r.Rels {
		p := rel.Target
		if strings.HasPrefix(p, "/") {
			p = strings.TrimPrefix(p, "/")
		} else {
			p = path.Join("xl", p)
		}
		target[rel.ID] = p
		if strings.HasSuffix(rel.Type, "/sharedStrings") {
			sst = p
		}
	}
	var w struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			State string     `xml:"state,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(wb, &w); err != nil {
		return nil, "", crm.Invalid(crm.Bad("file", "unreadable", "importer.file.workbook", err.Error()))
	}
	var out []xlsxSheet
	for _, s := range w.Sheets {
		var id string
		for _, a := range s.Attrs {
			if a.Name.Local == "id" {
				id = a.Value
			}
		}
		out = append(out, xlsxSheet{name: s.Name, path: target[id], hidden: s.State == "hidden" || s.State == "veryHidden"})
	}
	return out, sst, nil
}

// chooseSheet picks a sheet by name or 1-based index, or the first
// visible one.
func chooseSheet(sheets []xlsxSheet, want string) (xlsxSheet, error) {
	names := make([]string, len(sheets))
	for i, s := range sheets {
		names[i] = s.name
	}
	want = strings.TrimSpace(want)
	if want == "" {
		for _, s := range sheets {
			if !s.hidden {
				return s, nil
			}
		}
		return xlsxSheet{}, crm.Invalid(crm.Bad("file", "empty", "importer.file.empty"))
	}
	for _, s := range sheets {
		if s.name == want {
			return s, nil
		}
	}
	if i, err := strconv.Atoi(want); err == nil && i >= 1 && i <= len(sheets) {
		return sheets[i-1], nil
	}
	return xlsxSheet{}, crm.Invalid(crm.Bad("sheet", "unknown", "importer.sheet.unknown", want, strings.Join(names, " / ")))
}

// parseSharedStrings reads the shared string table: each item's text,
// rich-text runs joined, phonetic guides left out.
func parseSharedStrings(b []byte) ([]string, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var out []string
	var cur strings.Builder
	inT, inPh := false, 0
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, crm.Invalid(crm.Bad("file", "unreadable", "importer.file.workbook", err.Error()))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				cur.Reset()
			case "t":
				inT = true
			case "rPh":
				inPh++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				out = append(out, cur.String())
			case "t":
				inT = false
			case "rPh":
				inPh--
			}
		case xml.CharData:
			if inT && inPh == 0 {
				cur.Write(t)
			}
		}
	}
}

// Next returns the next row that has a cell, with its row number.
func (x *xlsxRows) Next() ([]string, int, error) {
	for {
		tok, err := x.dec.RawToken()
		if errors.Is(err, io.EOF) {
			return nil, 0, io.EOF
		}
		if err != nil {
			return nil, 0, x.bad(err)
		}
		t, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch t.Name.Local {
		case "col":
			x.hideCols(t)
		case "row":
			return x.row(t)
		}
	}
}

func (x *xlsxRows) bad(err error) error {
	var ce *crm.Error
	if errors.As(err, &ce) {
		return ce
	}
	return crm.Invalid(crm.Bad("file", "unreadable", "importer.file.error", err.Error()))
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// hideCols notes a <col> range marked hidden.
func (x *xlsxRows) hideCols(t xml.StartElement) {
	if h := attr(t, "hidden"); h != "1" && h != "true" {
		return
	}
	lo, _ := strconv.Atoi(attr(t, "min"))
	hi, _ := strconv.Atoi(attr(t, "max"))
	for c := max(lo, 1); c <= min(hi, MaxImportColumns); c++ {
		x.hidden[c-1] = true
	}
}

// row reads the cells of one <row>.
func (x *xlsxRows) row(t xml.StartElement) ([]string, int, error) {
	rowNo := x.lastRow + 1
	if r, err := strconv.Atoi(attr(t, "r")); err == nil && r > 0 {
		rowNo = r
	}
	x.lastRow = rowNo
	x.n++
	if x.n > MaxImportRows+HeaderSearchRows {
		return nil, 0, crm.Invalid(crm.Bad("file", "too_many_rows", "importer.file.too_many_rows", MaxImportRows))
	}
	x.formulas = nil
	var cells []string
	col := -1
	for {
		tok, err := x.dec.RawToken()
		if err != nil {
			return nil, 0, x.bad(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local == "row" {
				return x.fillMerged(cells, rowNo), rowNo, nil
			}
		case xml.StartElement:
			if t.Name.Local != "c" {
				continue
			}
			col++
			if ref := attr(t, "r"); ref != "" {
				if c, ok := columnOf(ref); ok {
					col = c
				}
			}
			if col >= MaxImportColumns {
				return nil, 0, crm.Invalid(crm.Bad("file", "too_many_columns", "importer.file.too_many_columns", rowNo, MaxImportColumns))
			}
			v, formula, err := x.cell(t)
			if err != nil {
				return nil, 0, err
			}
			if v == "" && formula == "" {
				continue
			}
			for len(cells) <= col {
				cells = append(cells, "")
			}
			cells[col] = v
			if formula != "" {
				if x.formulas == nil {
					x.formulas = map[int]string{}
				}
				x.formulas[col] = formula
			}
		}
	}
}

// fillMerged gives the cells under a merged top cell its value, and holds
// the values of the merges that start on this row.
func (x *xlsxRows) fillMerged(cells []string, rowNo int) []string {
	if len(x.down) == 0 {
		return cells
	}
	if blankRow(cells) {
		return cells // a blank row stays blank: it is no customer
	}
	for col, h := range x.held {
		if rowNo > h.bottom {
			delete(x.held, col)
			continue
		}
		for len(cells) <= col {
			cells = append(cells, "")
		}
		if cells[col] == "" {
			cells[col] = h.value
		}
	}
	for col, v := range cells {
		if m, ok := x.down[[2]int{col, rowNo}]; ok && v != "" {
			x.held[col] = heldValue{value: v, bottom: m.bottom}
		}
	}
	return cells
}

// columnOf reads the column of a cell reference ("AB12" → 27).
func columnOf(ref string) (int, bool) {
	c := 0
	i := 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		c = c*26 + int(ref[i]-'A'+1)
		if c > 1<<20 {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	return c - 1, true
}

// cell reads one <c>: its value as text and its formula ("" for none).
func (x *xlsxRows) cell(t xml.StartElement) (string, string, error) {
	typ := attr(t, "t")
	var v, inline, formula strings.Builder
	var fShared string
	hasF := false
	in := ""
	inPh := 0
	for {
		tok, err := x.dec.RawToken()
		if err != nil {
			return "", "", x.bad(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "f":
				hasF = true
				if attr(e, "t") == "shared" {
					fShared = attr(e, "si")
				}
			case "rPh":
				inPh++
			}
			in = e.Name.Local
		case xml.EndElement:
			switch e.Name.Local {
			case "c":
				return x.value(typ, v.String(), inline.String(), hasF, formula.String(), fShared)
			case "rPh":
				inPh--
			}
			in = ""
		case xml.CharData:
			if v.Len()+inline.Len()+formula.Len()+len(e) > 4*MaxCellChars {
				return "", "", crm.Invalid(crm.Bad("file", "cell_too_long", "importer.file.cell_too_long", x.lastRow, MaxCellChars))
			}
			switch {
			case in == "v":
				v.Write(e)
			case in == "f":
				formula.Write(e)
			case in == "t" && inPh == 0:
				inline.Write(e)
			}
		}
	}
}

// value turns a cell's parts into its text and formula.
func (x *xlsxRows) value(typ, v, inline string, hasF bool, formula, si string) (string, string, error) {
	if hasF {
		if si != "" {
			if formula != "" {
				x.shared[si] = formula
			} else {
				formula = x.shared[si]
			}
		}
		formula = "=" + formula
	}
	var s string
	switch typ {
	case "s":
		if strings.TrimSpace(v) == "" {
			break
		}
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(x.sst) {
			return "", "", crm.Invalid(crm.Bad("file", "unreadable", "importer.file.error", "shared string "+v))
		}
		s = x.sst[i]
	case "inlineStr":
		s = inline
	case "b":
		s = "FALSE"
		if strings.TrimSpace(v) == "1" {
			s = "TRUE"
		}
	case "str", "e", "d":
		s = v
	default:
		s = numberText(v)
	}
	if len(s) > 4*MaxCellChars || (len(s) > MaxCellChars && len([]rune(s)) > MaxCellChars) {
		return "", "", crm.Invalid(crm.Bad("file", "cell_too_long", "importer.file.cell_too_long", x.lastRow, MaxCellChars))
	}
	return s, formula, nil
}

// numberText writes a stored number the way a person reads it: a whole
// number in full (13800001111, not 1.3800001111E10), others as short as
// they round-trip.
func numberText(v string) string {
	v = strings.TrimSpace(v)
	if !strings.ContainsAny(v, ".eE") {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return v
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// Formulas returns the formulas of the last row's cells by column.
func (x *xlsxRows) Formulas() map[int]string { return x.formulas }

// HiddenColumns returns the sheet's hidden columns (0-based) read so far;
// a sheet lists them before its first row.
func (x *xlsxRows) HiddenColumns() map[int]bool { return x.hidden }

func (x *xlsxRows) Close() error { return x.body.Close() }
