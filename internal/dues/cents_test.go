package dues

import "testing"

// ParseCents at its edges: two decimals and twelve digits of 元 are taken,
// three decimals and thirteen digits are not.
func TestParseCentsEdges(t *testing.T) {
	for in, want := range map[string]int64{"0.05": 5, "12.3": 1230, "999999999999": 99999999999900, "999999999999.99": 99999999999999} {
		if got, err := ParseCents("amount", in); err != nil || got != want {
			t.Errorf("ParseCents(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"0.055", "1000000000000", ""} {
		if got, err := ParseCents("amount", in); err == nil {
			t.Errorf("ParseCents(%q) = %d, accepted", in, got)
		}
	}
}
