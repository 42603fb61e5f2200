package cobuild_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/cobuild"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/workloop"
	"liangxin/internal/xlsx"
)

// The test clock stands at 2026-11-23 (testenv).
type env struct {
	t   *testing.T
	e   *testenv.Env
	svc *cobuild.Service
	n   int
}

func setup(t *testing.T) *env {
	e := testenv.New(t)
	return &env{t: t, e: e, svc: e.App.Cobuild}
}

func sys() context.Context { return actor.System(context.Background(), "test") }

func street(code string) context.Context {
	return actor.With(context.Background(), actor.Actor{UserID: 2, Username: "street_" + code, Role: "street", Scope: code})
}

// communities returns the first two 社区/村 under a street.
func (v *env) communities(streetCode string) (string, string) {
	v.t.Helper()
	rows, err := v.e.App.DB.Query(sys(), v.e.App.DB, `SELECT code FROM regions WHERE parent_code = ? AND level = 5 ORDER BY code LIMIT 2`, streetCode)
	if err != nil {
		v.t.Fatal(err)
	}
	defer rows.Close()
	var cs []string
	for rows.Next() {
		var c string
		rows.Scan(&c)
		cs = append(cs, c)
	}
	if len(cs) < 2 {
		v.t.Fatalf("street %s has %d communities", streetCode, len(cs))
	}
	return cs[0], cs[1]
}

func (v *env) unit(region string) cobuild.Unit {
	v.t.Helper()
	v.n++
	u, err := v.svc.CreateUnit(sys(), cobuild.UnitInput{Kind: "institution", Name: fmt.Sprintf("单位%d", v.n), RegionCode: region, ContactName: "刘主任", ContactPhone: "13907340001"})
	if err != nil {
		v.t.Fatal(err)
	}
	return u
}

// must stops the test on an error (a panic: the fixtures are not the subject).
func must[T any](x T, err error) T {
	if err != nil {
		panic(err)
	}
	return x
}

func wantInvalid(t *testing.T, err error, field, contains string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.KindInvalid {
		t.Fatalf("got %v, want a validation error on %s", err, field)
	}
	if !strings.Contains(e.Fields[field], contains) {
		t.Errorf("field %s: %q (all %v), want %q", field, e.Fields[field], e.Fields, contains)
	}
}

func TestUnitPhoneSealedMaskedAndRevealAudited(t *testing.T) {
	v := setup(t)
	u := v.unit(testenv.Hongqiao)
	if u.ContactPhone != "139****0001" {
		t.Errorf("masked phone %q", u.ContactPhone)
	}
	var enc string
	if err := v.e.App.DB.QueryRow(sys(), v.e.App.DB, `SELECT contact_phone_enc FROM cobuild_units WHERE id = ?`, u.ID).Scan(&enc); err != nil {
		t.Fatal(err)
	}
	if enc == "" || strings.Contains(enc, "13907340001") {
		t.Errorf("phone stored in clear: %q", enc)
	}
	full := must(v.svc.RevealUnitPhone(street(testenv.Hongqiao), u.ID))
	if full.ContactPhone != "13907340001" {
		t.Errorf("revealed %q", full.ContactPhone)
	}
	var n int
	v.e.App.DB.QueryRow(sys(), v.e.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'cobuild_unit_reveal' AND entity_id = ?`, fmt.Sprint(u.ID)).Scan(&n)
	if n != 1 {
		t.Errorf("%d reveal audit entries, want 1", n)
	}
	// Another street sees nothing of it.
	if _, err := v.svc.RevealUnitPhone(street(testenv.Yuhe), u.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("reveal from 玉合: %v, want 404", err)
	}
	list, total := must2(v.svc.ListUnits(street(testenv.Yuhe), cobuild.UnitFilter{}))
	if total != 0 || len(list) != 0 {
		t.Errorf("玉合 lists %d units", total)
	}
	// A 两新 unit must link a ledger organization.
	_, err := v.svc.CreateUnit(sys(), cobuild.UnitInput{Kind: "liangxin", Name: "某公司", RegionCode: testenv.Hongqiao})
	wantInvalid(t, err, "org_id", "台账")
	_, err = v.svc.CreateUnit(sys(), cobuild.UnitInput{Kind: "soe", Name: u.Name, RegionCode: testenv.Hongqiao})
	wantInvalid(t, err, "name", "同名")
}

func must2[T any](x []T, n store.Total, err error) ([]T, int) {
	if err != nil {
		panic(err)
	}
	if n.Capped {
		panic("a test list past the count cap")
	}
	return x, n.N
}

// TestCommunityCounts checks the 双报到 figures per community against
// counts made by hand.
func TestCommunityCounts(t *testing.T) {
	v := setup(t)
	c1, c2 := v.communities(testenv.Hongqiao)
	u1, u2, u3 := v.unit(testenv.Hongqiao), v.unit(testenv.Hongqiao), v.unit(testenv.Hongqiao)
	rep := func(in cobuild.ReportInput) cobuild.Report { return must(v.svc.CreateReport(sys(), in)) }
	r1 := rep(cobuild.ReportInput{Kind: "unit", CommunityCode: c1, UnitID: &u1.ID, ReportedOn: "2026-01-10"})
	rep(cobuild.ReportInput{Kind: "unit", CommunityCode: c1, UnitID: &u2.ID, ReportedOn: "2026-02-10"})
	rep(cobuild.ReportInput{Kind: "unit", CommunityCode: c2, UnitID: &u3.ID, ReportedOn: "2026-02-01"})
	m1 := rep(cobuild.ReportInput{Kind: "member", CommunityCode: c1, UnitID: &u1.ID, PersonName: "张医生", PersonPhone: "13800001111", ReportedOn: "2026-03-01"})
	rep(cobuild.ReportInput{Kind: "member", CommunityCode: c1, PersonName: "李老师", ReportedOn: "2026-03-02"})
	m3 := rep(cobuild.ReportInput{Kind: "member", CommunityCode: c2, PersonName: "王工", ReportedOn: "2025-01-01"})
	part := func(r int64, on string, h float64) {
		must(v.svc.AddParticipation(sys(), r, cobuild.ParticipationInput{HeldOn: on, Activity: "志愿服务", Hours: h}))
	}
	part(r1.ID, "2026-04-01", 2)
	part(r1.ID, "2026-05-01", 1.5)
	part(m1.ID, "2026-06-01", 3)
	part(m3.ID, "2025-12-01", 4)
	// A unit reports once.
	_, err := v.svc.CreateReport(sys(), cobuild.ReportInput{Kind: "unit", CommunityCode: c2, UnitID: &u1.ID, ReportedOn: "2026-05-01"})
	wantInvalid(t, err, "unit_id", "不能重复报到")
	// Hours with two decimals, a day before the report, a street as community: refused.
	_, err = v.svc.AddParticipation(sys(), r1.ID, cobuild.ParticipationInput{HeldOn: "2026-01-09", Activity: "x", Hours: 1.25})
	wantInvalid(t, err, "hours", "一位小数")
	wantInvalid(t, err, "held_on", "不能早于报到日期")
	_, err = v.svc.CreateReport(sys(), cobuild.ReportInput{Kind: "member", CommunityCode: testenv.Hongqiao, PersonName: "赵", ReportedOn: "2026-05-01"})
	wantInvalid(t, err, "community_code", "社区")

	must(v.svc.Rate(sys(), cobuild.RatingInput{CommunityCode: c1, UnitID: u1.ID, Year: 2026, Score: 95, Comment: "积极"}))
	must(v.svc.Rate(sys(), cobuild.RatingInput{CommunityCode: c1, UnitID: u2.ID, Year: 2026, Score: 70}))
	_, err = v.svc.Rate(sys(), cobuild.RatingInput{CommunityCode: c2, UnitID: u1.ID, Year: 2026, Score: 70})
	wantInvalid(t, err, "unit_id", "未向本社区报到")

	// 2026 by hand:
	//   c1: units u1, u2 (2); members 张医生, 李老师 (2); active units u1 (1);
	//       active members 张医生 (1); participations 2 + 1 = 3; hours 2 + 1.5 + 3 = 6.5;
	//       rated u1 95, u2 70 → 2 rated, average 82.5.
	//   c2: unit u3 (1); member 王工 (1); nobody active in 2026; 0 hours.
	got := must(v.svc.CommunityCounts(sys(), 2026, ""))
	want := []cobuild.CommunityCount{
		{CommunityCode: c1, Units: 2, Members: 2, ActiveUnits: 1, ActiveMembers: 1, Participations: 3, Hours: 6.5, RatedUnits: 2, AverageRating: 82.5},
		{CommunityCode: c2, Units: 1, Members: 1},
	}
	checkCounts(t, got, want)
	// 2025 by hand: only 王工 had reported by 2025-12-31 (c2), active with 4 hours.
	checkCounts(t, must(v.svc.CommunityCounts(sys(), 2025, "")), []cobuild.CommunityCount{{CommunityCode: c2, Members: 1, ActiveMembers: 1, Participations: 1, Hours: 4}})
	// 玉合 sees none of it.
	if got := must(v.svc.CommunityCounts(street(testenv.Yuhe), 2026, "")); len(got) != 0 {
		t.Errorf("玉合 sees %v", got)
	}

	// u1's year-end report: its own two participations and 张医生's: 6.5 hours, 1 member, 1 active.
	yr := must(v.svc.UnitYearReport(sys(), u1.ID, 2026))
	if len(yr.Rows) != 3 || yr.Hours != 6.5 || yr.Members != 1 || yr.ActiveMembers != 1 || len(yr.Ratings) != 1 || yr.Ratings[0].Grade != "excellent" {
		t.Errorf("year report: %+v", yr)
	}
	// The list of reports sorted by this year's hours: u1 (3.5), 张医生 (3), then the rest by id.
	list, _ := must2(v.svc.ListReports(sys(), cobuild.ReportFilter{Sort: "hours_desc", Page: cobuild.Page{Page: 1, PageSize: 2}}))
	if len(list) != 2 || list[0].ID != r1.ID || list[0].YearHours != 3.5 || list[1].ID != m1.ID {
		t.Errorf("hours_desc: %+v", list)
	}
	if list[1].PersonPhone != "138****1111" {
		t.Errorf("report phone %q", list[1].PersonPhone)
	}
}

func checkCounts(t *testing.T, got, want []cobuild.CommunityCount) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d communities %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		g.CommunityName, g.StreetName, g.UnratedReported = "", "", 0
		if g != w {
			t.Errorf("community %d: got %+v, want %+v", i, g, w)
		}
	}
}

// TestSuggestOrderAndUnmatched: same community first, then the same
// street, then the county; inside a rank the earliest available first.
func TestSuggestOrderAndUnmatched(t *testing.T) {
	v := setup(t)
	c1, c2 := v.communities(testenv.Hongqiao)
	y1, _ := v.communities(testenv.Yuhe)
	res := func(region, title, cat, from, to string) cobuild.Resource {
		u := v.unit(region)
		return must(v.svc.CreateResource(sys(), cobuild.ResourceInput{UnitID: u.ID, Title: title, Category: cat, AvailableFrom: from, AvailableTo: to}))
	}
	far := res(y1, "玉合医生", "health", "", "")                       // same county: rank 2
	streetLate := res(c2, "洪桥邻社区医生", "health", "2026-05-01", "")   // same street: rank 1, later
	streetNow := res(testenv.Hongqiao, "街道卫生院", "health", "", "")  // same street: rank 1, no date first
	same := res(c1, "本社区诊所", "health", "2026-09-01", "2026-12-31") // same community: rank 0
	res(c1, "本社区法律顾问", "legal", "", "")                            // other category
	res(c1, "过期义诊", "health", "2026-01-01", "2026-06-30")          // ended before today
	w := res(c1, "撤回的医生", "health", "", "")
	w.State = "withdrawn"
	must(v.svc.UpdateResource(sys(), w.ID, cobuild.ResourceInput{UnitID: w.UnitID, Title: w.Title, Category: "health", State: "withdrawn"}))

	need := must(v.svc.CreateNeed(sys(), cobuild.NeedInput{CommunityCode: c1, Title: "老人测血压", Category: "health", Urgency: "high"}))
	got := must(v.svc.Suggest(sys(), need.ID))
	want := []int64{same.ID, streetNow.ID, streetLate.ID, far.ID}
	if len(got) != len(want) {
		t.Fatalf("suggestions %+v", got)
	}
	for i := range want {
		if got[i].ID != want[i] {
			t.Errorf("suggestion %d: %d %s, want %d", i, got[i].ID, got[i].Title, want[i])
		}
	}
	if got[0].Nearness != "same_community" || got[1].Nearness != "same_street" || got[3].Nearness != "same_county" {
		t.Errorf("nearness: %s %s %s", got[0].Nearness, got[1].Nearness, got[3].Nearness)
	}
	// 洪桥 sees only its own resources.
	if g := must(v.svc.Suggest(street(testenv.Hongqiao), need.ID)); len(g) != 3 {
		t.Errorf("洪桥 sees %d suggestions, want 3", len(g))
	}
	// A need for 就业创业 has no resource anywhere; a 法律服务 need has one.
	lone := must(v.svc.CreateNeed(sys(), cobuild.NeedInput{CommunityCode: c2, Title: "就业指导", Category: "employment"}))
	must(v.svc.CreateNeed(sys(), cobuild.NeedInput{CommunityCode: c2, Title: "法律咨询", Category: "legal"}))
	un, total := must2(v.svc.Unmatched(sys(), cobuild.ListFilter{}))
	if total != 1 || un[0].ID != lone.ID {
		t.Errorf("unmatched: %+v", un)
	}
	// A project links the need and the resource: need matched, resource in use.
	p := must(v.svc.CreateProject(sys(), cobuild.ProjectInput{CommunityCode: c1, Title: "银发健康", Owner: "王书记", StartsOn: "2026-09-01", EndsOn: "2026-12-31",
		NeedIDs: []int64{need.ID}, ResourceIDs: []int64{same.ID}}))
	if len(p.Needs) != 1 || p.Needs[0].State != "matched" || len(p.Resources) != 1 || p.Resources[0].State != "in_use" {
		t.Errorf("project links: %+v", p)
	}
	if g := must(v.svc.Suggest(sys(), need.ID)); len(g) != 3 {
		t.Errorf("after the project %d suggestions, want 3", len(g))
	}
	_, err := v.svc.UpdateProject(sys(), p.ID, cobuild.ProjectInput{CommunityCode: c1, Title: "银发健康", Owner: "王书记", StartsOn: "2026-09-01", EndsOn: "2026-12-31", Status: "done"})
	wantInvalid(t, err, "result", "成效")
	// Dates outside 1900-01-01..2099-12-31 are refused like everywhere else
	// (they parsed as dates before the civil package checked them).
	_, err = v.svc.CreateProject(sys(), cobuild.ProjectInput{CommunityCode: c1, Title: "远古项目", Owner: "王书记", StartsOn: "0001-01-01", EndsOn: "9999-12-31"})
	wantInvalid(t, err, "starts_on", "1900-01-01")
	wantInvalid(t, err, "ends_on", "2099-12-31")
	f := must(v.svc.AddFile(sys(), p.ID, "合影.png", bytes.NewReader(append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, 1, 2, 3))))
	if f.Name != "合影.png" {
		t.Errorf("file %+v", f)
	}
	if _, _, err := v.svc.OpenFile(street(testenv.Yuhe), p.ID, f.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("玉合 opens the file: %v", err)
	}
	_, err = v.svc.AddFile(sys(), p.ID, "x.exe", strings.NewReader("MZ..."))
	wantInvalid(t, err, "file", "只能上传")
}

func TestAllianceMeetingDecisionTask(t *testing.T) {
	v := setup(t)
	name, cat, five, region := "万达广场", "individual_business", 5, testenv.Hongqiao
	o := must(v.e.App.Orgs.Create(sys(), org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five}))
	po := must(v.e.App.Party.Create(sys(), partyorg.Input{Name: "万达商圈党委", Kind: "committee", Formation: "single", EstablishedOn: "2024-01-01", Covers: []int64{o.ID}}))
	wanda := must(v.svc.CreateUnit(sys(), cobuild.UnitInput{Kind: "liangxin", Name: "万达广场", RegionCode: testenv.Hongqiao, OrgID: &o.ID, PartyOrgID: &po.ID}))
	if wanda.OrgName != "万达广场" || wanda.PartyOrgName != "万达商圈党委" {
		t.Errorf("links: %+v", wanda)
	}
	a := must(v.svc.CreateAlliance(sys(), cobuild.AllianceInput{Name: "万达商圈党建联盟", RegionCode: testenv.Hongqiao, LeadPartyOrgID: &po.ID}))
	hosp := v.unit(testenv.Hongqiao)
	a = must(v.svc.AddMember(sys(), a.ID, cobuild.MemberInput{UnitID: wanda.ID, JoinedOn: "2026-01-01"}))
	a = must(v.svc.AddMember(sys(), a.ID, cobuild.MemberInput{UnitID: hosp.ID, JoinedOn: "2026-02-01"}))
	_, err := v.svc.AddMember(sys(), a.ID, cobuild.MemberInput{UnitID: hosp.ID, JoinedOn: "2026-03-01"})
	wantInvalid(t, err, "unit_id", "已是联盟成员")
	if a.MemberCount != 2 || a.LeadPartyOrg != "万达商圈党委" {
		t.Errorf("alliance %+v", a)
	}
	_, err = v.svc.RemoveMember(sys(), a.ID, a.Members[1].ID, cobuild.LeaveInput{LeftOn: "2026-01-15"})
	wantInvalid(t, err, "left_on", "不能早于加入日期")
	a = must(v.svc.RemoveMember(sys(), a.ID, a.Members[1].ID, cobuild.LeaveInput{LeftOn: "2026-10-01"}))
	if a.MemberCount != 1 || len(a.Members) != 2 || a.Members[1].LeftOn == nil {
		t.Errorf("after leaving: %+v", a)
	}
	m := must(v.svc.RecordMeeting(sys(), a.ID, cobuild.MeetingInput{HeldOn: "2026-11-20", Place: "万达广场三楼", Topics: "商圈消防安全",
		Attendees: []int64{wanda.ID, hosp.ID}, Decisions: []string{"各商户每月自查消防通道", " "}}))
	if len(m.Attendees) != 2 || len(m.Decisions) != 1 {
		t.Fatalf("meeting %+v", m)
	}
	d := must(v.svc.FollowDecision(sys(), a.ID, m.Decisions[0].ID, cobuild.FollowInput{AssigneeKind: "party_org", PartyOrgID: po.ID, Deadline: "2026-12-31"}))
	if d.TaskID == nil || d.TaskState != workloop.TaskOpen || d.TaskAssignee != "万达商圈党委" {
		t.Errorf("followed: %+v", d)
	}
	task := must(v.e.App.Work.GetTask(sys(), *d.TaskID))
	if task.OriginKind != workloop.OriginJointMeeting || task.OriginID != d.ID {
		t.Errorf("task origin %s %d", task.OriginKind, task.OriginID)
	}
	if _, err := v.svc.FollowDecision(sys(), a.ID, m.Decisions[0].ID, cobuild.FollowInput{AssigneeKind: "party_org", PartyOrgID: po.ID, Deadline: "2026-12-31"}); !apperr.IsKind(err, apperr.KindConflict) {
		t.Errorf("second follow: %v", err)
	}
	// The work loop moves the task; the meeting shows its new state.
	must(v.e.App.Work.Act(sys(), task.ID, workloop.TaskAction{Action: workloop.ActRequestClose, Version: task.Version, Note: "已完成自查"}, true, true))
	ms := must(v.svc.ListMeetings(sys(), a.ID))
	if ms[0].Decisions[0].TaskState != workloop.TaskRequested {
		t.Errorf("decision shows %q", ms[0].Decisions[0].TaskState)
	}
	// A joint-meeting task cannot be made through the ordinary task route.
	_, err = v.e.App.Work.CreateTask(sys(), workloop.TaskInput{Title: "x", AssigneeKind: "region", RegionCode: testenv.Hongqiao, Deadline: "2026-12-31",
		OriginKind: workloop.OriginJointMeeting, OriginID: d.ID})
	wantInvalid(t, err, "origin_kind", "联席会议")
	// Outside the scope: 404.
	if _, err := v.svc.ListMeetings(street(testenv.Yuhe), a.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("玉合 reads the meetings: %v", err)
	}
}

func TestReportedCommunityOfRosterMember(t *testing.T) {
	v := setup(t)
	name, cat, five, region := "某科技公司", "individual_business", 5, testenv.Yuhe
	o := must(v.e.App.Orgs.Create(sys(), org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five}))
	po := must(v.e.App.Party.Create(sys(), partyorg.Input{Name: "某科技公司支部", Kind: "branch", Formation: "single", EstablishedOn: "2024-01-01", Covers: []int64{o.ID}}))
	first := "43042619900101002"
	m := must(v.e.App.Members.Create(sys(), member.Input{Name: "陈红梅", Gender: "female", BirthDate: "1990-01-01", IDNumber: first + string(pdata.CheckChar(first)),
		Phone: "13812345678", Category: "full", PartyOrgID: po.ID}))
	if _, _, _, ok, err := v.svc.ReportedCommunity(sys(), m.ID); ok || err != nil {
		t.Fatalf("before reporting: %v %v", ok, err)
	}
	c1, _ := v.communities(testenv.Hongqiao)
	// The member lives in 洪桥 though the branch is in 玉合: 洪桥 records the report.
	r := must(v.svc.CreateReport(street(testenv.Hongqiao), cobuild.ReportInput{Kind: "member", CommunityCode: c1, MemberID: &m.ID, ReportedOn: "2026-04-01"}))
	if r.PersonName != "陈红梅" || r.PersonPhone != "138****5678" {
		t.Errorf("report shows %+v", r)
	}
	code, cname, on, ok, err := v.svc.ReportedCommunity(sys(), m.ID)
	if err != nil || !ok || code != c1 || cname == "" || on == "" {
		t.Errorf("ReportedCommunity = %s %s %v %v", code, cname, ok, err)
	}
	_, err = v.svc.CreateReport(sys(), cobuild.ReportInput{Kind: "member", CommunityCode: c1, MemberID: &m.ID, ReportedOn: "2026-05-01"})
	wantInvalid(t, err, "member_id", "不能重复报到")
}

func book(t *testing.T, headers []string, rows ...[]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	for i, h := range headers {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		x.SetCellValue("Sheet1", cell, h)
	}
	for r, row := range rows {
		for i, val := range row {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			x.SetCellValue("Sheet1", cell, val)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportsAllOrNothing: a file with one bad cell writes nothing and
// names the cell; the good file imports, and again changes nothing.
func TestImportsAllOrNothing(t *testing.T) {
	v := setup(t)
	c1, _ := v.communities(testenv.Hongqiao)
	lim := xlsx.Limits{MaxBytes: 1 << 20, MaxRows: 1000, TempDir: t.TempDir()}
	bad := book(t, cobuild.UnitImportHeaders(),
		[]any{"县人民医院", "事业单位", testenv.Hongqiao, "人民路8号", "中共县人民医院委员会", "刘主任", "13907340001"},
		[]any{"县供电公司", "央企", testenv.Hongqiao, "", "", "", ""},
		[]any{"县税务局", "机关", testenv.Hongqiao, "", "", "", "12345"})
	res, errs, err := v.svc.ImportUnits(sys(), bytes.NewReader(bad), int64(len(bad)), lim, nil)
	if err != nil || len(errs) != 2 || res.Created != 0 {
		t.Fatalf("bad file: %+v %+v %v", res, errs, err)
	}
	cols := map[string]bool{}
	for _, e := range errs {
		cols[fmt.Sprintf("%d/%s", e.Row, e.Column)] = true
	}
	if !cols["3/"+cobuild.ColUnitKind] || !cols["4/"+cobuild.ColUnitPhone] {
		t.Errorf("errors %+v", errs)
	}
	if _, total := must2(v.svc.ListUnits(sys(), cobuild.UnitFilter{})); total != 0 {
		t.Errorf("a rejected file wrote %d units", total)
	}
	good := book(t, cobuild.UnitImportHeaders(),
		[]any{"县人民医院", "事业单位", testenv.Hongqiao, "人民路8号", "中共县人民医院委员会", "刘主任", "13907340001"},
		[]any{"县税务局", "机关", testenv.Hongqiao, "", "", "", ""})
	for round, want := range []int{2, 0} {
		res, errs, err = v.svc.ImportUnits(sys(), bytes.NewReader(good), int64(len(good)), lim, nil)
		if err != nil || len(errs) != 0 || res.Created != want || res.Rows != 2 {
			t.Errorf("round %d: %+v %+v %v", round, res, errs, err)
		}
	}
	rb := book(t, cobuild.ResourceImportHeaders(), []any{"义诊医生", "医疗健康", "县人民医院", testenv.Hongqiao, "每月 2 人次", "2026-01-01", "2026-12-31"},
		[]any{"培训教室", "场地设施", "不存在的单位", testenv.Hongqiao, "", "", ""})
	res, errs, err = v.svc.ImportResources(sys(), bytes.NewReader(rb), int64(len(rb)), lim, nil)
	if err != nil || len(errs) != 1 || errs[0].Column != cobuild.ColResUnit || errs[0].Row != 3 {
		t.Errorf("resources: %+v %+v %v", res, errs, err)
	}
	nb := book(t, cobuild.NeedImportHeaders(), []any{"老人测血压", "医疗健康", c1, "独居老人", "紧急", ""})
	res, errs, err = v.svc.ImportNeeds(sys(), bytes.NewReader(nb), int64(len(nb)), lim, nil)
	if err != nil || len(errs) != 0 || res.Created != 1 {
		t.Errorf("needs: %+v %+v %v", res, errs, err)
	}
	// 玉合 cannot import into 洪桥.
	res, errs, err = v.svc.ImportNeeds(street(testenv.Yuhe), bytes.NewReader(nb), int64(len(nb)), lim, nil)
	if err != nil || len(errs) != 1 || errs[0].Column != cobuild.ColNeedCommunity {
		t.Errorf("玉合 import: %+v %+v %v", res, errs, err)
	}
}

// TestImportTemplates: each template is the import's own sheet, its
// example row under the header, read back by the import's reader.
func TestImportTemplates(t *testing.T) {
	for _, tc := range []struct {
		name    string
		gen     func(w io.Writer) error
		columns []xlsx.Column
		col     string
		want    string
	}{
		{"units", cobuild.UnitTemplate, cobuild.UnitImportColumns(), cobuild.ColUnitName, "县人民医院"},
		{"needs", cobuild.NeedTemplate, cobuild.NeedImportColumns(), cobuild.ColNeedCommunity, "430426001001"},
		{"resources", cobuild.ResourceTemplate, cobuild.ResourceImportColumns(), cobuild.ColResTo, "2026-12-31"},
	} {
		var buf bytes.Buffer
		if err := tc.gen(&buf); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		r, err := xlsx.OpenImport(bytes.NewReader(buf.Bytes()), int64(buf.Len()), tc.columns, xlsx.Limits{TempDir: t.TempDir()})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []string
		for r.Next() {
			got = append(got, r.Row().Get(tc.col).Text())
		}
		r.Close()
		if r.Err() != nil || len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s: rows %q (%v), want one row with %s %q", tc.name, got, r.Err(), tc.col, tc.want)
		}
	}
}
