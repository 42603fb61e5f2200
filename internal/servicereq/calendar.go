package servicereq

import (
	"liangxin/internal/civil"
	"sort"
	"time"
)

// Day kinds of the holiday calendar.
const (
	DayOff  = "off"  // a weekday the official schedule gives off (法定节假日, 调休)
	DayWork = "work" // a weekend day worked instead (调休上班)
)

// CalendarDay is one exception to the Monday–Friday week.
type CalendarDay struct {
	Day  string `json:"day"`  // YYYY-MM-DD
	Kind string `json:"kind"` // off or work
	Note string `json:"note"` // e.g. 春节, 国庆节调休上班
}

// Calendar says which days are working days: Monday to Friday, except the
// days off, plus the weekend days worked (调休). It is a value: build it
// with NewCalendar and do not change it afterwards.
type Calendar struct {
	off, work map[string]bool
}

// NewCalendar builds a calendar from its exceptions.
func NewCalendar(days []CalendarDay) Calendar {
	c := Calendar{off: map[string]bool{}, work: map[string]bool{}}
	for _, d := range days {
		switch d.Kind {
		case DayOff:
			c.off[d.Day] = true
		case DayWork:
			c.work[d.Day] = true
		}
	}
	return c
}

const dayFmt = civil.Layout

// Workday reports whether day (YYYY-MM-DD) is a working day.
func (c Calendar) Workday(day time.Time) bool {
	k := day.Format(dayFmt)
	if c.work[k] {
		return true
	}
	if c.off[k] {
		return false
	}
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkingDays returns the n-th working day after start (start itself is
// not counted: a request received on a Friday with a deadline of 1 working
// day is due on the next working day). n ≤ 0 returns start.
func (c Calendar) AddWorkingDays(start string, n int) (string, error) {
	t, err := civil.Read(start)
	if err != nil {
		return "", err
	}
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if c.Workday(t) {
			n--
		}
	}
	return t.Format(dayFmt), nil
}

// WorkingDaysBetween counts the working days d with from < d ≤ to (0 when
// to is not after from).
func (c Calendar) WorkingDaysBetween(from, to string) (int, error) {
	a, err := civil.Read(from)
	if err != nil {
		return 0, err
	}
	b, err := civil.Read(to)
	if err != nil {
		return 0, err
	}
	n := 0
	for t := a.AddDate(0, 0, 1); !t.After(b); t = t.AddDate(0, 0, 1) {
		if c.Workday(t) {
			n++
		}
	}
	return n, nil
}

// Official2026 is the 2026 schedule of 《国务院办公厅关于2026年部分节假日安排的通知》
// (published 4 November 2025), as loaded by migration 0025.
func Official2026() []CalendarDay {
	var out []CalendarDay
	span := func(from, to, note string) {
		a, _ := civil.Read(from)
		b, _ := civil.Read(to)
		for t := a; !t.After(b); t = t.AddDate(0, 0, 1) {
			out = append(out, CalendarDay{Day: t.Format(dayFmt), Kind: DayOff, Note: note})
		}
	}
	work := func(day, note string) { out = append(out, CalendarDay{Day: day, Kind: DayWork, Note: note}) }
	span("2026-01-01", "2026-01-03", "元旦")
	work("2026-01-04", "元旦调休上班")
	span("2026-02-15", "2026-02-23", "春节")
	work("2026-02-14", "春节调休上班")
	work("2026-02-28", "春节调休上班")
	span("2026-04-04", "2026-04-06", "清明节")
	span("2026-05-01", "2026-05-05", "劳动节")
	work("2026-05-09", "劳动节调休上班")
	span("2026-06-19", "2026-06-21", "端午节")
	span("2026-09-25", "2026-09-27", "中秋节")
	span("2026-10-01", "2026-10-07", "国庆节")
	work("2026-09-20", "国庆节调休上班")
	work("2026-10-10", "国庆节调休上班")
	sort.Slice(out, func(i, j int) bool { return out[i].Day < out[j].Day })
	return out
}
