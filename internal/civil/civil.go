// Package civil reads plain calendar dates (YYYY-MM-DD) typed by users and
// bounds them to a sane range, with errors that name the field.
//
// Every date of the domain — registration, founding, joining, meetings,
// payments, filters — lies between MinDay and MaxDay. The spreadsheet
// importers (internal/xlsx) use the same years, so a date refused through
// the API is refused in an import too.
package civil

import (
	"strings"
	"time"

	"liangxin/internal/apperr"
)

// Layout is the form of a plain date.
const Layout = "2006-01-02"

// The range of accepted dates, inclusive.
const (
	MinDay = "1900-01-01"
	MaxDay = "2099-12-31"
)

var (
	minTime = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)
)

// Messages of the two ways a date is refused.
const (
	FormatMessage = "日期格式应为 YYYY-MM-DD，且须是有效日期"
	RangeMessage  = "日期应在 " + MinDay + " 至 " + MaxDay + " 之间"
)

// InRange reports whether the day of t lies between MinDay and MaxDay.
func InRange(t time.Time) bool {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return !d.Before(minTime) && !d.After(maxTime)
}

// Parse reads s (surrounding spaces ignored) as a date for field. It refuses
// a malformed or impossible date and one outside MinDay..MaxDay with a
// validation error naming field.
func Parse(field, s string) (time.Time, error) {
	t, err := time.Parse(Layout, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, apperr.InvalidField(field, FormatMessage)
	}
	if !InRange(t) {
		return time.Time{}, apperr.InvalidField(field, RangeMessage)
	}
	return t, nil
}

// Day is Parse written back in the canonical form ("2024-5-6" is refused,
// " 2024-05-06 " gives "2024-05-06").
func Day(field, s string) (string, error) {
	t, err := Parse(field, s)
	if err != nil {
		return "", err
	}
	return t.Format(Layout), nil
}

// Check is Parse adding its refusal to bad, for validators that collect
// every field's error; ok is false when s was refused.
func Check(bad *apperr.Error, field, s string) (t time.Time, ok bool) {
	t, err := Parse(field, s)
	if err != nil {
		bad.Field(field, Message(err, field))
		return t, false
	}
	return t, true
}

// Message is the message err (from Parse) gives for field.
func Message(err error, field string) string {
	if e, ok := apperr.As(err); ok {
		if m, ok := e.Fields[field]; ok {
			return m
		}
	}
	return FormatMessage
}

// Hint is the one message for validators that refuse a bad format and an
// out-of-range date alike.
const Hint = "日期格式应为 YYYY-MM-DD，且在 " + MinDay + " 至 " + MaxDay + " 之间"

// Zone is China Standard Time (UTC+8, no daylight saving), the zone in which
// every "today", "this month" and "this year" of the domain is reckoned: a
// clerk in the county works on Beijing time whatever the server's TZ says.
var Zone = time.FixedZone("CST", 8*3600)

// Today is the calendar day of now in China, as YYYY-MM-DD.
func Today(now time.Time) string { return now.In(Zone).Format(Layout) }

// Year is the calendar year of now in China.
func Year(now time.Time) int { return now.In(Zone).Year() }

// MonthLayout is the form of a calendar month.
const MonthLayout = "2006-01"

// MonthMessage is the message of a refused month.
const MonthMessage = "月份格式应为 YYYY-MM，且在 1900-01 至 2099-12 之间"

// Month reads s (surrounding spaces ignored) as a calendar month YYYY-MM for
// field and returns its first day. A malformed month or one outside the
// range of days gives a validation error naming field.
func Month(field, s string) (time.Time, error) {
	t, err := time.Parse(MonthLayout, strings.TrimSpace(s))
	if err != nil || !InRange(t) {
		return time.Time{}, apperr.InvalidField(field, MonthMessage)
	}
	return t, nil
}

// QuarterMessage is the message of a refused quarter.
const QuarterMessage = "季度格式应为 YYYY-Qn（n 为 1 至 4），如 2026-Q3"

// Quarter reads s as a calendar quarter "YYYY-Qn" (or "YYYYQn"; q in either
// case) for field and returns its first and last day.
func Quarter(field, s string) (first, last time.Time, err error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.Replace(s, "-Q", "Q", 1)
	if len(s) != 6 || s[4] != 'Q' || s[5] < '1' || s[5] > '4' {
		return first, last, apperr.InvalidField(field, QuarterMessage)
	}
	y, perr := time.Parse("2006", s[:4])
	if perr != nil || !InRange(y) {
		return first, last, apperr.InvalidField(field, QuarterMessage)
	}
	q := int(s[5] - '0')
	first = time.Date(y.Year(), time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
	last = first.AddDate(0, 3, -1)
	return first, last, nil
}

// QuarterOf is the quarter (1–4) of the day d.
func QuarterOf(d time.Time) int { return (int(d.Month())-1)/3 + 1 }

// Read parses a stored date (exactly YYYY-MM-DD, no range check): for
// values the database or the code wrote, not for what a user typed (that
// is Parse, which names the field).
func Read(s string) (time.Time, error) { return time.Parse(Layout, s) }

// At is Read for a stored date known to be well formed: a malformed one
// gives the zero time, as time.Parse does.
func At(s string) time.Time {
	t, _ := Read(s)
	return t
}

// Valid reports whether s is exactly a YYYY-MM-DD date (no range check).
func Valid(s string) bool {
	_, err := Read(s)
	return err == nil
}

// Format writes the day of t as YYYY-MM-DD (in t's own zone).
func Format(t time.Time) string { return t.Format(Layout) }

// FormatMonth writes the month of t as YYYY-MM.
func FormatMonth(t time.Time) string { return t.Format(MonthLayout) }

// ReadMonth parses a stored month (exactly YYYY-MM, no range check).
func ReadMonth(s string) (time.Time, error) { return time.Parse(MonthLayout, s) }

// ReadIn parses a stored date as midnight in China (Zone), the start of
// that day for filters on instants.
func ReadIn(s string) (time.Time, error) { return time.ParseInLocation(Layout, s, Zone) }
