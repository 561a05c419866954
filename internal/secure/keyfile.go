package secure

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// keyLen is the size of every key in the file: AES-256 and a 256-bit index secret.
const keyLen = 32

// keyFileHeader opens every key file we write. Lines starting with # are
// comments, so the warning travels with the file into backups.
const keyFileHeader = `# Kehu secret keys. Keep this file private (mode 0600) and back it up
# apart from the database: without it, encrypted fields cannot be read.
# Never remove or change a key line; "kehu keys rotate" adds new ones.
`

// keySet is the content of a key file: the stable index secret, the data
// keys by version and the version new ciphertexts use.
type keySet struct {
	index   []byte
	keys    map[uint32][]byte
	current uint32
}

// newKeySet makes the keys of a new file.
func newKeySet() (*keySet, error) {
	index, err1 := randomKey()
	v1, err2 := randomKey()
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	return &keySet{index: index, keys: map[uint32][]byte{1: v1}, current: 1}, nil
}

// parseKeyFile reads a key file. Errors name the line but never quote it,
// since the line may hold key material.
//
// Format, one entry per line, blank lines and # comments ignored:
//
//	index:<base64 of 32 bytes>   exactly once: the blind-index secret
//	v1:<base64 of 32 bytes>      data key version 1 (v1, v2, … no leading zeros)
//	current:v1                   exactly once: the key new values are sealed with
func parseKeyFile(data []byte) (*keySet, error) {
	ks := &keySet{keys: make(map[uint32][]byte)}
	var haveCurrent bool
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		bad := func(why string) error { return fmt.Errorf("secure: key file line %d: %s", i+1, why) }
		name, value, ok := strings.Cut(line, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		switch {
		case !ok:
			return nil, bad(`expected "name:value"`)
		case name == "index":
			if ks.index != nil {
				return nil, bad("second index key")
			}
			key, err := decodeKey(value)
			if err != nil {
				return nil, bad(err.Error())
			}
			ks.index = key
		case name == "current":
			v, ok := parseVersion(value)
			if !ok || haveCurrent {
				return nil, bad(`expected a single "current:vN"`)
			}
			ks.current, haveCurrent = v, true
		default:
			v, ok := parseVersion(name)
			if !ok {
				return nil, bad(`unknown entry; expected "index", "current" or a version such as "v1"`)
			}
			if _, dup := ks.keys[v]; dup {
				return nil, bad("second key with version " + name)
			}
			key, err := decodeKey(value)
			if err != nil {
				return nil, bad(err.Error())
			}
			ks.keys[v] = key
		}
	}
	switch {
	case ks.index == nil:
		return nil, errors.New("secure: key file has no index key")
	case len(ks.keys) == 0:
		return nil, errors.New("secure: key file has no data keys (an empty file is what an interrupted first start leaves)")
	case !haveCurrent:
		return nil, errors.New(`secure: key file has no "current:vN" line`)
	case ks.keys[ks.current] == nil:
		return nil, fmt.Errorf("secure: key file marks v%d current but holds no such key", ks.current)
	}
	return ks, nil
}

// format writes ks in the layout parseKeyFile reads, versions in order.
func (ks *keySet) format() []byte {
	var b bytes.Buffer
	b.WriteString(keyFileHeader)
	b.WriteString("index:" + base64.StdEncoding.EncodeToString(ks.index) + "\n")
	for _, v := range slices.Sorted(maps.Keys(ks.keys)) {
		b.WriteString(versionName(v) + ":" + base64.StdEncoding.EncodeToString(ks.keys[v]) + "\n")
	}
	b.WriteString("current:" + versionName(ks.current) + "\n")
	return b.Bytes()
}

// covers reports whether ks holds every key of old, unchanged: a key file
// that lost or altered a key we have used must never replace it.
func (ks *keySet) covers(old *keySet) bool {
	if subtle.ConstantTimeCompare(ks.index, old.index) != 1 {
		return false
	}
	for v, key := range old.keys {
		if subtle.ConstantTimeCompare(ks.keys[v], key) != 1 {
			return false
		}
	}
	return true
}

// decodeKey reads one base64 key of keyLen bytes.
func decodeKey(s string) ([]byte, error) {
	key, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || len(key) != keyLen {
		return nil, fmt.Errorf("expected base64 of %d bytes", keyLen)
	}
	return key, nil
}

// parseVersion reads "v7" as 7; v0 and leading zeros are refused so each
// version has one spelling.
func parseVersion(s string) (uint32, bool) {
	num, ok := strings.CutPrefix(s, "v")
	if !ok || num == "" || num[0] == '0' || num[0] == '+' {
		return 0, false
	}
	v, err := strconv.ParseUint(num, 10, 32)
	return uint32(v), err == nil
}

// versionName writes version 7 as "v7".
func versionName(v uint32) string { return "v" + strconv.FormatUint(uint64(v), 10) }

// randomKey returns keyLen bytes from crypto/rand.
func randomKey() ([]byte, error) {
	key := make([]byte, keyLen)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("secure: reading random key: %w", err)
	}
	return key, nil
}
