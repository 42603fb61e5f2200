package civil_test

import (
	"testing"

	"liangxin/internal/apperr"
	"liangxin/internal/civil"
)

// TestParseBounds: dates outside 1900-01-01..2099-12-31 are refused with a
// message naming the field (issue 11 item 8: 0000-01-01 and 9999-12-31 were
// accepted as 登记日期).
func TestParseBounds(t *testing.T) {
	cases := []struct {
		in, want, msg string
	}{
		{"1900-01-01", "1900-01-01", ""},
		{"2099-12-31", "2099-12-31", ""},
		{" 2024-05-06 ", "2024-05-06", ""},
		{"2024-02-29", "2024-02-29", ""},
		{"1899-12-31", "", civil.RangeMessage},
		{"2100-01-01", "", civil.RangeMessage},
		{"0000-01-01", "", civil.RangeMessage},
		{"9999-12-31", "", civil.RangeMessage},
		{"0001-01-01", "", civil.RangeMessage},
		{"2023-02-29", "", civil.FormatMessage},
		{"2024-5-6", "", civil.FormatMessage},
		{"", "", civil.FormatMessage},
		{"20240506", "", civil.FormatMessage},
		{"-001-01-01", "", civil.FormatMessage},
		{"2024-05-06T00:00:00Z", "", civil.FormatMessage},
	}
	for _, c := range cases {
		got, err := civil.Day("registered_on", c.in)
		if c.msg == "" {
			if err != nil || got != c.want {
				t.Errorf("Day(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
			continue
		}
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.KindInvalid || e.Fields["registered_on"] != c.msg || len(e.Fields) != 1 {
			t.Errorf("Day(%q) = %q, %v; want the field error %q", c.in, got, err, c.msg)
		}
	}
	bad := apperr.Invalid()
	if _, ok := civil.Check(bad, "joined_on", "1899-12-31"); ok || bad.Fields["joined_on"] != civil.RangeMessage {
		t.Errorf("Check: ok %v, fields %v", ok, bad.Fields)
	}
}

// FuzzParse: Parse never panics, and whatever it accepts is in range and
// round-trips.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1900-01-01", "2099-12-31", "1899-12-31", "9999-12-31", "0000-01-01", "2024-02-30", " 2024-01-01", "２０２４-01-01", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := civil.Day("d", s)
		if err != nil {
			if e, ok := apperr.As(err); !ok || e.Fields["d"] == "" {
				t.Fatalf("Day(%q): %v is not a field error", s, err)
			}
			return
		}
		if d < civil.MinDay || d > civil.MaxDay {
			t.Fatalf("Day(%q) = %q out of range", s, d)
		}
		if again, err := civil.Day("d", d); err != nil || again != d {
			t.Fatalf("Day(%q) = %q does not round-trip: %q %v", s, d, again, err)
		}
	})
}
