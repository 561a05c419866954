package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"

	"github.com/kehucrm/kehu/internal/crm"
)

// Limits on what an import file may expand to, beyond those in source.go.
// Each refusal names its limit, in the import's language, and costs no
// more memory than the limit: a workbook's central directory is read and
// checked before any of its parts is unpacked.
const (
	// MaxZipEntries is how many parts a workbook may hold; a real one
	// holds a few dozen.
	MaxZipEntries = 10_000
	// MaxZipRatio bounds how many times larger than it is stored a part
	// of a workbook may unpack (parts under zipRatioFloor are not held to
	// it). Sheets of real data pack 5 to 50 times; a zip bomb over 1000.
	MaxZipRatio = 200
	// zipRatioFloor is the unpacked size below which a part's ratio is
	// not checked: a small, very regular part may pack very well.
	zipRatioFloor = 1 << 20
	// MaxWorkbookPartBytes bounds each part of a workbook that is read
	// whole (the workbook, its relationships, the shared strings); the
	// sheet itself is streamed.
	MaxWorkbookPartBytes = 128 << 20
	// MaxCSVLineBytes is the longest physical line of a CSV file: a
	// thousand columns of Excel's longest cell would not reach it, a file
	// with no line breaks at all does.
	MaxCSVLineBytes = 4 << 20
	// MaxReportedProblems is how many report lines an import stores per
	// phase: the first ones, in row order. The counts (bad rows, skipped
	// rows) still count every row.
	MaxReportedProblems = 10_000
)

// MaxImportRows is how many rows a file may have below its header; the
// server's --import-max-rows sets it (default 1,000,000).
var MaxImportRows = 1_000_000

// tooLarge is a 413 naming a limit, for the file field.
func tooLarge(key string, args ...any) error {
	e := crm.Invalid(crm.Bad("file", "too_large", key, args...))
	e.Code = crm.ETooLarge
	return e
}

// checkZipLimits reads a workbook's central directory (what zip.NewReader
// has parsed, nothing unpacked) and refuses one whose parts are too many,
// unpack to too much in all, or pack too well to be data. The sizes it
// checks are binding: archive/zip fails a part that unpacks to more than
// its entry says.
func checkZipLimits(zr *zip.Reader) error {
	if len(zr.File) > MaxZipEntries {
		return tooLarge("importer.file.zip_entries", len(zr.File), MaxZipEntries)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > MaxUnzippedBytes {
			return tooLarge("importer.file.unzipped_too_large", MaxUnzippedBytes>>20)
		}
		if f.UncompressedSize64 >= zipRatioFloor && f.UncompressedSize64 > MaxZipRatio*max(f.CompressedSize64, 1) {
			return tooLarge("importer.file.zip_ratio", f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1), MaxZipRatio)
		}
	}
	return nil
}

// readPart reads a workbook part whole, at most MaxWorkbookPartBytes of it.
func readPart(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxWorkbookPartBytes+1))
	if err == nil && len(b) > MaxWorkbookPartBytes {
		return nil, tooLarge("importer.file.part_too_large", name, MaxWorkbookPartBytes>>20)
	}
	return b, err
}

// dimensionRE finds a sheet's declared extent (<dimension ref="A1:K5000000"/>).
var dimensionRE = regexp.MustCompile(`<(?:\w+:)?dimension\s+ref="[A-Za-z]+[0-9]+:[A-Za-z]+([0-9]+)"`)

// checkDeclaredRows refuses a sheet whose declared extent is past
// MaxImportRows, from the first bytes of the sheet, so that a sheet of
// five million rows is refused on upload rather than after reading them.
// A sheet that declares nothing is counted as it is read.
func checkDeclaredRows(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return nil // the reader says what is wrong
	}
	defer rc.Close()
	head := make([]byte, 16<<10)
	n, _ := io.ReadFull(rc, head)
	if m := dimensionRE.FindSubmatch(head[:n]); m != nil {
		if rows, err := strconv.Atoi(string(m[1])); err != nil || rows > MaxImportRows+HeaderSearchRows {
			return tooLarge("importer.file.too_many_rows", MaxImportRows)
		}
	}
	return nil
}

// readBoundedLine reads one physical line (with its \n) of at most limit
// bytes; a longer one is refused naming the limit and its line number.
func readBoundedLine(br *bufio.Reader, limit, lineNo int) (string, error) {
	var buf bytes.Buffer
	for {
		frag, err := br.ReadSlice('\n')
		if buf.Len()+len(frag) > limit {
			return "", tooLarge("importer.file.line_too_long", lineNo, limit>>20)
		}
		buf.Write(frag)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return buf.String(), err
	}
}

// problemCap keeps the report of one phase to MaxReportedProblems lines.
type problemCap struct{ n int }

// keep returns the part of ps that may still be stored.
func (c *problemCap) keep(ps []ImportProblem) []ImportProblem {
	room := MaxReportedProblems - c.n
	if room <= 0 {
		return nil
	}
	if len(ps) > room {
		ps = ps[:room]
	}
	c.n += len(ps)
	return ps
}

// lineGuard follows the lines of a CSV file as it is received and refuses
// one longer than MaxCSVLineBytes, so that such a file is refused on
// upload (413) rather than when its check reaches the line.
type lineGuard struct {
	line int // the line being received, 1-based once started
	n    int // its bytes so far
}

func (g *lineGuard) feed(b []byte) error {
	if g.line == 0 {
		g.line = 1
	}
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			g.n += len(b)
			break
		}
		g.n += i
		if g.n > MaxCSVLineBytes {
			return tooLarge("importer.file.line_too_long", g.line, MaxCSVLineBytes>>20)
		}
		g.line, g.n, b = g.line+1, 0, b[i+1:]
	}
	if g.n > MaxCSVLineBytes {
		return tooLarge("importer.file.line_too_long", g.line, MaxCSVLineBytes>>20)
	}
	return nil
}
