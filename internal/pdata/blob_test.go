package pdata

import (
	"bytes"
	"testing"
)

func TestSealBytesRoundTrip(t *testing.T) {
	for _, c := range []string{CipherSM4, CipherAES} {
		p, err := New(bytes.Repeat([]byte{7}, KeySize), c)
		if err != nil {
			t.Fatal(err)
		}
		plain := []byte("PK\x03\x04 430426199001011234 13812345678")
		sealed, err := p.SealBytes(plain)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(sealed, []byte("13812345678")) || bytes.Contains(sealed, []byte("430426199001011234")) {
			t.Fatalf("%s: sealed blob holds the clear value", c)
		}
		got, err := p.OpenBytes(sealed)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%s: open = %q, %v", c, got, err)
		}
		sealed[len(sealed)-1] ^= 1
		if _, err := p.OpenBytes(sealed); err == nil {
			t.Fatalf("%s: a changed blob opened", c)
		}
		if _, err := p.OpenBytes(plain); err == nil {
			t.Fatalf("%s: a clear blob opened", c)
		}
		other, _ := New(bytes.Repeat([]byte{8}, KeySize), c)
		sealed[len(sealed)-1] ^= 1
		if _, err := other.OpenBytes(sealed); err == nil {
			t.Fatalf("%s: opened with another key", c)
		}
	}
	p, _ := New(bytes.Repeat([]byte{7}, KeySize), CipherSM4)
	if b, err := p.SealBytes(nil); b != nil || err != nil {
		t.Fatalf("nil seals to %v, %v", b, err)
	}
}
