package cn

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// idCheckChars maps the weighted sum mod 11 to the check character (GB 11643-1999).
const idCheckChars = "10X98765432"

// idWeights are 2^(17-i) mod 11 for positions 1…17.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// chinaTime is the time zone that decides what "today" is for birth dates.
var chinaTime = time.FixedZone("CST", 8*60*60)

// ResidentID is a parsed 18-digit resident identity number (公民身份号码).
type ResidentID struct {
	Number      string    // the normalised 18-character number
	AddressCode string    // the first 6 digits: where it was first issued
	Birth       time.Time // date of birth at midnight UTC
	Female      bool      // the 17th digit is even
}

// Message keys of the problems below; the texts are in the message
// catalogue (internal/msg, part cn).
const (
	textIDEmpty       text = "cn.resident_id.empty"
	textIDLength      text = "cn.resident_id.length"
	textIDLegacy      text = "cn.resident_id.legacy"
	textIDLegacyHint  text = "cn.resident_id.legacy_hint"
	textIDDigit       text = "cn.resident_id.digit"
	textIDCheckDigit  text = "cn.resident_id.check_digit"
	textIDProvince    text = "cn.resident_id.province"
	textIDBirthDate   text = "cn.resident_id.birth_date"
	textIDBirthFuture text = "cn.resident_id.birth_future"
	textIDBirthOld    text = "cn.resident_id.birth_old"
	textID15Format    text = "cn.resident_id.legacy_format"
	textIDChecksum    text = "cn.resident_id.checksum"
)

// ValidateResidentID checks a resident identity number (GB 11643-1999) and
// returns it with a lower-case x upper-cased and spaces removed. Every
// failure is an Error: numbers issued since 1999 always carry a correct check
// character. A 15-digit first-generation number gets its own code, with the
// converted 18-character number in Want when it can be derived.
func ValidateResidentID(s string) (string, *Problem) {
	id, p := ParseResidentID(s)
	return id.Number, p
}

// ParseResidentID validates like ValidateResidentID and also returns the
// address code, date of birth and sex that the number encodes.
func ParseResidentID(s string) (ResidentID, *Problem) {
	v := compact(s, "", true)
	id := ResidentID{Number: v}
	if v == "" {
		return id, emptyProblem(textIDEmpty)
	}
	n := utf8.RuneCountInString(v)
	if n == 15 && isDigits(v) {
		if up, p := UpgradeResidentID15(v); p == nil {
			return id, problem(CodeLegacy15Digit, Error, textIDLegacyHint, 0, up, "")
		}
		return id, problem(CodeLegacy15Digit, Error, textIDLegacy, 0, "", "")
	}
	if n != 18 {
		return id, problem(CodeLength, Error, textIDLength, 0, "18", strconv.Itoa(n))
	}
	if pos, r := firstBad(v, func(r rune, pos int) bool { return r >= '0' && r <= '9' || pos == 18 && r == 'X' }); pos > 0 {
		if pos == 18 {
			return id, problem(CodeCharset, Error, textIDCheckDigit, pos, "", showRune(r))
		}
		return id, problem(CodeCharset, Error, textIDDigit, pos, "", showRune(r))
	}
	if !idProvince(v[:2]) {
		return id, problem(CodeProvince, Error, textIDProvince, 1, "", v[:2])
	}
	birth, p := idBirthDate(v[6:14])
	if p != nil {
		return id, p
	}
	if want := idCheckChar(v); want != v[17] {
		return id, problem(CodeChecksum, Error, textIDChecksum, 18, string(want), v[17:])
	}
	id.AddressCode, id.Birth, id.Female = v[:6], birth, (v[16]-'0')%2 == 0
	return id, nil
}

// UpgradeResidentID15 converts a 15-digit first-generation number to the
// 18-character form: the birth year gains "19" and a check character is
// appended. The input must be 15 digits with a valid province and date.
func UpgradeResidentID15(s string) (string, *Problem) {
	v := compact(s, "", false)
	if len(v) != 15 || !isDigits(v) {
		return v, problem(CodeFormat, Error, textID15Format, 0, "", "")
	}
	body := v[:6] + "19" + v[6:]
	if !idProvince(body[:2]) {
		return v, problem(CodeProvince, Error, textIDProvince, 1, "", body[:2])
	}
	if _, p := idBirthDate(body[6:14]); p != nil {
		return v, p
	}
	return body + string(idCheckChar(body)), nil
}

// idCheckChar computes the check character from the first 17 digits of v.
func idCheckChar(v string) byte {
	sum := 0
	for i, w := range idWeights {
		sum += int(v[i]-'0') * w
	}
	return idCheckChars[sum%11]
}

// idBirthDate parses YYYYMMDD (digits only) and rejects impossible dates,
// dates in the future and years before 1900. It works on integers and
// builds a time.Time only for valid dates, to stay cheap on the hot path.
func idBirthDate(d string) (time.Time, *Problem) {
	num := func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	y, m, day := num(d[:4]), num(d[4:6]), num(d[6:8])
	if m < 1 || m > 12 || day < 1 || day > daysIn(y, m) {
		return time.Time{}, problem(CodeBirthDate, Error, textIDBirthDate, 7, "", d)
	}
	if y < 1900 {
		return time.Time{}, problem(CodeBirthDate, Error, textIDBirthOld, 7, "", d)
	}
	ny, nm, nd := time.Now().In(chinaTime).Date()
	if y*10000+m*100+day > ny*10000+int(nm)*100+nd {
		return time.Time{}, problem(CodeBirthDate, Error, textIDBirthFuture, 7, "", d)
	}
	return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC), nil
}

// daysIn returns the number of days in month m of year y (Gregorian).
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// idProvince reports whether an ID number may start with p: a mainland
// province, or 81, 82 and 83, which residence permits for residents of Hong
// Kong, Macao and Taiwan use. GB/T 2260's 71 (Taiwan) never starts one.
func idProvince(p string) bool {
	switch p {
	case "11", "12", "13", "14", "15",
		"21", "22", "23",
		"31", "32", "33", "34", "35", "36", "37",
		"41", "42", "43", "44", "45", "46",
		"50", "51", "52", "53", "54",
		"61", "62", "63", "64", "65",
		"81", "82", "83":
		return true
	}
	return false
}
