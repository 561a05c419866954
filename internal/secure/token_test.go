package secure

import (
	"bytes"
	"crypto/sha256"
	"regexp"
	"testing"
)

func TestNewToken(t *testing.T) {
	tests := []struct{ name, prefix string }{
		{"an API token starts with kehu_", PrefixAPIToken},
		{"a session token starts with sess_", PrefixSession},
		{"a token without prefix is just the random part", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, hash := NewToken(tt.prefix)
			shape := regexp.MustCompile(`^` + regexp.QuoteMeta(tt.prefix) + `[a-z2-7]{52}$`)
			if !shape.MatchString(plain) {
				t.Errorf("NewToken(%q) = %q", tt.prefix, plain)
			}
			if !bytes.Equal(hash, HashToken(plain)) {
				t.Errorf("the returned hash is not HashToken of the token")
			}
		})
	}
	t.Run("two tokens differ", func(t *testing.T) {
		a, _ := NewToken(PrefixAPIToken)
		b, _ := NewToken(PrefixAPIToken)
		if a == b {
			t.Errorf("NewToken returned %q twice", a)
		}
	})
}

func TestHashToken(t *testing.T) {
	t.Run("the hash is SHA-256 of the whole token", func(t *testing.T) {
		want := sha256.Sum256([]byte("kehu_abc"))
		if got := HashToken("kehu_abc"); !bytes.Equal(got, want[:]) {
			t.Errorf("HashToken = %x, want %x", got, want)
		}
	})
	t.Run("the same body under another prefix hashes differently", func(t *testing.T) {
		if bytes.Equal(HashToken("kehu_abc"), HashToken("sess_abc")) {
			t.Error("prefix is not part of the hash")
		}
	})
}

func BenchmarkHashToken(b *testing.B) {
	plain, _ := NewToken(PrefixSession)
	b.ReportAllocs()
	for b.Loop() {
		HashToken(plain)
	}
}
