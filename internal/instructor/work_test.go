package instructor_test

import (
	"context"
	"liangxin/internal/store"
	"strings"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/auth"
	"liangxin/internal/instructor"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/testenv"
)

type workFixture struct {
	e          *testenv.Env
	x, y       int64 // two instructors of 洪桥街道
	a, b, c    int64 // organizations: a assigned to x now, b assigned to x until 2026-03-01, c to y
	aName      string
	bName      string
	memberName string
}

func newWorkFixture(t *testing.T) workFixture {
	t.Helper()
	e := testenv.New(t)
	ctx := districtCtx()
	f := workFixture{e: e}
	mk := func(name, region string) int64 {
		cat, five := "individual_business", 5
		o, err := e.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	f.aName, f.bName = "洪桥甲店", "洪桥乙店"
	f.a, f.b, f.c = mk(f.aName, testenv.Hongqiao), mk(f.bName, testenv.Hongqiao), mk("洪桥丙店", testenv.Hongqiao)
	mkI := func(name string) int64 {
		region := testenv.Hongqiao
		in, err := e.App.Instr.Create(ctx, instructor.Input{Name: &name, RegionCode: &region})
		if err != nil {
			t.Fatal(err)
		}
		return in.ID
	}
	f.x, f.y = mkI("许指导"), mkI("严指导")
	for _, as := range []struct {
		who, org int64
		from, to string
	}{{f.x, f.a, "2026-01-01", ""}, {f.x, f.b, "2025-01-01", "2026-03-01"}, {f.y, f.c, "2025-01-01", ""}} {
		if _, err := e.App.Instr.Assign(ctx, as.who, as.org, as.from, as.to); err != nil {
			t.Fatal(err)
		}
	}
	po, err := e.App.Party.Create(ctx, partyorg.Input{Name: "洪桥甲店党支部", Kind: "branch", Formation: "regional", EstablishedOn: "2024-03-01", Covers: []int64{f.a}})
	if err != nil {
		t.Fatal(err)
	}
	first := "43042619900101001"
	f.memberName = "钱党员"
	if _, err := e.App.Members.Create(ctx, member.Input{Name: f.memberName, Gender: "male", BirthDate: "1990-01-01", IDNumber: first + string(pdata.CheckChar(first)),
		Phone: "13812345678", Category: "full", PartyOrgID: po.ID, OrganizationID: &f.a}); err != nil {
		t.Fatal(err)
	}
	return f
}

func boundCtx(id int64) context.Context {
	return actor.With(context.Background(), actor.Actor{UserID: 9, Username: "xu", Role: auth.RoleInstructor, Scope: testenv.Hongqiao, InstructorID: id})
}

func wantKind(t *testing.T, what string, err error, kind apperr.Kind) *apperr.Error {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != kind {
		t.Fatalf("%s: got %v, want kind %v", what, err, kind)
	}
	return e
}

// A bound instructor sees its own record with its whole assignment history,
// the organizations it is assigned to today with their party organization
// and members (masked), and nothing of another instructor (404).
func TestBoundInstructorSeesOnlyItsOwn(t *testing.T) {
	f := newWorkFixture(t)
	ctx := boundCtx(f.x)
	got, err := f.e.App.Instr.Get(ctx, f.x)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Assignments) != 2 || got.Active != 1 {
		t.Fatalf("own record: %d assignments, %d active; want 2 and 1", len(got.Assignments), got.Active)
	}
	_, err = f.e.App.Instr.Get(ctx, f.y)
	wantKind(t, "another instructor", err, apperr.KindNotFound)
	list, total, err := f.e.App.Instr.List(ctx, "", 1, 20)
	if err != nil || total != store.Exact(1) || len(list) != 1 || list[0].ID != f.x {
		t.Fatalf("list: %s %+v %v", total, list, err)
	}
	orgs, err := f.e.App.Instr.Organizations(ctx, f.x)
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) != 1 || orgs[0].OrganizationID != f.a || orgs[0].From != "2026-01-01" {
		t.Fatalf("organizations today: %+v", orgs)
	}
	if len(orgs[0].PartyOrgs) != 1 || orgs[0].PartyOrgs[0].Name != "洪桥甲店党支部" || orgs[0].PartyOrgs[0].KindName != "党支部" {
		t.Fatalf("party organizations: %+v", orgs[0].PartyOrgs)
	}
	m := orgs[0].Members
	if len(m) != 1 || m[0].Name != f.memberName || m[0].Phone != "138****5678" || strings.Contains(m[0].IDNumber, "19900101") || m[0].Category != "正式党员" {
		t.Fatalf("members: %+v", m)
	}
	_, err = f.e.App.Instr.Organizations(ctx, f.y)
	wantKind(t, "another instructor's organizations", err, apperr.KindNotFound)
	_, err = f.e.App.Instr.Visits(ctx, f.y)
	wantKind(t, "another instructor's visits", err, apperr.KindNotFound)

	// An instructor account not (or no longer) bound sees no record at all.
	unbound := actor.With(context.Background(), actor.Actor{UserID: 10, Role: auth.RoleInstructor, Scope: testenv.Hongqiao})
	_, err = f.e.App.Instr.Get(unbound, f.x)
	wantKind(t, "unbound account", err, apperr.KindNotFound)
	// A street outside the instructor's region does not see it either.
	yuhe := actor.With(context.Background(), actor.Actor{UserID: 11, Role: auth.RoleStreet, Scope: testenv.Yuhe})
	_, err = f.e.App.Instr.Get(yuhe, f.x)
	wantKind(t, "another street", err, apperr.KindNotFound)
}

// Visits: the date is never in the future (today is 2026-11-23 on the test
// clock), the form one of four, and the organization assigned to the
// instructor on that very day, else 422 naming it.
func TestVisitRules(t *testing.T) {
	f := newWorkFixture(t)
	ctx := boundCtx(f.x)
	add := func(orgID int64, on, form string) (instructor.Visit, error) {
		return f.e.App.Instr.AddVisit(ctx, f.x, instructor.Visit{OrganizationID: orgID, VisitedOn: on, Form: form, Content: "了解党员情况", Problems: "缺少活动场地"})
	}
	if v, err := add(f.a, "2026-11-23", "电话"); err != nil || v.Form != "电话" || v.OrganizationName != f.aName {
		t.Fatalf("visit today by phone: %+v %v", v, err)
	}
	// Without a form the visit was on site.
	if v, err := add(f.a, "2026-11-20", ""); err != nil || v.Form != "走访" {
		t.Fatalf("default form: %+v %v", v, err)
	}
	// b was assigned from 2025-01-01 until 2026-03-01 (the end day excluded).
	if _, err := add(f.b, "2026-02-28", "座谈"); err != nil {
		t.Fatalf("visit while b was assigned: %v", err)
	}
	for _, c := range []struct {
		org        int64
		on, form   string
		field, has string
	}{
		{f.a, "2026-11-24", "走访", "visited_on", "晚于今天"},
		{f.a, "2025-12-31", "走访", "organization_id", f.aName + "」在 2025-12-31"},
		{f.b, "2026-03-01", "走访", "organization_id", f.bName},
		{f.c, "2026-05-01", "走访", "organization_id", "洪桥丙店"},
		{f.a, "2026-05-01", "上门", "form", "走访、电话、线上、座谈"},
		{f.a, "2026-5-1", "走访", "visited_on", "YYYY-MM-DD"},
	} {
		_, err := add(c.org, c.on, c.form)
		e := wantKind(t, c.on+" "+c.form, err, apperr.KindInvalid)
		if !strings.Contains(e.Fields[c.field], c.has) {
			t.Errorf("%s %s: fields %v, want %s naming %q", c.on, c.form, e.Fields, c.field, c.has)
		}
	}
	_, err := f.e.App.Instr.AddVisit(ctx, f.y, instructor.Visit{OrganizationID: f.c, VisitedOn: "2026-05-01", Content: "x"})
	wantKind(t, "visit for another instructor", err, apperr.KindNotFound)
	// The district records for anyone in scope.
	if _, err := f.e.App.Instr.AddVisit(districtCtx(), f.y, instructor.Visit{OrganizationID: f.c, VisitedOn: "2026-05-01", Form: "线上", Content: "线上指导"}); err != nil {
		t.Fatal(err)
	}
	vs, err := f.e.App.Instr.Visits(ctx, f.x)
	if err != nil || len(vs) != 3 || vs[0].VisitedOn != "2026-11-23" || vs[0].Form != "电话" || vs[2].VisitedOn != "2026-02-28" {
		t.Fatalf("own visits newest first: %+v %v", vs, err)
	}
}

// The security administrator binds an instructor account to a record in
// scope; the binding is required for that role and refused for any other,
// and the record's region becomes the scope.
func TestGrantBindsInstructorAccount(t *testing.T) {
	f := newWorkFixture(t)
	sys := actor.System(context.Background(), "fixture")
	sec := f.e.User("sec_h", auth.RoleSecurityAdmin, testenv.Hongqiao)
	secCtx := actor.With(context.Background(), sec.Actor(""))
	target := f.e.User("xu_zd", auth.RoleNone, testenv.Hongqiao)
	yuheName, yuhe := "玉合指导", testenv.Yuhe
	other, err := f.e.App.Instr.Create(sys, instructor.Input{Name: &yuheName, RegionCode: &yuhe})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		g    auth.Grant
		want string
	}{
		{auth.Grant{Role: auth.RoleInstructor, Scope: testenv.Hongqiao}, "须绑定"},
		{auth.Grant{Role: auth.RoleInstructor, InstructorID: other.ID}, "不在您的管辖范围"},
		{auth.Grant{Role: auth.RoleInstructor, InstructorID: 999999}, "不存在"},
		{auth.Grant{Role: auth.RoleStreet, Scope: testenv.Hongqiao, InstructorID: f.x}, "只有"},
	} {
		_, err := f.e.App.Auth.GrantUser(secCtx, target.ID, c.g)
		e := wantKind(t, "grant", err, apperr.KindInvalid)
		if !strings.Contains(e.Fields["instructor_id"], c.want) {
			t.Errorf("grant %+v: %v, want instructor_id saying %q", c.g, e.Fields, c.want)
		}
	}
	u, err := f.e.App.Auth.GrantUser(secCtx, target.ID, auth.Grant{Role: auth.RoleInstructor, InstructorID: f.x})
	if err != nil {
		t.Fatal(err)
	}
	if u.InstructorID == nil || *u.InstructorID != f.x || u.Scope != testenv.Hongqiao || u.ScopeName != "党建指导员 许指导" {
		t.Fatalf("granted: %+v", u)
	}
	if a := u.Actor(""); a.InstructorID != f.x {
		t.Fatalf("actor: %+v", a)
	}
	// Granting another role drops the binding.
	u, err = f.e.App.Auth.GrantUser(secCtx, target.ID, auth.Grant{Role: auth.RoleReadonly, Scope: testenv.Hongqiao})
	if err != nil || u.InstructorID != nil {
		t.Fatalf("regrant: %+v %v", u, err)
	}
}

// Due visits, hand-computed on the test clock (today 2026-11-23): 兼职
// every 3 months, 专职 every month, from the last visit or, never visited,
// from the start of the assignment; a month added to 10-31 ends on 11-30.
func TestDueVisits(t *testing.T) {
	f := newWorkFixture(t)
	ctx := districtCtx()
	// x (兼职): a from 2026-01-01, visited 2026-08-20 → due 2026-11-20, 3 days overdue.
	if _, err := f.e.App.Instr.AddVisit(ctx, f.x, instructor.Visit{OrganizationID: f.a, VisitedOn: "2026-08-20", Content: "走访"}); err != nil {
		t.Fatal(err)
	}
	every, due, err := f.e.App.Instr.DueVisits(boundCtx(f.x), f.x)
	if err != nil {
		t.Fatal(err)
	}
	if every != 3 || len(due) != 1 || due[0].OrganizationID != f.a || due[0].DueOn != "2026-11-20" || due[0].DaysOverdue != 3 {
		t.Fatalf("兼职: every %d, %+v", every, due)
	}
	// z (专职) with three organizations.
	name, region, full := "郑专职", testenv.Hongqiao, true
	z, err := f.e.App.Instr.Create(ctx, instructor.Input{Name: &name, RegionCode: &region, FullTime: &full})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(n string) int64 {
		cat := "individual_business"
		o, err := f.e.App.Orgs.Create(ctx, org.Input{Name: &n, Category: &cat, RegionCode: &region})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	d, e, g := mk("洪桥丁店"), mk("洪桥戊店"), mk("洪桥己店")
	for _, as := range []struct {
		org  int64
		from string
	}{{d, "2026-10-01"}, {e, "2026-10-31"}, {g, "2026-09-01"}} {
		if _, err := f.e.App.Instr.Assign(ctx, z.ID, as.org, as.from, ""); err != nil {
			t.Fatal(err)
		}
	}
	// g visited 2026-10-23 → due 2026-11-23 = today: not yet overdue.
	if _, err := f.e.App.Instr.AddVisit(ctx, z.ID, instructor.Visit{OrganizationID: g, VisitedOn: "2026-10-23", Content: "走访"}); err != nil {
		t.Fatal(err)
	}
	every, due, err = f.e.App.Instr.DueVisits(ctx, z.ID)
	if err != nil {
		t.Fatal(err)
	}
	// d never visited since 2026-10-01 → due 2026-11-01, 22 days; e due 2026-11-30.
	if every != 1 || len(due) != 1 || due[0].OrganizationID != d || due[0].DueOn != "2026-11-01" || due[0].DaysOverdue != 22 || due[0].LastVisitOn != nil {
		t.Fatalf("专职: every %d, %+v", every, due)
	}
	_, _, err = f.e.App.Instr.DueVisits(boundCtx(f.x), z.ID)
	wantKind(t, "another instructor's due visits", err, apperr.KindNotFound)
}

// The district sees, over every instructor, the organizations whose next
// visit is overdue, most overdue first; a street sees only its own
// organizations, and the kind filter keeps 专职 or 兼职. Today is 2026-11-23.
func TestAllDueVisits(t *testing.T) {
	f := newWorkFixture(t)
	ctx := districtCtx()
	region, yuhe := testenv.Hongqiao, testenv.Yuhe
	mk := func(n, r string) int64 {
		cat := "individual_business"
		o, err := f.e.App.Orgs.Create(ctx, org.Input{Name: &n, Category: &cat, RegionCode: &r})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	name, full := "郑专职", true
	z, err := f.e.App.Instr.Create(ctx, instructor.Input{Name: &name, RegionCode: &region, FullTime: &full})
	if err != nil {
		t.Fatal(err)
	}
	d, e, g := mk("洪桥丁店", region), mk("洪桥戊店", region), mk("玉合庚店", yuhe)
	for _, as := range []struct {
		who, org int64
		from     string
	}{{z.ID, d, "2026-10-01"}, {z.ID, e, "2026-10-31"}, {f.y, g, "2026-06-15"}} {
		if _, err := f.e.App.Instr.Assign(ctx, as.who, as.org, as.from, ""); err != nil {
			t.Fatal(err)
		}
	}
	// x/a (兼职) visited 2026-08-20 → due 2026-11-20, 3 days overdue.
	if _, err := f.e.App.Instr.AddVisit(ctx, f.x, instructor.Visit{OrganizationID: f.a, VisitedOn: "2026-08-20", Content: "走访"}); err != nil {
		t.Fatal(err)
	}
	type row struct {
		who, org int64
		due      string
		days     int
	}
	// y/c (兼职) from 2025-01-01, never visited → due 2025-04-01: 365 + 236 = 601 days.
	// y/g (兼职) from 2026-06-15 → due 2026-09-15: 15 + 31 + 23 = 69 days.
	// z/d (专职) from 2026-10-01 → due 2026-11-01: 22 days. z/e due 2026-11-30: not yet.
	// x/b ended 2026-03-01: not listed.
	yc, yg, zd, xa := row{f.y, f.c, "2025-04-01", 601}, row{f.y, g, "2026-09-15", 69}, row{z.ID, d, "2026-11-01", 22}, row{f.x, f.a, "2026-11-20", 3}
	check := func(what string, c context.Context, kind *bool, page, size, total int, want ...row) {
		t.Helper()
		got, n, err := f.e.App.Instr.AllDueVisits(c, kind, page, size)
		if err != nil {
			t.Fatal(err)
		}
		if n != total || len(got) != len(want) {
			t.Fatalf("%s: total %d, %+v; want total %d, %+v", what, n, got, total, want)
		}
		for i, w := range want {
			if got[i].InstructorID != w.who || got[i].OrganizationID != w.org || got[i].DueOn != w.due || got[i].DaysOverdue != w.days {
				t.Fatalf("%s: row %d is %+v, want %+v", what, i, got[i], w)
			}
		}
	}
	check("district", ctx, nil, 1, 20, 4, yc, yg, zd, xa)
	check("district page 2 of 3", ctx, nil, 2, 3, 4, xa)
	part, fullTime := false, true
	check("兼职", ctx, &part, 1, 20, 3, yc, yg, xa)
	check("专职", ctx, &fullTime, 1, 20, 1, zd)
	street := actor.With(context.Background(), actor.Actor{UserID: 2, Username: "hq", Role: "street", Scope: testenv.Hongqiao})
	check("洪桥街道", street, nil, 1, 20, 3, yc, zd, xa)
	yuheStreet := actor.With(context.Background(), actor.Actor{UserID: 3, Username: "yh", Role: "street", Scope: testenv.Yuhe})
	check("玉合街道", yuheStreet, nil, 1, 20, 1, yg)

	got, _, err := f.e.App.Instr.AllDueVisits(ctx, &fullTime, 1, 20)
	if err != nil {
		t.Fatal(err)
	}
	if r := got[0]; r.InstructorName != "郑专职" || r.KindName != "专职" || r.EveryMonths != 1 || r.Name != "洪桥丁店" || r.From != "2026-10-01" || r.LastVisitOn != nil {
		t.Fatalf("专职 row: %+v", r)
	}
	got, _, err = f.e.App.Instr.AllDueVisits(ctx, &part, 1, 20)
	if err != nil {
		t.Fatal(err)
	}
	if r := got[2]; r.KindName != "兼职" || r.EveryMonths != 3 || r.LastVisitOn == nil || *r.LastVisitOn != "2026-08-20" {
		t.Fatalf("兼职 row: %+v", r)
	}
}
