package secure

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"os"
	"slices"
	"sync"
	"sync/atomic"
)

// KeyFileName is the key file's name in the data directory, where it lives
// unless configuration (KEHU_SECRET_KEY_FILE, read by main) puts it elsewhere.
const KeyFileName = "secret.keys"

// Keyring holds the keys of one key file: versioned AES-256-GCM data keys
// and the blind-index secret. It is safe for concurrent use, and Rotate and
// Reload may run while other goroutines encrypt and decrypt.
type Keyring struct {
	path  string
	mu    sync.Mutex // serialises Reload and Rotate; readers never wait on it
	state atomic.Pointer[keyState]
}

// keyState is one immutable generation of a Keyring, swapped whole.
type keyState struct {
	set   *keySet
	aeads map[uint32]cipher.AEAD
	file  os.FileInfo // the file it was read from, to notice a replacement
}

// errNotLoaded answers calls on a nil or zero Keyring instead of a panic.
var errNotLoaded = errors.New("secure: keyring not loaded (use LoadOrCreateKeyring)")

// LoadOrCreateKeyring opens the key file at path, or, when there is none,
// creates it with mode 0600, a fresh index secret and data key v1. It
// refuses a file that group or others may read or write. The directory
// must exist.
func LoadOrCreateKeyring(path string) (*Keyring, error) {
	ks, err := newKeySet()
	if err != nil {
		return nil, err
	}
	switch err := createExclusive(path, ks.format()); {
	case errors.Is(err, fs.ErrExist):
		// The normal start: the file was made on an earlier one.
	case err != nil:
		return nil, fmt.Errorf("secure: creating key file: %w", err)
	}
	k := &Keyring{path: path}
	if err := k.Reload(); err != nil {
		return nil, err
	}
	return k, nil
}

// Reload re-reads the key file, so keys another process added (kehu keys
// rotate) become usable here. It refuses a file that lacks or alters any
// key this Keyring already holds, and then keeps the keys it has.
func (k *Keyring) Reload() error {
	if k == nil || k.path == "" {
		return errNotLoaded
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	ks, fi, err := readKeyFile(k.path)
	if err != nil {
		return err
	}
	return k.install(ks, fi)
}

// Rotate adds a new data key to the file and makes it current; the file is
// replaced atomically and stays 0600. Older keys stay, so their values still
// decrypt until re-encrypted. The index secret never changes.
func (k *Keyring) Rotate() error {
	if k == nil || k.path == "" {
		return errNotLoaded
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	// Another process rotating at the same moment would pick the same new
	// version with a different key, and one of the two keys would be lost
	// with whatever it had already sealed.
	unlock, err := lockExclusive(k.path + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	disk, _, err := readKeyFile(k.path)
	if err != nil {
		return err
	}
	last := slices.Max(slices.Collect(maps.Keys(disk.keys)))
	if last == math.MaxUint32 {
		return errors.New("secure: key versions exhausted")
	}
	key, err := randomKey()
	if err != nil {
		return err
	}
	next := &keySet{index: disk.index, keys: maps.Clone(disk.keys), current: last + 1}
	next.keys[next.current] = key
	if st := k.state.Load(); st != nil && !next.covers(st.set) {
		return fmt.Errorf("secure: key file %s lost or changed keys this process holds; not rotating", k.path)
	}
	if err := replaceFile(k.path, next.format()); err != nil {
		return fmt.Errorf("secure: writing key file: %w", err)
	}
	fi, _ := os.Stat(k.path) // without it the next unknown version just reloads
	return k.install(next, fi)
}

// install makes ks the Keyring's keys; k.mu must be held.
func (k *Keyring) install(ks *keySet, fi os.FileInfo) error {
	if old := k.state.Load(); old != nil && !ks.covers(old.set) {
		return fmt.Errorf("secure: key file %s lost or changed keys this process holds; keeping the loaded keys", k.path)
	}
	st := &keyState{set: ks, aeads: make(map[uint32]cipher.AEAD, len(ks.keys)), file: fi}
	for v, key := range ks.keys {
		block, err := aes.NewCipher(key)
		if err != nil {
			return fmt.Errorf("secure: key %s: %w", versionName(v), err)
		}
		// The random-nonce GCM draws a fresh 96-bit nonce per Seal and
		// prepends it, so no nonce is ever chosen by hand.
		aead, err := cipher.NewGCMWithRandomNonce(block)
		if err != nil {
			return fmt.Errorf("secure: key %s: %w", versionName(v), err)
		}
		st.aeads[v] = aead
	}
	k.state.Store(st)
	return nil
}

// reloadIfReplaced re-reads the key file when it is no longer the file the
// keys came from, for a Decrypt that met an unknown version.
func (k *Keyring) reloadIfReplaced() {
	fi, err := os.Stat(k.path)
	if err != nil {
		return
	}
	if st := k.state.Load(); st != nil && st.file != nil && os.SameFile(st.file, fi) &&
		st.file.ModTime().Equal(fi.ModTime()) && st.file.Size() == fi.Size() {
		return
	}
	_ = k.Reload() // on failure the caller reports the unknown version
}

// CurrentVersion returns the version new values are sealed with, as "v2".
func (k *Keyring) CurrentVersion() string {
	if st := k.load(); st != nil {
		return versionName(st.set.current)
	}
	return ""
}

// String describes the keyring without key material, so a stray %v in a
// log line cannot leak keys.
func (k *Keyring) String() string {
	st := k.load()
	if st == nil {
		return "secure.Keyring(not loaded)"
	}
	return fmt.Sprintf("secure.Keyring(%s, %d data keys, current %s)", k.path, len(st.set.keys), versionName(st.set.current))
}

// GoString is String, for %#v.
func (k *Keyring) GoString() string { return k.String() }

// load returns the current keys, or nil for a nil or zero Keyring.
func (k *Keyring) load() *keyState {
	if k == nil {
		return nil
	}
	return k.state.Load()
}
