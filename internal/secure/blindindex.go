package secure

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// blindIndexInfo starts the HKDF info of every blind-index key; the
// version lets a future scheme derive different keys from the same secret.
const blindIndexInfo = "kehu blind index v1\x00"

// BlindIndex returns a keyed, deterministic digest of a normalised value
// for an equality look-up on an encrypted column: store it beside the
// ciphertext, index it, and query with the digest of the search term.
// It is 64 hex digits of HMAC-SHA256 under a key derived with HKDF from
// the keyring's index secret and domain, the column as in AAD
// ("contacts.mobile"), so equal values in two columns do not match.
//
// normalized must be the one canonical form of the value (a mobile number
// as 11 ASCII digits, an ID number with an upper-case X), or equal values
// will not meet. The index secret is stable across Rotate: a rotated index
// key would need every index rebuilt at the moment of rotation. Anyone
// with the secret can test guesses, and mobile numbers are few enough to
// enumerate, so it is guarded like the data keys, in the same file.
//
// A nil or unloaded Keyring returns "", which callers must not store.
func (k *Keyring) BlindIndex(domain string, normalized []byte) string {
	st := k.load()
	if st == nil {
		return ""
	}
	// Deriving per call costs about 3 µs, little beside the database
	// round trip it serves, and keeps the Keyring free of a cache keyed by
	// caller-supplied strings.
	key, err := hkdf.Key(sha256.New, st.set.index, nil, blindIndexInfo+domain, sha256.Size)
	if err != nil {
		// HKDF fails only for lengths over 255×32 bytes, never for 32.
		return ""
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(normalized)
	return hex.EncodeToString(mac.Sum(nil))
}
