package secure

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// fixedKeyring builds a Keyring from in-memory keys, with no file behind it.
func fixedKeyring(t testing.TB) *Keyring {
	t.Helper()
	k := &Keyring{path: "/nonexistent/kehu/secret.keys"}
	ks := &keySet{index: testKey(0), keys: map[uint32][]byte{1: testKey(1), 2: testKey(2)}, current: 2}
	if err := k.install(ks, nil); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestEncryptHidesThePlaintext(t *testing.T) {
	k := fixedKeyring(t)
	tests := []struct{ name, column, plain string }{
		{"a mobile number", "mobile", "13812345678"},
		{"a resident ID number", "id_number", "11010119900307123X"},
		{"a bank account", "bank_account", "6222021234567891234"},
		{"a Chinese address", "address", "北京市朝阳区建国路88号"},
		{"an empty value", "note", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name+" round-trips and appears nowhere in its ciphertext", func(t *testing.T) {
			aad := AAD("contacts", tt.column)
			ct, err := k.Encrypt([]byte(tt.plain), aad)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(ct, "v2:"))
			for _, form := range []string{tt.plain, base64.StdEncoding.EncodeToString([]byte(tt.plain)), hex.EncodeToString([]byte(tt.plain))} {
				if len(form) > 0 && (strings.Contains(ct, form) || bytes.Contains(raw, []byte(form))) {
					t.Errorf("ciphertext %q shows %q", ct, form)
				}
			}
			if got, err := k.Decrypt(ct, aad); err != nil || string(got) != tt.plain {
				t.Errorf("Decrypt = %q, %v", got, err)
			}
			if again, _ := k.Encrypt([]byte(tt.plain), aad); again == ct {
				t.Errorf("two encryptions of %q are equal", tt.plain)
			}
		})
	}
}

func TestDecryptRefusesAlteredValues(t *testing.T) {
	k := fixedKeyring(t)
	aad := AAD("contacts", "mobile")
	ct, _ := k.Encrypt([]byte("13812345678"), aad)
	sealed, _ := base64.RawStdEncoding.DecodeString(ct[3:])
	t.Run("flipping any bit of the sealed bytes fails authentication", func(t *testing.T) {
		for i := range sealed {
			for bit := range 8 {
				altered := bytes.Clone(sealed)
				altered[i] ^= 1 << bit
				if _, err := k.Decrypt("v2:"+base64.RawStdEncoding.EncodeToString(altered), aad); !errors.Is(err, ErrDecrypt) {
					t.Fatalf("byte %d bit %d: %v", i, bit, err)
				}
			}
		}
	})
	tests := []struct {
		name, ct string
		aad      []byte
		want     error
	}{
		{"another column's AAD fails", ct, AAD("contacts", "id_number"), ErrDecrypt},
		{"another table's AAD fails", ct, AAD("suppliers", "mobile"), ErrDecrypt},
		{"no AAD fails", ct, nil, ErrDecrypt},
		{"relabelling v2 as v1 fails", "v1" + ct[2:], aad, ErrDecrypt},
		{"a version the file lacks is unknown", "v3" + ct[2:], aad, ErrUnknownKeyVersion},
		{"a truncated value is malformed", ct[:len(ct)-20], aad, ErrMalformedCiphertext},
		{"a value one byte short fails authentication", "v2:" + base64.RawStdEncoding.EncodeToString(sealed[:len(sealed)-1]), aad, ErrDecrypt},
		{"an empty string is malformed", "", aad, ErrMalformedCiphertext},
		{"a plain mobile number is malformed", "13812345678", aad, ErrMalformedCiphertext},
		{"a missing version is malformed", ":" + ct[3:], aad, ErrMalformedCiphertext},
		{"version zero is malformed", "v0" + ct[2:], aad, ErrMalformedCiphertext},
		{"a leading zero in the version is malformed", "v02" + ct[2:], aad, ErrMalformedCiphertext},
		{"padding is malformed", ct + "=", aad, ErrMalformedCiphertext},
		{"a line break is malformed", ct[:10] + "\n" + ct[10:], aad, ErrMalformedCiphertext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := k.Decrypt(tt.ct, tt.aad); !errors.Is(err, tt.want) {
				t.Errorf("Decrypt(%q) = %q, %v; want %v", tt.ct, got, err, tt.want)
			}
		})
	}
}

func TestNeedsReencrypt(t *testing.T) {
	k := fixedKeyring(t)
	current, _ := k.Encrypt([]byte("x"), nil)
	tests := []struct {
		name, ct string
		want     bool
	}{
		{"a value under the current key needs nothing", current, false},
		{"a value under an older key needs re-encryption", "v1" + current[2:], true},
		{"a malformed value is flagged so that it is reported", "13812345678", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := k.NeedsReencrypt(tt.ct); got != tt.want {
				t.Errorf("NeedsReencrypt(%q) = %v", tt.ct, got)
			}
		})
	}
}

func FuzzDecrypt(f *testing.F) {
	k := fixedKeyring(f)
	aad := AAD("contacts", "mobile")
	valid, _ := k.Encrypt([]byte("13812345678"), aad)
	for _, s := range []string{valid, "v1" + valid[2:], "v3" + valid[2:], "", ":", "v1:", "v4294967296:AAAA", "v1:" + strings.Repeat("A", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Fuzz workers seal their own seed (random nonce, same fixed keys),
		// so success is judged by the plaintext, not by s == valid.
		plain, err := k.Decrypt(s, aad)
		if err == nil && string(plain) != "13812345678" {
			t.Fatalf("Decrypt(%q) = %q, accepted a value it never sealed", s, plain)
		}
		v, sealed, err := parseCiphertext(s)
		if err == nil && versionName(v)+":"+base64.RawStdEncoding.EncodeToString(sealed) != s {
			t.Fatalf("parseCiphertext accepted a second spelling: %q", s)
		}
	})
}

func BenchmarkEncryptMobile(b *testing.B) {
	k := fixedKeyring(b)
	aad, plain := AAD("contacts", "mobile"), []byte("13812345678")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = k.Encrypt(plain, aad)
	}
}

func BenchmarkDecryptMobile(b *testing.B) {
	k := fixedKeyring(b)
	aad := AAD("contacts", "mobile")
	ct, _ := k.Encrypt([]byte("13812345678"), aad)
	b.ReportAllocs()
	for b.Loop() {
		_, _ = k.Decrypt(ct, aad)
	}
}

func TestEncryptedMobileLength(t *testing.T) {
	ct, _ := fixedKeyring(t).Encrypt([]byte("13812345678"), AAD("contacts", "mobile"))
	t.Run("an encrypted mobile number is 55 characters, as documented", func(t *testing.T) {
		if len(ct) != 55 {
			t.Errorf("len(%q) = %d", ct, len(ct))
		}
	})
}
