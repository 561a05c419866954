package secure

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// maxKeyFileSize bounds what readKeyFile reads; a real file of a thousand
// rotations is under 100 KB.
const maxKeyFileSize = 1 << 20

// readKeyFile opens, checks and parses the key file at path.
func readKeyFile(path string) (*keySet, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("secure: opening key file: %w", err)
	}
	defer f.Close()
	// Stat the open file, not the path, so the checks apply to what is read.
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("secure: key file: %w", err)
	}
	if err := checkKeyFileMode(path, fi); err != nil {
		return nil, nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("secure: reading key file: %w", err)
	}
	if len(data) > maxKeyFileSize {
		return nil, nil, fmt.Errorf("secure: key file %s is larger than %d bytes", path, maxKeyFileSize)
	}
	ks, err := parseKeyFile(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return ks, fi, nil
}

// checkKeyFileMode refuses anything but a regular file private to its
// owner. Windows has no such mode bits (Go reports 0666), so there the
// file's ACL is the operator's to set.
func checkKeyFileMode(path string, fi os.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("secure: key file %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return fmt.Errorf("secure: key file %s has mode %04o, open to group or others; "+
			"refusing to use it (run: chmod 600 %s)", path, perm, path)
	}
	return nil
}

// createExclusive writes data to a new file at path with mode 0600, or
// returns an error wrapping fs.ErrExist if the file is already there, so
// two first starts cannot both make keys.
func createExclusive(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// A half-written key file would block every later start.
		_ = os.Remove(path)
		return err
	}
	return syncDir(filepath.Dir(path))
}

// replaceFile swaps data in at path: a 0600 temporary file in the same
// directory, flushed to disk, renamed over the old one. A crash leaves
// either the old file or the new one, never a mix.
func replaceFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// lockExclusive takes a lock file shared by every process using path, and
// returns its release. A lock left by a crash must be removed by hand; the
// error says so.
func lockExclusive(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("secure: %s exists: another key rotation is running, "+
			"or one was interrupted (then delete that file and retry)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("secure: locking key file: %w", err)
	}
	f.Close()
	return func() { _ = os.Remove(path) }, nil
}

// syncDir flushes a directory so a file created or renamed in it survives
// a crash. Windows cannot sync directories and does not need to.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
