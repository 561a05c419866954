package secure

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestRotate(t *testing.T) {
	k, path := newTestKeyring(t)
	aad := AAD("contacts", "mobile")
	old, _ := k.Encrypt([]byte("13812345678"), aad)
	index := k.BlindIndex("contacts.mobile", []byte("13812345678"))
	if err := k.Rotate(); err != nil {
		t.Fatal(err)
	}
	fresh, _ := k.Encrypt([]byte("13987654321"), aad)
	t.Run("the new key becomes current", func(t *testing.T) {
		if k.CurrentVersion() != "v2" || !strings.HasPrefix(fresh, "v2:") {
			t.Errorf("CurrentVersion %q, new value %q", k.CurrentVersion(), fresh)
		}
	})
	t.Run("a value sealed before the rotation still decrypts", func(t *testing.T) {
		if got, err := k.Decrypt(old, aad); err != nil || string(got) != "13812345678" {
			t.Errorf("Decrypt = %q, %v", got, err)
		}
	})
	t.Run("only the old value needs re-encryption", func(t *testing.T) {
		if !k.NeedsReencrypt(old) || k.NeedsReencrypt(fresh) {
			t.Errorf("NeedsReencrypt old %v, new %v", k.NeedsReencrypt(old), k.NeedsReencrypt(fresh))
		}
	})
	t.Run("re-encryption moves a value to the new key", func(t *testing.T) {
		moved, err := k.Reencrypt(old, aad)
		got, _ := k.Decrypt(moved, aad)
		if err != nil || !strings.HasPrefix(moved, "v2:") || string(got) != "13812345678" {
			t.Errorf("Reencrypt = %q, %v; decrypts to %q", moved, err, got)
		}
	})
	t.Run("the blind index does not change", func(t *testing.T) {
		if got := k.BlindIndex("contacts.mobile", []byte("13812345678")); got != index {
			t.Errorf("BlindIndex changed from %s to %s", index, got)
		}
	})
	t.Run("the rewritten file stays 0600 and leaves no temporary files", func(t *testing.T) {
		if runtime.GOOS != "windows" && fileMode(t, path) != 0o600 {
			t.Errorf("mode %04o", fileMode(t, path))
		}
		if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
			t.Errorf("directory holds %d entries, want only the key file", len(entries))
		}
	})
	t.Run("a second rotation adds v3 and keeps both older keys", func(t *testing.T) {
		if err := k.Rotate(); err != nil {
			t.Fatal(err)
		}
		reloaded, err := LoadOrCreateKeyring(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, ct := range []string{old, fresh} {
			if _, err := reloaded.Decrypt(ct, aad); err != nil || reloaded.CurrentVersion() != "v3" {
				t.Errorf("Decrypt(%.3s…) = %v; current %s", ct, err, reloaded.CurrentVersion())
			}
		}
	})
}

func TestRotateAcrossProcesses(t *testing.T) {
	aad := AAD("contacts", "mobile")
	t.Run("a server reads values sealed under a key added by another process", func(t *testing.T) {
		server, path := newTestKeyring(t)
		cli, _ := LoadOrCreateKeyring(path)
		if err := cli.Rotate(); err != nil {
			t.Fatal(err)
		}
		ct, _ := cli.Encrypt([]byte("13812345678"), aad)
		if got, err := server.Decrypt(ct, aad); err != nil || string(got) != "13812345678" {
			t.Fatalf("server.Decrypt = %q, %v", got, err)
		}
		if server.CurrentVersion() != "v2" {
			t.Errorf("after reloading the server seals with %s", server.CurrentVersion())
		}
	})
	t.Run("a rotation by a stale process builds on the file, not its memory", func(t *testing.T) {
		a, path := newTestKeyring(t)
		b, _ := LoadOrCreateKeyring(path)
		_ = a.Rotate()
		ctA, _ := a.Encrypt([]byte("sealed under v2"), aad)
		if err := b.Rotate(); err != nil {
			t.Fatal(err)
		}
		if got, err := b.Decrypt(ctA, aad); err != nil || b.CurrentVersion() != "v3" {
			t.Errorf("b.Decrypt = %q, %v; current %s", got, err, b.CurrentVersion())
		}
	})
	t.Run("a rotation refuses to run while another holds the lock", func(t *testing.T) {
		k, path := newTestKeyring(t)
		if err := os.WriteFile(path+".lock", nil, 0o600); err != nil {
			t.Fatal(err)
		}
		err := k.Rotate()
		if err == nil || !strings.Contains(err.Error(), "another key rotation") || k.CurrentVersion() != "v1" {
			t.Errorf("Rotate = %v; current %s", err, k.CurrentVersion())
		}
	})
	t.Run("a reload refuses a file that lost a key and keeps the loaded keys", func(t *testing.T) {
		k, path := newTestKeyring(t)
		_ = k.Rotate()
		ct, _ := k.Encrypt([]byte("x"), aad)
		ks, _, _ := readKeyFile(path)
		delete(ks.keys, 2)
		ks.current = 1
		_ = os.WriteFile(path, ks.format(), 0o600)
		if err := k.Reload(); err == nil {
			t.Error("Reload accepted a file without v2")
		}
		if _, err := k.Decrypt(ct, aad); err != nil {
			t.Errorf("v2 value no longer decrypts: %v", err)
		}
	})
}

func TestKeyringIsSafeForConcurrentUse(t *testing.T) {
	k, _ := newTestKeyring(t)
	aad := AAD("contacts", "mobile")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				ct, err := k.Encrypt([]byte("13812345678"), aad)
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := k.Decrypt(ct, aad); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for range 3 {
		if err := k.Rotate(); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
}
