package pdata

import (
	"crypto/rand"
	"errors"
)

// blobMagic starts every sealed blob, so a blob stored before sealing (or
// by another program) is told apart from one this package made.
const blobMagic = "LXS1"

// SealBytes encrypts a file-sized value (an error workbook, say) with the
// same AEAD as Encrypt: magic | nonce | ciphertext | tag, the cipher name as
// associated data. Nil or empty input seals to nil.
func (p *Protector) SealBytes(plain []byte) ([]byte, error) {
	if len(plain) == 0 {
		return nil, nil
	}
	n := p.aead.NonceSize()
	out := make([]byte, len(blobMagic)+n, len(blobMagic)+n+len(plain)+p.aead.Overhead())
	copy(out, blobMagic)
	nonce := out[len(blobMagic):]
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return p.aead.Seal(out, nonce, plain, []byte(p.cipherN)), nil
}

// OpenBytes opens a blob made by SealBytes with the same key and cipher.
func (p *Protector) OpenBytes(sealed []byte) ([]byte, error) {
	if len(sealed) == 0 {
		return nil, nil
	}
	n := p.aead.NonceSize()
	if len(sealed) < len(blobMagic)+n+p.aead.Overhead() || string(sealed[:len(blobMagic)]) != blobMagic {
		return nil, errors.New("pdata: not a sealed blob")
	}
	body := sealed[len(blobMagic):]
	plain, err := p.aead.Open(nil, body[:n], body[n:], []byte(p.cipherN))
	if err != nil {
		return nil, errors.New("pdata: cannot open sealed blob (wrong key?)")
	}
	return plain, nil
}
