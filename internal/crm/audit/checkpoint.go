package audit

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Checkpoint anchors the audit chain: the head (last entry's number and
// hash, where keyed hashing starts) at a time, signed with the audit
// key's Ed25519 key. Kept outside the database (a file, syslog), it lets
// `kehu audit verify` find a tail cut off with the head rewritten to
// match, which the chain alone cannot show.
type Checkpoint struct {
	Seq       int64     `json:"seq"`
	Hash      string    `json:"hash"`
	KeyedFrom int64     `json:"keyed_from"`
	At        time.Time `json:"at"`
	PublicKey string    `json:"public_key"` // base64 Ed25519
	Signature string    `json:"signature"`  // base64, over Message()
}

// Signer signs checkpoints (secure.AuditKey).
type Signer interface {
	Sign(msg []byte) []byte
	PublicKey() ed25519.PublicKey
}

// Message is the signed text: every field but the signature, in a fixed
// order and form.
func (c Checkpoint) Message() []byte {
	return []byte("kehu-audit-checkpoint-v1\n" + strconv.FormatInt(c.Seq, 10) + "\n" + c.Hash + "\n" +
		strconv.FormatInt(c.KeyedFrom, 10) + "\n" + c.At.UTC().Format(time.RFC3339Nano) + "\n")
}

// Sign fills in the public key and signature.
func (c *Checkpoint) Sign(s Signer) {
	c.At = c.At.UTC()
	c.PublicKey = base64.StdEncoding.EncodeToString(s.PublicKey())
	c.Signature = base64.StdEncoding.EncodeToString(s.Sign(c.Message()))
}

// Verify checks the signature with pub (the audit key's public key, not
// the one the checkpoint carries, which anyone could replace).
func (c Checkpoint) Verify(pub ed25519.PublicKey) error {
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || !ed25519.Verify(pub, c.Message(), sig) {
		return errors.New("its signature does not verify with the audit key")
	}
	return nil
}

// checkpointPrefix starts every checkpoint file's name; the rest is the
// time and the entry, so names sort in the order they were taken.
const checkpointPrefix = "audit-checkpoint-"

// Write stores c as a new file in dir (made 0700 if missing) and returns
// its path.
func (c Checkpoint) Write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("audit checkpoint: %w", err)
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return "", err
	}
	name := filepath.Join(dir, fmt.Sprintf("%s%s-%010d.json", checkpointPrefix, c.At.UTC().Format("20060102T150405.000000000Z"), c.Seq))
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return "", fmt.Errorf("audit checkpoint: %w", err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return "", fmt.Errorf("audit checkpoint: %w", err)
	}
	return name, nil
}

// ReadCheckpoint reads one checkpoint file.
func ReadCheckpoint(path string) (Checkpoint, error) {
	var c Checkpoint
	data, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("audit checkpoint: %w", err)
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("audit checkpoint %s: %w", path, err)
	}
	return c, nil
}

// LatestCheckpoint is the newest checkpoint file in dir, or "" when there
// is none.
func LatestCheckpoint(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("audit checkpoint: %w", err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, checkpointPrefix) && strings.HasSuffix(n, ".json") && e.Type().IsRegular() {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "", nil
	}
	slices.Sort(names)
	return filepath.Join(dir, names[len(names)-1]), nil
}
