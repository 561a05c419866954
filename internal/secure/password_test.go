package secure

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// cheapParams keep tests fast; only tests about the defaults pay for them.
var cheapParams = Argon2Params{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Hashes written by the reference implementation (Debian's argon2 CLI,
// libargon2 20171227), so we read what other tools write.
const (
	refHashDefault = "$argon2id$v=19$m=65536,t=3,p=2$a2VodS10ZXN0LXNhbHQxNg$2wgsVagXhnoUjToYnmretoPmjt1NWhjkji8MkTGmgMk"
	refHashCheap   = "$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$jxSxC/8l96ewefweFG6c/iMjfvTo3zWBuNS860BY3ZU"
)

func TestHashPassword(t *testing.T) {
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=8192,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	a, err := HashPassword("Secret-123", cheapParams)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := HashPassword("Secret-123", cheapParams)
	t.Run("the hash is a PHC string with the parameters", func(t *testing.T) {
		if !phc.MatchString(a) {
			t.Errorf("HashPassword = %q", a)
		}
	})
	t.Run("the same password hashes differently each time", func(t *testing.T) {
		if a == b {
			t.Errorf("two hashes are both %q", a)
		}
	})
	t.Run("the hash does not contain the password", func(t *testing.T) {
		if strings.Contains(a, "Secret-123") {
			t.Errorf("hash %q holds the password", a)
		}
	})
}

func TestHashPasswordRefusesWeakOrHugeParameters(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Argon2Params)
	}{
		{"memory under 8 MiB is refused", func(p *Argon2Params) { p.Memory = 4096 }},
		{"memory over 1 GiB is refused", func(p *Argon2Params) { p.Memory = 2 << 20 }},
		{"zero passes are refused", func(p *Argon2Params) { p.Time = 0 }},
		{"zero threads are refused", func(p *Argon2Params) { p.Threads = 0 }},
		{"a 4-byte salt is refused", func(p *Argon2Params) { p.SaltLen = 4 }},
		{"an 8-byte key is refused", func(p *Argon2Params) { p.KeyLen = 8 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := cheapParams
			tt.change(&p)
			if got, err := HashPassword("pw", p); err == nil {
				t.Errorf("HashPassword with %+v = %q, want an error", p, got)
			}
		})
	}
}

func TestVerifyPassword(t *testing.T) {
	mine, err := HashPassword("正确的Horse9", cheapParams)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, hash, pw  string
		ok, needsRehash bool
	}{
		{"the right password matches and asks for a rehash to the defaults", mine, "正确的Horse9", true, true},
		{"a wrong password does not match", mine, "正确的Horse8", false, false},
		{"an empty password does not match", mine, "", false, false},
		{"a reference hash with default parameters matches and needs no rehash", refHashDefault, "correct horse battery staple", true, false},
		{"a reference hash with cheap parameters matches and asks for a rehash", refHashCheap, "密码Pass9", true, true},
		{"a reference hash rejects a password differing in case", refHashCheap, "密码pass9", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := VerifyPassword(tt.hash, tt.pw)
			if err != nil || ok != tt.ok || rehash != tt.needsRehash {
				t.Errorf("VerifyPassword = %v, %v, %v; want %v, %v, nil", ok, rehash, err, tt.ok, tt.needsRehash)
			}
		})
	}
}

func TestVerifyPasswordRefusesMalformedHashes(t *testing.T) {
	valid := refHashCheap
	tests := []struct{ name, hash string }{
		{"an empty string is refused", ""},
		{"a bcrypt hash is refused", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i is refused", strings.Replace(valid, "argon2id", "argon2i", 1)},
		{"argon2 version 1.0 is refused", strings.Replace(valid, "v=19", "v=16", 1)},
		{"parameters out of order are refused", strings.Replace(valid, "m=8192,t=1,p=1", "t=1,m=8192,p=1", 1)},
		{"a leading zero in a parameter is refused", strings.Replace(valid, "t=1", "t=01", 1)},
		{"a negative parameter is refused", strings.Replace(valid, "t=1", "t=-1", 1)},
		{"a thread count over 255 is refused", strings.Replace(valid, "p=1", "p=256", 1)},
		{"memory of 4 GiB is refused before any hashing", strings.Replace(valid, "m=8192", "m=4194304", 1)},
		{"padding on the salt is refused", strings.Replace(valid, "$jx", "==$jx", 1)},
		{"a line break inside the hash is refused", strings.Replace(valid, "jxSx", "jx\nSx", 1)},
		{"a missing hash field is refused", valid[:strings.LastIndex(valid, "$")]},
		{"an extra field is refused", valid + "$AAAA"},
		{"a short salt is refused", strings.Replace(valid, "c2FsdHNhbHRzYWx0c2FsdA", "c2FsdA", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, _, err := VerifyPassword(tt.hash, "密码Pass9")
			if ok || !errors.Is(err, ErrMalformedHash) {
				t.Errorf("VerifyPassword(%q) = %v, %v; want false, ErrMalformedHash", tt.hash, ok, err)
			}
		})
	}
}

func TestVerifyPasswordFailsOnAnAlteredHash(t *testing.T) {
	// Changing the first character of the key keeps the string canonical.
	i := strings.LastIndex(refHashCheap, "$") + 1
	altered := refHashCheap[:i] + "k" + refHashCheap[i+1:]
	if ok, _, err := VerifyPassword(altered, "密码Pass9"); ok || err != nil {
		t.Errorf("VerifyPassword(altered) = %v, %v; want false, nil", ok, err)
	}
}

// DummyVerify's cost against a real check is shown by BenchmarkDummyVerify
// and BenchmarkVerifyPassword (docs/benchmarks.md), not by a timed test.

func FuzzParsePHC(f *testing.F) {
	for _, s := range []string{refHashDefault, refHashCheap, "", "$argon2id$v=19$", "$argon2id$v=19$m=,t=,p=$$", "$argon2id$v=19$m=8192,t=1,p=1$$"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := parsePHC(s)
		if err != nil {
			return
		}
		if p.validate() != nil {
			t.Fatalf("accepted out-of-bounds parameters %+v from %q", p, s)
		}
		if back := formatPHC(p, salt, key); back != s {
			t.Fatalf("accepted %q, which formats back as %q", s, back)
		}
	})
}

func BenchmarkVerifyPassword(b *testing.B) {
	hash, err := HashPassword("correct horse battery staple", DefaultArgon2Params())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_, _, _ = VerifyPassword(hash, "correct horse battery staple")
	}
}

func BenchmarkDummyVerify(b *testing.B) {
	for b.Loop() {
		DummyVerify("correct horse battery staple")
	}
}
