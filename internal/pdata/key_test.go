package pdata

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestLoadKeyNeverCreates: LoadKey reports a missing file and leaves it
// missing; CreateKey refuses to replace an existing key.
func TestLoadKeyNeverCreates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data.key")
	if _, err := LoadKey(path); !errors.Is(err, ErrNoKey) {
		t.Fatalf("missing key: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("LoadKey created a key")
	}
	k1, err := CreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	if _, err := CreateKey(path); err == nil {
		t.Fatal("CreateKey replaced a key")
	}
	k2, err := LoadKey(path)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("reload: %v", err)
	}
	k3, _ := NewKey()
	if err := WriteKeyFile(path, k3); err != nil {
		t.Fatal(err)
	}
	if k4, _ := LoadKey(path); !bytes.Equal(k3, k4) || Fingerprint(k3) == Fingerprint(k1) {
		t.Fatal("WriteKeyFile")
	}
	os.WriteFile(path, []byte("zz"), 0o600)
	if _, err := LoadKey(path); err == nil {
		t.Fatal("bad key file accepted")
	}
}

// TestWrapKey: the right passphrase opens a wrapped key, a wrong one fails
// with ErrWrongPassphrase, an altered file fails, and a short passphrase is refused.
func TestWrapKey(t *testing.T) {
	key, _ := NewKey()
	pass := []byte("正确的口令 correct horse")
	w, err := WrapKey(key, pass)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(w, key) {
		t.Fatal("key in clear")
	}
	got, err := UnwrapKey(w, pass)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("unwrap: %v", err)
	}
	if _, err := UnwrapKey(w, []byte("错误的口令 wrong horse")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	bad := bytes.Replace(w, []byte(`"sealed": "`), []byte(`"sealed": "A`), 1)
	if _, err := UnwrapKey(bad, pass); err == nil {
		t.Fatal("altered wrapped key opened")
	}
	if _, err := WrapKey(key, []byte("short")); err == nil {
		t.Fatal("short passphrase accepted")
	}
}
