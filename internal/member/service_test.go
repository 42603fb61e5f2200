package member

import (
	"os"
	"path/filepath"
	"testing"
)

func TestProtectorKeyBesideDatabase(t *testing.T) {
	dir := t.TempDir()
	s := &Service{DataDir: dir}
	p, err := s.Protector()
	if err != nil {
		t.Fatal(err)
	}
	if p.Cipher() != "sm4" {
		t.Fatalf("default cipher %q", p.Cipher())
	}
	st, err := os.Stat(filepath.Join(dir, "data.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	enc, _ := p.Encrypt("13812345678")
	// A second service over the same folder (a restart) opens old values.
	p2, err := (&Service{DataDir: dir}).Protector()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p2.Decrypt(enc); err != nil || got != "13812345678" {
		t.Fatalf("after restart: %q %v", got, err)
	}
	if _, err := (&Service{DataDir: dir, Cipher: "rot13"}).Protector(); err == nil {
		t.Fatal("unknown cipher accepted")
	}
}
