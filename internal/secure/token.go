package secure

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"strings"
)

// Token prefixes. A prefix makes a leaked token recognisable to people and
// to secret scanners, and tells at a glance what it unlocks.
const (
	PrefixAPIToken = "kehu_"
	PrefixSession  = "sess_"
)

// tokenBytes is the entropy of a token: 256 bits, beyond any guessing.
const tokenBytes = 32

// NewToken returns a fresh token, prefix followed by 32 random bytes in
// lower-case unpadded base32 (52 characters of a–z and 2–7, so a
// double-click selects the whole token), and the hash to store for it.
// The plain token is shown once and never stored.
func NewToken(prefix string) (plain string, hash []byte) {
	b := make([]byte, tokenBytes)
	// crypto/rand.Read never fails: since Go 1.24 it crashes the program
	// rather than hand out predictable bytes.
	_, _ = rand.Read(b)
	body := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
	plain = prefix + strings.ToLower(body)
	return plain, HashToken(plain)
}

// HashToken returns the SHA-256 of a plain token, the value stored and
// looked up in the database.
//
// A fast, unsalted hash is right here, unlike for passwords: a token has
// 256 random bits, so no dictionary or precomputed table can reach it and
// slowing each guess down buys nothing, while every authenticated request
// pays the hash. Determinism is what lets the stored hash be an indexed
// column found by equality. The hash still matters: a leaked database
// yields no usable tokens. The prefix is hashed with the body, so a
// session token cannot be replayed as an API token.
func HashToken(plain string) []byte {
	sum := sha256.Sum256([]byte(plain))
	return sum[:]
}
