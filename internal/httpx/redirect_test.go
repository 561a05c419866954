package httpx

import "testing"

func TestLocalPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/customers?stage=important", "/customers?stage=important"},
		{"/", "/"},
		{"", "/"},
		{"https://evil.example/", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/\x00/evil.example", "/"},
		{"/\x7f/evil.example", "/"},
		{"javascript:alert(1)", "/"},
	}
	for _, tt := range tests {
		if got := LocalPath(tt.in); got != tt.want {
			t.Errorf("LocalPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
