package secure

import (
	"regexp"
	"testing"
)

func TestBlindIndex(t *testing.T) {
	k := fixedKeyring(t)
	mobile := []byte("13812345678")
	base := k.BlindIndex("contacts.mobile", mobile)
	t.Run("the index is 64 hex digits", func(t *testing.T) {
		if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(base) {
			t.Errorf("BlindIndex = %q", base)
		}
	})
	t.Run("the index matches an independent HKDF and HMAC computation", func(t *testing.T) {
		// Computed with Python's hmac module and a hand-written RFC 5869
		// HKDF (empty salt), for the index secret 00 01 02 … 1f.
		other := &Keyring{path: "/nonexistent"}
		ks := &keySet{index: make([]byte, 32), keys: map[uint32][]byte{1: testKey(1)}, current: 1}
		for i := range ks.index {
			ks.index[i] = byte(i)
		}
		if err := other.install(ks, nil); err != nil {
			t.Fatal(err)
		}
		const want = "37e37df3736841af7a681cb71f2c8e3ae99458b3e2a27438415b10165cef0b08"
		if got := other.BlindIndex("contacts.mobile", mobile); got != want {
			t.Errorf("BlindIndex = %s, want %s", got, want)
		}
	})
	tests := []struct {
		name, domain string
		value        []byte
		same         bool
	}{
		{"the same value in the same domain gives the same index", "contacts.mobile", []byte("13812345678"), true},
		{"the same value in another domain gives another index", "users.mobile", mobile, false},
		{"another value gives another index", "contacts.mobile", []byte("13812345679"), false},
		{"an unnormalised spelling gives another index", "contacts.mobile", []byte("138 1234 5678"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := k.BlindIndex(tt.domain, tt.value); (got == base) != tt.same {
				t.Errorf("BlindIndex(%q, %q) = %s against %s", tt.domain, tt.value, got, base)
			}
		})
	}
	t.Run("another key file gives another index", func(t *testing.T) {
		other, _ := newTestKeyring(t)
		if other.BlindIndex("contacts.mobile", mobile) == base {
			t.Error("two index secrets gave the same index")
		}
	})
}

func BenchmarkBlindIndex(b *testing.B) {
	k := fixedKeyring(b)
	mobile := []byte("13812345678")
	b.ReportAllocs()
	for b.Loop() {
		k.BlindIndex("contacts.mobile", mobile)
	}
}
