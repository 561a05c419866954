package secure

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Errors from Decrypt, distinguishable with errors.Is.
var (
	// ErrMalformedCiphertext means the value is not "vN:" and base64 of a sealed box.
	ErrMalformedCiphertext = errors.New("secure: malformed ciphertext")
	// ErrUnknownKeyVersion means the value names a key the key file does not hold.
	ErrUnknownKeyVersion = errors.New("secure: ciphertext sealed under an unknown key version")
	// ErrDecrypt means the value was altered, or belongs to another column (AAD).
	ErrDecrypt = errors.New("secure: ciphertext does not authenticate (altered, or another column's value)")
)

// gcmOverhead is the random nonce plus the tag around every plaintext.
const gcmOverhead = 12 + 16

// AAD returns the associated data binding a value to its column, "table.column".
func AAD(table, column string) []byte { return []byte(table + "." + column) }

// Encrypt seals plaintext under the current key and aad (see AAD) and
// returns text for a TEXT column: "v2:" and standard base64 without padding
// of nonce, ciphertext and tag. An 11-digit mobile number becomes 55 characters.
func (k *Keyring) Encrypt(plaintext, aad []byte) (string, error) {
	st := k.load()
	if st == nil {
		return "", errNotLoaded
	}
	// Random 96-bit nonces stay safe for about 2^32 values per key; a
	// rotation resets that count long before it matters for a CRM.
	sealed := st.aeads[st.set.current].Seal(nil, nil, plaintext, aad)
	return versionName(st.set.current) + ":" + base64.RawStdEncoding.EncodeToString(sealed), nil
}

// Decrypt opens a value from Encrypt, whichever key version sealed it. It
// re-reads the key file once when it meets a version it does not hold,
// so a server keeps reading values that kehu keys rotate re-encrypted.
func (k *Keyring) Decrypt(ciphertext string, aad []byte) ([]byte, error) {
	st := k.load()
	if st == nil {
		return nil, errNotLoaded
	}
	v, sealed, err := parseCiphertext(ciphertext)
	if err != nil {
		return nil, err
	}
	aead, ok := st.aeads[v]
	if !ok {
		k.reloadIfReplaced()
		if aead, ok = k.load().aeads[v]; !ok {
			return nil, fmt.Errorf("%w: %s", ErrUnknownKeyVersion, versionName(v))
		}
	}
	plain, err := aead.Open(nil, nil, sealed, aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}

// NeedsReencrypt reports whether a stored value is not sealed under the
// current key, and so is work for key rotation. A malformed value counts
// too, as does any value for an unloaded Keyring: Reencrypt will then
// report it rather than it being passed over.
func (k *Keyring) NeedsReencrypt(ciphertext string) bool {
	st := k.load()
	if st == nil {
		return true
	}
	v, _, err := parseCiphertext(ciphertext)
	return err != nil || v != st.set.current
}

// Reencrypt returns the value sealed under the current key, unchanged if it
// already is. The plaintext never leaves this function.
func (k *Keyring) Reencrypt(ciphertext string, aad []byte) (string, error) {
	if !k.NeedsReencrypt(ciphertext) {
		return ciphertext, nil
	}
	plain, err := k.Decrypt(ciphertext, aad)
	if err != nil {
		return "", err
	}
	return k.Encrypt(plain, aad)
}

// parseCiphertext splits "v2:base64" into the version and the sealed bytes.
func parseCiphertext(s string) (uint32, []byte, error) {
	name, body, ok := strings.Cut(s, ":")
	if !ok {
		return 0, nil, ErrMalformedCiphertext
	}
	v, ok := parseVersion(name)
	// The decoder skips line breaks; refusing them keeps one spelling per value.
	if !ok || strings.ContainsAny(body, "\r\n") {
		return 0, nil, ErrMalformedCiphertext
	}
	sealed, err := base64.RawStdEncoding.Strict().DecodeString(body)
	if err != nil || len(sealed) < gcmOverhead {
		return 0, nil, ErrMalformedCiphertext
	}
	return v, sealed, nil
}
