package home_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/home"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
	"liangxin/internal/workloop"
)

// fixture is a county of two streets, with figures known by hand:
//
//	洪桥街道: 企业1 covered by P1 (党委, 任期 2020-01-01 起 → 2025-01-01 届满: 换届超期),
//	          企业2 covered by P2 (党支部, 任期 2025-01-01 起 → 2028-01-01 届满).
//	玉合街道: 企业3 covered by P3 (党支部, 任期 2024-01-01 起 → 2027-01-01 届满),
//	          企业4 not covered.
//
// Tasks (the clock moved on to 2026-11-28): T1 assigned to 洪桥街道 itself,
// deadline 2026-11-25 (overdue); T2 to P3, deadline 2026-11-26 (overdue);
// T3 to P1, deadline 2026-12-31 (open). One 工作提示 published to the county,
// read by nobody. No organizational life recorded anywhere.
//
// So: county overdue tasks 2 (T1, T2); 换届 overdue 1 (P1); 三会一课 laggards 3
// (P1, P2 at 洪桥, P3 at 玉合); coverage 3 of 4 = 75.0%, 洪桥 100%, 玉合 50%;
// laggard streets 1 (玉合). 洪桥 sees overdue 1 (T1), its own task 1 (T1),
// 换届 1, laggards 2, the notice unread by 2 party organizations; 玉合 sees
// overdue 1 (T2), own tasks 0, 换届 0, laggards 1. P1 sees 1 open task (T3)
// and 1 unread notice.
type fixture struct {
	e          *testenv.Env
	p1, p2, p3 int64
	o4         int64
	n          int
}

func sys() context.Context { return actor.System(context.Background(), "test") }

func county() context.Context {
	return actor.With(context.Background(), actor.Actor{UserID: 1, Username: "county", Role: "district", Scope: testenv.Jurisdiction})
}

func street(code string) context.Context {
	return actor.With(context.Background(), actor.Actor{UserID: 2, Username: "street_" + code, Role: "street", Scope: code})
}

func secretary(id int64, region string) context.Context {
	return actor.With(context.Background(), actor.Actor{UserID: 100 + id, Username: fmt.Sprintf("po%d", id), Role: "party_org", Scope: region, PartyOrgID: id})
}

func (f *fixture) org(t *testing.T, region string) int64 {
	t.Helper()
	f.n++
	name, cat, five := fmt.Sprintf("首页测试企业%d", f.n), "individual_business", 5
	o, err := f.e.App.Orgs.Create(sys(), org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five})
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}

func (f *fixture) partyOrg(t *testing.T, region, kind, term string) int64 {
	t.Helper()
	o := f.org(t, region)
	p, err := f.e.App.Party.Create(sys(), partyorg.Input{Name: fmt.Sprintf("首页测试党组织%d", f.n), Kind: kind, Formation: "single",
		EstablishedOn: "2019-06-01", TermStartedOn: term, Covers: []int64{o}})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func setup(t *testing.T) *fixture {
	f := &fixture{e: testenv.New(t)}
	f.p1 = f.partyOrg(t, testenv.Hongqiao, partyorg.KindCommittee, "2020-01-01")
	f.p2 = f.partyOrg(t, testenv.Hongqiao, "branch", "2025-01-01")
	f.p3 = f.partyOrg(t, testenv.Yuhe, "branch", "2024-01-01")
	f.o4 = f.org(t, testenv.Yuhe)
	w := f.e.App.Work
	for _, in := range []workloop.TaskInput{
		{Title: "T1 街道任务", AssigneeKind: "region", RegionCode: testenv.Hongqiao, Deadline: "2026-11-25"},
		{Title: "T2 玉合党支部任务", AssigneeKind: "party_org", PartyOrgID: f.p3, Deadline: "2026-11-26"},
		{Title: "T3 洪桥党委任务", AssigneeKind: "party_org", PartyOrgID: f.p1, Deadline: "2026-12-31"},
	} {
		if _, err := w.CreateTask(county(), in); err != nil {
			t.Fatal(err)
		}
	}
	n, err := w.CreateNotice(county(), workloop.NoticeInput{Kind: "tip", Title: "11月工作提示", Body: "做好年终总结", Period: "2026-11", RegionCode: testenv.Jurisdiction})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Publish(county(), n.ID); err != nil {
		t.Fatal(err)
	}
	f.e.Clock.Advance(5 * 24 * time.Hour) // 2026-11-28
	return f
}

func card(t *testing.T, p home.Page, kind string) home.Card {
	t.Helper()
	for _, c := range p.Cards {
		if c.Kind == kind {
			return c
		}
	}
	t.Fatalf("no card %s in %v", kind, kinds(p))
	return home.Card{}
}

func kinds(p home.Page) []string {
	out := []string{}
	for _, c := range p.Cards {
		out = append(out, c.Kind)
	}
	sort.Strings(out)
	return out
}

func labels(c home.Card) string {
	out := []string{}
	for _, it := range c.Items {
		out = append(out, it.Label)
	}
	return strings.Join(out, "|")
}

func TestDistrictHome(t *testing.T) {
	f := setup(t)
	p, err := f.e.App.Home.Home(county())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(kinds(p)), "[briefings coverage laggard_streets meeting_laggards overdue_tasks renewals_overdue services_overdue venues_below]"; got != want {
		t.Errorf("kinds %s, want %s", got, want)
	}
	if p.Today != "2026-11-28" {
		t.Errorf("today %s", p.Today)
	}
	if c := card(t, p, home.KindOverdueTasks); c.Count != 2 || c.Severity != home.SevDanger || labels(c) != "T1 街道任务|T2 玉合党支部任务" {
		t.Errorf("overdue tasks %d %s %s", c.Count, c.Severity, labels(c))
	} else if l := c.Items[0].Link; l.Route != "/tasks" || l.Query["tab"] != "overdue" || l.Query["task"] == "" {
		t.Errorf("task link %+v", l)
	}
	if c := card(t, p, home.KindRenewals); c.Count != 1 || len(c.Items) != 1 || c.Items[0].Link.Query["party_org_id"] != fmt.Sprint(f.p1) {
		t.Errorf("renewals %+v", c)
	} else if !strings.Contains(c.Items[0].Detail, "2025-01-01") || !strings.Contains(c.Items[0].Detail, "696 天") {
		// 2025-01-01 → 2026-11-28: 365 + 331 = 696 days.
		t.Errorf("renewal detail %q", c.Items[0].Detail)
	}
	if c := card(t, p, home.KindMeetingLaggards); c.Count != 3 || labels(c) != "洪桥街道|玉合街道" {
		t.Errorf("meeting laggards %d %s", c.Count, labels(c))
	}
	cov := card(t, p, home.KindCoverage)
	if cov.Count != 4 || len(cov.Figures) != 2 || cov.Figures[0].Value != 75 {
		t.Errorf("coverage %+v", cov)
	}
	if lag := card(t, p, home.KindLaggardStreets); lag.Count != 1 || labels(lag) != "玉合街道" {
		t.Errorf("laggard streets %d %s", lag.Count, labels(lag))
	}
	if len(p.Ranking) != 2 || p.Ranking[0].Name != "玉合街道" || p.Ranking[0].OrgRate != 50 || p.Ranking[1].OrgRate != 100 {
		t.Errorf("ranking %+v", p.Ranking)
	}
	if len(p.Trend) != 6 || p.Trend[5].Day != "2026-11-28" || p.Trend[4].Day != "2026-10-31" {
		t.Errorf("trend %+v", p.Trend)
	}
	if c := card(t, p, home.KindBriefings); c.Link.Route != "/briefings" {
		t.Errorf("briefings %+v", c)
	}
	for _, c := range p.Cards {
		if len(c.Items) > home.MaxItems {
			t.Errorf("%s lists %d items", c.Kind, len(c.Items))
		}
	}
}

func TestStreetHomeSeesItsOwnOnly(t *testing.T) {
	f := setup(t)
	p, err := f.e.App.Home.Home(street(testenv.Hongqiao))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(kinds(p)), "[coverage laggard_streets meeting_laggards my_tasks notices_unread overdue_tasks renewals_overdue services_overdue venues_below]"; got != want {
		t.Errorf("kinds %s, want %s", got, want)
	}
	if c := card(t, p, home.KindOverdueTasks); c.Count != 1 || labels(c) != "T1 街道任务" {
		t.Errorf("overdue %d %s", c.Count, labels(c))
	}
	if c := card(t, p, home.KindMyTasks); c.Count != 1 || labels(c) != "T1 街道任务" || c.Items[0].Severity != home.SevDanger {
		t.Errorf("own tasks %+v", c)
	}
	if c := card(t, p, home.KindRenewals); c.Count != 1 {
		t.Errorf("renewals %d", c.Count)
	}
	if c := card(t, p, home.KindMeetingLaggards); c.Count != 2 || labels(c) != "洪桥街道" {
		t.Errorf("laggards %d %s", c.Count, labels(c))
	}
	if c := card(t, p, home.KindNoticesUnread); c.Count != 1 || len(c.Items) != 1 || !strings.Contains(c.Items[0].Detail, "2 个党组织未读") {
		t.Errorf("notices %+v", c)
	}
	if c := card(t, p, home.KindCoverage); c.Count != 2 || c.Figures[0].Value != 100 {
		t.Errorf("coverage %+v", c)
	}
	// Nothing of 玉合 anywhere on 洪桥's page.
	for _, c := range p.Cards {
		for _, it := range c.Items {
			if strings.Contains(it.Label+it.Detail, "玉合") || strings.Contains(it.Label, "T2") {
				t.Errorf("洪桥 sees %s: %+v", c.Kind, it)
			}
		}
	}
	y, err := f.e.App.Home.Home(street(testenv.Yuhe))
	if err != nil {
		t.Fatal(err)
	}
	if c := card(t, y, home.KindOverdueTasks); c.Count != 1 || labels(c) != "T2 玉合党支部任务" {
		t.Errorf("玉合 overdue %d %s", c.Count, labels(c))
	}
	if c := card(t, y, home.KindMyTasks); c.Count != 0 {
		t.Errorf("玉合 own tasks %d", c.Count)
	}
	if c := card(t, y, home.KindRenewals); c.Count != 0 {
		t.Errorf("玉合 renewals %d", c.Count)
	}
	if c := card(t, y, home.KindCoverage); c.Count != 2 || c.Figures[0].Value != 50 {
		t.Errorf("玉合 coverage %+v", c)
	}
}

func TestSecretaryHome(t *testing.T) {
	f := setup(t)
	p, err := f.e.App.Home.Home(secretary(f.p1, testenv.Hongqiao))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(kinds(p)), "[develop_due dues_owed meetings_due my_tasks notices_unread]"; got != want {
		t.Errorf("kinds %s, want %s", got, want)
	}
	if c := card(t, p, home.KindMyTasks); c.Count != 1 || labels(c) != "T3 洪桥党委任务" {
		t.Errorf("tasks %d %s", c.Count, labels(c))
	}
	if c := card(t, p, home.KindNoticesUnread); c.Count != 1 || labels(c) != "11月工作提示" || c.Link.Query["unread"] != "1" {
		t.Errorf("notices %+v", c)
	}
	if c := card(t, p, home.KindMeetingsDue); c.Unit != "次" {
		t.Errorf("a party organization alone counts meetings, got %q", c.Unit)
	}
	if c := card(t, p, home.KindDuesOwed); c.Count != 0 || c.Severity != home.SevOK {
		t.Errorf("dues %+v", c)
	}
	if c := card(t, p, home.KindMeetingsDue); c.Count == 0 || c.Items[0].Link.Query["party_org_id"] != fmt.Sprint(f.p1) {
		// A 党委 with no meeting recorded this year owes at least its 党员大会 and 党课.
		t.Errorf("meetings due %+v", c)
	}
	// Opening the notice clears it from the card.
	list, _, err := f.e.App.Work.ListNotices(secretary(f.p1, testenv.Hongqiao), workloop.NoticeFilter{Unread: true, Page: 1, PageSize: 5})
	if err != nil || len(list) != 1 {
		t.Fatal(err, len(list))
	}
	if _, err := f.e.App.Work.MarkRead(secretary(f.p1, testenv.Hongqiao), list[0].ID); err != nil {
		t.Fatal(err)
	}
	if p, err = f.e.App.Home.Home(secretary(f.p1, testenv.Hongqiao)); err != nil {
		t.Fatal(err)
	}
	if c := card(t, p, home.KindNoticesUnread); c.Count != 0 || c.Severity != home.SevOK {
		t.Errorf("after reading %+v", c)
	}
}

// TestSecretaryOfACommittee: a 党委 with a branch under it (neither has held
// anything) counts the party organizations that owe meetings, its own first.
func TestSecretaryOfACommittee(t *testing.T) {
	f := setup(t)
	o := f.org(t, testenv.Hongqiao)
	child, err := f.e.App.Party.Create(sys(), partyorg.Input{Name: "首页测试下级党支部", Kind: "branch", Formation: "single", ParentID: &f.p1,
		EstablishedOn: "2019-06-01", TermStartedOn: "2025-01-01", Covers: []int64{o}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.e.App.Home.Home(secretary(f.p1, testenv.Hongqiao))
	if err != nil {
		t.Fatal(err)
	}
	c := card(t, p, home.KindMeetingsDue)
	if c.Count != 2 || c.Unit != "个党组织" || len(c.Items) != 2 {
		t.Fatalf("meetings due %+v", c)
	}
	if c.Items[0].Link.Query["party_org_id"] != fmt.Sprint(f.p1) || c.Items[1].Link.Query["party_org_id"] != fmt.Sprint(child.ID) {
		t.Errorf("own party organization first: %+v", c.Items)
	}
}

func TestInstructorHome(t *testing.T) {
	f := setup(t)
	name, full, region := "首页指导员", false, testenv.Jurisdiction
	in, err := f.e.App.Instr.Create(sys(), instructor.Input{Name: &name, FullTime: &full, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	// Assigned to 企业4 on 2026-10-01 (兼职: every 3 months → due 2027-01-01,
	// not yet) and to 企业1 on 2026-01-01 (due 2026-04-01, 241 days late).
	o1 := f.orgOf(t, f.p1)
	if _, err := f.e.App.Instr.Assign(sys(), in.ID, f.o4, "2026-10-01", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.App.Instr.Assign(sys(), in.ID, o1, "2026-01-01", ""); err != nil {
		t.Fatal(err)
	}
	ctx := actor.With(context.Background(), actor.Actor{UserID: 9, Username: "instr", Role: "instructor", InstructorID: in.ID})
	p, err := f.e.App.Home.Home(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(kinds(p)); got != "[assigned_orgs visits_due]" {
		t.Errorf("kinds %s", got)
	}
	if c := card(t, p, home.KindAssignedOrgs); c.Count != 2 {
		t.Errorf("assigned %+v", c)
	}
	if c := card(t, p, home.KindVisitsDue); c.Count != 1 || !strings.Contains(c.Items[0].Detail, "241 天") {
		// 2026-04-01 → 2026-11-28: 30+31+30+31+31+30+31 (to 11-01) + 27 = 241 days.
		t.Errorf("visits due %+v", c)
	}
}

func (f *fixture) orgOf(t *testing.T, partyOrgID int64) int64 {
	t.Helper()
	var id int64
	if err := f.e.App.DB.QueryRow(sys(), f.e.App.DB, `SELECT organization_id FROM party_org_covers WHERE party_org_id = ?`, partyOrgID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestOtherRolesGetLinks(t *testing.T) {
	f := setup(t)
	for _, role := range []string{"readonly", "audit_admin", "none"} {
		ctx := actor.With(context.Background(), actor.Actor{UserID: 7, Username: role, Role: role, Scope: testenv.Jurisdiction})
		p, err := f.e.App.Home.Home(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(kinds(p)); got != "[links]" || len(p.Cards[0].Items) == 0 {
			t.Errorf("%s: %s", role, got)
		}
	}
}

// A 党小组 has no term to renew: one set up under P2 on 2019-06-01 (so its
// own "term" would have ended 2022-06-01) leaves the 换届超期 card at P1
// alone, and is no 三会一课 laggard either (still 3).
func TestGroupIsNoOverdueRenewal(t *testing.T) {
	f := setup(t)
	p2 := f.p2
	if _, err := f.e.App.Party.Create(sys(), partyorg.Input{Name: "首页测试党小组", Kind: partyorg.KindGroup, ParentID: &p2, EstablishedOn: "2019-06-01"}); err != nil {
		t.Fatal(err)
	}
	p, err := f.e.App.Home.Home(county())
	if err != nil {
		t.Fatal(err)
	}
	if c := card(t, p, home.KindRenewals); c.Count != 1 || len(c.Items) != 1 || c.Items[0].Link.Query["party_org_id"] != fmt.Sprint(f.p1) {
		t.Errorf("renewals with a 党小组: %+v", c)
	}
	if c := card(t, p, home.KindMeetingLaggards); c.Count != 3 {
		t.Errorf("meeting laggards with a 党小组: %d", c.Count)
	}
}
