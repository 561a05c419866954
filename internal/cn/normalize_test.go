package cn

import (
	"strings"
	"testing"
)

func containsStr(s, sub string) bool { return strings.Contains(s, sub) }

func TestCompact(t *testing.T) {
	tests := []struct {
		name, in, drop string
		upper          bool
		want           string
	}{
		{"clean input is returned unchanged", "ABC123", "", true, "ABC123"},
		{"spaces, tabs and ideographic spaces are removed", " A\tB\u3000C ", "", false, "ABC"},
		{"zero-width characters pasted from the web are removed", "A\u200bB\ufeff", "", false, "AB"},
		{"full-width letters and digits are folded", "ＡＢｃ１２", "", false, "ABc12"},
		{"lower case is upper-cased on request", "abc", "", true, "ABC"},
		{"separators are dropped on request", "138-0013.8000", "-.", false, "13800138000"},
		{"invalid UTF-8 becomes the replacement character", "A\xffB", "", false, "A\uFFFDB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := compact(tt.in, tt.drop, tt.upper); got != tt.want {
				t.Errorf("compact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestShow(t *testing.T) {
	tests := []struct{ name, got, want string }{
		{"a printable character shows as itself", showRune('中'), "中"},
		{"a control character shows as its code point", showRune('\a'), "U+0007"},
		{"invalid UTF-8 shows as the replacement code point", showRune('\uFFFD'), "U+FFFD"},
		{"long input is cut at 40 characters", showString(strings.Repeat("a", 50)), strings.Repeat("a", 40) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
