package instructor

import (
	"testing"
	"time"
)

// A month later than a month's last days is the next month's last day.
func TestAddMonthsKeepsToTheMonth(t *testing.T) {
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-31", 1, "2026-02-28"},
		{"2023-11-29", 3, "2024-02-29"},
		{"2026-11-30", 3, "2027-02-28"},
		{"2026-08-20", 3, "2026-11-20"},
		{"2026-12-15", 1, "2027-01-15"},
	} {
		d, _ := time.Parse("2006-01-02", c.from)
		if got := addMonths(d, c.n).Format("2006-01-02"); got != c.want {
			t.Errorf("%s + %d months = %s, want %s", c.from, c.n, got, c.want)
		}
	}
}
