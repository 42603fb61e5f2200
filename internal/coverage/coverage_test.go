package coverage_test

import (
	"context"
	"liangxin/internal/store"
	"math"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/coverage"
	"liangxin/internal/coverspan"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
)

type world struct {
	e   *testenv.Env
	ctx context.Context
	n   int
}

func newWorld(t *testing.T) *world {
	e := testenv.New(t)
	// Start-up work (app.Run): the migrations' request to build the spans
	// and counts, so that reports read the counts as they do in service.
	if err := coverspan.EnsureBuilt(context.Background(), e.App.DB); err != nil {
		t.Fatal(err)
	}
	return &world{e: e, ctx: actor.With(context.Background(), actor.Actor{Username: "district", Role: "district", Scope: testenv.Jurisdiction})}
}

type orgSpec struct {
	region     string
	category   string
	full       int
	employees  int
	aboveScale bool
	registered string
	closed     string
	charter    bool // has a charter
	inCharter  bool // 党建入章
}

func (w *world) org(t *testing.T, s orgSpec) org.Organization {
	t.Helper()
	w.n++
	name := "单位" + string(rune('A'+w.n%26)) + itoa(w.n)
	if s.category == "" {
		s.category = "private_enterprise"
	}
	if s.region == "" {
		s.region = testenv.Hongqiao
	}
	in := org.Input{Name: &name, Category: &s.category, RegionCode: &s.region, FullMembers: &s.full, Employees: &s.employees, AboveScale: &s.aboveScale}
	if s.category != "individual_business" {
		code := uscc.Generate('9', '1', "430426", w.n)
		in.USCC = &code
	}
	if s.registered != "" {
		in.RegisteredOn = &s.registered
	}
	if s.closed != "" {
		in.ClosedOn = &s.closed
	}
	if s.charter {
		in.HasCharter, in.CharterHasParty = &s.charter, &s.inCharter
	}
	o, err := w.e.App.Orgs.Create(w.ctx, in)
	if err != nil {
		t.Fatalf("create org: %v", err)
	}
	return o
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func (w *world) party(t *testing.T, formation, established string, orgs ...org.Organization) partyorg.PartyOrg {
	t.Helper()
	var ids []int64
	for _, o := range orgs {
		ids = append(ids, o.ID)
	}
	w.n++
	p, err := w.e.App.Party.Create(w.ctx, partyorg.Input{Name: "党支部" + itoa(w.n), Kind: "branch", Formation: formation, EstablishedOn: established, Covers: ids})
	if err != nil {
		t.Fatalf("create party org: %v", err)
	}
	return p
}

func (w *world) report(t *testing.T, region, day string) coverage.Report {
	t.Helper()
	r, err := w.e.App.Cover.Coverage(w.ctx, region, day)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// An organization counts on day X when registered on or before X and not
// closed on or before X; a party organization covers from its established day
// until (not including) its dissolved day.
func TestCoverageAsOfDates(t *testing.T) {
	w := newWorld(t)
	a := w.org(t, orgSpec{full: 5, registered: "2020-01-01"})
	b := w.org(t, orgSpec{full: 1, registered: "2024-06-15"})
	c := w.org(t, orgSpec{full: 0, registered: "2020-01-01", closed: "2025-03-01"})
	p := w.party(t, "single", "2025-01-10", a)
	w.party(t, "joint", "2025-02-01", b, c)

	cases := []struct {
		day                         string
		total, orgC, single, workCv int
	}{
		{"2024-06-14", 2, 0, 0, 0}, // b not yet registered
		{"2024-06-15", 3, 0, 0, 0}, // registered that day: counts
		{"2025-01-09", 3, 0, 0, 0}, // day before the branch
		{"2025-01-10", 3, 1, 1, 1}, // established that day: covers
		{"2025-02-01", 3, 3, 1, 3}, // the joint branch covers b and c
		{"2025-02-28", 3, 3, 1, 3},
		{"2025-03-01", 2, 2, 1, 2}, // c closed that day: leaves the count
	}
	for _, tc := range cases {
		r := w.report(t, testenv.Jurisdiction, tc.day)
		if r.Total != tc.total || r.OrgCovered != tc.orgC || r.SingleCovered != tc.single || r.WorkCovered != tc.workCv {
			t.Errorf("%s: total %d org %d single %d work %d, want %d %d %d %d", tc.day, r.Total, r.OrgCovered, r.SingleCovered, r.WorkCovered,
				tc.total, tc.orgC, tc.single, tc.workCv)
		}
	}
	if _, err := w.e.App.Party.Dissolve(w.ctx, p.ID, "2025-06-30"); err != nil {
		t.Fatal(err)
	}
	if r := w.report(t, testenv.Jurisdiction, "2025-06-29"); r.SingleCovered != 1 {
		t.Errorf("day before dissolution: single %d", r.SingleCovered)
	}
	r := w.report(t, testenv.Jurisdiction, "2025-06-30")
	if r.SingleCovered != 0 || r.OrgCovered != 1 {
		t.Errorf("dissolved that day: single %d org %d, want 0 1", r.SingleCovered, r.OrgCovered)
	}
	if !near(r.OrgRate, 0.5) || r.AsOf != "2025-06-30" {
		t.Errorf("rate %v as of %s", r.OrgRate, r.AsOf)
	}
}

// An organization covered by two party organizations counts once.
func TestJointCoverageCountedOnce(t *testing.T) {
	w := newWorld(t)
	a := w.org(t, orgSpec{full: 4})
	b := w.org(t, orgSpec{full: 1})
	w.party(t, "single", "2025-01-01", a)
	w.party(t, "joint", "2025-01-01", a, b)
	w.party(t, "regional", "2025-01-01", a, b)
	r := w.report(t, testenv.Jurisdiction, "2025-12-31")
	if r.Total != 2 || r.OrgCovered != 2 || r.SingleCovered != 1 || !near(r.OrgRate, 1) || !near(r.SingleRate, 0.5) {
		t.Fatalf("got %+v", r.Counts)
	}
}

// 工作覆盖 = 组织覆盖 or an instructor assignment active on the day (from its from day).
func TestWorkCoverageByInstructor(t *testing.T) {
	w := newWorld(t)
	a := w.org(t, orgSpec{})
	name := "李指导"
	in, err := w.e.App.Instr.Create(w.ctx, instructor.Input{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	as, err := w.e.App.Instr.Assign(w.ctx, in.ID, a.ID, "2025-05-01", "")
	if err != nil {
		t.Fatal(err)
	}
	if r := w.report(t, testenv.Jurisdiction, "2025-04-30"); r.WorkCovered != 0 {
		t.Errorf("before assignment: %d", r.WorkCovered)
	}
	if r := w.report(t, testenv.Jurisdiction, "2025-05-01"); r.WorkCovered != 1 || r.OrgCovered != 0 || !near(r.WorkRate, 1) {
		t.Errorf("from assignment: %+v", r.Counts)
	}
	if _, err := w.e.App.Instr.EndAssignment(w.ctx, in.ID, as.ID, "2025-09-01"); err != nil {
		t.Fatal(err)
	}
	if r := w.report(t, testenv.Jurisdiction, "2025-09-01"); r.WorkCovered != 0 {
		t.Errorf("assignment ended: %d", r.WorkCovered)
	}
}

// The scope rule changes the denominator, and the report says which rule it used.
func TestScopeRule(t *testing.T) {
	w := newWorld(t)
	big := w.org(t, orgSpec{full: 3, employees: 150, aboveScale: true})
	w.org(t, orgSpec{employees: 9})
	w.org(t, orgSpec{employees: 10})
	w.party(t, "single", "2025-01-01", big)
	day := "2025-12-31"
	if r := w.report(t, testenv.Jurisdiction, day); r.Total != 3 || r.Rule.Kind != "all" || r.Rule.Description == "" {
		t.Fatalf("all: %+v %+v", r.Counts, r.Rule)
	}
	if _, err := w.e.App.Cover.SetRule(w.ctx, coverage.Rule{Kind: "above_scale"}, ""); err != nil {
		t.Fatal(err)
	}
	if r := w.report(t, testenv.Jurisdiction, day); r.Total != 1 || !near(r.OrgRate, 1) || r.Rule.Kind != "above_scale" {
		t.Fatalf("above_scale: %+v %+v", r.Counts, r.Rule)
	}
	if _, err := w.e.App.Cover.SetRule(w.ctx, coverage.Rule{Kind: "min_employees", MinEmployees: 10}, ""); err != nil {
		t.Fatal(err)
	}
	r := w.report(t, testenv.Jurisdiction, day)
	if r.Total != 2 || r.Rule.MinEmployees != 10 || !near(r.OrgRate, 0.5) {
		t.Fatalf("≥10 staff: %+v %+v", r.Counts, r.Rule)
	}
	if _, err := w.e.App.Cover.SetRule(w.ctx, coverage.Rule{Kind: "min_employees"}, ""); !apperr.IsKind(err, apperr.KindInvalid) {
		t.Fatalf("min_employees without N: %v", err)
	}
}

// Breakdowns: by sector and by child region (every child listed, zeros included).
func TestBreakdowns(t *testing.T) {
	w := newWorld(t)
	a := w.org(t, orgSpec{full: 3, region: testenv.Hongqiao})
	w.org(t, orgSpec{category: "social_group", region: testenv.Yuhe})
	w.org(t, orgSpec{category: "foundation", region: testenv.Yuhe})
	w.party(t, "single", "2025-01-01", a)
	r := w.report(t, testenv.Jurisdiction, "2025-12-31")
	if e := r.BySector["economic"]; e.Total != 1 || !near(e.OrgRate, 1) {
		t.Errorf("economic: %+v", e)
	}
	if s := r.BySector["social"]; s.Total != 2 || s.OrgCovered != 0 {
		t.Errorf("social: %+v", s)
	}
	found := map[string]coverage.RegionCounts{}
	for _, rc := range r.ByRegion {
		found[rc.RegionCode] = rc
	}
	if len(r.ByRegion) < 24 {
		t.Errorf("by_region lists %d children, want every town of 祁东县", len(r.ByRegion))
	}
	if h := found[testenv.Hongqiao]; h.Total != 1 || h.Name != "洪桥街道" || !near(h.OrgRate, 1) {
		t.Errorf("洪桥: %+v", h)
	}
	if y := found[testenv.Yuhe]; y.Total != 2 || y.OrgCovered != 0 {
		t.Errorf("玉合: %+v", y)
	}
}

// A street user's figures and lists hold its own street alone.
func TestStreetUserSeesOnlyItsStreet(t *testing.T) {
	w := newWorld(t)
	w.org(t, orgSpec{full: 4, region: testenv.Hongqiao})
	w.org(t, orgSpec{full: 4, region: testenv.Yuhe})
	w.org(t, orgSpec{full: 4, region: testenv.Yuhe})
	street := actor.With(context.Background(), actor.Actor{Username: "hq", Role: "street", Scope: testenv.Hongqiao})
	r, err := w.e.App.Cover.Coverage(street, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.RegionCode != testenv.Hongqiao || r.Total != 1 {
		t.Fatalf("street report: %s total %d", r.RegionCode, r.Total)
	}
	if _, err := w.e.App.Cover.Coverage(street, testenv.Yuhe, ""); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("other street: %v", err)
	}
	// The county above it: refused, or cut to the street by the scope.
	if r, err := w.e.App.Cover.Coverage(street, testenv.Jurisdiction, ""); err == nil && r.Total != 1 {
		t.Fatalf("county seen by the street user: total %d, want 1", r.Total)
	} else if err != nil && !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatal(err)
	}
	items, total, err := w.e.App.Cover.WorkList(street, coverage.ListShouldBuild, "", "", 1, 50)
	if err != nil || total != store.Exact(1) || len(items) != 1 || items[0].RegionCode != testenv.Hongqiao {
		t.Fatalf("street work list: %s %v", total, err)
	}
	list, total, err := w.e.App.Orgs.List(street, org.Filter{})
	if err != nil || total != store.Exact(1) || list[0].RegionCode != testenv.Hongqiao {
		t.Fatalf("street org list: %s %v", total, err)
	}
}

// Work lists: 应建未建 (≥3 full, no own party org), 有党员未建 (1–2), 无党员.
func TestWorkLists(t *testing.T) {
	w := newWorld(t)
	three := w.org(t, orgSpec{full: 3})
	w.org(t, orgSpec{full: 2})
	w.org(t, orgSpec{full: 1})
	none := w.org(t, orgSpec{full: 0})
	coveredJointly := w.org(t, orgSpec{full: 4})
	w.party(t, "joint", "2025-01-01", coveredJointly, none)
	count := func(kind string) int {
		_, total, err := w.e.App.Cover.WorkList(w.ctx, kind, "", "2025-12-31", 1, 50)
		if err != nil || total.Capped {
			t.Fatal(total, err)
		}
		return total.N
	}
	// ≥3 full members without an own branch: three and the jointly covered one.
	if n := count(coverage.ListShouldBuild); n != 2 {
		t.Errorf("应建未建 = %d, want 2", n)
	}
	if n := count(coverage.ListFewMembers); n != 2 {
		t.Errorf("有党员未建 = %d, want 2", n)
	}
	// The member-less unit is covered by the joint branch, so not listed.
	if n := count(coverage.ListNoMembers); n != 0 {
		t.Errorf("无党员 = %d, want 0", n)
	}
	w.party(t, "single", "2025-06-01", three)
	if n := count(coverage.ListShouldBuild); n != 1 {
		t.Errorf("after building: 应建未建 = %d, want 1", n)
	}
}

// A street's or an area's report limits the covers and assignments it
// aggregates to its own organizations; its figures must be exactly the
// street's row of the county report, including a joint branch that spans two
// streets and an instructor who guides organizations in both.
func TestStreetAndAreaReportsAgreeWithTheCounty(t *testing.T) {
	w := newWorld(t)
	sys := actor.System(context.Background(), "test")
	area, err := w.e.App.Regions.CreateArea(sys, testenv.Hongqiao, "步行街商圈", "business_district")
	if err != nil {
		t.Fatal(err)
	}
	hq := []org.Organization{w.org(t, orgSpec{full: 3}), w.org(t, orgSpec{full: 1}), w.org(t, orgSpec{}), w.org(t, orgSpec{}), w.org(t, orgSpec{})}
	yh := []org.Organization{w.org(t, orgSpec{region: testenv.Yuhe}), w.org(t, orgSpec{region: testenv.Yuhe})}
	w.party(t, "single", "2025-01-01", hq[0])
	w.party(t, "joint", "2025-01-01", hq[1], yh[0]) // spans both streets
	w.party(t, "joint", "2025-01-01", hq[0], hq[2]) // hq[0] covered twice, counted once
	name := "王指导员"
	in, err := w.e.App.Instr.Create(w.ctx, instructor.Input{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []org.Organization{hq[3], yh[1], hq[0]} {
		if _, err := w.e.App.Instr.Assign(w.ctx, in.ID, o.ID, "2025-01-01", ""); err != nil {
			t.Fatal(err)
		}
	}
	codes := []string{area.Code}
	for _, o := range []org.Organization{hq[0], hq[1], hq[3]} {
		if _, err := w.e.App.Orgs.Update(w.ctx, o.ID, org.Input{AreaCodes: &codes}); err != nil {
			t.Fatal(err)
		}
	}
	county := w.report(t, testenv.Jurisdiction, "2025-12-31")
	var row coverage.RegionCounts
	for _, r := range county.ByRegion {
		if r.RegionCode == testenv.Hongqiao {
			row = r
		}
	}
	street := w.report(t, testenv.Hongqiao, "2025-12-31")
	want := coverage.Counts{Total: 5, OrgCovered: 3, SingleCovered: 1, WorkCovered: 4}
	for name, got := range map[string]coverage.Counts{"county row": row.Counts, "street": street.Counts} {
		if got.Total != want.Total || got.OrgCovered != want.OrgCovered || got.SingleCovered != want.SingleCovered || got.WorkCovered != want.WorkCovered {
			t.Errorf("%s: %+v, want %+v", name, got, want)
		}
	}
	a := w.report(t, area.Code, "2025-12-31")
	if a.Total != 3 || a.OrgCovered != 2 || a.SingleCovered != 1 || a.WorkCovered != 3 {
		t.Errorf("area: %+v, want 3 organizations, 2 covered, 1 single, 3 work-covered", a.Counts)
	}
	if yhRep := w.report(t, testenv.Yuhe, "2025-12-31"); yhRep.Total != 2 || yhRep.OrgCovered != 1 || yhRep.SingleCovered != 0 || yhRep.WorkCovered != 2 {
		t.Errorf("玉合: %+v, want 2 organizations, 1 covered, 0 single, 2 work-covered", yhRep.Counts)
	}
}
