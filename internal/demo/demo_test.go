package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"liangxin/internal/venue"
	"liangxin/internal/volunteer"
	"log/slog"
	"strings"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/app"
	"liangxin/internal/apperr"
	"liangxin/internal/assess"
	"liangxin/internal/config"
	"liangxin/internal/coverspan"
	"liangxin/internal/dues"
	"liangxin/internal/funds"
	"liangxin/internal/meeting"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/racetest"
	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// clock is 2026-11-23 17:00 in 祁东 (09:00 UTC).
var clock = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func newApp(t *testing.T) *app.App {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	db := storetest.Open(t)
	prot, err := app.OpenKey(context.Background(), cfg, db)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return clock }, prot)
	if _, err := a.EnsureJurisdiction(context.Background(), DefaultJurisdiction); err != nil {
		t.Fatal(err)
	}
	return a
}

// ledger renders what a database holds, for comparing two loads.
func ledger(t *testing.T, a *app.App) string {
	t.Helper()
	sys := actor.System(context.Background(), "test")
	var b strings.Builder
	err := a.Orgs.Each(sys, org.Filter{}, func(o org.Organization) error {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%d|%d|%v|%v|%v\n", o.Name, o.USCC, o.RegionCode, o.Industry, o.Employees, o.FullMembers, o.Tags, deref(o.RegisteredOn), deref(o.ClosedOn))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ps, _, err := a.Party.List(sys, partyorg.Filter{PageSize: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%s|%s|%v|%d\n", p.Name, p.Kind, p.Formation, p.ParentName, p.EstablishedOn, p.TermStartedOn, deref(p.DissolvedOn), len(p.Covers))
	}
	// The 发展党员 pipeline: every person's steps and days.
	rows, err := a.DB.QueryContext(context.Background(), `SELECT p.name, p.stage, s.step, s.done_on FROM dev_steps s
		JOIN dev_people p ON p.id = s.person_id ORDER BY p.id, s.step, s.done_on`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, stage, on string
		var step int
		if err := rows.Scan(&name, &stage, &step, &on); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s|%s|%d|%s\n", name, stage, step, on)
	}
	return b.String()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestDemo loads the demo once (seed 7 on the clock's day) and runs the
// tests that read it: the load takes a while, more under the race detector.
func TestDemo(t *testing.T) {
	if racetest.Enabled {
		// The load is sequential service calls; under the race detector the
		// transpiled SQLite runs about twenty times slower and the load took
		// five minutes of CI. The SQLite and PostgreSQL runs load it in full.
		t.Skip("the demo load is sequential: it runs in the SQLite and PostgreSQL suites, not under the race detector")
	}
	a := newApp(t)
	start := time.Now()
	sum, err := Load(context.Background(), a, Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded in %s", time.Since(start).Round(time.Millisecond))
	t.Run("WritesThePlanThroughTheServices", func(t *testing.T) { testWritesThePlan(t, a, sum) })
	t.Run("TellsTheSeedsStory", func(t *testing.T) { testSeedStory(t, a, sum) })
	t.Run("ServesRequests", func(t *testing.T) { testServices(t, a, sum) })
	t.Run("HasWishes", func(t *testing.T) { testWishes(t, a, sum) })
	t.Run("HasVolunteering", func(t *testing.T) { testVolunteering(t, a) })
	t.Run("IsDeterministic", func(t *testing.T) { testDeterministic(t, a) })
	t.Run("DangtongTablesAgreeWithCoverage", func(t *testing.T) { testDangtongAgrees(t, a, sum) })
	t.Run("HasVenues", func(t *testing.T) { testVenues(t, a, sum) })
	t.Run("IssuesTwoBriefings", func(t *testing.T) { testBriefings(t, a) })
	t.Run("ListsPastTheCapSayCapped", func(t *testing.T) { testListsPastTheCap(t, a, sum) })
	// Last: the rebuild corrects what it finds.
	t.Run("CoverageCountsEqualARebuild", func(t *testing.T) { testCountsEqualRebuild(t, a) })
}

// testCountsEqualRebuild: the coverage counts the demo's writers kept in step
// equal a rebuild from the ledger (what `liangxin coverage-rebuild` checks
// after `liangxin demo` in internal/cli; here on both databases, on the load
// this test made).
func testCountsEqualRebuild(t *testing.T, a *app.App) {
	res, err := coverspan.RebuildAndCompare(context.Background(), a.DB)
	if err != nil {
		t.Fatal(err)
	}
	if res.Before == 0 || res.Before != res.After || res.Differ != 0 {
		t.Fatalf("coverage counts after the demo: %d rows kept, %d rebuilt, %d differ", res.Before, res.After, res.Differ)
	}
}

// testDangtongAgrees: on the demo, tables 27 and 30 agree with the coverage
// report for the county and each street, today and at the year start, and
// table 43 counts the members marked 失联.
func testDangtongAgrees(t *testing.T, a *app.App, sum *Summary) {
	ctx := actor.System(context.Background(), "test")
	for _, d := range []string{sum.YearStart, sum.Today} {
		for _, code := range []string{"430426", "430426001", "430426002"} {
			chk, err := a.Dangtong.Check(ctx, code, d)
			if err != nil {
				t.Fatal(err)
			}
			if !chk.OK {
				t.Errorf("%s %s: tables disagree with coverage: %+v", code, d, chk.Lines)
			}
			if code == "430426" && chk.Lines[0].Tables == 0 {
				t.Errorf("%s %s: table 27 counts no unit", code, d)
			}
		}
	}
	t43, err := a.Dangtong.Get(ctx, "43", "430426", sum.Today)
	if err != nil {
		t.Fatal(err)
	}
	if want := count(t, a, `SELECT COUNT(*) FROM members WHERE lost_since IS NOT NULL AND status = 'active'`); want == 0 || t43.Rows[0].Cells[0] != want {
		t.Errorf("table 43 counts %d lost members, the roster marks %d", t43.Rows[0].Cells[0], want)
	}
}

// testServices pins the year of 订单式服务 (counted by hand from
// services.go): 26 solved in the 商圈 (two after a reopen), four still open
// there on 2026-11-23 — received 10-24 (政策咨询, due 10-30) and transferred
// to the 人社局 on 11-08 (融资需求, due 11-20) are overdue; handled since 11-19
// and transferred 11-21 are not — eight solved elsewhere in 洪桥街道, two
// 政企对话 that raised five requests, and handler1 with two in its inbox.
func testServices(t *testing.T, a *app.App, sum *Summary) {
	if sum.ServiceRequests != 38 || sum.Dialogues != 2 {
		t.Errorf("%d requests, %d dialogues, want 38 and 2", sum.ServiceRequests, sum.Dialogues)
	}
	hub := `(SELECT code FROM regions WHERE kind = 'business_district')`
	for q, want := range map[string]int{
		`SELECT COUNT(*) FROM service_requests WHERE state = 'closed' AND region_code IN ` + hub:                                                                  26,
		`SELECT COUNT(*) FROM service_requests WHERE state IN ('received', 'handling', 'transferred') AND region_code IN ` + hub:                                  4,
		`SELECT COUNT(*) FROM service_requests WHERE state = 'closed' AND region_code NOT IN ` + hub:                                                              8,
		`SELECT COUNT(*) FROM service_requests WHERE reopen_count = 1`:                                                                                            2,
		`SELECT COUNT(*) FROM service_requests WHERE state IN ('received', 'handling', 'transferred') AND due_on < '2026-11-23'`:                                  2,
		`SELECT COUNT(*) FROM service_requests WHERE origin_kind = 'dialogue'`:                                                                                    5,
		`SELECT COUNT(*) FROM service_requests WHERE source = 'dialogue'`:                                                                                         5,
		`SELECT COUNT(*) FROM service_dialogues`:                                                                                                                  2,
		`SELECT COUNT(*) FROM service_handler_units`:                                                                                                              4,
		`SELECT COUNT(*) FROM service_requests r JOIN users u ON u.handler_unit_id = r.handler_unit_id WHERE u.username = 'handler1' AND r.state = 'transferred'`: 2,
	} {
		if n := count(t, a, q); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
}

// testWishes pins the 商圈's year of 微心愿 (counted by hand from
// wishes.go, today 2026-11-23): 13 posted by 洪桥商圈党委 in the 商圈; six
// confirmed (posted 330, 280, 230, 180, 130 and 80 days ago, each with a
// note and one photo, the one of 180 days ago claimed by 金融大厦楼宇党支部,
// the other five by five different members); one cancelled (100 days ago);
// the one of 60 days ago claimed 50 days ago, due 35 days ago, lapsed back
// to open by the next write (one lapse event); two claimed 6 and 4 days
// ago, due 2026-12-02 and 12-04, in progress; three open since — so four
// open on the board with the lapsed one.
func testWishes(t *testing.T, a *app.App, sum *Summary) {
	if sum.Wishes != 13 {
		t.Errorf("%d wishes, want 13", sum.Wishes)
	}
	hub := `(SELECT code FROM regions WHERE kind = 'business_district')`
	for q, want := range map[string]int{
		`SELECT COUNT(*) FROM wishes WHERE region_code IN ` + hub:                                                  13,
		`SELECT COUNT(*) FROM wishes w JOIN party_orgs p ON p.id = w.poster_party_org_id WHERE p.name = '洪桥商圈党委'`:  13,
		`SELECT COUNT(*) FROM wishes WHERE state = 'confirmed' AND fulfil_note <> '' AND confirmed_on IS NOT NULL`: 6,
		`SELECT COUNT(*) FROM wish_photos`: 6,
		`SELECT COUNT(*) FROM wishes w JOIN party_orgs p ON p.id = w.claimant_party_org_id WHERE p.name = '金融大厦楼宇党支部' AND w.state = 'confirmed'`: 1,
		`SELECT COUNT(DISTINCT claimant_member_id) FROM wishes WHERE state IN ('confirmed', 'claimed')`:                                          7,
		`SELECT COUNT(*) FROM wishes WHERE state = 'claimed' AND claim_due_on IN ('2026-12-02', '2026-12-04')`:                                   2,
		`SELECT COUNT(*) FROM wishes WHERE state = 'open' AND claimant_member_id IS NULL AND claimant_party_org_id IS NULL`:                      4,
		`SELECT COUNT(*) FROM wishes WHERE state = 'cancelled' AND cancel_reason <> ''`:                                                          1,
		`SELECT COUNT(*) FROM wish_events WHERE action = 'lapse' AND to_state = 'open'`:                                                          1,
	} {
		if n := count(t, a, q); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
}

func count(t *testing.T, a *app.App, q string, args ...any) int {
	t.Helper()
	var n int
	if err := a.DB.QueryRow(context.Background(), a.DB, q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func testWritesThePlan(t *testing.T, a *app.App, sum *Summary) {
	ctx := context.Background()
	var out strings.Builder
	sum.Print(&out)
	t.Log("\n" + out.String())
	// Pin (issue 22): the demo instructor account is bound to a record guiding two or more units.
	if n := count(t, a, `SELECT COUNT(*) FROM users u WHERE u.username = 'instructor1' AND (SELECT COUNT(*) FROM instructor_assignments x WHERE x.instructor_id = u.instructor_id) >= 2`); n != 1 {
		t.Errorf("instructor1 bound to a record guiding two or more units: %d", n)
	}
	if sum.Today != "2026-11-23" || sum.YearStart != "2026-01-01" {
		t.Fatalf("today %s, year start %s", sum.Today, sum.YearStart)
	}
	testInstructorAccounts(t, a)
	testDemoFunds(t, a)
	// The database counts what the plan simulates: dates went in unchanged.
	p := makePlan(7, date(2026, 11, 23), testGeo(t), DefaultOrgs)
	c0, t0 := simulate(p, p.YearStart)
	c1, t1 := simulate(p, p.Today)
	if sum.Before.OrgCovered != c0 || sum.Before.Total != t0 || sum.Now.OrgCovered != c1 || sum.Now.Total != t1 {
		t.Errorf("coverage %d/%d → %d/%d, plan says %d/%d → %d/%d", sum.Before.OrgCovered, sum.Before.Total,
			sum.Now.OrgCovered, sum.Now.Total, c0, t0, c1, t1)
	}
	if len(sum.Trend) != 12 || sum.Trend[11].AsOf != sum.Today || sum.Trend[11].OrgRate <= sum.Trend[0].OrgRate {
		t.Errorf("trend %+v", sum.Trend)
	}
	if sum.Overdue != 2 || sum.DueSoon < 2 || sum.Dissolved != 1 || sum.Closed != 2 {
		t.Errorf("overdue %d, due %d, dissolved %d, closed %d", sum.Overdue, sum.DueSoon, sum.Dissolved, sum.Closed)
	}
	// Every write went through the services and left an audit entry.
	if n, want := count(t, a, `SELECT COUNT(*) FROM audit_log WHERE username = 'demo'`), sum.Organizations+sum.PartyOrgs+sum.Instructors+sum.Assignments+sum.Visits; n < want {
		t.Errorf("%d audit entries by demo, want at least %d", n, want)
	}
	members := count(t, a, `SELECT COUNT(*) FROM members`)
	masked := count(t, a, `SELECT COUNT(*) FROM members WHERE id_number_mask LIKE '430426%' AND id_number_enc NOT LIKE '430426%'`)
	pairs := count(t, a, `SELECT COUNT(*) FROM assess_pairs`)
	candidates := count(t, a, `SELECT COUNT(*) FROM dev_people WHERE stage = 'candidate'`)
	if members < 300 || masked != members || pairs != 2 || candidates < 20 {
		t.Errorf("members %d (masked %d), pairs %d, 发展对象 %d", members, masked, pairs, candidates)
	}
	// A second load is refused, in Chinese.
	if _, err := Load(ctx, a, Options{Seed: 7}); !apperr.IsKind(err, apperr.KindConflict) || !strings.Contains(err.Error(), "空台账") {
		t.Fatalf("second load: %v", err)
	}
}

// TestDemoTellsTheSeedsStory pins the figures of 祁东县's report (seed 001,
// /work/shared/seeds): the expected numbers are the report's, not computed
// from the plan. The year runs from 1 January of the demo's year to today
// (the clock's day, 2026-11-23): the report, written in October, counts
// "今年以来" up to the day it is read.
func testSeedStory(t *testing.T, a *app.App, sum *Summary) {
	sys := actor.System(context.Background(), "test")
	// 覆盖全县425个非公企业、186个社会组织.
	if sum.Organizations != 611 || sum.Economic != 425 || sum.Social != 186 {
		t.Errorf("units %d = %d enterprises + %d social organizations, want 611 = 425 + 186", sum.Organizations, sum.Economic, sum.Social)
	}
	// 覆盖率从年初的28.57%提升至82.43%, as the product's coverage service counts it.
	start, end := fmt.Sprintf("%.2f%%", 100*sum.Before.OrgRate), fmt.Sprintf("%.2f%%", 100*sum.Now.OrgRate)
	if sum.Before.AsOf != "2026-01-01" || start != "28.57%" || end != "82.43%" {
		t.Errorf("coverage %s on %s → %s on %s, want 28.57%% on 2026-01-01 → 82.43%%", start, sum.Before.AsOf, end, sum.Now.AsOf)
	}
	// 党的工作已实现全覆盖: 225 名党建指导员 reaching every unit.
	if sum.Instructors != 225 || sum.Now.WorkCovered != sum.Now.Total {
		t.Errorf("%d instructors, work coverage %d/%d", sum.Instructors, sum.Now.WorkCovered, sum.Now.Total)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM organizations o WHERE o.closed_on IS NULL AND NOT EXISTS (SELECT 1 FROM instructor_assignments x
		WHERE x.organization_id = o.id AND x.from_on <= ? AND (x.to_on IS NULL OR x.to_on > ?))`, sum.Today, sum.Today); n != 0 {
		t.Errorf("%d operating units reached by no instructor", n)
	}
	// 单建26个、联建62个，共新建88个，覆盖非公企业282家、社会组织48个; 14个综合党委.
	sectors := map[int64]string{}
	if err := a.Orgs.Each(sys, org.Filter{}, func(o org.Organization) error { sectors[o.ID] = o.Sector; return nil }); err != nil {
		t.Fatal(err)
	}
	var ps []partyorg.PartyOrg
	for page := 1; ; page++ {
		got, total, err := a.Party.List(sys, partyorg.Filter{Page: page, PageSize: 100})
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, got...)
		if len(got) == 0 || len(ps) >= total.Ceiling() {
			break
		}
	}
	forms, covered, towns := map[string]int{}, map[string]int{}, 0
	for _, p := range ps {
		if strings.HasSuffix(p.Name, "两新组织综合党委") && p.Kind == partyorg.KindCommittee && len(p.RegionCode) == 9 {
			towns++
		}
		if p.EstablishedOn < sum.YearStart || p.EstablishedOn > sum.Today {
			continue
		}
		forms[p.Formation]++
		full, err := a.Party.Get(sys, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range full.Covers {
			covered[sectors[c.OrganizationID]]++
		}
	}
	if len(ps) < 150 || forms[partyorg.FormationSingle] != 26 || forms[partyorg.FormationJoint] != 62 || len(forms) != 2 {
		t.Errorf("new party organizations in the year %v, want 26 单建 + 62 联建", forms)
	}
	if covered[org.SectorEconomic] != 282 || covered[org.SectorSocial] != 48 {
		t.Errorf("the new ones cover %v, want 282 enterprises + 48 social organizations", covered)
	}
	if towns != 14 {
		t.Errorf("%d 街道（乡镇）两新组织综合党委, want 14", towns)
	}
	// 五星级党支部7个、四星级10个、三星级25个.
	stars := map[int]int{}
	rows, err := a.DB.QueryContext(context.Background(), `SELECT stars, COUNT(*) FROM assess_results x JOIN assess_rounds r ON r.id = x.round_id
		WHERE r.status = 'closed' GROUP BY stars`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s, n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		stars[s] = n
	}
	rows.Close()
	if stars[5] != 7 || stars[4] != 10 || stars[3] != 25 || stars[2]+stars[1] < 50 {
		t.Errorf("stars %v, want 五星 7, 四星 10, 三星 25, the others lower", stars)
	}
	// Rosters: 学历 and 民族 for everyone, ages of working people; every
	// branch's 书记 on its roster.
	if n := count(t, a, `SELECT COUNT(*) FROM members WHERE education IS NULL OR education = '' OR ethnicity IS NULL OR ethnicity = ''`); n != 0 {
		t.Errorf("%d members without 学历 or 民族", n)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM members WHERE birth_date > ? OR birth_date < ?`, "2002-11-23", "1961-01-01"); n != 0 {
		t.Errorf("%d members younger than 24 or older than 65", n)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM committee_members c JOIN party_orgs p ON p.id = c.party_org_id
		WHERE c.role = ? AND c.to_on IS NULL AND p.kind = ? AND (c.member_id IS NULL OR NOT EXISTS
		(SELECT 1 FROM members m WHERE m.id = c.member_id AND m.party_org_id = c.party_org_id))`, meeting.RoleSecretary, partyorg.KindBranch); n != 0 {
		t.Errorf("%d branch 书记 not on their branch's roster", n)
	}
	testPipeline(t, a, sum)
	if n := count(t, a, `SELECT COUNT(*) FROM members WHERE category = 'probationary' AND status = 'active'`); n < 10 {
		t.Errorf("%d 预备党员 on the rosters", n)
	}
	// A year of 党费: every member has a base; a few are truly in arrears.
	members := count(t, a, `SELECT COUNT(*) FROM members WHERE status = 'active'`)
	fresh := count(t, a, `SELECT COUNT(*) FROM members WHERE status = 'active' AND party_org_id =
		(SELECT id FROM party_orgs WHERE kind = 'branch' ORDER BY established_on DESC, id DESC LIMIT 1)`)
	if n := count(t, a, `SELECT COUNT(*) FROM dues_bases WHERE year = 2026`); n < members-fresh-4 || n > members-fresh+4 || fresh == 0 {
		t.Errorf("%d dues bases for %d members (%d in the branch set up last, without)", n, members, fresh)
	}
	arrears, err := a.Dues.Arrears(sys, dues.ArrearsFilter{AsOf: "2026-11", FlaggedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(arrears) == 0 || len(arrears)*50 > members {
		t.Errorf("%d of %d members flagged 连续6个月未交", len(arrears), members)
	}
	// Transfers (internal, in transit, 口袋党员), 流动党员 and honours.
	for q, want := range map[string]int{
		`SELECT COUNT(*) FROM transfers WHERE kind = 'internal' AND status IN ('accepted', 'completed')`: 6,
		`SELECT COUNT(*) FROM transfers WHERE kind = 'internal' AND status = 'issued'`:                   2,
		`SELECT COUNT(*) FROM transfers WHERE kind = 'out_to_outside' AND valid_until < '2026-11-23'`:    2,
		`SELECT COUNT(*) FROM assess_honours WHERE status = 'awarded' AND subject = 'member'`:            16,
		`SELECT COUNT(*) FROM assess_honours WHERE status = 'awarded' AND subject = 'party_org'`:         4,
		// The work loop (issue 16): 工作提示 January–November, 学习清单 Q1–Q4,
		// six tasks of which two are overdue (open past the deadline), one
		// waits for 销号, one was sent back, one is closed; one plan.
		`SELECT COUNT(*) FROM notices WHERE kind = 'tip' AND state = 'published'`:        11,
		`SELECT COUNT(*) FROM notices WHERE kind = 'study' AND state = 'published'`:      4,
		`SELECT COUNT(*) FROM notice_items`:                                              12,
		`SELECT COUNT(*) FROM tasks`:                                                     7, // 6 of the work loop, 1 from a 联席会议 decision
		`SELECT COUNT(*) FROM tasks WHERE origin_kind = 'joint_meeting'`:                 1,
		`SELECT COUNT(*) FROM cobuild_alliances`:                                         1,
		`SELECT COUNT(*) FROM cobuild_meetings`:                                          3,
		`SELECT COUNT(*) FROM cobuild_projects`:                                          2,
		`SELECT COUNT(*) FROM cobuild_reports WHERE kind = 'unit'`:                       7,
		`SELECT COUNT(*) FROM cobuild_ratings`:                                           6,
		`SELECT COUNT(*) FROM tasks WHERE state <> 'closed' AND deadline < '2026-11-23'`: 2,
		`SELECT COUNT(*) FROM tasks WHERE state = 'requested'`:                           1,
		`SELECT COUNT(*) FROM tasks WHERE state = 'returned'`:                            1,
		`SELECT COUNT(*) FROM tasks WHERE state = 'closed'`:                              1,
		`SELECT COUNT(*) FROM supervision_findings`:                                      2,
	} {
		if n := count(t, a, q); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
	// Partial receipts: this month's 工作提示 is read by some, January's by more.
	readOf := func(period string) (read, all int) {
		return count(t, a, `SELECT COUNT(r.read_at) FROM notice_recipients r JOIN notices n ON n.id = r.notice_id WHERE n.period = ?`, period),
			count(t, a, `SELECT COUNT(*) FROM notice_recipients r JOIN notices n ON n.id = r.notice_id WHERE n.period = ?`, period)
	}
	nowRead, nowAll := readOf("2026-11")
	janRead, janAll := readOf("2026-01")
	if nowRead == 0 || nowRead >= nowAll || janRead <= nowRead || janRead >= janAll {
		t.Errorf("receipts: November %d of %d, January %d of %d", nowRead, nowAll, janRead, janAll)
	}
	mobile, err := a.Members.MobileMembers(sys, member.MobileFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(mobile) < 6 {
		t.Errorf("%d 流动党员", len(mobile))
	}
	// 软弱涣散: a realistic few (at most one party organization in ten).
	rep, err := a.Assess.Signals(sys, assess.SignalFilter{RegionCode: DefaultJurisdiction, AsOf: sum.Today})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, it := range rep.Items {
		for _, sg := range it.Signals {
			kinds[sg.Code]++
		}
	}
	t.Logf("%d of %d party organizations show 软弱涣散 signals: %v", len(rep.Items), len(ps), kinds)
	if weak := len(rep.Items); weak == 0 || weak*10 > len(ps) {
		t.Errorf("%d of %d party organizations show 软弱涣散 signals", weak, len(ps))
	}
	// 有章程的两新组织100%党建入章.
	if n := count(t, a, `SELECT COUNT(*) FROM organizations WHERE has_charter = ? AND charter_has_party <> ?`, true, true); n != 0 {
		t.Errorf("%d units with a charter without 党建入章", n)
	}
}

// testDeterministic loads the same seed on the same day into a second
// database and compares the ledgers.
func testDeterministic(t *testing.T, a *app.App) {
	if testing.Short() || racetest.Enabled {
		t.Skip("loads a second time (too slow under the race detector, which the other demo tests cover)")
	}
	// A second whole load took minutes of CI's PostgreSQL run; the loader
	// writes through the same services on both databases, and the SQLite run
	// compares the two ledgers.
	storetest.SQLiteOnlyInCI(t, "the second whole demo load (determinism of the seed) runs in the SQLite run")
	b := newApp(t)
	if _, err := Load(context.Background(), b, Options{Seed: 7}); err != nil {
		t.Fatal(err)
	}
	la, lb := ledger(t, a), ledger(t, b)
	if la != lb {
		t.Fatal("the same seed on the same day gave two different ledgers")
	}
	for _, name := range []string{"洪桥商圈党委", "金融大厦楼宇党支部", "快递物流行业党总支", "洪桥街道两新组织综合党委"} {
		if !strings.Contains(la, name) {
			t.Errorf("the network lacks %s:\n%.2000s", name, la)
		}
	}
}

// testPipeline pins the 发展党员 pipeline of the demo's year: people in every
// stage, admissions within the year, 转正 a year after admission, and the
// rules of the 25 steps visible in the records (the develop service refused
// anything else while loading; these read what it kept).
func testPipeline(t *testing.T, a *app.App, sum *Summary) {
	// The plan (assess.go): a person in each branch older than two years
	// but one in twelve, by the roll 3 of 12 转正, 3 of 12 预备党员, 6 of 12
	// 发展对象; half of them with a second, earlier person; newer branches
	// with applicants and 积极分子. The demo has about a hundred branches
	// older than two years, so each stage holds well over ten people.
	stages := map[string]int{}
	rows, err := a.DB.QueryContext(context.Background(), `SELECT stage, COUNT(*) FROM dev_people GROUP BY stage`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			t.Fatal(err)
		}
		stages[st] = n
	}
	rows.Close()
	t.Logf("发展党员 by stage: %v", stages)
	if fmt.Sprint(stages) != fmt.Sprint(sum.Development) {
		t.Errorf("the summary says %v by stage, the database %v", sum.Development, stages)
	}
	for _, st := range []string{"applicant", "activist", "candidate", "probationary", "full"} {
		if stages[st] < 10 {
			t.Errorf("%d people in stage %s, want at least 10 in every stage (%v)", stages[st], st, stages)
		}
	}
	// Every admission made a roster member: 预备党员 on the roster as
	// such from the branch meeting ⑮, the 转正 ones full members from the
	// end of the probation.
	if n := count(t, a, `SELECT COUNT(*) FROM dev_people p WHERE p.stage IN ('probationary', 'full') AND NOT EXISTS (SELECT 1 FROM members m
		WHERE m.id = p.member_id AND m.status = 'active' AND m.joined_on = (SELECT done_on FROM dev_steps s WHERE s.person_id = p.id AND s.step = 15)
		AND ((p.stage = 'probationary' AND m.category = 'probationary') OR (p.stage = 'full' AND m.category = 'full' AND m.confirmed_on = p.probation_ends_on)))`); n != 0 {
		t.Errorf("%d admitted people without their roster member", n)
	}
	// The plan's dates: a 预备党员's ⑦ was 5–11 months ago and ⑰ follows
	// it by 110–150 days, so every 预备党员 was admitted within the year;
	// a 转正 one's ⑦ was 20–21 months ago, so ⑰ fell last year and ㉔ a
	// year later, in this one.
	if n := count(t, a, `SELECT COUNT(*) FROM dev_steps WHERE step = 17 AND done_on >= ?`, sum.YearStart); n != stages["probationary"] {
		t.Errorf("%d admitted (⑰) within the year, want all %d 预备党员", n, stages["probationary"])
	}
	if n := count(t, a, `SELECT COUNT(*) FROM dev_steps WHERE step = 17 AND done_on < ?`, sum.YearStart); n != stages["full"] {
		t.Errorf("%d admitted (⑰) before the year, want the %d 转正 this year", n, stages["full"])
	}
	if n := count(t, a, `SELECT COUNT(*) FROM dev_steps WHERE step = 24 AND done_on >= ?`, sum.YearStart); n != stages["full"] {
		t.Errorf("%d 转正 (㉔) within the year, want all %d", n, stages["full"])
	}
	type step struct {
		person  int64
		n       int
		on      string
		details map[string]any
	}
	rows, err = a.DB.QueryContext(context.Background(), `SELECT person_id, step, done_on, details FROM dev_steps ORDER BY person_id, step, done_on`)
	if err != nil {
		t.Fatal(err)
	}
	byPerson := map[int64][]step{}
	for rows.Next() {
		var st step
		var details string
		if err := rows.Scan(&st.person, &st.n, &st.on, &details); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(details), &st.details); err != nil {
			t.Fatal(err)
		}
		byPerson[st.person] = append(byPerson[st.person], st)
	}
	rows.Close()
	if len(byPerson) != stages["applicant"]+stages["activist"]+stages["candidate"]+stages["probationary"]+stages["full"] {
		t.Fatalf("%d people with steps, stages %v", len(byPerson), stages)
	}
	for id, steps := range byPerson {
		on := map[int]string{}
		var reviews []string
		prev := ""
		for _, st := range steps {
			// Never in the future; in the order of the steps.
			if st.on > sum.Today || st.on < prev {
				t.Errorf("person %d: step %d on %s (today %s, the step before on %s)", id, st.n, st.on, sum.Today, prev)
			}
			prev = st.on
			on[st.n] = st.on
			if st.n == 6 {
				reviews = append(reviews, st.on)
			}
		}
		// ⑦ follows a ⑥ review within the half year before it, and a year of 积极分子.
		if d7, ok := on[7]; ok {
			last := ""
			for _, r := range reviews {
				if r <= d7 && r > last {
					last = r
				}
			}
			if last == "" || last < shiftDate(t, d7, 0, -6) || on[3] > shiftDate(t, d7, -1, 0) {
				t.Errorf("person %d: ⑦ on %s, last ⑥ on %q, ③ on %s", id, d7, last, on[3])
			}
		}
		// ⑨: two introducers, full members.
		for _, st := range steps {
			switch st.n {
			case 9:
				ids, _ := st.details["introducers"].([]any)
				if len(ids) != 2 {
					t.Errorf("person %d: introducers %v", id, st.details)
				}
				for _, x := range ids {
					if n := count(t, a, `SELECT COUNT(*) FROM members WHERE id = ? AND category = 'full'`, int64(x.(float64))); n != 1 {
						t.Errorf("person %d: introducer %v is not a full member", id, x)
					}
				}
			case 11:
				if days, _ := st.details["training_days"].(float64); days < 3 {
					t.Errorf("person %d: training %v", id, st.details)
				}
			case 15, 23:
				due, _ := st.details["voters_due"].(float64)
				yes, _ := st.details["yes"].(float64)
				if yes*2 <= due {
					t.Errorf("person %d: vote of step %d %v", id, st.n, st.details)
				}
			case 16, 24:
				// A 公示 of 5 working days (Monday to Friday) before the
				// step, after ⑦ (for ⑯) or the application ㉒ (for ㉔).
				from, _ := st.details["publicity_from"].(string)
				to, _ := st.details["publicity_to"].(string)
				since := on[7]
				if st.n == 24 {
					since = on[22]
				}
				if from == "" || from < since || to > st.on || to != shiftDate(t, from, 0, 0, 4) || weekday(t, from) != time.Monday {
					t.Errorf("person %d: step %d on %s, 公示 %s to %s (since %s)", id, st.n, st.on, from, to, since)
				}
			case 17:
				if st.on < on[15] || st.on > shiftDate(t, on[15], 0, 3) {
					t.Errorf("person %d: ⑰ on %s, ⑮ on %s", id, st.on, on[15])
				}
			}
		}
		// 转正 a year after admission: ㉓ after the probation of a year from ⑮, ㉔ a year after ⑰.
		if d24, ok := on[24]; ok {
			if on[23] < shiftDate(t, on[15], 1, 0) || d24 < shiftDate(t, on[17], 1, 0) || on[25] < d24 {
				t.Errorf("person %d: ⑮ %s ⑰ %s ㉓ %s ㉔ %s ㉕ %s", id, on[15], on[17], on[23], d24, on[25])
			}
		}
	}
}

// shiftDate moves a YYYY-MM-DD day by years, months and days.
func shiftDate(t *testing.T, d string, years, months int, days ...int) string {
	t.Helper()
	v, err := time.Parse("2006-01-02", d)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if len(days) > 0 {
		n = days[0]
	}
	return v.AddDate(years, months, n).Format("2006-01-02")
}

func weekday(t *testing.T, d string) time.Weekday {
	t.Helper()
	v, err := time.Parse("2006-01-02", d)
	if err != nil {
		t.Fatal(err)
	}
	return v.Weekday()
}

// testInstructorAccounts pins the four instructor accounts (issue 22) and
// the visits accountInstructors gives them, worked out by hand from its rule
// on the seed-7 plan (today 2026-11-23; the k-th account visits on day
// 2+5k, so 2, 7, 12, 17 of the month):
//
//   - instructor1 (k=0): 专职, 3 units. Monthly from 2025-11-02 to 2026-11-02
//     = 13 visits on each of the first two units; the last unit lapsed after
//     9 (2025-11-02 … 2026-07-02). 13+13+9 = 35 visits. That unit was due on
//     2026-08-02: 29 (rest of Aug) + 30 + 31 + 23 = 113 days overdue.
//   - instructor2 (k=1): 兼职, 3 units. Quarterly 2025-11-07, 2026-02-07,
//     05-07, 08-07, 11-07 = 5 each on two units, the last lapsed after 2
//     (2025-11-07, 2026-02-07): 5+5+2 = 12. Due 2026-05-07: 24 (rest of May)
//   - 30 + 31 + 31 + 30 + 31 + 23 = 200 days overdue.
//   - instructor3 (k=2): 专职, 2 units: 13+9 = 22; due 2026-08-12:
//     19 + 30 + 31 + 23 = 103 days overdue.
//   - instructor4 (k=3): 专职, 2 units: 13+9 = 22; due 2026-08-17:
//     14 + 30 + 31 + 23 = 98 days overdue.
//
// Each has exactly one overdue unit (its last); the others were visited
// less than a frequency ago. The four are in four different towns.
func testInstructorAccounts(t *testing.T, a *app.App) {
	ctx := actor.System(context.Background(), "test")
	want := []struct {
		user     string
		fullTime bool
		units    int
		visits   int
		overdue  int
		problems int
	}{
		// problems: the visits n ≡ 1 (mod 4) of each unit raise one: of 13
		// (n = 0…12) n = 1, 5, 9 → 3; of 9 (n = 0…8) → 2; of 5 (n = 0…4) and of 2
		// (n = 0, 1) → 1.
		{"instructor1", true, 3, 35, 113, 3 + 3 + 2},
		{"instructor2", false, 3, 12, 200, 1 + 1 + 1},
		{"instructor3", true, 2, 22, 103, 3 + 2},
		{"instructor4", true, 2, 22, 98, 3 + 2},
	}
	towns := map[string]string{}
	for _, w := range want {
		u, err := a.Auth.UserByUsername(ctx, w.user)
		if err != nil || u.InstructorID == nil {
			t.Fatalf("%s: %v, bound to %v", w.user, err, u.InstructorID)
		}
		in, err := a.Instr.Get(ctx, *u.InstructorID)
		if err != nil {
			t.Fatal(err)
		}
		if in.FullTime != w.fullTime || in.Active != w.units {
			t.Errorf("%s: full time %v, %d units; want %v, %d", w.user, in.FullTime, in.Active, w.fullTime, w.units)
		}
		if prev, dup := towns[in.RegionCode[:9]]; dup {
			t.Errorf("%s and %s in the same town %s", prev, w.user, in.RegionCode[:9])
		}
		towns[in.RegionCode[:9]] = w.user
		visits, err := a.Instr.Visits(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		problems, forms := 0, map[string]bool{}
		for _, v := range visits {
			if v.Problems != "" {
				problems++
			}
			forms[v.Form] = true
		}
		if len(visits) != w.visits || problems != w.problems || len(forms) != 4 {
			t.Errorf("%s: %d visits, %d with problems, %d forms; want %d, %d, 4", w.user, len(visits), problems, len(forms), w.visits, w.problems)
		}
		_, due, err := a.Instr.DueVisits(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 1 || due[0].DaysOverdue != w.overdue {
			t.Errorf("%s: due %+v, want one unit %d days overdue", w.user, due, w.overdue)
		}
	}
}

// testVenues pins the demo venues (venues.go) with counts worked out by hand
// for today = 2026-11-23: twelve venues of every kind; 六有 passed by ten, of
// which two failed again a month ago, two never inspected; an activity on the
// 10th of January–November (11 × 12 = 132; participants Σ(10+i+m) over
// i = 0…11, m = 1…11 = 1320 + 726 + 792 = 2838); visitors for January–October
// (Σ(100+20i+5m) over m = 1…10 = 12000 + 13200 + 3300 = 28500); a booking
// every second Wednesday from 2026-01-07 to 2026-12-07 (24 per venue, 288),
// the last of the first venue cancelled (287 confirmed, 120 minutes each).
func testVenues(t *testing.T, a *app.App, sum *Summary) {
	if sum.Venues != 12 {
		t.Fatalf("venues %d, want 12", sum.Venues)
	}
	rep, _, err := a.Venues.VenueReport(actor.System(context.Background(), "test"), 2026, "")
	if err != nil {
		t.Fatal(err)
	}
	want := venue.Tally{Name: "合计", Venues: 12, Met: 8, NotMet: 2, Unchecked: 2, Bookings: 287, BookedMinutes: 287 * 120,
		Activities: 132, Participants: 2838, Visitors: 28500,
		Units: count(t, a, `SELECT COUNT(DISTINCT organization_id) FROM venue_units`)}
	if rep.Total != want {
		t.Errorf("report %+v\nwant   %+v", rep.Total, want)
	}
	kinds := map[string]int{}
	for _, k := range rep.ByKind {
		kinds[k.Code] = k.Venues
	}
	if kinds["service_center"] != 2 || kinds["red_station"] != 4 || kinds["guidance_station"] != 2 || kinds["mobile_member_station"] != 1 ||
		kinds["activity_room"] != 2 || kinds["other"] != 1 {
		t.Errorf("by kind %v", kinds)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM venue_bookings WHERE status = 'cancelled'`); n != 1 {
		t.Errorf("cancelled bookings %d, want 1", n)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM venue_inspections`); n != 12 {
		t.Errorf("inspections %d, want 12", n)
	}
	below, total, err := a.Venues.BelowStandardList(actor.System(context.Background(), "test"), venue.Filter{})
	if err != nil || total != store.Exact(2) || len(below[0].FailedItems)+len(below[1].FailedItems) != 3 {
		t.Errorf("below standard: %v %v", total, err)
	}
	// Served units (servedUnits): every venue serves one to eight operating
	// units (three at most for 红色驿站, 流动党员服务站, 党员活动室); every
	// 党群服务中心 serves at least two.
	list, _, err := a.Venues.List(actor.System(context.Background(), "test"), venue.Filter{PageSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range list {
		small := v.Kind == "red_station" || v.Kind == "mobile_member_station" || v.Kind == "activity_room"
		if v.UnitCount < 1 || v.UnitCount > 8 || (small && v.UnitCount > 3) || (v.Kind == "service_center" && v.UnitCount < 2) {
			t.Errorf("%s serves %d units", v.Name, v.UnitCount)
		}
	}
	if n := count(t, a, `SELECT COUNT(*) FROM venue_units u JOIN organizations o ON o.id = u.organization_id WHERE o.closed_on IS NOT NULL AND o.closed_on <= '2026-11-23'`); n != 0 {
		t.Errorf("%d closed units served", n)
	}
}

// testDemoFunds pins the demo's funds against counts of the ledger taken
// here, by the rules fundsYears states: n25 party organizations (not 党小组)
// existing in 2025 get an allocation and a spending each; of the n26 of 2026
// every second (in id order) gets an allocation, every fourth a spending of
// 1000 元; one 孵化基金 grant, three applications; the books balance.
func testDemoFunds(t *testing.T, a *app.App) {
	t.Helper()
	exist := `SELECT COUNT(*) FROM party_orgs WHERE kind <> 'group' AND established_on <= ? AND (dissolved_on IS NULL OR dissolved_on > ?)`
	n25 := count(t, a, exist, "2025-12-31", "2025-01-01")
	n26 := count(t, a, exist, "2026-12-31", "2026-01-01")
	if n25 < 50 || n26 <= n25 {
		t.Fatalf("party organizations: %d in 2025, %d in 2026", n25, n26)
	}
	for q, want := range map[string]int{
		`SELECT COUNT(*) FROM funds_entitlements WHERE year = 2025`:                    n25,
		`SELECT COUNT(*) FROM funds_entitlements WHERE year = 2026`:                    n26,
		`SELECT COUNT(*) FROM funds_entries WHERE year = 2025 AND kind = 'allocation'`: n25,
		`SELECT COUNT(*) FROM funds_entries WHERE year = 2025 AND kind = 'spending'`:   n25,
		`SELECT COUNT(*) FROM funds_entries WHERE year = 2026 AND kind = 'allocation'`: (n26 + 1) / 2,
		`SELECT COUNT(*) FROM funds_entries WHERE year = 2026 AND kind = 'spending'`:   (n26 + 3) / 4,
		`SELECT COUNT(*) FROM funds_entries WHERE kind = 'grant'`:                      1,
		`SELECT COUNT(*) FROM funds_incubation`:                                        3,
		`SELECT COUNT(*) FROM funds_standards WHERE year IN (2025, 2026)`:              2,
		`SELECT COUNT(*) FROM funds_entries e JOIN funds_entitlements f ON f.party_org_id = e.party_org_id AND f.year = e.year
			WHERE e.kind = 'allocation' AND e.year = 2025 AND e.amount_cents <> f.total_cents / 100 * 100`: 0,
	} {
		if n := count(t, a, q); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
	res, err := funds.Check(context.Background(), a.DB)
	if err != nil || !res.OK() {
		t.Errorf("funds check on the demo: %v %v", res.Problems, err)
	}
}

// testVolunteering: one 党员服务队 of 8–20 (the 商圈's roster, at most 20), 24 past activities and 2 upcoming
// (volunteer.go), confirmed hours and redemptions, and books that balance.
func testVolunteering(t *testing.T, a *app.App) {
	ctx := context.Background()
	for q, want := range map[string]int{
		`SELECT COUNT(*) FROM vol_teams`:                                1,
		`SELECT COUNT(*) FROM vol_activities`:                           26,
		`SELECT COUNT(*) FROM tb_rewards`:                               4,
		`SELECT COUNT(*) FROM tb_redemptions WHERE status = 'reserved'`: 1,
		`SELECT COUNT(*) FROM tb_redemptions WHERE status = 'voided'`:   1,
		`SELECT COUNT(*) FROM vol_hours WHERE source = 'activity'`:      190, // Σ over 24 activities of 6 + i mod 5 = 144 + 4×10 + (0+1+2+3)
	} {
		var n int
		if err := a.DB.QueryRow(ctx, a.DB, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s = %d, want %d", q, n, want)
		}
	}
	var team int
	if err := a.DB.QueryRow(ctx, a.DB, `SELECT COUNT(*) FROM vol_team_members`).Scan(&team); err != nil || team < 8 || team > 20 {
		t.Errorf("team of %d (%v), want 8–20", team, err)
	}
	res, err := volunteer.Check(ctx, a.DB)
	if err != nil || !res.OK() {
		t.Fatalf("time bank check: %+v %v", res, err)
	}
}
