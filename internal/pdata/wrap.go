package pdata

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/sm4"
	"golang.org/x/crypto/argon2"
)

// Wrapped-key parameters: argon2id with 64 MiB, 3 passes, 1 lane, then SM4-GCM.
const (
	wrapFormat  = "liangxin-wrapped-key"
	wrapVersion = 1
	wrapAAD     = "liangxin/pdata/wrapped-key/v1"
	kdfTime     = 3
	kdfMemory   = 64 * 1024 // KiB
	kdfThreads  = 1
	// MinPassphrase is the shortest passphrase WrapKey accepts.
	MinPassphrase = 12
)

// ErrWrongPassphrase means a wrapped key did not open: the passphrase is
// wrong or the file was altered.
var ErrWrongPassphrase = errors.New("pdata: wrong passphrase or damaged wrapped key")

// wrapped is the JSON form of a key wrapped by a passphrase.
type wrapped struct {
	Format      string `json:"format"`
	Version     int    `json:"version"`
	KDF         string `json:"kdf"`
	Salt        []byte `json:"salt"`
	Time        uint32 `json:"time"`
	MemoryKiB   uint32 `json:"memory_kib"`
	Threads     uint8  `json:"threads"`
	Cipher      string `json:"cipher"`
	Nonce       []byte `json:"nonce"`
	Sealed      []byte `json:"sealed"`
	Fingerprint string `json:"fingerprint"`
}

func wrapAEAD(pass, salt []byte, t, m uint32, p uint8) (cipher.AEAD, error) {
	k := argon2.IDKey(pass, salt, t, m, p, 16)
	block, err := sm4.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// WrapKey seals key under a passphrase: argon2id derives a 128-bit key from the
// passphrase and a random salt, and SM4-GCM seals the data key with it. The
// result is JSON and holds the key's fingerprint in clear.
func WrapKey(key, passphrase []byte) ([]byte, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("pdata: key must be %d bytes", KeySize)
	}
	if len([]rune(string(passphrase))) < MinPassphrase {
		return nil, fmt.Errorf("密钥口令至少 %d 个字符", MinPassphrase)
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	aead, err := wrapAEAD(passphrase, salt, kdfTime, kdfMemory, kdfThreads)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	w := wrapped{Format: wrapFormat, Version: wrapVersion, KDF: "argon2id", Salt: salt, Time: kdfTime, MemoryKiB: kdfMemory,
		Threads: kdfThreads, Cipher: "sm4-gcm", Nonce: nonce, Sealed: aead.Seal(nil, nonce, key, []byte(wrapAAD)), Fingerprint: Fingerprint(key)}
	return json.MarshalIndent(w, "", "  ")
}

// UnwrapKey opens a key made by WrapKey. A wrong passphrase is ErrWrongPassphrase.
func UnwrapKey(data, passphrase []byte) ([]byte, error) {
	var w wrapped
	if err := json.Unmarshal(data, &w); err != nil || w.Format != wrapFormat {
		return nil, errors.New("pdata: not a wrapped key")
	}
	if w.Version != wrapVersion || w.KDF != "argon2id" || w.Cipher != "sm4-gcm" {
		return nil, fmt.Errorf("pdata: unsupported wrapped key (version %d, %s, %s)", w.Version, w.KDF, w.Cipher)
	}
	// Bounds keep a crafted file from asking for unbounded memory or time.
	if w.Time < 1 || w.Time > 16 || w.MemoryKiB < 8*1024 || w.MemoryKiB > 1024*1024 || w.Threads < 1 || w.Threads > 16 || len(w.Salt) < 16 {
		return nil, errors.New("pdata: wrapped key parameters out of range")
	}
	aead, err := wrapAEAD(passphrase, w.Salt, w.Time, w.MemoryKiB, w.Threads)
	if err != nil {
		return nil, err
	}
	if len(w.Nonce) != aead.NonceSize() {
		return nil, errors.New("pdata: malformed wrapped key")
	}
	key, err := aead.Open(nil, w.Nonce, w.Sealed, []byte(wrapAAD))
	if err != nil || len(key) != KeySize {
		return nil, ErrWrongPassphrase
	}
	return key, nil
}
