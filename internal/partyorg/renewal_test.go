package partyorg_test

import (
	"testing"

	"liangxin/internal/partyorg"
)

// The renewal list at its edges, on the test clock's day 2026-11-23: a 党总支's
// term is 3 years (not the 党委's 5), so one elected 2023-11-23 falls due today
// — listed, not yet overdue; a branch due in exactly within_days days is
// listed, one day later it is not; a term that ended yesterday is overdue.
func TestRenewalBoundaries(t *testing.T) {
	e, ctx, mk := setup(t)
	create := func(name, kind, formation, on string, members int) partyorg.PartyOrg {
		t.Helper()
		p, err := e.App.Party.Create(ctx, partyorg.Input{Name: name, Kind: kind, Formation: formation, EstablishedOn: on, Covers: []int64{mk(members)}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	general := create("今日到期党总支", "general_branch", "single", "2023-11-23", 60)
	if general.TermYears != 3 || general.TermDueOn != "2026-11-23" {
		t.Fatalf("党总支 term: %d years, due %s; want 3 years, due 2026-11-23", general.TermYears, general.TermDueOn)
	}
	create("三十天后到期支部", "branch", "single", "2023-12-23", 3)
	create("三十一天后到期支部", "branch", "single", "2023-12-24", 4)
	create("昨日到期支部", "branch", "single", "2023-11-22", 5)

	rs, err := e.App.Party.Renewals(ctx, 30)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		name    string
		days    int
		overdue bool
	}
	want := []row{{"昨日到期支部", -1, true}, {"今日到期党总支", 0, false}, {"三十天后到期支部", 30, false}}
	got := []row{}
	for _, r := range rs {
		got = append(got, row{r.Name, r.DaysLeft, r.Overdue})
	}
	if len(got) != len(want) {
		t.Fatalf("Renewals(30) = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Renewals(30)[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	// within_days 0: only what is due today or overdue.
	if rs, err := e.App.Party.Renewals(ctx, 0); err != nil || len(rs) != 2 {
		t.Errorf("Renewals(0) = %d rows, %v; want 2", len(rs), err)
	}
}
