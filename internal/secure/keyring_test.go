package secure

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// newTestKeyring creates a key file in a fresh directory and loads it.
func newTestKeyring(t testing.TB) (*Keyring, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), KeyFileName)
	k, err := LoadOrCreateKeyring(path)
	if err != nil {
		t.Fatal(err)
	}
	return k, path
}

// fileMode returns the permission bits of path.
func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestLoadOrCreateKeyring(t *testing.T) {
	k, path := newTestKeyring(t)
	t.Run("the first start creates a file only the owner can read", func(t *testing.T) {
		if runtime.GOOS != "windows" && fileMode(t, path) != 0o600 {
			t.Errorf("mode %04o, want 0600", fileMode(t, path))
		}
	})
	t.Run("the new file holds an index key and v1 as current", func(t *testing.T) {
		data, _ := os.ReadFile(path)
		ks, err := parseKeyFile(data)
		if err != nil || len(ks.keys) != 1 || ks.current != 1 || k.CurrentVersion() != "v1" {
			t.Errorf("parseKeyFile = %v, %v; CurrentVersion %q", ks, err, k.CurrentVersion())
		}
	})
	t.Run("a later start loads the same keys", func(t *testing.T) {
		ct, _ := k.Encrypt([]byte("13812345678"), AAD("contacts", "mobile"))
		again, err := LoadOrCreateKeyring(path)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := again.Decrypt(ct, AAD("contacts", "mobile")); err != nil || string(got) != "13812345678" {
			t.Errorf("Decrypt = %q, %v", got, err)
		}
	})
	t.Run("a missing directory is an error, not a panic", func(t *testing.T) {
		if _, err := LoadOrCreateKeyring(filepath.Join(t.TempDir(), "no", "secret.keys")); err == nil {
			t.Error("want an error")
		}
	})
	t.Run("a directory in the key file's place is refused", func(t *testing.T) {
		if _, err := LoadOrCreateKeyring(t.TempDir()); err == nil {
			t.Error("want an error")
		}
	})
}

func TestLoadOrCreateKeyringChecksTheFileMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	tests := []struct {
		name string
		mode os.FileMode
		ok   bool
	}{
		{"owner read and write is accepted", 0o600, true},
		{"owner read only is accepted", 0o400, true},
		{"group-readable is refused", 0o640, false},
		{"world-readable is refused", 0o644, false},
		{"other-readable alone is refused", 0o604, false},
		{"group-writable is refused", 0o620, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, path := newTestKeyring(t)
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, err := LoadOrCreateKeyring(path)
			if tt.ok != (err == nil) {
				t.Fatalf("LoadOrCreateKeyring with mode %04o: %v", tt.mode, err)
			}
			if err != nil && !strings.Contains(err.Error(), "chmod 600") {
				t.Errorf("the error does not say how to fix it: %v", err)
			}
		})
	}
}

func TestKeyMaterialStaysOutOfMessages(t *testing.T) {
	k, path := newTestKeyring(t)
	data, _ := os.ReadFile(path)
	var secrets []string
	for _, line := range strings.Split(string(data), "\n") {
		if name, value, ok := strings.Cut(line, ":"); ok && name != "current" && !strings.HasPrefix(name, "#") {
			secrets = append(secrets, value)
		}
	}
	broken := filepath.Join(t.TempDir(), "broken.keys")
	if err := os.WriteFile(broken, append(data, []byte("v9:"+secrets[0][:20]+"\n")...), 0o600); err != nil {
		t.Fatal(err)
	}
	_, loadErr := LoadOrCreateKeyring(broken)
	texts := map[string]string{
		"a load error": fmt.Sprint(loadErr),
		"%v":           fmt.Sprintf("%v", k),
		"%+v":          fmt.Sprintf("%+v", k),
		"%#v":          fmt.Sprintf("%#v", k),
		"%q":           fmt.Sprintf("%q", k),
	}
	for what, text := range texts {
		t.Run(what+" quotes no key", func(t *testing.T) {
			for _, s := range secrets {
				if strings.Contains(text, s[:20]) {
					t.Errorf("%s leaks key material: %s", what, text)
				}
			}
		})
	}
}

func TestAnUnloadedKeyringAnswersWithErrors(t *testing.T) {
	for name, k := range map[string]*Keyring{"a nil keyring": nil, "a zero keyring": {}} {
		t.Run(name+" fails every call without a panic", func(t *testing.T) {
			if _, err := k.Encrypt([]byte("x"), nil); err == nil {
				t.Error("Encrypt succeeded")
			}
			if _, err := k.Decrypt("v1:"+base64.RawStdEncoding.EncodeToString(make([]byte, 40)), nil); err == nil {
				t.Error("Decrypt succeeded")
			}
			if _, err := k.Reencrypt("v1:AAAA", nil); err == nil {
				t.Error("Reencrypt succeeded")
			}
			if k.Rotate() == nil || k.BlindIndex("d", []byte("x")) != "" || k.CurrentVersion() != "" {
				t.Error("Rotate, BlindIndex or CurrentVersion did not fail")
			}
			_ = k.String()
		})
	}
}
