package importer

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/kehucrm/kehu/internal/crm/customer"
	"github.com/kehucrm/kehu/internal/msg"
	"golang.org/x/text/width"
)

// codeFields hold codes and numbers: full-width digits and letters in
// them are folded to ASCII and spaces dropped where the validator would.
var codeFields = map[string]bool{FieldUSCC: true, FieldIndustry: true, FieldRegion: true, FieldContactMobile: true,
	FieldContactLandline: true, FieldContactEmail: true, FieldContactBirthday: true}

// cellText is a cell's value as the field reads it: trimmed (full-width
// spaces too), without the apostrophe Kehu's export puts before a value a
// spreadsheet would run as a formula, codes folded to half-width, and a
// mobile that a spreadsheet stored as a number (1.3800001111E10,
// 13800001111.0) written out in full.
func cellText(field, s string) string {
	s = customer.UnguardCell(strings.TrimSpace(s))
	s = strings.TrimSpace(s)
	if codeFields[field] {
		s = strings.TrimSpace(width.Fold.String(s))
	}
	if field == FieldContactMobile && strings.ContainsAny(s, ".eE") {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && f > 0 && f < 1e15 {
			s = strconv.FormatInt(int64(f), 10)
		}
	}
	return s
}

// isMasked says whether a value is masked as Kehu's export masks a
// mobile it does not reveal (138****5678, ****).
func isMasked(s string) bool {
	return strings.Contains(s, "***")
}

// ownerUsername reads an owner cell: a username, or the export's
// "显示名 (username)".
func ownerUsername(s string) string {
	s = strings.TrimSpace(width.Fold.String(s))
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndex(s, "("); i >= 0 {
			if u := strings.TrimSpace(s[i+1 : len(s)-1]); u != "" {
				return u
			}
		}
	}
	return s
}

// summaryWords start a summary row (合计 …) in its first non-empty cell.
var summaryWords = []string{"合计", "小计", "总计", "共计", "总数", "汇总", "累计", "grandtotal", "subtotal", "total", "sum"}

// isSummaryRow says whether a row is a summary row: its first non-empty
// cell is one of summaryWords, alone or followed by something that is
// no letter or Han character ("合计：", "合计 9 条", "Total 9"), so that
// "汇总科技有限公司" is still a customer.
func isSummaryRow(rec []string) bool {
	for _, cell := range rec {
		s := strings.ToLower(strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, width.Fold.String(cell)))
		if s == "" {
			continue
		}
		for _, w := range summaryWords {
			if rest, ok := strings.CutPrefix(s, w); ok {
				r := []rune(rest)
				return len(r) == 0 || !(unicode.IsLetter(r[0]))
			}
		}
		return false
	}
	return false
}

// isStampRow says whether a row is the stamp line that Kehu's CSV export
// ends with (who exported, when).
func isStampRow(rec []string) bool {
	return len(rec) > 0 && strings.TrimSpace(rec[0]) == customer.ExportStampMark
}

// ParseDate reads a date as offices write it and returns it as
// YYYY-MM-DD, or MM-DD when the year is not given: 2026-11-28, 2026/11/28,
// 2026.11.28, 2026年11月28日, 20261128, 11月28日, or an Excel serial
// number (46354 is 2026-11-28).
func ParseDate(s string) (string, bool) {
	s = strings.TrimSpace(width.Fold.String(s))
	if s == "" {
		return "", false
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "-/") && len(s) != 8 {
		// An Excel serial: days since 1899-12-30 (the 1900 system, whose
		// phantom 29 February 1900 lies before any birthday read here).
		if n < 1 || n >= 2958466 {
			return "", false
		}
		d := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n))
		return d.Format("2006-01-02"), true
	}
	r := strings.NewReplacer("年", "-", "月", "-", "日", "", "号", "", "/", "-", ".", "-")
	t := strings.TrimSuffix(r.Replace(s), "-")
	if len(t) == 8 && !strings.Contains(t, "-") {
		t = t[:4] + "-" + t[4:6] + "-" + t[6:]
	}
	parts := strings.Split(t, "-")
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return "", false
		}
		nums[i] = n
	}
	switch len(nums) {
	case 3:
		y, m, d := nums[0], nums[1], nums[2]
		if y < 1000 || y > 9999 {
			return "", false
		}
		tm := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if tm.Year() != y || int(tm.Month()) != m || tm.Day() != d {
			return "", false
		}
		return tm.Format("2006-01-02"), true
	case 2:
		m, d := nums[0], nums[1]
		tm := time.Date(2000, time.Month(m), d, 0, 0, 0, 0, time.UTC) // a leap year: 02-29 is a day
		if int(tm.Month()) != m || tm.Day() != d {
			return "", false
		}
		return tm.Format("01-02"), true
	}
	return "", false
}

// isExampleRow says whether a row is the downloaded template's example
// (TemplateXLSX): a cell holds the example's name in either language, so a
// template uploaded as it came creates no customer named 示例：….
func isExampleRow(rec []string) bool {
	for _, cell := range rec {
		cell = strings.TrimSpace(cell)
		if cell == "" {
			continue
		}
		for _, lang := range []string{"zh-CN", "en"} {
			if cell == msg.Text(lang, "importer.template.example_name") {
				return true
			}
		}
	}
	return false
}
