package divisions

import (
	"strings"
	"testing"
)

// FuzzNormalize: Normalize never panics; what it accepts is all digits of a
// canonical length, is a prefix-compatible form of the input, and is a fixed point.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"43", "430000", "430426", "430426001", "430426001000", "430426000000", "441900003", "4304260010011", "", "00", "43a426", "４３"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Normalize(in)
		if err != nil {
			return
		}
		switch len(out) {
		case 2, 4, 6, 9, 12:
		default:
			t.Fatalf("Normalize(%q) = %q: bad length", in, out)
		}
		if strings.Trim(out, "0123456789") != "" {
			t.Fatalf("Normalize(%q) = %q: not digits", in, out)
		}
		if !strings.HasPrefix(in, out) {
			t.Fatalf("Normalize(%q) = %q: not a prefix of the input", in, out)
		}
		if again, err := Normalize(out); err != nil || again != out {
			t.Fatalf("Normalize not idempotent: %q → %q → %q, %v", in, out, again, err)
		}
	})
}
