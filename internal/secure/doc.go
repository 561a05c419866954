// Package secure holds password hashing, tokens, field encryption and blind
// indexes: the cryptography Kehu needs, with no database and no HTTP.
//
// Passwords are hashed with argon2id into PHC strings and checked against a
// configurable PasswordPolicy. Session and API tokens are 32 random bytes
// behind a readable prefix, stored as SHA-256 hashes.
//
// Sensitive fields (mobile numbers, resident ID numbers, bank accounts, any
// field marked sensitive) are sealed with AES-256-GCM under a Keyring, a
// file of versioned keys kept outside the database. A ciphertext names its
// key version, so values sealed before a rotation still open after it.
//
// # Key file
//
// The key file (KeyFileName in the data directory by default) is text, one
// entry per line, # comments allowed, and must have mode 0600 or stricter:
//
//	index:<base64 of 32 bytes>   the blind-index secret, never rotated
//	v1:<base64 of 32 bytes>      data keys by version, never removed
//	v2:<base64 of 32 bytes>
//	current:v2                   the key new values are sealed with
//
// Several servers on one database need the same file; a key missing on
// one of them makes the values sealed under it unreadable there.
//
// # Associated data
//
// Every ciphertext is bound to the column that stores it: the associated
// data is "table.column", as built by AAD("contacts", "mobile"). A value
// copied into another column then fails to decrypt instead of showing up
// as, say, someone's bank account. Where the row ID is known before the
// value is written, appending it ("contacts.mobile:42") also stops values
// being swapped between rows; the column alone is the minimum.
//
// # Blind indexes
//
// An equality look-up on an encrypted column ("find the contact whose
// mobile is 13812345678") goes through a blind index: an HMAC of the
// normalised value under a key derived from the keyring's index secret,
// one key per domain ("contacts.mobile"). The index secret never rotates
// with the encryption keys, because a new index key would mean rebuilding
// every index at once.
//
// # Rotation while the server runs
//
// `kehu keys rotate` calls Keyring.Rotate, which appends a new current key
// to the file, then re-encrypts every value for which NeedsReencrypt is
// true, passing again until none is left: a server that has not reloaded
// yet still writes under the old key. A running server meeting a version it does not know re-reads the
// file by itself; it should also call Reload now and then (or on SIGHUP)
// so that its own writes move to the new key. Old keys stay in the file:
// removing one makes every value still sealed under it unreadable.
package secure
