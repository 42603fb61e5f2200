package ticket

import (
	"strings"
	"testing"
)

func TestNewIsWellFormedAndVaries(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		tk := New(KindWish, 2026)
		if !strings.HasPrefix(tk, "W2026-") || len(tk) != 16 {
			t.Fatalf("ticket %q", tk)
		}
		n, kind, ok := Normalize(strings.ToLower(tk))
		if !ok || n != tk || kind != KindWish {
			t.Fatalf("normalize %q: %q %q %v", tk, n, kind, ok)
		}
		if seen[tk] {
			t.Fatalf("ticket %q twice in 200", tk)
		}
		seen[tk] = true
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"s2026-7k3m9qxt2b":   "S2026-7K3M9QXT2B",
		" S2026-OOLI000000 ": "S2026-0011000000",
		"S2026 -ABCDEFGH12":  "S2026-ABCDEFGH12",
	} {
		if got, _, ok := Normalize(in); !ok || got != want {
			t.Errorf("%q: got %q %v, want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "1", "X2026-ABCDEFGH12", "S2026-ABCDEFGH1", "S2026-ABCDEFGH1U", "S20A6-ABCDEFGH12", "S2026_ABCDEFGH12"} {
		if _, _, ok := Normalize(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestLastFourMatch(t *testing.T) {
	if !LastFourMatch("13812345678", "5678") || !LastFourMatch("0734-1234567", "4567") {
		t.Error("right digits refused")
	}
	if LastFourMatch("13812345678", "5679") || LastFourMatch("", "0000") || LastFourMatch("13812345678", "678") {
		t.Error("wrong digits accepted")
	}
}
