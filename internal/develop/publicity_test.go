package develop_test

import (
	"encoding/json"
	"testing"
	"time"

	"liangxin/internal/develop"
)

func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestPublicityLength counts by hand: 2024-07-01 is a Monday.
func TestPublicityLength(t *testing.T) {
	working := develop.DefaultPublicity()
	withHoliday := develop.PublicitySettings{Days: 5, Unit: develop.UnitWorkingDays, Holidays: []string{"2024-07-03"}, Workdays: []string{"2024-07-06"}}
	calendar := develop.PublicitySettings{Days: 7, Unit: develop.UnitCalendarDays}
	for _, c := range []struct {
		from, to string
		set      develop.PublicitySettings
		want     int
	}{
		{"2024-07-01", "2024-07-05", working, 5},     // Mon–Fri
		{"2024-07-01", "2024-07-04", working, 4},     // Mon–Thu
		{"2024-07-04", "2024-07-10", working, 5},     // Thu, Fri, (weekend), Mon, Tue, Wed
		{"2024-07-06", "2024-07-07", working, 0},     // a weekend
		{"2024-07-01", "2024-07-05", withHoliday, 4}, // Wednesday a holiday
		{"2024-07-01", "2024-07-06", withHoliday, 5}, // Saturday made a working day
		{"2024-07-01", "2024-07-07", calendar, 7},
		{"2024-07-05", "2024-07-01", calendar, 0},
	} {
		if got := develop.PublicityLength(d(c.from), d(c.to), c.set); got != c.want {
			t.Errorf("%s..%s (%s): %d, want %d", c.from, c.to, c.set.Unit, got, c.want)
		}
	}
}

// TestPublicityBeforeSixteenAndTwentyFour: ⑯ needs a 公示 of 5 working days
// (the default) after ⑦ and ending by ⑯; the setting changes the length.
func TestPublicityBeforeSixteenAndTwentyFour(t *testing.T) {
	w := newWorld(t)
	p := w.apply(t, "1995-05-05", "2023-01-10")
	w.walk(t, p.ID, 15) // ⑦ on 2024-04-01, ⑮ on 2024-07-01
	try := func(from, to string) error {
		_, err := w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 16, DoneOn: "2024-07-10", PublicityFrom: from, PublicityTo: to})
		return err
	}
	fieldErr(t, try("", ""), "publicity_from", "5个工作日")
	fieldErr(t, try("2024-07-01", "2024-07-04"), "publicity_to", "只有 4个工作日")
	fieldErr(t, try("2024-03-29", "2024-04-05"), "publicity_from", "第7步")
	fieldErr(t, try("2024-07-05", "2024-07-11"), "publicity_to", "之前结束")
	fieldErr(t, try("2024-07-05", "2024-07-01"), "publicity_to", "不能早于")
	// A holiday on Wednesday 07-03 makes Monday to Friday four working days.
	if _, err := w.e.App.Develop.SetPublicity(w.ctx, develop.PublicitySettings{Days: 5, Unit: develop.UnitWorkingDays, Holidays: []string{"2024-07-03"}}, ""); err != nil {
		t.Fatal(err)
	}
	fieldErr(t, try("2024-07-01", "2024-07-05"), "publicity_to", "只有 4个工作日")
	r := w.step(t, p.ID, develop.StepInput{Step: 16, DoneOn: "2024-07-10", PublicityFrom: "2024-07-01", PublicityTo: "2024-07-08"})
	var det map[string]any
	if err := json.Unmarshal(r.Step.Details, &det); err != nil || det["publicity_from"] != "2024-07-01" || det["publicity_to"] != "2024-07-08" {
		t.Fatalf("details kept: %s %v", r.Step.Details, err)
	}
	// 7 calendar days instead.
	if _, err := w.e.App.Develop.SetPublicity(w.ctx, develop.PublicitySettings{Days: 7, Unit: develop.UnitCalendarDays}, "按市委组织部要求公示7天"); err != nil {
		t.Fatal(err)
	}
	q := w.apply(t, "1995-05-05", "2023-01-10")
	w.walk(t, q.ID, 15)
	_, err := w.e.App.Develop.RecordStep(w.ctx, q.ID, develop.StepInput{Step: 16, DoneOn: "2024-07-10", PublicityFrom: "2024-07-02", PublicityTo: "2024-07-07"})
	fieldErr(t, err, "publicity_to", "只有 6天")
	w.step(t, q.ID, develop.StepInput{Step: 16, DoneOn: "2024-07-10", PublicityFrom: "2024-07-01", PublicityTo: "2024-07-07"})
	// Bad settings name their field.
	_, err = w.e.App.Develop.SetPublicity(w.ctx, develop.PublicitySettings{Days: 0, Unit: "week", Holidays: []string{"2024-13-01"}}, "")
	fieldErr(t, err, "days", "1 至 30")
	fieldErr(t, err, "unit", "工作日")
	fieldErr(t, err, "holidays[0]", "日期")
}
