package meeting_test

import (
	"context"
	"fmt"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/meeting"
	"liangxin/internal/meeting/meetingtest"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

// scopes are the callers the fixed-count tests run as: the whole county and
// one street (洪桥, the even party organizations of the fixture).
func scopes() map[string]context.Context {
	bg := context.Background()
	return map[string]context.Context{
		"system": actor.System(bg, "test"),
		"洪桥":     actor.With(bg, actor.Actor{Username: "street", Role: "admin", Scope: meetingtest.Hongqiao}),
	}
}

// queriesOf counts the statements fn runs.
func queriesOf(t *testing.T, ctx context.Context, fn func(ctx context.Context) error) int64 {
	t.Helper()
	ctx, c := store.CountQueries(ctx)
	if err := fn(ctx); err != nil {
		t.Fatal(err)
	}
	return c.N()
}

// Compliance, reminders, vacancies and renewals run the same number of
// queries for 3 and for 30 party organizations (before: a meeting query, a
// 党小组 query and a committee count per party organization and period).
func TestComplianceQueryCountIsFixed(t *testing.T) {
	counts := map[int]map[string]int64{}
	for _, n := range []int{3, 30} {
		e := testenv.New(t)
		meetingtest.Build(t, e.App.DB, n)
		counts[n] = map[string]int64{}
		for name, ctx := range scopes() {
			m := e.App.Meet
			counts[n][name+" Compliance"] = queriesOf(t, ctx, func(ctx context.Context) error {
				rep, err := m.Compliance(ctx, meeting.ReportFilter{From: "2026-01-01", To: "2026-06-30"})
				if err == nil && len(rep.Orgs) == 0 {
					err = fmt.Errorf("no party organization in the report")
				}
				return err
			})
			counts[n][name+" Laggards"] = queriesOf(t, ctx, func(ctx context.Context) error {
				_, err := m.Laggards(ctx, meeting.ReportFilter{From: "2026-01-01", To: "2026-06-30"})
				return err
			})
			counts[n][name+" Reminders"] = queriesOf(t, ctx, func(ctx context.Context) error {
				_, err := m.Reminders(ctx, 0)
				return err
			})
			counts[n][name+" Vacancies"] = queriesOf(t, ctx, func(ctx context.Context) error {
				_, err := m.Vacancies(ctx)
				return err
			})
			counts[n][name+" Renewals"] = queriesOf(t, ctx, func(ctx context.Context) error {
				rs, err := m.Renewals(ctx)
				if err == nil && len(rs) == 0 {
					err = fmt.Errorf("no renewal listed")
				}
				return err
			})
		}
	}
	// With chunks of 4 ids the 30 party organizations no longer fit one IN
	// list: the county and the street load their facts through the scope's
	// subquery, still in as many queries as for 3.
	restore := meeting.SetChunkSize(4)
	defer restore()
	e := testenv.New(t)
	meetingtest.Build(t, e.App.DB, 30)
	for name, ctx := range scopes() {
		m := e.App.Meet
		for what, fn := range map[string]func(context.Context) error{
			"Compliance": func(ctx context.Context) error {
				_, err := m.Compliance(ctx, meeting.ReportFilter{From: "2026-01-01", To: "2026-06-30"})
				return err
			},
			"Reminders": func(ctx context.Context) error { _, err := m.Reminders(ctx, 0); return err },
			"Vacancies": func(ctx context.Context) error { _, err := m.Vacancies(ctx); return err },
		} {
			if n := queriesOf(t, ctx, fn); n != counts[3][name+" "+what] {
				t.Errorf("%s %s in chunks of 4 ids: %d queries for 30 party organizations, %d for 3; want the same", name, what, n, counts[3][name+" "+what])
			}
		}
	}
	for k, small := range counts[3] {
		if big := counts[30][k]; big != small {
			t.Errorf("%s: %d queries for 3 party organizations, %d for 30; want the same", k, small, big)
		} else {
			t.Logf("%s: %d queries", k, small)
		}
	}
}

// The fixture of three party organizations, computed by hand (see the
// package comment of meetingtest) over 2026-01-01…2026-06-30: 6 months and
// 2 quarters are complete, the year is not.
//
//	#0 (committee of 3, a 党小组, no 支委会 in March): 主题党日 6/6, 支委会 5/6,
//	   党小组会 6/6, 支部党员大会 1/2, 党课 0/2 → 18 of 22; 18 meetings.
//	#1 (only a 书记, vacant from 03-31, so no 支委会 asked): 主题党日 6/6,
//	   支部党员大会 1/2, 党课 0/2 → 7 of 10; 7 meetings.
//	#2 (committee of 3): 主题党日 6/6, 支委会 6/6, 支部党员大会 1/2, 党课 0/2
//	   → 13 of 16; 13 meetings.
//
// Every meeting had 2 of 3 present: attendance 2/3. 洪桥 holds #0 and #2
// (31 of 38), 玉合 #1 (7 of 10).
func TestComplianceOfScaleFixtureByHand(t *testing.T) {
	e := testenv.New(t)
	ids := meetingtest.Build(t, e.App.DB, 3)
	ctx := actor.System(context.Background(), "test")
	rep, err := e.App.Meet.Compliance(ctx, meeting.ReportFilter{From: "2026-01-01", To: "2026-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Required != 48 || rep.Held != 38 {
		t.Errorf("total %d of %d, want 38 of 48", rep.Held, rep.Required)
	}
	if rep.Attendance == nil || *rep.Attendance < 2.0/3-1e-9 || *rep.Attendance > 2.0/3+1e-9 {
		t.Errorf("attendance %v, want 2/3", rep.Attendance)
	}
	want := map[int64][3]int{ids[0]: {18, 22, 18}, ids[1]: {7, 10, 7}, ids[2]: {13, 16, 13}}
	if len(rep.Orgs) != 3 {
		t.Fatalf("%d party organizations in the report, want 3", len(rep.Orgs))
	}
	for _, o := range rep.Orgs {
		if got := [3]int{o.Held, o.Required, o.Meetings}; got != want[o.PartyOrgID] {
			t.Errorf("%s: held/required/meetings %v, want %v", o.PartyOrgName, got, want[o.PartyOrgID])
		}
	}
	streets := map[string][2]int{}
	for _, g := range rep.ByStreet {
		streets[g.Code+g.Name] = [2]int{g.Held, g.Required}
	}
	if streets["430426001洪桥街道"] != [2]int{31, 38} || streets["430426002玉合街道"] != [2]int{7, 10} {
		t.Errorf("by street %v, want 洪桥街道 31/38 and 玉合街道 7/10", rep.ByStreet)
	}
	kinds := map[string][2]int{}
	for _, g := range rep.ByKind {
		kinds[g.Code] = [2]int{g.Held, g.Required}
	}
	for k, w := range map[string][2]int{"theme_day": {18, 18}, "committee_meeting": {11, 12}, "group_meeting": {6, 6}, "branch_assembly": {3, 6}, "party_lecture": {0, 6}} {
		if kinds[k] != w {
			t.Errorf("kind %s: %v, want %v", k, kinds[k], w)
		}
	}
	// Missing: #0 the March 支委会; every one the second-quarter 支部党员大会
	// and both quarters' 党课.
	if len(rep.Missing) != 1+3+6 {
		t.Errorf("%d missing items, want 10: %v", len(rep.Missing), rep.Missing)
	}
	// Vacancies on 2026-11-23: #1 since 2026-03-31 (237 days), flagged.
	// #0's 党小组 never had a 书记 but is no party organization with a 书记
	// post (domain.md §2), so it is not listed.
	vs, err := e.App.Meet.Vacancies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].PartyOrgID != ids[1] || vs[0].VacantSince != "2026-03-31" || vs[0].Days != 237 || !vs[0].Flagged {
		t.Errorf("vacancies %+v, want #1 since 2026-03-31 (237 days), flagged", vs)
	}
	// Renewals on 2026-11-23 within 90 days: #0 (due 2026-06-01, 175 days
	// overdue) and #1 (due 2027-01-10, 48 days left); #2 is due 2028-01-01,
	// and #0's 党小组 has no term of its own.
	rs, err := e.App.Meet.Renewals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].ID != ids[0] || rs[0].DaysLeft != -175 || !rs[0].Overdue || rs[1].ID != ids[1] || rs[1].DaysLeft != 48 || rs[1].Overdue {
		t.Errorf("renewals %+v, want #0 175 days overdue, then #1 48 days left", rs)
	}
}

// BenchmarkCompliance reports the county-wide compliance of the first half
// of 2026 over 300 and 3,000 party organizations of the scale fixture.
func BenchmarkCompliance(b *testing.B) {
	for _, n := range []int{300, 3000} {
		b.Run(fmt.Sprintf("orgs=%d", n), func(b *testing.B) {
			e := testenv.New(b)
			meetingtest.Build(b, e.App.DB, n)
			ctx := actor.System(context.Background(), "bench")
			b.ResetTimer()
			for b.Loop() {
				if _, err := e.App.Meet.Compliance(ctx, meeting.ReportFilter{From: "2026-01-01", To: "2026-06-30"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
