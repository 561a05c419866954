package secure

import "strings"

// Masks keep only what a user needs to recognise a value in a list; the
// full value is shown on request, with permission and an audit entry.

// MaskMobile shows the first 3 and last 4 characters, the usual Chinese
// form: "13812345678" becomes "138****5678". A value too short to hide at
// least 4 characters that way goes to MaskGeneric.
func MaskMobile(s string) string { return maskMiddle(s, 3, 4) }

// MaskIDNumber shows the first 3 and last 4 characters of a resident ID
// number: "110101199003071234" becomes "110***********1234". Three digits
// name only the province and prefecture, where six would name the county;
// the birth date in the middle is always hidden. A 15-digit old-style
// number keeps the same ends.
func MaskIDNumber(s string) string { return maskMiddle(s, 3, 4) }

// MaskBankAccount shows only the last 4 digits, after a fixed
// "**** **** **** " that hides the number's length and the issuing bank:
// "6222021234567891234" becomes "**** **** **** 1234". Spaces and dashes
// in the input are ignored. Under 8 characters it shows nothing: "****".
func MaskBankAccount(s string) string {
	r := []rune(strings.NewReplacer(" ", "", "-", "").Replace(s))
	if len(r) < 8 {
		return "****"
	}
	return "**** **** **** " + string(r[len(r)-4:])
}

// MaskGeneric masks any other sensitive text, keeping its first and last
// characters when there are at least three ("张三丰" becomes "张*丰"),
// only the first when there are two ("张三" becomes "张*") and none of a
// single character.
func MaskGeneric(s string) string {
	r := []rune(s)
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// maskMiddle keeps head and tail runes and stars the rest, one star per
// rune; values where that would hide fewer than 4 go to MaskGeneric.
func maskMiddle(s string, head, tail int) string {
	r := []rune(s)
	if len(r) < head+tail+4 {
		return MaskGeneric(s)
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}
