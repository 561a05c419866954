package ui

import "testing"

func TestAmountsAreTypedInYuanAndKeptInFen(t *testing.T) {
	for _, tt := range []struct {
		typed, fen string
		ok         bool
	}{
		{"", "", true},
		{"12800.5", "1280050", true},
		{"12,800.50", "1280050", true},
		{"¥1234", "123400", true},
		{"0.05", "5", true},
		{".5", "50", true},
		{"1234 元", "123400", true},
		{"-3.20", "-320", true},
		{"12.345", "12.345", false},
		{"12万", "12万", false},
		{"abc", "abc", false},
		{"1.2.3", "1.2.3", false},
	} {
		fen, ok := yuanToFen(tt.typed)
		if fen != tt.fen || ok != tt.ok {
			t.Errorf("yuanToFen(%q) = %q, %v; want %q, %v", tt.typed, fen, ok, tt.fen, tt.ok)
		}
	}
	for fen, want := range map[string]string{"1280050": "12800.50", "5": "0.05", "-320": "-3.20", "": "", "x": "x"} {
		if got := fenToYuan(fen); got != want {
			t.Errorf("fenToYuan(%q) = %q, want %q", fen, got, want)
		}
	}
	if got := yuanText("1280050"); got != "¥12800.50" {
		t.Errorf("yuanText = %q", got)
	}
}
