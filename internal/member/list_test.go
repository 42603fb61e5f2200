package member_test

import (
	"context"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

func TestListStatsUpdateScope(t *testing.T) {
	e, ctx, po := setup(t)
	// A second street's party org with one member.
	name, cat, region, full := "玉合企业", "individual_business", testenv.Yuhe, 3
	o, err := e.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &full})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := e.App.Party.Create(ctx, partyorg.Input{Name: "玉合支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.App.Members.Create(ctx, member.Input{Name: "张三", Gender: "male", BirthDate: "1990-01-01", IDNumber: id("43042619900101001"), Phone: "13812345678", Category: "full", PartyOrgID: po, JoinedOn: "2015-07-01", Education: "本科"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Members.Create(ctx, member.Input{Name: "王五", Gender: "female", BirthDate: "2000-05-05", IDNumber: id("43042620000505002"), Category: "probationary", PartyOrgID: p2.ID, OrganizationID: &o.ID}); err != nil {
		t.Fatal(err)
	}
	all, total, err := e.App.Members.List(ctx, member.Filter{})
	if err != nil || total != store.Exact(2) || len(all) != 2 {
		t.Fatalf("district list: %+v %v", total, err)
	}
	for _, m := range all {
		if len(m.IDNumber) != 18 || m.IDNumber[6:14] != "********" {
			t.Errorf("list not masked: %s", m.IDNumber)
		}
	}
	check := func(f member.Filter, want int) {
		t.Helper()
		_, n, err := e.App.Members.List(ctx, f)
		if err != nil || n != store.Exact(want) {
			t.Errorf("%+v: got %+v %v, want %d", f, n, err, want)
		}
	}
	check(member.Filter{Name: "三"}, 1)
	check(member.Filter{IDNumber: id("43042620000505002")}, 1)
	check(member.Filter{IDNumber: id("43042620000505003")}, 0)
	check(member.Filter{PartyOrgID: po}, 1)
	check(member.Filter{OrganizationID: o.ID}, 1)
	check(member.Filter{Category: "probationary"}, 1)
	check(member.Filter{Gender: "female"}, 1)
	check(member.Filter{Education: "本科"}, 1)
	check(member.Filter{AgeBand: "lt30"}, 1)  // born 2000-05-05, 26 on 2026-11-23
	check(member.Filter{AgeBand: "30_39"}, 1) // born 1990-01-01
	check(member.Filter{RegionCode: testenv.Yuhe}, 1)

	hong := actor.With(context.Background(), actor.Actor{Username: "h", Role: "street", Scope: testenv.Hongqiao})
	_, n, err := e.App.Members.List(hong, member.Filter{})
	if err != nil || n != store.Exact(1) {
		t.Fatalf("street list: %+v %v", n, err)
	}
	st, err := e.App.Members.Stats(hong, member.Filter{})
	if err != nil || st.Total != 1 {
		t.Fatalf("street stats: %+v %v", st, err)
	}
	dst, err := e.App.Members.Stats(ctx, member.Filter{})
	if err != nil || dst.Total != 2 || len(dst.ByRegion) != 2 {
		t.Fatalf("district stats: %+v %v", dst, err)
	}
	pos := "书记"
	if _, err := e.App.Members.Update(hong, a.ID, member.Patch{Position: &pos}); err != nil {
		t.Fatal(err)
	}
	_, err = e.App.Members.Update(hong, all[1].ID, member.Patch{Position: &pos})
	if ae, ok := apperr.As(err); !ok || ae.Kind != apperr.KindNotFound {
		t.Fatalf("other street update: %v", err)
	}
	l, err := e.App.Members.LedgerOf(ctx, o.ID)
	if err != nil || l.RecordedProbationary != 1 || l.DeclaredFull != 3 || !l.Mismatch {
		t.Fatalf("ledger: %+v %v", l, err)
	}
}
