package secure

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// AuditKeyFileName is the audit key file's name, next to the key file of
// the sealed fields unless configuration (KEHU_AUDIT_KEY_FILE) puts it
// elsewhere.
const AuditKeyFileName = "audit.keys"

const auditKeyFileHeader = `# Kehu audit keys. Keep this file private (mode 0600) and apart from the
# database: "hmac" keys the hash of every audit entry, "sign" (an Ed25519
# seed) signs the checkpoints of the chain's head. Never change a line.
`

// AuditKey keys the audit chain: an HMAC-SHA256 secret for each entry's
// hash and an Ed25519 key that signs checkpoints of the chain's head, so a
// checkpoint can be checked with the public key alone.
type AuditKey struct {
	mac  []byte
	priv ed25519.PrivateKey
}

// NewAuditKey makes fresh audit keys.
func NewAuditKey() (*AuditKey, error) {
	mac, err := randomKey()
	if err != nil {
		return nil, err
	}
	seed, err := randomKey()
	if err != nil {
		return nil, err
	}
	return &AuditKey{mac: mac, priv: ed25519.NewKeyFromSeed(seed)}, nil
}

// LoadOrCreateAuditKey opens the audit key file at path or, the first
// time, creates it with mode 0600. Like the keyring it refuses a file
// that group or others may read or write.
func LoadOrCreateAuditKey(path string) (*AuditKey, error) {
	k, err := NewAuditKey()
	if err != nil {
		return nil, err
	}
	switch err := createExclusive(path, k.format()); {
	case errors.Is(err, fs.ErrExist):
	case err != nil:
		return nil, fmt.Errorf("secure: creating audit key file: %w", err)
	}
	return LoadAuditKey(path)
}

// LoadAuditKey opens an existing audit key file.
func LoadAuditKey(path string) (*AuditKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("secure: opening audit key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("secure: audit key file: %w", err)
	}
	if err := checkKeyFileMode(path, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("secure: reading audit key file: %w", err)
	}
	k, err := parseAuditKey(data)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return k, nil
}

// parseAuditKey reads "hmac:<base64>" and "sign:<base64 seed>", once each.
func parseAuditKey(data []byte) (*AuditKey, error) {
	k := &AuditKey{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		name, value, _ := strings.Cut(line, ":")
		key, err := decodeKey(strings.TrimSpace(value))
		if err != nil {
			return nil, fmt.Errorf("secure: audit key file line %d: %s", i+1, err)
		}
		switch strings.TrimSpace(name) {
		case "hmac":
			if k.mac != nil {
				return nil, fmt.Errorf("secure: audit key file line %d: second hmac key", i+1)
			}
			k.mac = key
		case "sign":
			if k.priv != nil {
				return nil, fmt.Errorf("secure: audit key file line %d: second sign key", i+1)
			}
			k.priv = ed25519.NewKeyFromSeed(key)
		default:
			return nil, fmt.Errorf(`secure: audit key file line %d: unknown entry; expected "hmac" or "sign"`, i+1)
		}
	}
	if k.mac == nil || k.priv == nil {
		return nil, errors.New(`secure: audit key file needs one "hmac" and one "sign" line`)
	}
	return k, nil
}

func (k *AuditKey) format() []byte {
	var b bytes.Buffer
	b.WriteString(auditKeyFileHeader)
	b.WriteString("hmac:" + base64.StdEncoding.EncodeToString(k.mac) + "\n")
	b.WriteString("sign:" + base64.StdEncoding.EncodeToString(k.priv.Seed()) + "\n")
	return b.Bytes()
}

// MAC is HMAC-SHA256 of msg under the audit secret.
func (k *AuditKey) MAC(msg []byte) []byte {
	m := hmac.New(sha256.New, k.mac)
	m.Write(msg)
	return m.Sum(nil)
}

// Sign signs msg with the checkpoint key.
func (k *AuditKey) Sign(msg []byte) []byte { return ed25519.Sign(k.priv, msg) }

// PublicKey is the key that verifies checkpoint signatures.
func (k *AuditKey) PublicKey() ed25519.PublicKey {
	return k.priv.Public().(ed25519.PublicKey)
}
