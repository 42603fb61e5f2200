package pdata

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMaskPhone(t *testing.T) {
	cases := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"0734-1234567", "073*****4567"}, // landline with area code: same rule as a mobile
		{"010-12345678", "010*****5678"}, // 12 characters
		{"0734-1234567-123", "073*********-123"},
		{"１３８１２３４５６７８", "138****5678"}, // full-width digits are folded first
		{"13812345678 ", "138****5678"},
		{"12345678", "****5678"}, // 8 characters: at least 4 hidden
		{"1234567", "****567"},   // 7 characters: never shown in full, nothing invented
		{"123456", "****56"},
		{"12345", "****5"},
		{"1234", "****"},
		{"12", "**"},
		{"", ""},
	}
	for _, c := range cases {
		got := MaskPhone(c.in)
		if got != c.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", c.in, got, c.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("MaskPhone(%q) = %q is not valid UTF-8", c.in, got)
		}
	}
}

// Whatever the input, the mask keeps the length, hides at least 4 characters,
// shows at most the first 3 and the last 4, and shows only characters that are
// in the (folded) input at those places.
func FuzzMaskPhone(f *testing.F) {
	for _, s := range []string{"13812345678", "1234567", "０７３４－１２３４５６７", "电话一二三四五六七八九"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := []rune(strings.TrimSpace(foldPhone(s)))
		out := []rune(MaskPhone(s))
		if len(out) != len(in) {
			t.Fatalf("MaskPhone(%q) = %q: length %d, want %d", s, string(out), len(out), len(in))
		}
		for i, r := range out {
			if r == '*' {
				continue
			}
			if r != in[i] {
				t.Fatalf("MaskPhone(%q) = %q invents %q at %d", s, string(out), r, i)
			}
			if i >= 3 && i < len(in)-4 {
				t.Fatalf("MaskPhone(%q) = %q shows position %d", s, string(out), i)
			}
		}
		if stars := strings.Count(string(out), "*"); stars < min(4, len(in)) {
			t.Fatalf("MaskPhone(%q) = %q hides fewer than 4", s, string(out))
		}
	})
}

func TestNormalizePhone(t *testing.T) {
	good := []struct{ in, want string }{
		{"13812345678", "13812345678"},
		{"19912345678", "19912345678"},
		{"138 1234 5678", "13812345678"},
		{"１３８１２３４５６７８", "13812345678"},
		{"+8613812345678", "13812345678"},
		{"+86-13812345678", "13812345678"},
		{"8613812345678", "13812345678"},
		{"0734-1234567", "0734-1234567"},
		{"07341234567", "0734-1234567"},
		{"０７３４－８２３４５６７", "0734-8234567"},
		{"010-22345678", "010-22345678"},
		{"01022345678", "010-22345678"},
		{"021-62345678", "021-62345678"},
		{"0734-2234567-801", "0734-2234567-801"},
		{"0734-2234567转801", "0734-2234567-801"},
		{"07342234567#8", "0734-2234567-8"},
		{"0734-2234567-123456", "0734-2234567-123456"}, // six-digit extension: the longest
		{"0371-62345678", "0371-62345678"},             // 03xx: the lowest four-digit area codes
		{"037162345678", "0371-62345678"},
	}
	for _, c := range good {
		got, ok := NormalizePhone(c.in)
		if !ok || got != c.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
		if !ValidPhone(c.in) {
			t.Errorf("ValidPhone(%q) = false", c.in)
		}
	}
	bad := []string{
		"", "1234567", "12812345678", // 1[3-9] only: 12x is not a mobile prefix
		"1381234567", "138123456789", // 10 and 12 digits
		"2381234567", "138-1234-5678x",
		"0734-0234567",         // local number starting with 0
		"0734-123456",          // 6-digit local number
		"0734-123456789",       // 9-digit local number
		"734-1234567",          // area code without 0
		"0234-1234567",         // 02x codes have three digits
		"07-1234567",           // area code too short
		"0734-1234567-",        // empty extension
		"0734-1234567-1234567", // extension too long
		"0734-1234567转80a",
		"13812345678转1", // a mobile has no extension
		"电话13812345678",
	}
	for _, s := range bad {
		if got, ok := NormalizePhone(s); ok {
			t.Errorf("NormalizePhone(%q) = %q, accepted", s, got)
		}
	}
}
