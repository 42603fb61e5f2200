package partyorg_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/apperr"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
)

// A 党小组 is set up under a 党支部 only: under a 党总支 or 党委, or with no
// parent, it is refused naming the parent; it takes its branch's region and
// covers no unit.
func TestGroupOnlyUnderABranch(t *testing.T) {
	e, ctx, mk := setup(t)
	gb, err := e.App.Party.Create(ctx, partyorg.Input{Name: "某公司党总支", Kind: "general_branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{mk(60)}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.App.Party.Create(ctx, partyorg.Input{Name: "第一党小组", Kind: "group", ParentID: &gb.ID, EstablishedOn: "2025-03-01"})
	if msg := fieldErr(t, err, "parent_id"); !strings.Contains(msg, "「某公司党总支」是党总支") {
		t.Errorf("message does not name the parent: %s", msg)
	}
	_, err = e.App.Party.Create(ctx, partyorg.Input{Name: "无上级党小组", Kind: "group", EstablishedOn: "2025-03-01"})
	fieldErr(t, err, "parent_id")
	br, err := e.App.Party.Create(ctx, partyorg.Input{Name: "某公司党支部", Kind: "branch", Formation: "single", ParentID: &gb.ID, EstablishedOn: "2025-01-01", Covers: []int64{mk(5)}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.App.Party.Create(ctx, partyorg.Input{Name: "覆盖单位的党小组", Kind: "group", ParentID: &br.ID, EstablishedOn: "2025-03-01", Covers: []int64{mk(5)}})
	fieldErr(t, err, "covers")
	g, err := e.App.Party.Create(ctx, partyorg.Input{Name: "第一党小组", Kind: "group", ParentID: &br.ID, RegionCode: testenv.Yuhe, EstablishedOn: "2025-03-01"})
	if err != nil {
		t.Fatal(err)
	}
	if g.KindName != "党小组" || g.RegionCode != br.RegionCode || len(g.Covers) != 0 {
		t.Errorf("group: kind %q region %q (branch %q) covers %d", g.KindName, g.RegionCode, br.RegionCode, len(g.Covers))
	}
	// Nothing is set up under a group, and a group is not moved under a non-branch.
	_, err = e.App.Party.Create(ctx, partyorg.Input{Name: "小组下的支部", Kind: "branch", Formation: "single", ParentID: &g.ID, EstablishedOn: "2025-04-01", Covers: []int64{mk(5)}})
	fieldErr(t, err, "parent_id")
	_, err = e.App.Party.Update(ctx, g.ID, partyorg.Patch{ParentID: &gb.ID})
	fieldErr(t, err, "parent_id")
	_, err = e.App.Party.AddCover(ctx, g.ID, mk(5), "2025-05-01")
	fieldErr(t, err, "organization_id")
}

// A 党小组 does not change coverage: the same report before and after.
func TestGroupDoesNotChangeCoverage(t *testing.T) {
	e, ctx, mk := setup(t)
	mk(0) // an uncovered unit
	br, err := e.App.Party.Create(ctx, partyorg.Input{Name: "甲党支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{mk(5)}})
	if err != nil {
		t.Fatal(err)
	}
	before, err := e.App.Cover.Coverage(ctx, testenv.Jurisdiction, "2026-06-30")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Party.Create(ctx, partyorg.Input{Name: "甲党小组", Kind: "group", ParentID: &br.ID, EstablishedOn: "2025-03-01"}); err != nil {
		t.Fatal(err)
	}
	after, err := e.App.Cover.Coverage(ctx, testenv.Jurisdiction, "2026-06-30")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(before)
	a, _ := json.Marshal(after)
	if string(a) != string(b) {
		t.Errorf("coverage changed by a 党小组:\nbefore %s\nafter  %s", b, a)
	}
	if before.Total != 2 || before.OrgCovered != 1 {
		t.Errorf("coverage: total %d covered %d, want 2 and 1", before.Total, before.OrgCovered)
	}
}

// Members of a 党小组 come from its branch (or take part there under 双重管理);
// a member is in one group of the branch at a time.
func TestGroupMembers(t *testing.T) {
	e, ctx, mk := setup(t)
	br, err := e.App.Party.Create(ctx, partyorg.Input{Name: "乙党支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{mk(5)}})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.App.Party.Create(ctx, partyorg.Input{Name: "丙党支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{mk(5)}})
	if err != nil {
		t.Fatal(err)
	}
	g1, err := e.App.Party.Create(ctx, partyorg.Input{Name: "一组", Kind: "group", ParentID: &br.ID, EstablishedOn: "2025-03-01"})
	if err != nil {
		t.Fatal(err)
	}
	g2, err := e.App.Party.Create(ctx, partyorg.Input{Name: "二组", Kind: "group", ParentID: &br.ID, EstablishedOn: "2025-03-01"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	member := func(po int64, name string) int64 {
		n++
		var id int64
		db := e.App.DB
		if err := db.QueryRow(ctx, db, `INSERT INTO members (name, gender, birth_date, id_number_enc, id_number_hash, id_number_mask, category, party_org_id, status, created_at, updated_at)
			VALUES (?, 'male', '1980-01-01', 'x', ?, 'x', 'full', ?, 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id`,
			name, fmt.Sprintf("g-%d", n), po).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	a, x := member(br.ID, "甲"), member(other.ID, "外支部")
	if _, err := e.App.Party.AddGroupMember(ctx, g1.ID, partyorg.GroupMemberInput{MemberID: a, From: "2025-04-01"}); err != nil {
		t.Fatal(err)
	}
	_, err = e.App.Party.AddGroupMember(ctx, g1.ID, partyorg.GroupMemberInput{MemberID: x, From: "2025-04-01"})
	if msg := fieldErr(t, err, "member_id"); !strings.Contains(msg, "乙党支部") {
		t.Errorf("message: %s", msg)
	}
	_, err = e.App.Party.AddGroupMember(ctx, g1.ID, partyorg.GroupMemberInput{MemberID: a, From: "2025-05-01"})
	if !apperr.IsKind(err, apperr.KindConflict) {
		t.Errorf("twice in the same group: %v", err)
	}
	_, err = e.App.Party.AddGroupMember(ctx, g2.ID, partyorg.GroupMemberInput{MemberID: a, From: "2025-02-01"})
	fieldErr(t, err, "from") // before the group existed
	// Moving to the second group ends the place in the first on that day.
	if _, err := e.App.Party.AddGroupMember(ctx, g2.ID, partyorg.GroupMemberInput{MemberID: a, From: "2025-06-01"}); err != nil {
		t.Fatal(err)
	}
	l1, err := e.App.Party.GroupMembers(ctx, g1.ID)
	if err != nil || len(l1) != 1 || l1[0].To == nil || *l1[0].To != "2025-06-01" {
		t.Fatalf("first group after the move: %+v %v", l1, err)
	}
	l2, err := e.App.Party.GroupMembers(ctx, g2.ID)
	if err != nil || len(l2) != 1 || l2[0].To != nil || l2[0].MemberName != "甲" {
		t.Fatalf("second group: %+v %v", l2, err)
	}
	if _, err := e.App.Party.GroupMembers(ctx, br.ID); err == nil {
		t.Error("a branch listed as a group")
	}
	if _, err := e.App.Party.EndGroupMember(ctx, g2.ID, a, "2025-07-01"); err != nil {
		t.Fatal(err)
	}
}
