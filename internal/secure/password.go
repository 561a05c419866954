package secure

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost parameters written into every hash.
type Argon2Params struct {
	Memory  uint32 // KiB of memory per hash
	Time    uint32 // passes over that memory
	Threads uint8  // lanes computed in parallel
	SaltLen uint32 // bytes of random salt
	KeyLen  uint32 // bytes of derived key stored in the hash
}

// Bounds on parameters, for hashes we write and hashes we read: a hash
// string from the database must not make a login allocate gigabytes.
const (
	minMemory  = 8 * 1024    // 8 MiB: below this argon2id is too cheap to matter
	maxMemory  = 1024 * 1024 // 1 GiB
	maxTime    = 100
	minSaltLen = 8 // RFC 9106 asks for 16; 8 still defeats precomputation
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// dummySalt seeds DummyVerify; it need not be secret, since that check never succeeds.
const dummySalt = "kehu dummy salt!"

// ErrMalformedHash means a stored password hash is not an argon2id PHC string we can read.
var ErrMalformedHash = errors.New("secure: malformed password hash")

// DefaultArgon2Params returns the parameters for new password hashes.
//
// 64 MiB and 3 passes are RFC 9106's second recommendation (for when 2 GiB
// per hash is out of reach), so each guess costs an attacker that much
// memory; 2 lanes instead of its 4 match our 2-core reference machine. One
// check takes about 100–115 ms there when idle and up to ~200 ms with a
// second check running, inside the 50–250 ms login budget. Each check holds
// 64 MiB while it runs, so login handlers should bound how many run at once.
func DefaultArgon2Params() Argon2Params {
	return Argon2Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}
}

// validate reports parameters outside the bounds we write and accept.
func (p Argon2Params) validate() error {
	switch {
	case p.Memory < minMemory || p.Memory > maxMemory:
		return fmt.Errorf("secure: argon2 memory %d KiB outside %d–%d", p.Memory, minMemory, maxMemory)
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("secure: argon2 time %d outside 1–%d", p.Time, maxTime)
	case p.Threads < 1:
		return errors.New("secure: argon2 needs at least one thread")
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("secure: argon2 salt length %d outside %d–%d", p.SaltLen, minSaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("secure: argon2 key length %d outside %d–%d", p.KeyLen, minKeyLen, maxKeyLen)
	}
	return nil
}

// HashPassword hashes pw with argon2id under p and a fresh random salt,
// returning a PHC string: $argon2id$v=19$m=65536,t=3,p=2$salt$hash.
func HashPassword(pw string, p Argon2Params) (string, error) {
	if err := p.validate(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("secure: reading salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return formatPHC(p, salt, key), nil
}

// VerifyPassword checks pw against a hash from HashPassword, in constant
// time with respect to the stored key. needsRehash is true when pw matched
// but the hash was made with other parameters than DefaultArgon2Params, so
// the caller should store a fresh hash while it holds the plain password.
func VerifyPassword(encoded, pw string) (ok, needsRehash bool, err error) {
	p, salt, want, err := parsePHC(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	return true, p != DefaultArgon2Params(), nil
}

// DummyVerify spends the time of one VerifyPassword against a default hash
// and always fails. Call it when the username is unknown, so that answer
// takes as long as a wrong password and does not reveal which users exist.
func DummyVerify(pw string) {
	p := DefaultArgon2Params()
	salt := make([]byte, p.SaltLen)
	copy(salt, dummySalt)
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	// The comparison mirrors VerifyPassword's; its result is meaningless.
	subtle.ConstantTimeCompare(got, make([]byte, p.KeyLen))
}
