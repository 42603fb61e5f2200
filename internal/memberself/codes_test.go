package memberself

import (
	"strings"
	"testing"
)

// A code is XXXXX-XXXXX from the 31-symbol alphabet (no 0, O, 1, I, L);
// typed in lower case, with spaces or without the dash it is the same code.
func TestCodeFormatAndNormalizing(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		c, err := newCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != 11 || c[5] != '-' {
			t.Fatalf("code %q", c)
		}
		for _, r := range strings.ReplaceAll(c, "-", "") {
			if !strings.ContainsRune(codeAlphabet, r) {
				t.Fatalf("code %q has %q", c, r)
			}
		}
		seen[c] = true
	}
	// 200 draws from 31^10 ≈ 8.2e14 codes: a repeat would mean a broken source.
	if len(seen) != 200 {
		t.Errorf("%d distinct codes of 200", len(seen))
	}
	if got := normalizeCode(" k7m3q-9xw2d "); got != "K7M3Q9XW2D" {
		t.Errorf("normalize: %q", got)
	}
	if hashCode("K7M3Q-9XW2D") != hashCode("k7m3q 9xw2d") {
		t.Error("the hash depends on how the code was typed")
	}
	if hashCode("K7M3Q-9XW2D") == hashCode("K7M3Q-9XW2E") {
		t.Error("two codes, one hash")
	}
	if len(codeAlphabet) != 31 {
		t.Errorf("alphabet of %d symbols", len(codeAlphabet))
	}
}
