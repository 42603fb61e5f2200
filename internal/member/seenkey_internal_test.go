package member

import "testing"

// The roster's duplicate check keys a 身份证号 by the first 128 bits of its
// keyed hash: the first 32 hex characters read as bytes (by hand:
// "00ff10…" is 0x00, 0xff, 0x10, …), so two hashes differing there are
// two keys and two differing only after them are one.
func TestSeenKeyIsTheHashsFirst128Bits(t *testing.T) {
	h := "00ff10a0b1c2d3e4f5061728394a5b6c" + "7d8e9fa0b1c2d3e4f5061728394a5b6c"
	want := [16]byte{0x00, 0xff, 0x10, 0xa0, 0xb1, 0xc2, 0xd3, 0xe4, 0xf5, 0x06, 0x17, 0x28, 0x39, 0x4a, 0x5b, 0x6c}
	if got := seenKey(h); got != want {
		t.Fatalf("seenKey = %x, want %x", got, want)
	}
	for i := range 32 {
		b := []byte(h)
		b[i] = "01"[(b[i]&1)^1] // another hex digit at i
		if seenKey(string(b)) == want {
			t.Errorf("a hash differing at hex digit %d has the same key", i)
		}
	}
	b := []byte(h)
	b[40] = '0'
	if seenKey(string(b)) != want {
		t.Errorf("a hash differing after the first 128 bits has another key")
	}
}
