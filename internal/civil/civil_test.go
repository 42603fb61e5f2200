package civil_test

import (
	"testing"
	"time"

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

func TestTodayIsChinaTime(t *testing.T) {
	// 2026-12-31 16:30 UTC is already 2027-01-01 00:30 in Beijing.
	now := time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC)
	if got := civil.Today(now); got != "2027-01-01" {
		t.Fatalf("Today = %s, want 2027-01-01", got)
	}
	if got := civil.Year(now); got != 2027 {
		t.Fatalf("Year = %d, want 2027", got)
	}
	// 15:59 UTC is 23:59 the same day in Beijing.
	if got := civil.Today(time.Date(2026, 12, 31, 15, 59, 0, 0, time.UTC)); got != "2026-12-31" {
		t.Fatalf("Today = %s, want 2026-12-31", got)
	}
	// A clock in another zone gives the same Beijing day.
	ny := time.FixedZone("EST", -5*3600)
	if got := civil.Today(time.Date(2026, 6, 30, 12, 0, 0, 0, ny)); got != "2026-07-01" {
		t.Fatalf("Today = %s, want 2026-07-01", got)
	}
}

func TestMonth(t *testing.T) {
	got, err := civil.Month("month", " 2026-02 ")
	if err != nil || got.Format(civil.Layout) != "2026-02-01" {
		t.Fatalf("Month = %v %v", got, err)
	}
	for _, bad := range []string{"2026-13", "2026-2", "26-02", "", "1899-12", "2100-01", "2026-02-01"} {
		_, err := civil.Month("month", bad)
		e, ok := apperr.As(err)
		if !ok || e.Fields["month"] != civil.MonthMessage {
			t.Errorf("civil.Month(%q) = %v, want a field error on month", bad, err)
		}
	}
}

func TestQuarter(t *testing.T) {
	cases := []struct{ in, first, last string }{
		{"2026-Q1", "2026-01-01", "2026-03-31"},
		{"2024q1", "2024-01-01", "2024-03-31"},
		{"2026-Q2", "2026-04-01", "2026-06-30"},
		{"2026-q3", "2026-07-01", "2026-09-30"},
		{" 2026Q4 ", "2026-10-01", "2026-12-31"},
	}
	for _, c := range cases {
		f, l, err := civil.Quarter("quarter", c.in)
		if err != nil || f.Format(civil.Layout) != c.first || l.Format(civil.Layout) != c.last {
			t.Errorf("civil.Quarter(%q) = %s %s %v, want %s %s", c.in, f.Format(civil.Layout), l.Format(civil.Layout), err, c.first, c.last)
		}
	}
	for _, bad := range []string{"2026-Q0", "2026-Q5", "2026-3", "Q1-2026", "", "2100-Q1", "2026-QQ"} {
		_, _, err := civil.Quarter("quarter", bad)
		e, ok := apperr.As(err)
		if !ok || e.Fields["quarter"] != civil.QuarterMessage {
			t.Errorf("civil.Quarter(%q) = %v, want a field error on quarter", bad, err)
		}
	}
	for m, q := range map[time.Month]int{1: 1, 3: 1, 4: 2, 6: 2, 7: 3, 9: 3, 10: 4, 12: 4} {
		if got := civil.QuarterOf(time.Date(2026, m, 15, 0, 0, 0, 0, time.UTC)); got != q {
			t.Errorf("civil.QuarterOf(month %d) = %d, want %d", m, got, q)
		}
	}
}
