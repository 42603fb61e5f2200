package pdata

import (
	"strings"
	"testing"
	"time"
)

var today = time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)

func TestParseIDKnownValid(t *testing.T) {
	info, err := ParseID("11010519491231002x", today)
	if err != nil {
		t.Fatal(err)
	}
	if info.Number != "11010519491231002X" || info.Gender != "female" || info.BirthDate.Format("2006-01-02") != "1949-12-31" {
		t.Fatalf("got %+v", info)
	}
}

func TestParseIDCheckCharacter(t *testing.T) {
	base := "11010519491231002"
	for _, c := range "0123456789X" {
		_, err := ParseID(base+string(c), today)
		if (c == 'X') != (err == nil) {
			t.Errorf("check %c: err=%v", c, err)
		}
	}
	// A single changed digit in the body breaks the check.
	if _, err := ParseID("11010519491231012X", today); err == nil || !strings.Contains(err.Error(), "校验位") {
		t.Errorf("changed digit accepted: %v", err)
	}
}

func mk(first17 string) string { return first17 + string(CheckChar(first17)) }

func TestParseIDGenderAndDate(t *testing.T) {
	m := mk("43042619900101001") // seq digit 1: male
	info, err := ParseID(m, today)
	if err != nil || info.Gender != "male" {
		t.Fatalf("%v %+v", err, info)
	}
	if _, err := ParseID(mk("43042619900230002"), today); err == nil {
		t.Error("Feb 30 accepted")
	}
	if _, err := ParseID(mk("43042620261202002"), today); err != nil {
		t.Errorf("born today refused: %v", err)
	}
	if _, err := ParseID(mk("43042620261203002"), today); err == nil {
		t.Error("born tomorrow accepted")
	}
	for _, bad := range []string{"", "1101051949123100", "1101051949123100XX", "A1010519491231002X", "11010519491231002Y"} {
		if _, err := ParseID(bad, today); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseID(f *testing.F) {
	f.Add("11010519491231002X")
	f.Add("430426199001010015")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		info, err := ParseID(s, today)
		if err != nil {
			return
		}
		n := info.Number
		if len(n) != 18 || CheckChar(n[:17]) != n[17] {
			t.Fatalf("accepted invalid %q", s)
		}
		if info.BirthDate.After(today) || info.BirthDate.Format("20060102") != n[6:14] {
			t.Fatalf("bad birth date for %q", s)
		}
		if (info.Gender == "male") != ((n[16]-'0')%2 == 1) {
			t.Fatalf("bad gender for %q", s)
		}
	})
}

func TestMask(t *testing.T) {
	if got := MaskID("110105194912341234"); got != "110105********1234" {
		t.Error(got)
	}
	if got := MaskPhone("13812345678"); got != "138****5678" {
		t.Error(got)
	}
}

func TestEncryptRoundTripBothCiphers(t *testing.T) {
	key := make([]byte, KeySize)
	for _, c := range []string{CipherSM4, CipherAES} {
		p, err := New(key, c)
		if err != nil {
			t.Fatal(err)
		}
		e1, _ := p.Encrypt("11010519491231002X")
		e2, _ := p.Encrypt("11010519491231002X")
		if e1 == e2 || strings.Contains(e1, "1949") || !strings.HasPrefix(e1, c+":") {
			t.Fatalf("%s: weak ciphertext %q %q", c, e1, e2)
		}
		if d, err := p.Decrypt(e1); err != nil || d != "11010519491231002X" {
			t.Fatalf("%s: %q %v", c, d, err)
		}
		h1, h2 := p.Hash("a"), p.Hash("a")
		if h1 != h2 || h1 == p.Hash("b") {
			t.Fatal("hash not deterministic/distinct")
		}
	}
	other := make([]byte, KeySize)
	other[0] = 1
	p1, _ := New(key, CipherSM4)
	p2, _ := New(other, CipherSM4)
	e, _ := p1.Encrypt("13812345678")
	if _, err := p2.Decrypt(e); err == nil {
		t.Fatal("opened with the wrong key")
	}
	if p1.Hash("x") == p2.Hash("x") {
		t.Fatal("hash does not depend on the key")
	}
	pa, _ := New(key, CipherAES)
	if _, err := pa.Decrypt(e); err == nil {
		t.Fatal("aes opened an sm4 value")
	}
}
