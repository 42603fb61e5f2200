package partyorg_test

import (
	"fmt"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/auth"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
)

// A party_org user bound to a party organization sees it and the ones under
// it, nothing else, and another party organization answers 404.
func TestPartyOrgBoundUserSeesOnlyItsSubtree(t *testing.T) {
	e, ctx, mk := setup(t)
	mkPO := func(name string, parent *int64) partyorg.PartyOrg {
		p, err := e.App.Party.Create(ctx, partyorg.Input{Name: name, Kind: "branch", Formation: "single", ParentID: parent,
			EstablishedOn: "2024-01-01", Covers: []int64{mk(5)}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	root, err := e.App.Party.Create(ctx, partyorg.Input{Name: "洪桥街道两新综合党委", Kind: "committee", Formation: "regional", EstablishedOn: "2023-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	child := mkPO("甲公司党支部", &root.ID)
	other := mkPO("乙公司党支部", nil)

	e.PartyOrgUser("sec_root", root.ID)
	u := e.PartyOrgUser("sec_child", child.ID)
	if u.PartyOrgID == nil || *u.PartyOrgID != child.ID || u.Scope != child.RegionCode || u.ScopeName != child.Name {
		t.Fatalf("bound user: %+v", u)
	}
	c := e.Login("sec_child", testenv.Password)
	for id, want := range map[int64]int{child.ID: 200, root.ID: 404, other.ID: 404} {
		if res := c.Do("GET", fmt.Sprintf("/api/v1/party-orgs/%d", id), nil); res.Status != want {
			t.Errorf("sec_child GET party org %d: %d, want %d", id, res.Status, want)
		}
	}
	c = e.Login("sec_root", testenv.Password)
	var page struct{ Total int }
	res := c.Do("GET", "/api/v1/party-orgs", nil)
	res.JSON(t, &page)
	if page.Total != 2 {
		t.Errorf("sec_root sees %d party orgs, want 2 (itself and its branch): %s", page.Total, res.Body)
	}
	// Only the party_org role may be bound to a party organization.
	_, _, err = e.App.Auth.CreateUser(actor.System(ctx, "t"), auth.NewUser{Username: "x_street", Role: auth.RoleStreet, PartyOrgID: root.ID})
	if err == nil {
		t.Fatal("a street user bound to a party organization was accepted")
	}
	fieldErr(t, err, "party_org_id")
}
