package pdata

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/emmansun/gmsm/sm3"
)

// ErrNoKey means the key file does not exist.
var ErrNoKey = errors.New("pdata: key file does not exist")

// LoadKey reads the master key (hex, 64 characters) from path. It never
// creates a key: a missing file is ErrNoKey.
func LoadKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoKey, path)
	}
	if err != nil {
		return nil, err
	}
	return ParseKey(b, path)
}

// ParseKey decodes the hex text of a key file; name is used in the error.
func ParseKey(b []byte, name string) ([]byte, error) {
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("pdata: %s does not hold a %d-byte hex key", name, KeySize)
	}
	return key, nil
}

// NewKey returns a fresh random master key.
func NewKey() ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return key, nil
}

// CreateKey writes a fresh random key to path (mode 0600). It fails (with an
// error matching os.ErrExist) if the file exists, so an existing key is never
// replaced; the file appears complete or not at all.
func CreateKey(path string) ([]byte, error) {
	key, err := NewKey()
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	tmp, err := writeTemp(dir, filepath.Base(path), key)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	// A hard link never replaces an existing file.
	if err := os.Link(tmp, path); err != nil {
		return nil, err
	}
	return key, syncDir(dir)
}

// writeTemp writes key as hex to a new temporary file (0600, synced) in dir.
func writeTemp(dir, base string, key []byte) (string, error) {
	f, err := os.CreateTemp(dir, base+".tmp-*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	_, err = f.WriteString(hex.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// WriteKeyFile replaces path with key atomically (a temporary file in the same
// folder, synced, then renamed), mode 0600.
func WriteKeyFile(path string, key []byte) error {
	if len(key) != KeySize {
		return fmt.Errorf("pdata: key must be %d bytes", KeySize)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := writeTemp(dir, filepath.Base(path), key)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}

// Fingerprint identifies a key without revealing it: the first 8 bytes of an
// HMAC-SM3 under a label of its own, in hex.
func Fingerprint(key []byte) string {
	m := hmac.New(sm3.New, key)
	m.Write([]byte("liangxin/pdata/fingerprint"))
	return hex.EncodeToString(m.Sum(nil)[:8])
}
