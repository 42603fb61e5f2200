package pdata

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm3"
)

// The generator's Sealer gives what the Protector gives: every sealed value
// opens with Protector.Decrypt to the plain value, in the same format
// ("<cipher>:" and base64 of a 12-byte nonce, the ciphertext and a 16-byte
// tag), with a nonce used once; and its hashes equal Protector.Hash and an
// HMAC-SM3 computed here from the derived key, for both ciphers and across
// more values than one read of random bytes covers.
func TestSealerMatchesProtector(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	for _, name := range []string{CipherSM4, CipherAES} {
		p, err := New(key, name)
		if err != nil {
			t.Fatal(err)
		}
		s := p.Sealer()
		seen := map[string]bool{}
		n := 3 * sealerNonces / 12
		for i := range n {
			v := mk("43042619900101" + string(rune('0'+i%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i/100%10)))
			if i%3 == 1 {
				v = "1380000" + v[:4]
			}
			enc, err := s.Encrypt(v)
			if err != nil {
				t.Fatal(err)
			}
			body, ok := strings.CutPrefix(enc, name+":")
			if !ok {
				t.Fatalf("%s: %q lacks the cipher's prefix", name, enc)
			}
			raw, err := base64.RawStdEncoding.DecodeString(body)
			if err != nil || len(raw) != 12+len(v)+16 {
				t.Fatalf("%s: %q: %d bytes, %v; want nonce, %d bytes and a tag", name, enc, len(raw), err, len(v))
			}
			if seen[string(raw[:12])] {
				t.Fatalf("%s: nonce %x used twice", name, raw[:12])
			}
			seen[string(raw[:12])] = true
			if got, err := p.Decrypt(enc); err != nil || got != v {
				t.Fatalf("%s: Decrypt(Sealer.Encrypt(%q)) = %q, %v", name, v, got, err)
			}
			m := hmac.New(sm3.New, derive(key, "liangxin/pdata/mac"))
			m.Write([]byte(v))
			want := hex.EncodeToString(m.Sum(nil))
			if h := s.Hash(v); h != want || h != p.Hash(v) {
				t.Fatalf("%s: Sealer.Hash(%q) = %s, want %s (Protector %s)", name, v, h, want, p.Hash(v))
			}
		}
		if e, _ := s.Encrypt(""); e != "" || s.Hash("") != "" {
			t.Errorf("%s: the empty value sealed to %q, hashed to %q", name, e, s.Hash(""))
		}
	}
}

func BenchmarkSealMember(b *testing.B) {
	p, _ := New(bytes.Repeat([]byte{7}, KeySize), CipherSM4)
	id, phone := mk("43042619900101001"), "13800001234"
	b.Run("Protector", func(b *testing.B) {
		for b.Loop() {
			_, _ = p.Encrypt(id)
			_ = p.Hash(id)
			_, _ = p.Encrypt(phone)
			_ = p.Hash(phone)
		}
	})
	b.Run("Sealer", func(b *testing.B) {
		s := p.Sealer()
		for b.Loop() {
			_, _ = s.Encrypt(id)
			_ = s.Hash(id)
			_, _ = s.Encrypt(phone)
			_ = s.Hash(phone)
		}
	})
}
