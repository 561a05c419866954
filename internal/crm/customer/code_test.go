package customer

import (
	"fmt"
	"slices"
	"testing"
)

func TestCode(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int64
		want string
	}{
		{"the first customer is KH00000001", 1, "KH00000001"},
		{"a number is padded to eight digits", 4711, "KH00004711"},
		{"a number of eight digits fills the code", 12345678, "KH12345678"},
		{"a number past eight digits is written whole", 123456789, "KH123456789"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Code(tc.n); got != tc.want {
				t.Errorf("Code(%d) = %q, want %q", tc.n, got, tc.want)
			}
		})
	}
}

func TestCodeTokens(t *testing.T) {
	for _, tc := range []struct {
		name string
		code string
		want []string
	}{
		{"a code is found by itself in lower case and by its bare number", "KH00000042", []string{"kh00000042", "42"}},
		{"zeros inside the number are kept", "KH00100200", []string{"kh00100200", "100200"}},
		{"a full eight-digit number loses nothing", "KH12345678", []string{"kh12345678", "12345678"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CodeTokens(tc.code); !slices.Equal(got, tc.want) {
				t.Errorf("CodeTokens(%q) = %q, want %q", tc.code, got, tc.want)
			}
		})
	}
}

func TestCodeTokensOfEveryCodeIncludeItsNumber(t *testing.T) {
	for _, n := range []int64{1, 9, 10, 99999999} {
		t.Run(Code(n)+" is found by its number", func(t *testing.T) {
			if toks := CodeTokens(Code(n)); !slices.Contains(toks, fmt.Sprint(n)) {
				t.Errorf("CodeTokens(Code(%d)) = %q, want it to hold %d", n, toks, n)
			}
		})
	}
}
