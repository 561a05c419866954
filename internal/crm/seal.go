package crm

// Sealer encrypts sensitive fields and makes their blind indexes; the
// keyring (secure.Keyring) is one, with its key outside the database.
type Sealer interface {
	Encrypt(plaintext, aad []byte) (string, error)
	Decrypt(ciphertext string, aad []byte) ([]byte, error)
	BlindIndex(domain string, normalized []byte) string
}

// Where each sealed field lives; the same names bind ciphertexts to their
// column (AAD) and separate blind-index domains.
const (
	SealUserMobileTable  = "users"
	SealUserMobileColumn = "mobile"
)
