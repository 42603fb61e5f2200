package instructor_test

import (
	"testing"

	"liangxin/internal/apperr"
	"liangxin/internal/instructor"
)

// The visit frequency per kind is a versioned setting: 专职 1 and 兼职 3
// months by default; a version applies from its date on, the one in force
// today is what both due-visit lists use, and a back-dated one needs a
// reason. Today is 2026-11-23.
func TestVisitFrequencySetting(t *testing.T) {
	f := newWorkFixture(t)
	ctx := districtCtx()
	list, err := f.e.App.Instr.Frequencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || !list[0].FullTime || list[0].EveryMonths != 1 || list[1].FullTime || list[1].EveryMonths != 3 || list[1].KindName != "兼职" {
		t.Fatalf("defaults: %+v", list)
	}
	part, full := false, true
	for _, c := range []struct {
		in    instructor.FrequencyInput
		field string
	}{
		{instructor.FrequencyInput{EveryMonths: 2, EffectiveFrom: "2027-01-01"}, "full_time"},
		{instructor.FrequencyInput{FullTime: &part, EveryMonths: 0, EffectiveFrom: "2027-01-01"}, "every_months"},
		{instructor.FrequencyInput{FullTime: &part, EveryMonths: 13, EffectiveFrom: "2027-01-01"}, "every_months"},
		{instructor.FrequencyInput{FullTime: &part, EveryMonths: 2, EffectiveFrom: "2027-02-30"}, "effective_from"},
		{instructor.FrequencyInput{FullTime: &part, EveryMonths: 2, EffectiveFrom: "2026-11-01"}, "reason"},
	} {
		e := wantKind(t, c.field, func() error { _, err := f.e.App.Instr.SetFrequency(ctx, c.in); return err }(), apperr.KindInvalid)
		if _, ok := e.Fields[c.field]; !ok {
			t.Errorf("%+v: fields %v, want %s", c.in, e.Fields, c.field)
		}
	}
	// x/a (兼职) visited 2026-08-20: by default due 2026-11-20 (3 days).
	if _, err := f.e.App.Instr.AddVisit(ctx, f.x, instructor.Visit{OrganizationID: f.a, VisitedOn: "2026-08-20", Content: "走访"}); err != nil {
		t.Fatal(err)
	}
	// 兼职 every 2 months from 2026-11-01 (back-dated, with a reason), every
	// 6 months from 2027-01-01 (not yet in force), and 专职 from 2026-12-01.
	for _, in := range []instructor.FrequencyInput{
		{FullTime: &part, EveryMonths: 2, EffectiveFrom: "2026-11-01", Reason: "区委新要求"},
		{FullTime: &part, EveryMonths: 6, EffectiveFrom: "2027-01-01"},
		{FullTime: &full, EveryMonths: 2, EffectiveFrom: "2026-12-01"},
	} {
		if _, err := f.e.App.Instr.SetFrequency(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	// Due 2026-08-20 + 2 months = 2026-10-20: 11 + 23 = 34 days.
	every, due, err := f.e.App.Instr.DueVisits(ctx, f.x)
	if err != nil {
		t.Fatal(err)
	}
	if every != 2 || len(due) != 1 || due[0].DueOn != "2026-10-20" || due[0].DaysOverdue != 34 {
		t.Fatalf("兼职 every 2: every %d, %+v", every, due)
	}
	// y/c (兼职) from 2025-01-01 never visited: due 2025-03-01. 2025-03-01 →
	// 2026-03-01 is 365 days; → 2026-11-01 another 31+30+31+30+31+31+30+31 =
	// 245; → 2026-11-23 another 22: 632 days.
	rows, _, err := f.e.App.Instr.AllDueVisits(ctx, &part, 1, 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].OrganizationID != f.c || rows[0].EveryMonths != 2 || rows[0].DueOn != "2025-03-01" || rows[0].DaysOverdue != 632 ||
		rows[1].OrganizationID != f.a || rows[1].DaysOverdue != 34 {
		t.Fatalf("district list with every 2: %+v", rows)
	}
	// The same day replaces the version.
	if _, err := f.e.App.Instr.SetFrequency(ctx, instructor.FrequencyInput{FullTime: &part, EveryMonths: 1, EffectiveFrom: "2026-11-01", Reason: "改为每月"}); err != nil {
		t.Fatal(err)
	}
	if every, _, err = f.e.App.Instr.DueVisits(ctx, f.x); err != nil || every != 1 {
		t.Fatalf("replaced version: every %d, %v", every, err)
	}
	list, err = f.e.App.Instr.Frequencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 专职: default, 2026-12-01 (2); 兼职: default, 2026-11-01 (1), 2027-01-01 (6).
	if len(list) != 5 || list[1].EffectiveFrom != "2026-12-01" || list[1].EveryMonths != 2 || list[3].EffectiveFrom != "2026-11-01" || list[3].EveryMonths != 1 ||
		list[3].Reason != "改为每月" || list[4].EveryMonths != 6 {
		t.Fatalf("versions: %+v", list)
	}
}
