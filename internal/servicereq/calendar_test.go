package servicereq_test

import (
	"testing"
	"time"

	"liangxin/internal/servicereq"
)

// The expected dates below were counted by hand on a printed 2026 calendar
// with the 国务院办公厅 schedule marked on it.
func TestAddWorkingDays2026(t *testing.T) {
	cal := servicereq.NewCalendar(servicereq.Official2026())
	cases := []struct {
		name  string
		start string
		n     int
		want  string
	}{
		{"zero days is the start", "2026-02-13", 0, "2026-02-13"},
		{"元旦: Dec 31 + 1 lands on the 调休 Sunday Jan 4", "2025-12-31", 1, "2026-01-04"},
		{"plain Thursday + 1", "2026-02-12", 1, "2026-02-13"},
		{"春节: Friday + 1 is the 调休 Saturday Feb 14", "2026-02-13", 1, "2026-02-14"},
		{"春节: Friday + 2 skips Feb 15–23", "2026-02-13", 2, "2026-02-24"},
		{"春节: Thursday + 5 across the holiday", "2026-02-12", 5, "2026-02-26"},
		{"春节: + 4 lands on the 调休 Saturday Feb 28", "2026-02-24", 4, "2026-02-28"},
		{"国庆: Friday + 1 is the 调休 Sunday Sep 20", "2026-09-18", 1, "2026-09-20"},
		{"中秋: Thursday + 3 skips Sep 25–27", "2026-09-24", 3, "2026-09-30"},
		{"国庆: Tuesday + 3 skips Oct 1–7", "2026-09-29", 3, "2026-10-09"},
		{"国庆: Tuesday + 4 is the 调休 Saturday Oct 10", "2026-09-29", 4, "2026-10-10"},
		{"国庆: Tuesday + 5 skips the Sunday after", "2026-09-29", 5, "2026-10-12"},
		{"劳动节: Thursday Apr 30 + 1 skips May 1–5", "2026-04-30", 1, "2026-05-06"},
		{"劳动节: + 4 is the 调休 Saturday May 9", "2026-04-30", 4, "2026-05-09"},
	}
	for _, c := range cases {
		got, err := cal.AddWorkingDays(c.start, c.n)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s: AddWorkingDays(%s, %d) = %s, want %s", c.name, c.start, c.n, got, c.want)
		}
	}
	if _, err := cal.AddWorkingDays("2026-13-01", 1); err == nil {
		t.Error("a bad date was accepted")
	}
}

func TestWorkingDaysBetween2026(t *testing.T) {
	cal := servicereq.NewCalendar(servicereq.Official2026())
	cases := []struct {
		from, to string
		want     int
	}{
		{"2026-02-13", "2026-02-24", 2}, // Feb 14 (调休) and Feb 24
		{"2026-09-30", "2026-10-10", 3}, // Oct 8, 9 and the 调休 Oct 10
		{"2026-03-02", "2026-03-09", 5}, // an ordinary week
		{"2026-03-09", "2026-03-09", 0},
		{"2026-03-09", "2026-03-02", 0},
	}
	for _, c := range cases {
		got, err := cal.WorkingDaysBetween(c.from, c.to)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", c.from, c.to, got, c.want)
		}
	}
}

func TestWorkday2026(t *testing.T) {
	cal := servicereq.NewCalendar(servicereq.Official2026())
	for day, want := range map[string]bool{
		"2026-01-01": false, "2026-01-04": true, "2026-02-14": true, "2026-02-16": false, "2026-02-28": true,
		"2026-05-09": true, "2026-09-20": true, "2026-10-01": false, "2026-10-10": true, "2026-10-11": false,
		"2026-03-04": true, "2026-03-07": false,
	} {
		d, _ := time.Parse("2006-01-02", day)
		if got := cal.Workday(d); got != want {
			t.Errorf("Workday(%s) = %v, want %v", day, got, want)
		}
	}
	if n := len(servicereq.Official2026()); n != 39 {
		// 3+9+3+5+3+3+7 = 33 days off and 6 调休 working days (1/4, 2/14, 2/28, 5/9, 9/20, 10/10).
		t.Errorf("Official2026 has %d days, want 39", n)
	}
}
