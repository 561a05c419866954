package secure

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"testing"
)

func TestAuditKeyFileIsCreatedPrivateAndReadBackTheSame(t *testing.T) {
	path := filepath.Join(t.TempDir(), AuditKeyFileName)
	k1, err := LoadOrCreateAuditKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, err %v; want 0600", fi.Mode(), err)
	}
	k2, err := LoadOrCreateAuditKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(k1.MAC([]byte("x"))) != string(k2.MAC([]byte("x"))) {
		t.Fatal("the MAC key changed on the second start")
	}
	sig := k2.Sign([]byte("head"))
	if !ed25519.Verify(k1.PublicKey(), []byte("head"), sig) {
		t.Fatal("signature of the reloaded key does not verify with the first public key")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadAuditKey(path); err == nil {
		t.Fatal("a world-readable audit key file was accepted")
	}
}
