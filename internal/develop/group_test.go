package develop_test

import (
	"context"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/develop"
	"liangxin/internal/partyorg"
)

// Step ⑲ 编入党支部和党小组 places the new member in the 党小组 given; a
// group of another branch is refused.
func TestStepNineteenPlacesTheMemberInAGroup(t *testing.T) {
	w := newWorld(t)
	sys := actor.System(context.Background(), "test")
	g, err := w.e.App.Party.Create(sys, partyorg.Input{Name: "第一党小组", Kind: "group", ParentID: &w.po, EstablishedOn: "2022-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	otherBranch := w.partyOrg(t, "430426001")
	other, err := w.e.App.Party.Create(sys, partyorg.Input{Name: "别的党小组", Kind: "group", ParentID: &otherBranch, EstablishedOn: "2022-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	p := w.apply(t, "1995-05-05", "2023-01-10")
	w.walk(t, p.ID, 18)
	_, err = w.e.App.Develop.RecordStep(w.ctx, p.ID, develop.StepInput{Step: 19, DoneOn: "2024-10-15", GroupID: &other.ID})
	fieldErr(t, err, "member_id", "只能编入本支部的党小组")
	r := w.step(t, p.ID, develop.StepInput{Step: 19, DoneOn: "2024-10-15", GroupID: &g.ID})
	if r.Person.MemberID == nil {
		t.Fatal("no roster member after ⑰")
	}
	list, err := w.e.App.Party.GroupMembers(sys, g.ID)
	if err != nil || len(list) != 1 || list[0].MemberID != *r.Person.MemberID || list[0].From != "2024-10-15" {
		t.Fatalf("group members: %+v %v", list, err)
	}
}
