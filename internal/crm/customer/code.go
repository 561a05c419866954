package customer

import (
	"fmt"
	"strings"
)

// codePrefix begins every customer code: 客户 (kèhù).
const codePrefix = "KH"

// Code is the customer code of the n-th customer (KH00000001 for the
// first); the store allocates n inside the transaction that adds the
// customer, so codes never repeat and follow the order of creation.
func Code(n int64) string {
	return fmt.Sprintf(codePrefix+"%08d", n)
}

// CodeTokens are the search tokens of a customer code: the code itself in
// lower case, and its number without the prefix and leading zeros, so
// that 42, kh00000042 and KH00000042 all find KH00000042.
func CodeTokens(code string) []string {
	return []string{strings.ToLower(code), strings.TrimLeft(strings.TrimPrefix(code, codePrefix), "0")}
}
