package coverage_test

import (
	"fmt"
	"liangxin/internal/store"
	"sort"
	"testing"

	"liangxin/internal/apperr"
	"liangxin/internal/coverage"
	"liangxin/internal/instructor"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/testenv"
)

// addMembers puts n active members of a category on a party organization's roster.
func (w *world) addMembers(t *testing.T, partyOrgID int64, category string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		w.n++
		first17 := fmt.Sprintf("43042619900101%03d", (2*w.n+1)%1000) // odd: male
		_, err := w.e.App.Members.Create(w.ctx, member.Input{Name: "党员" + itoa(w.n), Gender: "male", BirthDate: "1990-01-01",
			IDNumber: first17 + string(pdata.CheckChar(first17)), Category: category, PartyOrgID: partyOrgID, JoinedOn: "2015-07-01"})
		if err != nil {
			t.Fatalf("add member: %v", err)
		}
	}
}

func (w *world) partyKind(t *testing.T, formation string, orgs ...org.Organization) (partyorg.PartyOrg, error) {
	t.Helper()
	var ids []int64
	for _, o := range orgs {
		ids = append(ids, o.ID)
	}
	w.n++
	return w.e.App.Party.Create(w.ctx, partyorg.Input{Name: "党支部" + itoa(w.n), Kind: "branch", Formation: formation, EstablishedOn: "2025-01-01", Covers: ids})
}

func (w *world) ineffective(t *testing.T, day string) []string {
	t.Helper()
	items, total, err := w.e.App.Cover.WorkList(w.ctx, coverage.ListIneffective, testenv.Jurisdiction, day, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range items {
		names = append(names, o.Name)
	}
	sort.Strings(names)
	if total != store.Exact(len(names)) {
		t.Fatalf("work list total %s, %d rows", total, len(names))
	}
	return names
}

// Issue 17 item 4: 组织覆盖 counts every covered unit, 有效覆盖 only those
// covered by a party organization with ≥3 正式党员 (its roster where it has
// one, else the declared counts of its units); the difference is the 有形无效
// work list. Expected values worked out by hand.
func TestEffectiveCoverageByHand(t *testing.T) {
	w := newWorld(t)
	named := map[int64]string{}
	mk := func(label string, full int) org.Organization {
		o := w.org(t, orgSpec{full: full, registered: "2020-01-01"})
		named[o.ID] = label
		return o
	}
	a, b, c := mk("A", 5), mk("B", 1), mk("C", 1)
	d, e := mk("D", 0), mk("E", 4)
	f, g := mk("F", 2), mk("G", 0)
	h := mk("H", 3)
	mk("I", 0)
	const day = "2025-06-30"
	must := func(p partyorg.PartyOrg, err error) partyorg.PartyOrg {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	must(w.partyKind(t, "single", a))                   // valid: A declares 5
	p2 := must(w.partyKind(t, "joint", b, c))           // 1+1: a warning, invalid
	p3 := must(w.partyKind(t, "regional", d, e))        // 0+4: valid
	p4 := must(w.partyKind(t, "joint", f, g))           // 2+0: invalid
	if len(p2.Warnings) == 0 || len(p4.Warnings) == 0 { // joint branches below 3 are only warned
		t.Fatalf("joint warnings %v %v", p2.Warnings, p4.Warnings)
	}
	name := "李指导"
	in, err := w.e.App.Instr.Create(w.ctx, instructor.Input{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.e.App.Instr.Assign(w.ctx, in.ID, h.ID, "2025-01-01", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.e.App.Instr.Assign(w.ctx, in.ID, a.ID, "2025-01-01", ""); err != nil {
		t.Fatal(err)
	}
	labels := func(names []string) string {
		byName := map[string]string{}
		for id, l := range named {
			o, err := w.e.App.Orgs.Get(w.ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			byName[o.Name] = l
		}
		var out []string
		for _, n := range names {
			out = append(out, byName[n])
		}
		sort.Strings(out)
		return fmt.Sprint(out)
	}
	check := func(step string, effective int, list string) {
		t.Helper()
		r := w.report(t, testenv.Jurisdiction, day)
		if r.Total != 9 || r.OrgCovered != 7 || r.EffectiveCovered != effective || r.Ineffective != 7-effective ||
			!near(r.EffectiveRate, float64(effective)/9) || r.Instructed != 2 || r.WorkCovered != 8 {
			t.Fatalf("%s: %+v", step, r.Counts)
		}
		if got := labels(w.ineffective(t, day)); got != list {
			t.Fatalf("%s: 有形无效 %s, want %s", step, got, list)
		}
	}
	check("declared counts", 3, "[B C F G]") // A (5), D+E (4)
	// Before the branches were set up nothing is covered, effective or not.
	if r := w.report(t, testenv.Jurisdiction, "2024-12-31"); r.OrgCovered != 0 || r.EffectiveCovered != 0 {
		t.Fatalf("before: %+v", r.Counts)
	}
	w.addMembers(t, p4.ID, "full", 3)
	check("F+G's branch has 3 正式党员 on its roster", 5, "[B C]")
	w.addMembers(t, p3.ID, "full", 2)
	w.addMembers(t, p3.ID, "probationary", 3)
	check("D+E's roster has 2 正式党员 (and 3 预备): the roster counts, not the 4 declared", 3, "[B C D E]")
	two := 2
	if _, err := w.e.App.Orgs.Update(w.ctx, b.ID, org.Input{FullMembers: &two}); err != nil {
		t.Fatal(err)
	}
	check("B now declares 2: B+C's branch reaches 3", 5, "[D E]")
}

// Issue 17 item 4: a single or regional 党支部 over units declaring fewer
// than 3 正式党员 is refused, naming the field; a joint one is warned.
func TestBranchBelowThreeFullMembersRefused(t *testing.T) {
	w := newWorld(t)
	x, y := w.org(t, orgSpec{full: 2}), w.org(t, orgSpec{full: 0})
	for _, c := range []struct {
		formation string
		orgs      []org.Organization
		field     string
	}{
		{"single", []org.Organization{x}, "formation"},
		{"regional", []org.Organization{x, y}, "covers"},
		{"regional", []org.Organization{x}, "covers"},
	} {
		_, err := w.partyKind(t, c.formation, c.orgs...)
		ae, ok := apperr.As(err)
		if !ok || ae.Kind != apperr.KindInvalid || ae.Fields[c.field] == "" {
			t.Fatalf("%s over %d units declaring 2: %v", c.formation, len(c.orgs), err)
		}
	}
	p, err := w.partyKind(t, "joint", x, y)
	if err != nil || len(p.Warnings) == 0 {
		t.Fatalf("joint: %v, warnings %v", err, p.Warnings)
	}
	z := w.org(t, orgSpec{full: 1})
	if _, err := w.partyKind(t, "regional", x, z); err != nil { // 2+1 = 3
		t.Fatalf("regional at 3: %v", err)
	}
}

// Issue 17 item 5: the named rules side by side, each with its own
// denominator and rates, the size thresholds a setting; the instructor's
// reach and the 党建入章 rate (units whose charter includes party building ÷
// units with a charter). Expected values by hand.
func TestNamedRulesByHand(t *testing.T) {
	w := newWorld(t)
	e1 := w.org(t, orgSpec{employees: 12, full: 3, charter: true, inCharter: true})
	e2 := w.org(t, orgSpec{employees: 9, full: 0, charter: true})
	w.org(t, orgSpec{employees: 150, full: 1, aboveScale: true})
	s1 := w.org(t, orgSpec{category: "social_group", employees: 30, full: 0, charter: true, inCharter: true})
	s2 := w.org(t, orgSpec{category: "social_group", employees: 29, full: 4})
	w.party(t, "single", "2025-01-01", e1)
	w.party(t, "single", "2025-01-01", s2)
	name := "赵指导"
	in, err := w.e.App.Instr.Create(w.ctx, instructor.Input{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []org.Organization{e2, s1, e1} {
		if _, err := w.e.App.Instr.Assign(w.ctx, in.ID, o.ID, "2025-02-01", ""); err != nil {
			t.Fatal(err)
		}
	}
	type want struct {
		total, covered int
		rate           float64
	}
	check := func(step string, wants map[string]want) {
		t.Helper()
		r := w.report(t, testenv.Jurisdiction, "2025-06-30")
		if len(r.Rules) != 4 {
			t.Fatalf("%s: rules %+v", step, r.Rules)
		}
		for _, rc := range r.Rules {
			wt := wants[rc.Key]
			if rc.Total != wt.total || rc.OrgCovered != wt.covered || !near(rc.OrgRate, wt.rate) || rc.Name == "" {
				t.Errorf("%s, %s: %d/%d (%.4f), want %d/%d (%.4f)", step, rc.Key, rc.OrgCovered, rc.Total, rc.OrgRate, wt.covered, wt.total, wt.rate)
			}
		}
		if r.Instructed != 3 || r.HasCharter != 3 || r.CharterHasParty != 2 || !near(r.CharterRate, 2.0/3) {
			t.Errorf("%s: instructed %d, charters %d/%d (%.4f)", step, r.Instructed, r.CharterHasParty, r.HasCharter, r.CharterRate)
		}
	}
	check("defaults 10 / 30", map[string]want{
		coverage.NamedAll:         {5, 2, 0.4},
		coverage.NamedShouldBuild: {2, 2, 1},       // e1 (3), s2 (4)
		coverage.NamedSize:        {3, 1, 1.0 / 3}, // e1 (12), the 150, s1 (30)
		coverage.NamedAboveScale:  {1, 0, 0},
	})
	rule, err := w.e.App.Cover.SetRule(w.ctx, coverage.Rule{Kind: coverage.RuleAll, EnterpriseMinEmployees: 9, SocialMinEmployees: 29}, "")
	if err != nil || rule.EnterpriseMinEmployees != 9 {
		t.Fatalf("set rule: %+v, %v", rule, err)
	}
	check("thresholds 9 / 29", map[string]want{
		coverage.NamedAll:         {5, 2, 0.4},
		coverage.NamedShouldBuild: {2, 2, 1},
		coverage.NamedSize:        {5, 2, 0.4},
		coverage.NamedAboveScale:  {1, 0, 0},
	})
	// The configured rule still decides the headline figures; the named
	// rules stay side by side.
	if _, err := w.e.App.Cover.SetRule(w.ctx, coverage.Rule{Kind: coverage.RuleMinEmployees, MinEmployees: 30}, ""); err != nil {
		t.Fatal(err)
	}
	r := w.report(t, testenv.Jurisdiction, "2025-06-30")
	if r.Total != 2 || r.OrgCovered != 0 || r.Rules[0].Total != 5 || r.Rules[2].Total != 5 /* thresholds kept: 9 / 29 */ || r.Instructed != 1 || r.HasCharter != 1 {
		t.Fatalf("min 30 staff: %+v, rules %+v", r.Counts, r.Rules)
	}
	if _, err := w.e.App.Cover.SetRule(w.ctx, coverage.Rule{Kind: coverage.RuleAll, SocialMinEmployees: -1}, ""); err == nil {
		t.Fatal("a negative threshold passed")
	}
}

// A 党委's validity counts the rosters of the branches directly under it:
// moving a branch with 3 正式党员 under it makes the units it covers
// effectively covered (the move refreshes the spans).
func TestEffectiveCoverageFollowsTheBranchesUnderACommittee(t *testing.T) {
	w := newWorld(t)
	u := w.org(t, orgSpec{full: 0, registered: "2020-01-01"})
	v := w.org(t, orgSpec{full: 0, registered: "2020-01-01"})
	committee, err := w.e.App.Party.Create(w.ctx, partyorg.Input{Name: "综合党委", Kind: "committee", Formation: "regional", EstablishedOn: "2025-01-01", Covers: []int64{u.ID, v.ID}})
	if err != nil || len(committee.Warnings) == 0 {
		t.Fatalf("committee: %v, warnings %v", err, committee.Warnings)
	}
	branch, err := w.e.App.Party.Create(w.ctx, partyorg.Input{Name: "机关党支部", Kind: "branch", Formation: "regional", EstablishedOn: "2025-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	w.addMembers(t, branch.ID, "full", 3)
	eff := func() int { return w.report(t, testenv.Jurisdiction, "2025-06-30").EffectiveCovered }
	if n := eff(); n != 0 {
		t.Fatalf("before the move: %d effective", n)
	}
	if _, err := w.e.App.Party.Update(w.ctx, branch.ID, partyorg.Patch{ParentID: &committee.ID}); err != nil {
		t.Fatal(err)
	}
	if n := eff(); n != 2 {
		t.Fatalf("branch under the committee: %d effective, want 2", n)
	}
}
