package pdata

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"hash"

	"github.com/emmansun/gmsm/sm3"
)

// Sealer is Encrypt and Hash of a Protector for one goroutine sealing many
// values in a row (the data generator): the same output format, keys and
// algorithms, with the HMAC-SM3 state kept and reset between values instead
// of built anew, the nonces sliced from one read of the system's CSPRNG per
// few hundred values (each nonce still random and used once), and the
// encodings written into reused buffers. Not safe for concurrent use: one a
// worker.
type Sealer struct {
	p      *Protector
	mac    hash.Hash
	nonces []byte // unused random bytes, consumed from the front
	buf    []byte // nonce | ciphertext | tag
	text   []byte // the encoded value
	sum    []byte
}

// sealerNonces is how many random bytes a Sealer reads at a time.
const sealerNonces = 4096

// Sealer returns a Sealer of p's keys.
func (p *Protector) Sealer() *Sealer {
	return &Sealer{p: p, mac: hmac.New(sm3.New, p.macKey)}
}

// Encrypt is Protector.Encrypt.
func (s *Sealer) Encrypt(plain string) (string, error) {
	if plain == "" {
		return "", nil
	}
	aead := s.p.aead
	n := aead.NonceSize()
	if len(s.nonces) < n {
		if cap(s.nonces) < sealerNonces {
			s.nonces = make([]byte, sealerNonces)
		}
		s.nonces = s.nonces[:cap(s.nonces)]
		if _, err := rand.Read(s.nonces); err != nil {
			return "", err
		}
	}
	nonce := s.nonces[:n]
	s.buf = append(s.buf[:0], nonce...)
	s.nonces = s.nonces[n:]
	s.buf = aead.Seal(s.buf, s.buf[:n], []byte(plain), []byte(s.p.cipherN))
	s.text = append(append(s.text[:0], s.p.cipherN...), ':')
	s.text = base64.RawStdEncoding.AppendEncode(s.text, s.buf)
	return string(s.text), nil
}

// Hash is Protector.Hash.
func (s *Sealer) Hash(v string) string {
	if v == "" {
		return ""
	}
	s.mac.Reset()
	s.mac.Write([]byte(v))
	s.sum = s.mac.Sum(s.sum[:0])
	s.text = hex.AppendEncode(s.text[:0], s.sum)
	return string(s.text)
}
