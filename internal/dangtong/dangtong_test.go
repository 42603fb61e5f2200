package dangtong_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/dangtong"
	"liangxin/internal/instructor"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
)

// day is the statistics date of the hand-built ledger; its 报告期 is
// 2026-01-01..2026-06-30.
const day = "2026-06-30"

type world struct {
	e   *testenv.Env
	ctx context.Context
	n   int
}

func newWorld(t *testing.T) *world {
	e := testenv.New(t)
	return &world{e: e, ctx: actor.With(context.Background(), actor.Actor{Username: "district", Role: "district", Scope: testenv.Jurisdiction})}
}

type unitSpec struct {
	category                string
	employees, full, prob   int
	staff, staffMembers     int
	ownership, inter        string
	repMember, repSecretary bool
	registered              string
}

func (w *world) unit(t *testing.T, s unitSpec) org.Organization {
	t.Helper()
	w.n++
	name := fmt.Sprintf("统计单位%02d", w.n)
	region := testenv.Hongqiao
	if w.n%2 == 0 {
		region = testenv.Yuhe
	}
	in := org.Input{Name: &name, Category: &s.category, RegionCode: &region, Employees: &s.employees, FullMembers: &s.full,
		ProbationaryMembers: &s.prob, StaffOnPost: &s.staff, StaffMembers: &s.staffMembers, Ownership: &s.ownership,
		IntermediaryKind: &s.inter, LegalRepMember: &s.repMember, LegalRepSecretary: &s.repSecretary}
	if s.category != "individual_business" {
		code := uscc.Generate('9', '1', "430426", 100+w.n)
		in.USCC = &code
	}
	reg := "2015-01-01"
	if s.registered != "" {
		reg = s.registered
	}
	in.RegisteredOn = &reg
	o, err := w.e.App.Orgs.Create(w.ctx, in)
	if err != nil {
		t.Fatalf("unit %d: %v", w.n, err)
	}
	return o
}

func (w *world) party(t *testing.T, kind, formation, established string, parent *int64, units ...org.Organization) partyorg.PartyOrg {
	t.Helper()
	var ids []int64
	for _, u := range units {
		ids = append(ids, u.ID)
	}
	w.n++
	in := partyorg.Input{Name: fmt.Sprintf("统计党组织%02d", w.n), Kind: kind, Formation: formation, EstablishedOn: established, Covers: ids, ParentID: parent}
	if len(units) == 0 && parent == nil {
		in.RegionCode = testenv.Hongqiao
	}
	p, err := w.e.App.Party.Create(w.ctx, in)
	if err != nil {
		t.Fatalf("party org %s: %v", in.Name, err)
	}
	return p
}

func (w *world) instructor(t *testing.T, name string) instructor.Instructor {
	t.Helper()
	region := testenv.Jurisdiction
	i, err := w.e.App.Instr.Create(w.ctx, instructor.Input{Name: &name, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func (w *world) assign(t *testing.T, i instructor.Instructor, u org.Organization, from string) {
	t.Helper()
	if _, err := w.e.App.Instr.Assign(w.ctx, i.ID, u.ID, from, ""); err != nil {
		t.Fatal(err)
	}
}

// idNumber builds a valid 身份证号 (GB 11643) of a person born in 1980.
func idNumber(seq int) string {
	base := fmt.Sprintf("43042619800101%03d", seq)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range base {
		sum += int(c-'0') * weights[i]
	}
	return base + string("10X98765432"[sum%11])
}

type memberSpec struct {
	party              partyorg.PartyOrg
	unit               *org.Organization
	category, joined   string
	confirmed          string
	lostSince, lostWhy string
}

func (w *world) member(t *testing.T, s memberSpec) member.Member {
	t.Helper()
	w.n++
	gender := "female"
	if w.n%2 == 1 {
		gender = "male"
	}
	in := member.Input{Name: fmt.Sprintf("党员%02d", w.n), IDNumber: idNumber(w.n), Gender: gender, BirthDate: "1980-01-01", Category: s.category, PartyOrgID: s.party.ID,
		JoinedOn: s.joined, ConfirmedOn: s.confirmed}
	if s.unit != nil {
		in.OrganizationID = &s.unit.ID
	}
	m, err := w.e.App.Members.Create(w.ctx, in)
	if err != nil {
		if e, ok := apperr.As(err); ok {
			t.Fatalf("member: %v", e.Fields)
		}
		t.Fatalf("member: %v", err)
	}
	if s.lostSince != "" {
		if m, err = w.e.App.Members.Update(w.ctx, m.ID, member.Patch{LostSince: &s.lostSince, LostReason: &s.lostWhy}); err != nil {
			t.Fatalf("lost: %v", err)
		}
	}
	return m
}

func (w *world) election(t *testing.T, p partyorg.PartyOrg, held, timing string) {
	t.Helper()
	db := w.e.App.DB
	if _, err := db.Exec(w.ctx, db, `INSERT INTO elections (party_org_id, held_on, note, created_at, timing) VALUES (?, ?, '', '2026-11-01T00:00:00Z', ?)`,
		p.ID, held, timing); err != nil {
		t.Fatal(err)
	}
}

// ledger is the hand-built ledger the expected grids below are computed
// from (docs/statistics.md explains each rule).
type ledger struct {
	e, s []org.Organization // E1..E8, S1..S7 (index 0 = E1)
}

func build(t *testing.T, w *world) ledger {
	var l ledger
	// Enterprises (table 27).
	for _, s := range []unitSpec{
		{category: "private_enterprise", employees: 120, full: 5, prob: 1, staff: 100, staffMembers: 6, ownership: org.OwnPrivateSole, repMember: true, repSecretary: true}, // E1
		{category: "foreign_enterprise", employees: 60, full: 3, staff: 50, staffMembers: 3, ownership: org.OwnForeignControl, repMember: true},                             // E2
		{category: "private_enterprise", employees: 30, full: 2, prob: 1, staff: 20, staffMembers: 3, ownership: org.OwnPrivateControl},                                     // E3
		{category: "other_enterprise", employees: 10, full: 1, staff: 8, staffMembers: 1, ownership: org.OwnHMTInvest},                                                      // E4
		{category: "private_enterprise", employees: 55, full: 4, staff: 40, staffMembers: 4, ownership: org.OwnPrivateControl},                                              // E5
		{category: "private_enterprise", employees: 5, full: 1, staff: 5, staffMembers: 1},                                                                                  // E6
		{category: "private_enterprise", employees: 3, staff: 3, ownership: org.OwnHMTSole},                                                                                 // E7
		{category: "private_enterprise", employees: 9, full: 3, staff: 9, staffMembers: 3, registered: "2026-07-01"},                                                        // E8: after the day
	} {
		l.e = append(l.e, w.unit(t, s))
	}
	w.unit(t, unitSpec{category: "individual_business", employees: 2}) // in coverage, not in table 27
	// Social organizations (table 30).
	for _, s := range []unitSpec{
		{category: "social_group", employees: 40, full: 3, staff: 30, staffMembers: 3},                               // S1
		{category: "foundation", employees: 10, full: 1, staff: 10, staffMembers: 1},                                 // S2
		{category: "intermediary", inter: org.InterLaw, employees: 20, full: 3, prob: 1, staff: 15, staffMembers: 4}, // S3
		{category: "intermediary", inter: org.InterAccounting, employees: 8, staff: 8},                               // S4
		{category: "private_non_enterprise", employees: 12, full: 2, staff: 10, staffMembers: 2},                     // S5
		{category: "intermediary", inter: org.InterTax, employees: 6, full: 1, staff: 5, staffMembers: 1},            // S6
		{category: "intermediary", inter: org.InterOther, employees: 5, staff: 5},                                    // S7
	} {
		l.s = append(l.s, w.unit(t, s))
	}
	e, s := l.e, l.s
	p1 := w.party(t, partyorg.KindCommittee, partyorg.FormationSingle, "2020-01-01", nil, e[0])
	p2 := w.party(t, partyorg.KindBranch, partyorg.FormationSingle, "2021-03-01", nil, e[1])
	p3 := w.party(t, partyorg.KindBranch, partyorg.FormationJoint, "2022-01-01", nil, e[2], e[3])
	w.party(t, partyorg.KindBranch, partyorg.FormationSingle, "2026-08-01", nil, e[4]) // P4: after the day
	p5 := w.party(t, partyorg.KindBranch, partyorg.FormationSingle, "2019-05-01", nil, s[0])
	p6 := w.party(t, partyorg.KindBranch, partyorg.FormationJoint, "2023-09-01", nil, s[4], s[5])
	p7 := w.party(t, partyorg.KindBranch, partyorg.FormationRegional, "2023-04-01", nil)
	group := w.party(t, partyorg.KindGroup, "", "2025-01-01", &p5.ID)
	i1, i2 := w.instructor(t, "甲指导员"), w.instructor(t, "乙指导员")
	w.assign(t, i1, e[0], "2026-01-01")
	w.assign(t, i1, e[4], "2026-02-01")
	w.assign(t, i2, e[6], "2026-01-01")
	w.assign(t, i2, s[1], "2026-03-01")
	w.election(t, p1, "2026-03-15", "late")
	w.election(t, p3, "2025-12-20", "on_time")
	w.election(t, p5, "2022-05-10", "on_time")
	w.election(t, p5, "2026-05-08", "late")
	w.election(t, p6, "2026-06-01", "early")
	w.election(t, p7, "2026-03-20", "on_time")
	// Members: M1, M2 work at S1, M3 at S3 (and is in the 党小组); lost ones.
	w.member(t, memberSpec{party: p5, unit: &s[0], category: "full", joined: "2014-07-01", confirmed: "2015-07-01", lostSince: "2025-03", lostWhy: "migrant_work"})
	w.member(t, memberSpec{party: p5, unit: &s[0], category: "probationary", joined: "2026-01-10", lostSince: "2026-05-01", lostWhy: "居住地改变"})
	m3 := w.member(t, memberSpec{party: p5, unit: &s[2], category: "full", joined: "2010-07-01", confirmed: "2011-07-01"})
	w.member(t, memberSpec{party: p2, unit: &e[1], category: "full", joined: "2010-07-01", confirmed: "2011-07-01", lostSince: "2026-09", lostWhy: "other"})
	w.member(t, memberSpec{party: p1, category: "full", joined: "2000-07-01", confirmed: "2001-07-01", lostSince: "2024-01", lostWhy: "abroad"})
	if _, err := w.e.App.Party.AddGroupMember(w.ctx, group.ID, partyorg.GroupMemberInput{MemberID: m3.ID, From: "2026-01-01"}); err != nil {
		t.Fatal(err)
	}
	return l
}

func grid(t *testing.T, tab dangtong.Table) [][]int {
	t.Helper()
	out := make([][]int, len(tab.Rows))
	for i, r := range tab.Rows {
		out[i] = r.Cells
	}
	return out
}

func compare(t *testing.T, name string, got, want [][]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", name, len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("%s row %d: got %v, want %v", name, i+1, got[i], want[i])
		}
	}
}

// TestTablesOnHandBuiltLedger checks every cell of tables 27, 30, 24 and 43
// against grids worked out by hand from the ledger above.
func TestTablesOnHandBuiltLedger(t *testing.T) {
	w := newWorld(t)
	build(t, w)
	svc := w.e.App.Dangtong
	get := func(code string) dangtong.Table {
		tab, err := svc.Get(w.ctx, code, testenv.Jurisdiction, day)
		if err != nil {
			t.Fatalf("table %s: %v", code, err)
		}
		return tab
	}
	// Table 27: columns 合计, 从业人员50+/100+, 法定代表人是党员 (其中兼任书记),
	// 私有经济控制 (其中私营独资), 港澳台商 投资/控制/独资, 外商 投资/控制/独资.
	// Units E1..E7 (E8 registered after the day).
	compare(t, "27", grid(t, get("27")), [][]int{
		{7, 3, 1, 2, 1, 3, 1, 2, 1, 1, 1, 1, 0},                  // 1 单位数
		{3, 2, 1, 1, 1, 2, 1, 1, 1, 1, 0, 0, 0},                  // 2 指导员联系的: E1 E5 E7
		{2, 2, 1, 2, 1, 1, 1, 0, 0, 0, 1, 1, 0},                  // 3 单独建立: E1 E2
		{1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0},                  // 4 党委: E1
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},                  // 5 党总支
		{1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0},                  // 6 党支部: E2
		{2, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0},                  // 7 联合: E3 E4
		{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0},                  // 8 3名以上党员: E3
		{1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0},                  // 9 联合党支部数: P3
		{3, 1, 0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0},                  // 10 未建立: E5 E6 E7
		{1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0},                  // 11 应建未建: E5
		{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},                  // 12 个别党员: E6
		{1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0},                  // 13 没有党员: E7
		{2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0},                  // 14 指导员数: I1 (E1, E5), I2 (E7)
		{226, 190, 100, 150, 100, 160, 100, 11, 3, 3, 50, 50, 0}, // 15 在岗职工
		{18, 13, 6, 9, 6, 13, 6, 1, 0, 0, 3, 3, 0},               // 16 其中党员
		{178, 150, 100, 150, 100, 120, 100, 8, 0, 0, 50, 50, 0},  // 17 建立党组织的在岗职工
		{13, 9, 6, 9, 6, 9, 6, 1, 0, 0, 3, 3, 0},                 // 18 其中党员
		{43, 40, 0, 0, 0, 40, 0, 3, 3, 3, 0, 0, 0},               // 19 未建但有指导员的在岗职工: E5 E7
		{4, 4, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0},                  // 20 其中党员
	})
	// Table 30: columns 合计, 社会团体 S1, 基金会 S2, 民办非企业 S5, 律师 S3,
	// 会计师 S4, 税务师 S6 (S7, another intermediary, only in 合计).
	compare(t, "30", grid(t, get("30")), [][]int{
		{7, 1, 1, 1, 1, 1, 1},       // 1 单位数
		{1, 0, 1, 0, 0, 0, 0},       // 2 指导员联系的: S2
		{1, 1, 0, 0, 0, 0, 0},       // 3 单独建立: S1
		{0, 0, 0, 0, 0, 0, 0},       // 4 党委
		{0, 0, 0, 0, 0, 0, 0},       // 5 党总支
		{1, 1, 0, 0, 0, 0, 0},       // 6 党支部: S1
		{2, 0, 0, 1, 0, 0, 1},       // 7 联合: S5 S6
		{0, 0, 0, 0, 0, 0, 0},       // 8 3名以上党员
		{1, 0, 0, 1, 0, 0, 1},       // 9 联合党支部数: P6
		{4, 0, 1, 0, 1, 1, 0},       // 10 未建立: S2 S3 S4 S7
		{1, 0, 0, 0, 1, 0, 0},       // 11 应建未建: S3
		{1, 0, 0, 0, 1, 0, 0},       // 12 其中建立党小组的: S3 (M3 in the group)
		{1, 0, 1, 0, 0, 0, 0},       // 13 个别党员: S2
		{2, 0, 0, 0, 0, 1, 0},       // 14 没有党员: S4 S7
		{1, 0, 1, 0, 0, 0, 0},       // 15 未建但已派指导员: S2
		{1, 0, 1, 0, 0, 0, 0},       // 16 指导员数: I2
		{83, 30, 10, 10, 15, 8, 5},  // 17 在岗职工
		{11, 3, 1, 2, 4, 0, 1},      // 18 其中党员
		{45, 30, 0, 10, 0, 0, 5},    // 19 建立党组织的在岗职工: S1 S5 S6
		{6, 3, 0, 2, 0, 0, 1},       // 20 其中党员
		{10, 0, 10, 0, 0, 0, 0},     // 21 未建但有指导员的在岗职工: S2
		{1, 0, 1, 0, 0, 0, 0},       // 22 其中党员
		{101, 40, 10, 12, 20, 8, 6}, // 23 从业人员
		{11, 3, 1, 2, 4, 0, 1},      // 24 其中党员
		{8, 1, 1, 2, 3, 0, 1},       // 25 未转入组织关系的: S1 3−2, S3 4−1, others all
	})
	// Table 24: columns 党组织数, 任届期满 (计, 其中已换届), 报告期内换届 (计,
	// 其中按期), 任届期满尚未换届. P1 committee; P2, P3 (joint), P5, P6
	// (joint), P7 branches; P4 not yet set up; the 党小组 not counted.
	compare(t, "24", grid(t, get("24")), [][]int{
		{6, 4, 3, 4, 1, 1}, // 合计
		{1, 1, 1, 1, 0, 0}, // 党委: P1 expired 2025-01-01, re-elected late
		{0, 0, 0, 0, 0, 0}, // 党总支
		{5, 3, 2, 3, 1, 1}, // 党支部: expired P2 P5 P7; elected P5 P6 P7; on time P7; overdue P2
		{2, 0, 0, 1, 0, 0}, // 其中联合党支部: P3 (re-elected 2025), P6 (early)
	})
	// Table 43: 失联党员数, then the 7 情形. M1 (full, S1, 外出务工经商),
	// M2 (probationary, S1, 居住地改变), M5 (full, no unit, 出国（境）); M4
	// lost after the day.
	compare(t, "43", grid(t, get("43")), [][]int{
		{3, 1, 0, 0, 0, 1, 1, 0},
		{2, 1, 0, 0, 0, 1, 0, 0},
		{1, 0, 0, 0, 0, 0, 1, 0},
		{0, 0, 0, 0, 0, 0, 0, 0},
		{2, 1, 0, 0, 0, 0, 1, 0},
		{1, 0, 0, 0, 0, 1, 0, 0},
	})
}

// TestCellsDrillDownAndAgreement: a cell lists what it counts (its size is
// the cell), sum rows add up the items' values, and the totals agree with the
// coverage report.
func TestCellsDrillDownAndAgreement(t *testing.T) {
	w := newWorld(t)
	l := build(t, w)
	svc := w.e.App.Dangtong
	c, err := svc.Cell(w.ctx, "27", testenv.Jurisdiction, day, 10, 1, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if c.Value != 3 || c.Total != 3 || len(c.Items) != 2 || c.RowLabel != "未建立党组织的单位" {
		t.Fatalf("cell 27/10/1: %+v", c)
	}
	names := map[string]bool{}
	for p := 1; p <= 2; p++ {
		c, err := svc.Cell(w.ctx, "27", testenv.Jurisdiction, day, 10, 1, p, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range c.Items {
			names[it.Name] = true
		}
	}
	if !reflect.DeepEqual(names, map[string]bool{l.e[4].Name: true, l.e[5].Name: true, l.e[6].Name: true}) {
		t.Errorf("uncovered units: %v", names)
	}
	c, err = svc.Cell(w.ctx, "27", testenv.Jurisdiction, day, 9, 1, 1, 20)
	if err != nil || c.Value != 1 || c.Items[0].Kind != dangtong.ItemPartyOrg {
		t.Fatalf("joint branches: %+v %v", c, err)
	}
	c, err = svc.Cell(w.ctx, "30", testenv.Jurisdiction, day, 25, 1, 1, 20)
	if err != nil || c.Value != 8 || c.Total != 5 { // S1 S2 S3 S5 S6
		t.Fatalf("untransferred: %+v %v", c, err)
	}
	c, err = svc.Cell(w.ctx, "43", testenv.Jurisdiction, day, 1, 6, 1, 20)
	if err != nil || c.Value != 1 || c.Items[0].Kind != dangtong.ItemMember || !strings.Contains(c.Items[0].Detail, "2024-01") {
		t.Fatalf("lost abroad: %+v %v", c, err)
	}
	if _, err := svc.Cell(w.ctx, "27", testenv.Jurisdiction, day, 21, 1, 1, 20); err == nil {
		t.Error("row 21 of table 27 should not exist")
	}
	chk, err := svc.Check(w.ctx, testenv.Jurisdiction, day)
	if err != nil {
		t.Fatal(err)
	}
	if !chk.OK || chk.IndividualBusinesses != 1 || len(chk.Lines) != 10 {
		t.Fatalf("check: %+v", chk)
	}
	// A street: 洪桥 holds the odd-numbered units.
	chk, err = svc.Check(w.ctx, testenv.Hongqiao, day)
	if err != nil || !chk.OK {
		t.Fatalf("check 洪桥: %+v %v", chk, err)
	}
	// The period counts: P4 set up (single) between January and today; 4
	// elections in 2026; nothing in the development pipeline.
	p, err := svc.Period(w.ctx, testenv.Jurisdiction, "2026-01-01", "2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	if p.NewPartyOrgs != 1 || p.ByFormation[0].Count != 1 || p.Renewals != 4 || len(p.ByYear) != 1 || p.Developed != 0 {
		t.Fatalf("period: %+v", p)
	}
}

// TestExportLayout: the workbook has the title, the merged group headers,
// the column numbers and the values.
func TestExportLayout(t *testing.T) {
	w := newWorld(t)
	build(t, w)
	tab, err := w.e.App.Dangtong.Get(w.ctx, "27", testenv.Jurisdiction, day)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tab.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := "表27"
	for cell, want := range map[string]string{
		"A1": "党统表27　非公有制经济控制的企业法人单位建立党的基层组织情况",
		"A3": "项目", "B3": "行次", "C3": "合计", "D3": "从业人员", "D4": "50人以上", "E4": "100人以上",
		"J3": "港澳台商", "J4": "投资", "M3": "外商", "O4": "独资", "C5": "1", "O5": "13",
		"A6": "单位数", "C6": "7", "A7": "　　其中：党建工作指导员联系的", "C20": "226",
	} {
		if got, _ := f.GetCellValue(sheet, cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var ranges []string
	for _, m := range merged {
		ranges = append(ranges, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	for _, want := range []string{"A1:O1", "C3:C4", "D3:E3", "J3:L3", "M3:O3"} {
		found := false
		for _, r := range ranges {
			found = found || r == want
		}
		if !found {
			t.Errorf("merged %s missing in %v", want, ranges)
		}
	}
}
