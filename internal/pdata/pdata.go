// Package pdata protects personal data (身份证号, phone): authenticated
// encryption at rest (SM4-GCM by default, AES-256-GCM as a setting), a keyed
// hash (HMAC-SM3) for exact lookup and uniqueness, masking for display, and
// the GB 11643 citizen ID number check.
package pdata

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// KeySize is the length of the master data key in bytes.
const KeySize = 32

// Cipher names accepted by New.
const (
	CipherSM4 = "sm4"
	CipherAES = "aes"
)

// Protector encrypts, hashes and masks personal data with one master key.
type Protector struct {
	aead    cipher.AEAD
	macKey  []byte
	cipherN string
}

// New builds a Protector from a 32-byte master key. The encryption key and
// the hash key are derived from it with HMAC-SM3 under distinct labels so
// that neither reveals the other.
func New(key []byte, cipherName string) (*Protector, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("pdata: key must be %d bytes, got %d", KeySize, len(key))
	}
	encKey := derive(key, "liangxin/pdata/enc")
	macKey := derive(key, "liangxin/pdata/mac")
	var block cipher.Block
	var err error
	switch cipherName {
	case CipherSM4, "":
		cipherName = CipherSM4
		block, err = sm4.NewCipher(encKey[:16])
	case CipherAES:
		block, err = aes.NewCipher(encKey)
	default:
		return nil, fmt.Errorf("pdata: unknown cipher %q (sm4 or aes)", cipherName)
	}
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Protector{aead: aead, macKey: macKey, cipherN: cipherName}, nil
}

func derive(key []byte, label string) []byte {
	m := hmac.New(sm3.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Cipher names the algorithm in use.
func (p *Protector) Cipher() string { return p.cipherN }

// Encrypt seals plain with a random nonce; the result is "<cipher>:<base64(nonce|ciphertext|tag)>".
// The empty string encrypts to the empty string.
func (p *Protector) Encrypt(plain string) (string, error) {
	if plain == "" {
		return "", nil
	}
	nonce := make([]byte, p.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := p.aead.Seal(nonce, nonce, []byte(plain), []byte(p.cipherN))
	return p.cipherN + ":" + base64.RawStdEncoding.EncodeToString(out), nil
}

// Decrypt opens a value made by Encrypt with the same key and cipher.
func (p *Protector) Decrypt(enc string) (string, error) {
	if enc == "" {
		return "", nil
	}
	name, body, ok := strings.Cut(enc, ":")
	if !ok || name != p.cipherN {
		return "", errors.New("pdata: value was not sealed with the configured cipher")
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	if err != nil || len(raw) < p.aead.NonceSize() {
		return "", errors.New("pdata: malformed sealed value")
	}
	n := p.aead.NonceSize()
	plain, err := p.aead.Open(nil, raw[:n], raw[n:], []byte(p.cipherN))
	if err != nil {
		return "", errors.New("pdata: cannot open sealed value (wrong key?)")
	}
	return string(plain), nil
}

// Hash returns the hex HMAC-SM3 of the normalized value for exact lookup. The
// empty string hashes to the empty string.
func (p *Protector) Hash(v string) string {
	if v == "" {
		return ""
	}
	m := hmac.New(sm3.New, p.macKey)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil))
}

// MaskID shows the first 6 and last 4 characters of an ID number: 110105********1234.
func MaskID(id string) string {
	if len(id) <= 10 {
		return strings.Repeat("*", len(id))
	}
	return id[:6] + strings.Repeat("*", len(id)-10) + id[len(id)-4:]
}
