package instructor_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/auth"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
)

// achieveFixture is a small district whose figures are counted by hand:
//
//	许指导 (专职, every month, 洪桥): A from 2026-01-01; B 2025-06-01..2026-03-01;
//	  C from 2026-07-01; D 2025-01-01..2025-12-01.
//	严指导 (兼职, every 3 months, 玉合): E from 2025-01-01; G from 2026-01-01
//	  (G closed on 2026-10-01).
//	F (洪桥) has no instructor.
type achieveFixture struct {
	e                    *testenv.Env
	x, y                 int64
	a, b, c, d, e2, f, g int64
	visits               map[string]int64 // by "org date"
	poA                  int64
}

func newAchieveFixture(t *testing.T) achieveFixture {
	t.Helper()
	e := testenv.New(t)
	ctx := districtCtx()
	fx := achieveFixture{e: e, visits: map[string]int64{}}
	mk := func(name, region string) int64 {
		cat, five := "individual_business", 5
		o, err := e.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	fx.a, fx.b, fx.c, fx.d = mk("甲店", testenv.Hongqiao), mk("乙店", testenv.Hongqiao), mk("丙店", testenv.Hongqiao), mk("丁店", testenv.Hongqiao)
	fx.e2, fx.f, fx.g = mk("戊店", testenv.Yuhe), mk("己店", testenv.Hongqiao), mk("庚店", testenv.Yuhe)
	mkI := func(name, region string, full bool) int64 {
		in, err := e.App.Instr.Create(ctx, instructor.Input{Name: &name, RegionCode: &region, FullTime: &full})
		if err != nil {
			t.Fatal(err)
		}
		return in.ID
	}
	fx.x, fx.y = mkI("许指导", testenv.Hongqiao, true), mkI("严指导", testenv.Yuhe, false)
	for _, as := range []struct {
		who, org int64
		from, to string
	}{{fx.x, fx.a, "2026-01-01", ""}, {fx.x, fx.b, "2025-06-01", "2026-03-01"}, {fx.x, fx.c, "2026-07-01", ""}, {fx.x, fx.d, "2025-01-01", "2025-12-01"},
		{fx.y, fx.e2, "2025-01-01", ""}, {fx.y, fx.g, "2026-01-01", ""}} {
		if _, err := e.App.Instr.Assign(ctx, as.who, as.org, as.from, as.to); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range []struct {
		who, org     int64
		on, problems string
	}{{fx.x, fx.b, "2025-12-20", ""}, {fx.x, fx.a, "2026-01-20", "缺少活动场所"}, {fx.x, fx.a, "2026-03-10", ""}, {fx.x, fx.a, "2026-04-05", "党员流动性大"},
		{fx.x, fx.b, "2026-02-15", ""}, {fx.x, fx.c, "2026-08-15", ""}, {fx.y, fx.e2, "2026-03-01", ""}} {
		got, err := e.App.Instr.AddVisit(ctx, v.who, instructor.Visit{OrganizationID: v.org, VisitedOn: v.on, Content: "了解党建工作", Problems: v.problems})
		if err != nil {
			t.Fatal(err)
		}
		fx.visits[fmt.Sprint(v.org, " ", v.on)] = got.ID
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := e.App.DB.Exec(ctx, e.App.DB, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	closed := "2026-10-01"
	if _, err := e.App.Orgs.Update(ctx, fx.g, org.Input{ClosedOn: &closed}); err != nil {
		t.Fatal(err)
	}
	// A gets its first party organization on 2026-06-01, while 许 is assigned.
	po := func(name, est string, unit int64) int64 {
		p, err := e.App.Party.Create(ctx, partyorg.Input{Name: name, Kind: "branch", Formation: "single", EstablishedOn: est, Covers: []int64{unit}})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	fx.poA = po("甲店党支部", "2026-06-01", fx.a)
	// C got one on 2026-05-01, before 许 was assigned (07-01): not his.
	po("丙店党支部", "2026-05-01", fx.c)
	// B had one since 2024 and changed to another on 2026-02-01: not a new one.
	old := po("乙店党支部", "2024-03-01", fx.b)
	exec(`UPDATE party_org_covers SET to_on = ? WHERE party_org_id = ?`, "2026-02-01", old)
	newer := po("乙店联合党支部", "2024-03-01", fx.f)
	exec(`INSERT INTO party_org_covers (party_org_id, organization_id, from_on) VALUES (?, ?, ?)`, newer, fx.b, "2026-02-01")
	// 发展党员: people of A, C and D with steps.
	person := func(name string, unit int64, steps map[int]string) {
		t.Helper()
		var id int64
		if err := e.App.DB.QueryRow(ctx, e.App.DB, `INSERT INTO dev_people (party_org_id, name, gender, birth_date, id_number_enc, id_number_hash, id_number_mask,
			organization_id, stage, applied_on, created_at, updated_at) VALUES (?, ?, 'male', '1995-01-01', '', ?, '', ?, 'applicant', '2026-01-01', '', '') RETURNING id`,
			fx.poA, name, "hash-"+name, unit).Scan(&id); err != nil {
			t.Fatal(err)
		}
		for n, on := range steps {
			exec(`INSERT INTO dev_steps (person_id, step, done_on, created_at) VALUES (?, ?, ?, '')`, id, n, on)
		}
	}
	person("甲申请人", fx.a, map[int]string{1: "2026-02-10", 2: "2026-03-01", 17: "2026-10-01"})
	person("丙申请人", fx.c, map[int]string{1: "2026-06-15"})
	person("丁申请人", fx.d, map[int]string{1: "2026-03-01"})
	return fx
}

func orgIDs(refs []instructor.OrgRef) []int64 {
	out := []int64{}
	for _, r := range refs {
		out = append(out, r.OrganizationID)
	}
	return out
}

// The figures of 许指导 over 2026 and over its first quarter, counted by
// hand from the fixture.
func TestAchievementFigures(t *testing.T) {
	fx := newAchieveFixture(t)
	svc, ctx := fx.e.App.Instr, districtCtx()
	if _, err := svc.SolveVisit(ctx, fx.x, fx.visits[fmt.Sprint(fx.a, " 2026-01-20")], instructor.SolveInput{SolvedOn: "2026-05-01", Note: "协调社区党群服务中心提供场地"}); err != nil {
		t.Fatal(err)
	}
	year, err := svc.ParsePeriod("", "", "2026", "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.Achievement(ctx, fx.x, year)
	if err != nil {
		t.Fatal(err)
	}
	// Visits of 2026: A 01-20 (due 02-01 after the assignment start: on time),
	// A 03-10 (due 02-20: late), A 04-05 (due 04-10: on time), B 02-15 (due
	// 01-20 after the 2025-12-20 visit: late), C 08-15 (due 08-01: late).
	want := instructor.Figures{Assigned: 3, Reached: 3, Visits: 5, OnTime: 2, ProblemsRaised: 2, ProblemsSolved: 1, Incubated: 1, Applications: 1, Admitted: 1}
	if got.Figures != want {
		t.Errorf("2026 figures = %+v\nwant %+v", got.Figures, want)
	}
	if ids := orgIDs(got.AssignedOrgs); !reflect.DeepEqual(ids, []int64{fx.b, fx.a, fx.c}) {
		t.Errorf("assigned = %v, want B, A, C (D ended in 2025)", ids)
	}
	if ids := orgIDs(got.ReachedOrgs); !reflect.DeepEqual(ids, []int64{fx.a, fx.b, fx.c}) {
		t.Errorf("reached = %v, want A, B, C in the order first visited", ids)
	}
	type vis struct {
		on     string
		due    string
		onTime bool
	}
	var vs []vis
	for _, v := range got.VisitList {
		vs = append(vs, vis{v.VisitedOn, *v.DueOn, v.OnTime})
	}
	wantVs := []vis{{"2026-08-15", "2026-08-01", false}, {"2026-04-05", "2026-04-10", true}, {"2026-03-10", "2026-02-20", false},
		{"2026-02-15", "2026-01-20", false}, {"2026-01-20", "2026-02-01", true}}
	if !reflect.DeepEqual(vs, wantVs) {
		t.Errorf("visits = %+v\nwant %+v", vs, wantVs)
	}
	if len(got.IncubatedOrgs) != 1 || got.IncubatedOrgs[0].OrganizationID != fx.a || got.IncubatedOrgs[0].PartyOrgName != "甲店党支部" || got.IncubatedOrgs[0].CoveredFrom != "2026-06-01" {
		t.Errorf("incubated = %+v, want A by 甲店党支部 from 2026-06-01", got.IncubatedOrgs)
	}
	if len(got.Developed) != 2 || got.Developed[0].Name != "甲申请人" || got.Developed[0].Step != 1 || got.Developed[1].Step != 17 || got.Developed[1].DoneOn != "2026-10-01" {
		t.Errorf("developed = %+v, want 甲申请人 steps 1 and 17", got.Developed)
	}

	q1, err := svc.ParsePeriod("", "", "2026", "1")
	if err != nil {
		t.Fatal(err)
	}
	got, err = svc.Achievement(ctx, fx.x, q1)
	if err != nil {
		t.Fatal(err)
	}
	// Q1: A 01-20, A 03-10, B 02-15; C not yet assigned; the problem of 01-20
	// was solved on 05-01, after the quarter; 甲申请人 applied on 02-10.
	want = instructor.Figures{Assigned: 2, Reached: 2, Visits: 3, OnTime: 1, ProblemsRaised: 1, ProblemsSolved: 0, Incubated: 0, Applications: 1, Admitted: 0}
	if got.Figures != want {
		t.Errorf("Q1 figures = %+v\nwant %+v", got.Figures, want)
	}
}

func TestParsePeriod(t *testing.T) {
	fx := newWorkFixture(t)
	svc := fx.e.App.Instr
	for _, c := range []struct {
		from, to, year, quarter string
		want                    instructor.Period
	}{
		{"", "", "", "", instructor.Period{From: "2026-01-01", To: "2026-12-31"}}, // the clock's year
		{"", "", "2025", "", instructor.Period{From: "2025-01-01", To: "2025-12-31"}},
		{"", "", "2026", "2", instructor.Period{From: "2026-04-01", To: "2026-06-30"}},
		{"", "", "", "3", instructor.Period{From: "2026-07-01", To: "2026-09-30"}},
		{"", "", "2024", "4", instructor.Period{From: "2024-10-01", To: "2024-12-31"}},
		{"2026-02-01", "2026-02-01", "", "", instructor.Period{From: "2026-02-01", To: "2026-02-01"}},
	} {
		got, err := svc.ParsePeriod(c.from, c.to, c.year, c.quarter)
		if err != nil || got != c.want {
			t.Errorf("ParsePeriod(%q, %q, %q, %q) = %+v, %v; want %+v", c.from, c.to, c.year, c.quarter, got, err, c.want)
		}
	}
	for _, c := range []struct{ from, to, year, quarter, field string }{
		{"2026-03-01", "2026-02-01", "", "", "to"},
		{"2026-02-30", "2026-03-01", "", "", "from"},
		{"2026-01-01", "", "", "", "to"},
		{"", "", "26", "", "year"},
		{"", "", "2026", "5", "quarter"},
		{"", "", " ", "", "year"},
		{"", "", "2026", " ", "quarter"},
		{" ", "2026-02-01", "", "", "from"},
		{"2026-01-01", "2026-02-01", "2026", "", "year"},
	} {
		_, err := svc.ParsePeriod(c.from, c.to, c.year, c.quarter)
		if e := wantKind(t, fmt.Sprint(c), err, apperr.KindInvalid); e != nil && e.Fields[c.field] == "" {
			t.Errorf("%+v: fields %v, want %s named", c, e.Fields, c.field)
		}
	}
}

// The ranking over the district, a street's own and a region filter, with
// the totals and the contacted organizations.
func TestAchievementRanking(t *testing.T) {
	fx := newAchieveFixture(t)
	svc := fx.e.App.Instr
	p := instructor.Period{From: "2026-01-01", To: "2026-12-31"}
	items, total, tot, err := svc.Ranking(districtCtx(), instructor.RankingFilter{Period: p}, 1, 20)
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(items) != 2 || items[0].InstructorID != fx.x || items[0].Rank != 1 || items[1].InstructorID != fx.y || items[1].Rank != 2 {
		t.Fatalf("ranking by visits = %+v (total %d), want 许 then 严", items, total)
	}
	// 严: assigned E and G, one visit to E on 03-01, due 2025-04-01: late.
	if want := (instructor.Figures{Assigned: 2, Reached: 1, Visits: 1}); items[1].Figures != want {
		t.Errorf("严 = %+v, want %+v", items[1].Figures, want)
	}
	wantTot := instructor.Figures{Assigned: 5, Reached: 4, Visits: 6, OnTime: 2, ProblemsRaised: 2, Incubated: 1, Applications: 1, Admitted: 1}
	if tot.Instructors != 2 || tot.Figures != wantTot {
		t.Errorf("totals = %d %+v, want 2 %+v", tot.Instructors, tot.Figures, wantTot)
	}
	// Contacted on the clock's day 2026-11-23: A and C (许), E (严); B and D
	// ended, G closed, F never assigned.
	if tot.Contacted.On != "2026-11-23" || tot.Contacted.Count != 3 || !reflect.DeepEqual(tot.Contacted.OrganizationIDs, []int64{fx.a, fx.c, fx.e2}) {
		t.Errorf("contacted = %+v, want A, C, E on 2026-11-23", tot.Contacted)
	}
	items, _, _, err = svc.Ranking(districtCtx(), instructor.RankingFilter{Period: p, Sort: "name"}, 1, 20)
	if err != nil || items[0].InstructorName != "严指导" {
		t.Errorf("by name first = %+v, %v; want 严指导 (严 U+4E25 sorts before 许 U+8BB8)", items, err)
	}
	items, total, _, err = svc.Ranking(districtCtx(), instructor.RankingFilter{Period: p}, 2, 1)
	if err != nil || total != 2 || len(items) != 1 || items[0].InstructorID != fx.y || items[0].Rank != 2 {
		t.Errorf("page 2 of 1 = %+v (total %d), %v; want 严 ranked 2", items, total, err)
	}
	items, total, tot, err = svc.Ranking(streetCtx(testenv.Hongqiao), instructor.RankingFilter{Period: p}, 1, 20)
	if err != nil || total != 1 || items[0].InstructorID != fx.x {
		t.Errorf("洪桥 street = %+v (total %d), %v; want only 许", items, total, err)
	}
	if tot.Contacted.Count != 2 || !reflect.DeepEqual(tot.Contacted.OrganizationIDs, []int64{fx.a, fx.c}) {
		t.Errorf("洪桥 contacted = %+v, want A, C", tot.Contacted)
	}
	items, total, tot, err = svc.Ranking(districtCtx(), instructor.RankingFilter{Period: p, Region: testenv.Yuhe}, 1, 20)
	if err != nil || total != 1 || items[0].InstructorID != fx.y || !reflect.DeepEqual(tot.Contacted.OrganizationIDs, []int64{fx.e2}) {
		t.Errorf("region 玉合 = %+v (total %d, contacted %+v), %v; want only 严 and E", items, total, tot.Contacted, err)
	}
	// A street asking for another street sees nobody and counts nothing;
	// asking for the whole county it gets its own street.
	_, total, tot, err = svc.Ranking(streetCtx(testenv.Hongqiao), instructor.RankingFilter{Period: p, Region: testenv.Yuhe}, 1, 20)
	if err != nil || total != 0 || tot.Contacted.Count != 0 {
		t.Errorf("洪桥 asking 玉合: total %d, contacted %+v, %v; want nothing", total, tot.Contacted, err)
	}
	_, total, tot, err = svc.Ranking(streetCtx(testenv.Hongqiao), instructor.RankingFilter{Period: p, Region: testenv.Jurisdiction}, 1, 20)
	if err != nil || total != 1 || tot.Contacted.Count != 2 {
		t.Errorf("洪桥 asking the county: total %d, contacted %+v, %v; want 许 and A, C", total, tot.Contacted, err)
	}
	_, _, _, err = svc.Ranking(districtCtx(), instructor.RankingFilter{Period: p, Sort: "stars"}, 1, 20)
	if e := wantKind(t, "bad sort", err, apperr.KindInvalid); e != nil && e.Fields["sort"] == "" {
		t.Errorf("bad sort fields %v", e.Fields)
	}
}

// The 党统 figure on a past day and per region.
func TestContactedOrganizations(t *testing.T) {
	fx := newAchieveFixture(t)
	svc := fx.e.App.Instr
	for _, c := range []struct {
		region, on string
		want       []int64
	}{
		// 02-15: A (from 01-01), B (until 03-01), E, G (closed only on 10-01); D ended 2025-12-01.
		{testenv.Jurisdiction, "2026-02-15", []int64{fx.a, fx.b, fx.e2, fx.g}},
		{testenv.Hongqiao, "2026-02-15", []int64{fx.a, fx.b}},
		// 03-01 is the first day B is no longer assigned.
		{testenv.Hongqiao, "2026-03-01", []int64{fx.a}},
		{testenv.Yuhe, "2026-10-01", []int64{fx.e2}},
		{testenv.Hongqiao, "2025-11-30", []int64{fx.b, fx.d}},
	} {
		got, err := svc.ContactedOrganizations(districtCtx(), c.region, c.on)
		if err != nil || got.Count != len(c.want) || !reflect.DeepEqual(got.OrganizationIDs, c.want) {
			t.Errorf("contacted(%s, %s) = %+v, %v; want %v", c.region, c.on, got, err, c.want)
		}
		// The coverage report's 其中党建工作指导员联系的 agrees (every unit of
		// the fixture is in the default scope rule).
		rep, err := fx.e.App.Cover.Coverage(districtCtx(), c.region, c.on)
		if err != nil || rep.Instructed != len(c.want) {
			t.Errorf("coverage(%s, %s).instructed = %d, %v; want %d", c.region, c.on, rep.Instructed, err, len(c.want))
		}
	}
}

// Marking a visit's problems solved: the rules, the owner, and what the
// visit list then shows.
func TestSolveVisit(t *testing.T) {
	fx := newAchieveFixture(t)
	svc, ctx := fx.e.App.Instr, districtCtx()
	withProblem, noProblem := fx.visits[fmt.Sprint(fx.a, " 2026-04-05")], fx.visits[fmt.Sprint(fx.a, " 2026-03-10")]
	for _, c := range []struct {
		visit int64
		in    instructor.SolveInput
		field string
	}{
		{withProblem, instructor.SolveInput{SolvedOn: "2026-04-01", Note: "已解决"}, "solved_on"}, // before the visit
		{withProblem, instructor.SolveInput{SolvedOn: "2026-11-24", Note: "已解决"}, "solved_on"}, // after today
		{withProblem, instructor.SolveInput{SolvedOn: "2026-13-01", Note: "已解决"}, "solved_on"},
		{withProblem, instructor.SolveInput{SolvedOn: "2026-05-01", Note: "  "}, "note"},
		{noProblem, instructor.SolveInput{SolvedOn: "2026-05-01", Note: "已解决"}, "visit_id"},
	} {
		_, err := svc.SolveVisit(ctx, fx.x, c.visit, c.in)
		if e := wantKind(t, fmt.Sprint(c), err, apperr.KindInvalid); e != nil && e.Fields[c.field] == "" {
			t.Errorf("%+v: fields %v, want %s named", c, e.Fields, c.field)
		}
	}
	// Another instructor's visit is not found under this one.
	_, err := svc.SolveVisit(ctx, fx.y, withProblem, instructor.SolveInput{SolvedOn: "2026-05-01", Note: "已解决"})
	wantKind(t, "other instructor's visit", err, apperr.KindNotFound)
	// The bound 严 cannot reach 许's record at all.
	_, err = svc.SolveVisit(boundCtx(fx.y), fx.x, withProblem, instructor.SolveInput{SolvedOn: "2026-05-01", Note: "已解决"})
	wantKind(t, "bound to another", err, apperr.KindNotFound)
	_, err = svc.Achievement(boundCtx(fx.y), fx.x, instructor.Period{From: "2026-01-01", To: "2026-12-31"})
	wantKind(t, "bound achievement of another", err, apperr.KindNotFound)

	v, err := svc.SolveVisit(boundCtx(fx.x), fx.x, withProblem, instructor.SolveInput{SolvedOn: "2026-04-20", Note: " 引导流动党员转入组织关系 "})
	if err != nil {
		t.Fatal(err)
	}
	if v.SolvedOn == nil || *v.SolvedOn != "2026-04-20" || v.SolvedNote != "引导流动党员转入组织关系" || v.Problems != "党员流动性大" {
		t.Errorf("solved = %+v", v)
	}
	list, err := svc.Visits(ctx, fx.x)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range list {
		solved := it.SolvedOn != nil
		if solved != (it.ID == withProblem) {
			t.Errorf("visit %d %s solved_on = %v", it.ID, it.VisitedOn, it.SolvedOn)
		}
	}
}

func streetCtx(region string) context.Context {
	return actor.With(context.Background(), actor.Actor{UserID: 2, Username: "street", Role: auth.RoleStreet, Scope: region})
}
