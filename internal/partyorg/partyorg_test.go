package partyorg_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
)

func setup(t *testing.T) (*testenv.Env, context.Context, func(full int) int64) {
	e := testenv.New(t)
	ctx := actor.With(context.Background(), actor.Actor{Username: "d", Role: "district", Scope: testenv.Jurisdiction})
	n := 0
	mk := func(full int) int64 {
		n++
		name, cat, region := fmt.Sprintf("个体户%d", n), "individual_business", testenv.Hongqiao
		o, err := e.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &full})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	return e, ctx, mk
}

func fieldErr(t *testing.T, err error, field string) string {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.KindInvalid || e.Fields[field] == "" {
		t.Fatalf("want an invalid error on %s, got %v", field, err)
	}
	return e.Fields[field]
}

// A single branch needs ≥3 full members (else the message suggests a joint branch).
func TestSingleBranchNeedsThreeFullMembers(t *testing.T) {
	e, ctx, mk := setup(t)
	_, err := e.App.Party.Create(ctx, partyorg.Input{Name: "甲支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{mk(2)}})
	if msg := fieldErr(t, err, "formation"); !strings.Contains(msg, "联合组建") {
		t.Errorf("message does not suggest a joint branch: %s", msg)
	}
	p, err := e.App.Party.Create(ctx, partyorg.Input{Name: "乙支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{mk(3)}})
	if err != nil || p.FormationName != "单独组建" || p.Members != 3 {
		t.Fatalf("3 full members: %+v %v", p, err)
	}
	// A second single branch for the same unit is a conflict.
	_, err = e.App.Party.Create(ctx, partyorg.Input{Name: "丙支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-02-01", Covers: []int64{p.Covers[0].OrganizationID}})
	if !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("second single branch: %v", err)
	}
	// A single branch covers exactly one unit.
	_, err = e.App.Party.Create(ctx, partyorg.Input{Name: "丁支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{mk(5), mk(5)}})
	fieldErr(t, err, "covers")
}

// A joint branch covers ≥2 units; over 5 it is allowed with a warning.
func TestJointBranchUnits(t *testing.T) {
	e, ctx, mk := setup(t)
	_, err := e.App.Party.Create(ctx, partyorg.Input{Name: "联合一", Kind: "branch", Formation: "joint", EstablishedOn: "2025-01-01", Covers: []int64{mk(1)}})
	fieldErr(t, err, "covers")
	five := []int64{mk(1), mk(1), mk(1), mk(1), mk(1)}
	p, err := e.App.Party.Create(ctx, partyorg.Input{Name: "联合二", Kind: "branch", Formation: "joint", EstablishedOn: "2025-01-01", Covers: five})
	if err != nil || len(p.Warnings) != 0 {
		t.Fatalf("5 units: %v %v", p.Warnings, err)
	}
	six := append(append([]int64{}, five...), mk(1))
	p, err = e.App.Party.Create(ctx, partyorg.Input{Name: "联合三", Kind: "branch", Formation: "joint", EstablishedOn: "2025-01-01", Covers: six})
	if err != nil || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "不超过 5") {
		t.Fatalf("6 units: %v %v", p.Warnings, err)
	}
}

// Thresholds by kind are warnings: 总支 from 50, 党委 from 100, 支部 up to 50.
func TestKindThresholdWarnings(t *testing.T) {
	e, ctx, mk := setup(t)
	cases := []struct {
		kind    string
		members int
		warn    bool
	}{
		{"branch", 50, false}, {"branch", 51, true},
		{"general_branch", 49, true}, {"general_branch", 50, false},
		{"committee", 99, true}, {"committee", 100, false},
	}
	for i, c := range cases {
		p, err := e.App.Party.Create(ctx, partyorg.Input{Name: fmt.Sprintf("组织%d", i), Kind: c.kind, Formation: "regional", EstablishedOn: "2025-01-01", Covers: []int64{mk(c.members)}})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(p.Warnings) > 0; got != c.warn {
			t.Errorf("%s with %d members: warnings %v", c.kind, c.members, p.Warnings)
		}
	}
}

// Terms: 支部/总支 3 years, 党委 5; the renewal list shows due and overdue ones.
func TestTermsAndRenewals(t *testing.T) {
	e, ctx, mk := setup(t)
	// The test clock is 2026-11-23.
	branch, err := e.App.Party.Create(ctx, partyorg.Input{Name: "到期支部", Kind: "branch", Formation: "single", EstablishedOn: "2023-12-01", Covers: []int64{mk(3)}})
	if err != nil {
		t.Fatal(err)
	}
	if branch.TermYears != 3 || branch.TermDueOn != "2026-12-01" {
		t.Fatalf("branch term: %d %s", branch.TermYears, branch.TermDueOn)
	}
	committee, err := e.App.Party.Create(ctx, partyorg.Input{Name: "逾期党委", Kind: "committee", Formation: "regional", EstablishedOn: "2021-11-01", Covers: []int64{mk(120)}})
	if err != nil {
		t.Fatal(err)
	}
	if committee.TermYears != 5 || committee.TermDueOn != "2026-11-01" {
		t.Fatalf("committee term: %d %s", committee.TermYears, committee.TermDueOn)
	}
	if _, err := e.App.Party.Create(ctx, partyorg.Input{Name: "新支部", Kind: "branch", Formation: "single", EstablishedOn: "2026-01-01", Covers: []int64{mk(4)}}); err != nil {
		t.Fatal(err)
	}
	rs, err := e.App.Party.Renewals(ctx, 30)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Name != "逾期党委" || !rs[0].Overdue || rs[0].DaysLeft != -22 || rs[1].DaysLeft != 8 || rs[1].Overdue {
		t.Fatalf("renewals: %+v", rs)
	}
	// Recording the new term (换届) takes it off the list.
	day := "2026-11-20"
	if _, err := e.App.Party.Update(ctx, committee.ID, partyorg.Patch{TermStartedOn: &day}); err != nil {
		t.Fatal(err)
	}
	if rs, _ := e.App.Party.Renewals(ctx, 30); len(rs) != 1 {
		t.Fatalf("after 换届: %d", len(rs))
	}
	_ = time.Now
}

// The tree keeps parents above children and refuses cycles.
func TestTreeAndCycles(t *testing.T) {
	e, ctx, mk := setup(t)
	root, _ := e.App.Party.Create(ctx, partyorg.Input{Name: "综合党委", Kind: "committee", Formation: "regional", EstablishedOn: "2024-01-01"})
	mid, _ := e.App.Party.Create(ctx, partyorg.Input{Name: "商圈党委", Kind: "committee", Formation: "regional", ParentID: &root.ID, EstablishedOn: "2024-01-01"})
	leaf, err := e.App.Party.Create(ctx, partyorg.Input{Name: "支部", Kind: "branch", Formation: "single", ParentID: &mid.ID, EstablishedOn: "2024-02-01", Covers: []int64{mk(3)}})
	if err != nil {
		t.Fatal(err)
	}
	tree, err := e.App.Party.Tree(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree) != 1 || tree[0].ID != root.ID || tree[0].Children[0].ID != mid.ID || tree[0].Children[0].Children[0].ID != leaf.ID {
		t.Fatalf("tree: %+v", tree)
	}
	_, err = e.App.Party.Update(ctx, root.ID, partyorg.Patch{ParentID: &leaf.ID})
	fieldErr(t, err, "parent_id")
	// A parent with active children cannot be dissolved.
	if _, err := e.App.Party.Dissolve(ctx, mid.ID, "2025-01-01"); !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("dissolve with children: %v", err)
	}
	if _, err := e.App.Party.Dissolve(ctx, leaf.ID, "2024-01-31"); err == nil {
		t.Fatal("dissolved before it was established")
	}
}

// Dates must make sense against each other.
func TestDateConsistency(t *testing.T) {
	e, ctx, mk := setup(t)
	_, err := e.App.Party.Create(ctx, partyorg.Input{Name: "甲", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", TermStartedOn: "2024-12-31", Covers: []int64{mk(3)}})
	fieldErr(t, err, "term_started_on")
	late, _ := e.App.Party.Create(ctx, partyorg.Input{Name: "晚成立的上级", Kind: "committee", Formation: "regional", EstablishedOn: "2025-06-01"})
	_, err = e.App.Party.Create(ctx, partyorg.Input{Name: "乙", Kind: "branch", Formation: "single", ParentID: &late.ID, EstablishedOn: "2025-01-01", Covers: []int64{mk(3)}})
	fieldErr(t, err, "parent_id")
	// A unit registered after the founding day is covered from its registration.
	name, cat, region, reg := "新开的店", "individual_business", testenv.Hongqiao, "2025-03-10"
	o, err := e.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region, RegisteredOn: &reg})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.App.Party.Create(ctx, partyorg.Input{Name: "丙", Kind: "branch", Formation: "joint", EstablishedOn: "2025-01-01", Covers: []int64{o.ID, mk(1)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Covers {
		if c.OrganizationID == o.ID && c.From != "2025-03-10" {
			t.Errorf("cover from %s, want the registration day", c.From)
		}
	}
	// Joint branch with fewer than 3 full members in all: a warning.
	if len(p.Warnings) == 0 || !strings.Contains(strings.Join(p.Warnings, ""), "3 名以上") {
		t.Errorf("warnings: %v", p.Warnings)
	}
	// A closed unit cannot be added.
	closed := "2025-05-01"
	if _, err := e.App.Orgs.Update(ctx, o.ID, org.Input{ClosedOn: &closed}); err != nil {
		t.Fatal(err)
	}
	other, _ := e.App.Party.Create(ctx, partyorg.Input{Name: "丁", Kind: "branch", Formation: "regional", EstablishedOn: "2025-01-01"})
	if _, err := e.App.Party.AddCover(ctx, other.ID, o.ID, "2025-06-01"); err == nil {
		t.Fatal("a closed unit was added")
	}
}
