package member_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

// trEnv has two party orgs in 洪桥 (A, B), one in 玉合 (C) and a street user context for each street.
type trEnv struct {
	e       *testenv.Env
	sys     context.Context
	hq, yh  context.Context
	a, b, c int64
	seq     int
}

func newTrEnv(t *testing.T) *trEnv {
	e := testenv.New(t)
	x := &trEnv{e: e, sys: actor.System(context.Background(), "test"),
		hq: actor.With(context.Background(), actor.Actor{Username: "hq", Role: "street", Scope: testenv.Hongqiao}),
		yh: actor.With(context.Background(), actor.Actor{Username: "yh", Role: "street", Scope: testenv.Yuhe})}
	x.a, x.b, x.c = x.partyOrg(t, testenv.Hongqiao), x.partyOrg(t, testenv.Hongqiao), x.partyOrg(t, testenv.Yuhe)
	return x
}

func (x *trEnv) partyOrg(t *testing.T, region string) int64 {
	t.Helper()
	x.seq++
	name, cat, full := fmt.Sprintf("转接测试企业%d", x.seq), "individual_business", 3
	o, err := x.e.App.Orgs.Create(x.sys, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &full})
	if err != nil {
		t.Fatal(err)
	}
	p, err := x.e.App.Party.Create(x.sys, partyorg.Input{Name: fmt.Sprintf("转接测试支部%d", x.seq), Kind: "branch", Formation: "single",
		EstablishedOn: "2020-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// trInput is a valid member of party org po (a fresh ID number each call).
func (x *trEnv) trInput(po int64) member.Input {
	x.seq++
	first := fmt.Sprintf("430426199001%02d%03d", x.seq%28+1, 100+x.seq*2%800) // even 17th digit → female
	return member.Input{Name: fmt.Sprintf("党员%d", x.seq), Gender: "female", BirthDate: fmt.Sprintf("1990-01-%02d", x.seq%28+1),
		IDNumber: first + string(pdata.CheckChar(first)), Category: "full", PartyOrgID: po, JoinedOn: "2015-07-01"}
}

func (x *trEnv) member(t *testing.T, po int64) member.Member {
	t.Helper()
	m, err := x.e.App.Members.Create(x.sys, x.trInput(po))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func errKind(err error) apperr.Kind {
	if ae, ok := apperr.As(err); ok {
		return ae.Kind
	}
	return apperr.KindInternal
}

// checkOneMembership asserts the invariant: an active member has exactly one
// open history row, at the party org of members.party_org_id.
func (x *trEnv) checkOneMembership(t *testing.T, memberID, want int64) {
	t.Helper()
	db := x.e.App.DB
	var open, po, cur int64
	if err := db.QueryRow(x.sys, db, "SELECT COUNT(*), MAX(party_org_id) FROM member_memberships WHERE member_id = ? AND ended_on IS NULL", memberID).Scan(&open, &po); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(x.sys, db, "SELECT party_org_id FROM members WHERE id = ?", memberID).Scan(&cur); err != nil {
		t.Fatal(err)
	}
	if open != 1 || po != want || cur != want {
		t.Fatalf("member %d: %d open memberships at %d, members.party_org_id %d, want one at %d", memberID, open, po, cur, want)
	}
}

func TestInternalTransfer(t *testing.T) {
	x := newTrEnv(t)
	svc := x.e.App.Members
	m := x.member(t, x.a)
	// Out of scope: 玉合 cannot start a transfer of a 洪桥 member.
	if _, err := svc.StartTransfer(x.yh, member.TransferInput{Kind: member.TransferInternal, MemberID: m.ID, ToPartyOrgID: x.c, LetterNo: "Y1"}); errKind(err) != apperr.KindNotFound {
		t.Fatalf("out of scope start: %v", err)
	}
	// Validity over three months is refused.
	if _, err := svc.StartTransfer(x.hq, member.TransferInput{Kind: member.TransferInternal, MemberID: m.ID, ToPartyOrgID: x.c, LetterNo: "X",
		IssuedOn: "2026-11-01", ValidUntil: "2027-02-02"}); errKind(err) != apperr.KindInvalid {
		t.Fatalf("4-month letter: %v", err)
	}
	tr, err := svc.StartTransfer(x.hq, member.TransferInput{Kind: member.TransferInternal, MemberID: m.ID, ToPartyOrgID: x.c, LetterNo: "祁组转〔2026〕1号",
		IssuedOn: "2026-11-20"})
	if err != nil {
		t.Fatal(err)
	}
	if tr.ValidUntil != "2027-02-20" || tr.Status != member.TransferIssued {
		t.Fatalf("default validity / status: %+v", tr)
	}
	// A member with a pending transfer cannot start another.
	if _, err := svc.StartTransfer(x.hq, member.TransferInput{Kind: member.TransferOut, MemberID: m.ID, ToOutside: "外省", LetterNo: "2"}); errKind(err) != apperr.KindConflict {
		t.Fatalf("second pending transfer: %v", err)
	}
	// The receiving side sees the pending transfer although the member is not yet in its scope.
	if _, err := svc.Get(x.yh, m.ID, false); errKind(err) != apperr.KindNotFound {
		t.Fatalf("member visible to receiver before acceptance: %v", err)
	}
	if got, err := svc.GetTransfer(x.yh, tr.ID); err != nil || got.ID != tr.ID {
		t.Fatalf("receiver cannot see transfer: %v", err)
	}
	if list, _, err := svc.ListTransfers(x.yh, member.TransferFilter{Status: "pending"}); err != nil || len(list) != 1 {
		t.Fatalf("receiver list: %v %v", list, err)
	}
	// The issuing side cannot accept its own letter.
	if _, err := svc.AcceptTransfer(x.hq, tr.ID, member.AcceptInput{}); errKind(err) != apperr.KindForbidden {
		t.Fatalf("issuer accepted: %v", err)
	}
	x.checkOneMembership(t, m.ID, x.a)
	got, err := svc.AcceptTransfer(x.yh, tr.ID, member.AcceptInput{On: "2026-11-22"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != member.TransferAccepted || got.AcceptedBy != "yh" || *got.AcceptedOn != "2026-11-22" {
		t.Fatalf("accepted: %+v", got)
	}
	x.checkOneMembership(t, m.ID, x.c)
	if _, err := svc.Get(x.hq, m.ID, false); errKind(err) != apperr.KindNotFound {
		t.Fatalf("old side still sees member: %v", err)
	}
	hist, err := svc.Memberships(x.yh, m.ID)
	if err != nil || len(hist) != 2 || hist[0].PartyOrgID != x.a || hist[0].From != "2015-07-01" || hist[0].To == nil || *hist[0].To != "2026-11-22" ||
		hist[1].PartyOrgID != x.c || hist[1].From != "2026-11-22" || hist[1].To != nil || hist[1].TransferID == nil {
		t.Fatalf("history: %+v %v", hist, err)
	}
	// Accepting twice fails.
	if _, err := svc.AcceptTransfer(x.yh, tr.ID, member.AcceptInput{}); errKind(err) != apperr.KindConflict {
		t.Fatalf("accepted twice: %v", err)
	}
	// Audited with before and after.
	var n int
	db := x.e.App.DB
	if err := db.QueryRow(x.sys, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'transfer_accept' AND entity_id = ? AND detail LIKE '%"before":{%"status":"issued"%' AND detail LIKE '%"after":{%"status":"accepted"%'`,
		fmt.Sprint(tr.ID)).Scan(&n); err != nil || n != 1 {
		t.Fatalf("audit: %d %v", n, err)
	}
}

func TestConcurrentAcceptOnlyOneWins(t *testing.T) {
	x := newTrEnv(t)
	svc := x.e.App.Members
	m := x.member(t, x.a)
	// Concurrent starts: only one pending transfer.
	var wg sync.WaitGroup
	var mu sync.Mutex
	started, ids := 0, []int64{}
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tr, err := svc.StartTransfer(x.hq, member.TransferInput{Kind: member.TransferInternal, MemberID: m.ID, ToPartyOrgID: []int64{x.b, x.c}[i%2], LetterNo: fmt.Sprint(i)})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				started++
				ids = append(ids, tr.ID)
			} else if errKind(err) != apperr.KindConflict {
				t.Errorf("start %d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	if started != 1 {
		t.Fatalf("%d concurrent starts succeeded", started)
	}
	tr, _ := svc.GetTransfer(x.sys, ids[0])
	accepted := 0
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.AcceptTransfer(x.sys, tr.ID, member.AcceptInput{})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				accepted++
			} else if errKind(err) != apperr.KindConflict {
				t.Errorf("accept: %v", err)
			}
		}()
	}
	wg.Wait()
	if accepted != 1 {
		t.Fatalf("%d concurrent accepts succeeded", accepted)
	}
	x.checkOneMembership(t, m.ID, *tr.ToPartyOrgID)
	var rows int
	if err := x.e.App.DB.QueryRow(x.sys, x.e.App.DB, "SELECT COUNT(*) FROM member_memberships WHERE member_id = ?", m.ID).Scan(&rows); err != nil || rows != 2 {
		t.Fatalf("history rows %d %v", rows, err)
	}
}

func TestExpiredLetterIsPocketMember(t *testing.T) {
	x := newTrEnv(t)
	svc := x.e.App.Members
	m := x.member(t, x.a)
	// Issued 2026-08-01, valid to 2026-11-01 (the longest allowed); today is 2026-11-23.
	tr, err := svc.StartTransfer(x.hq, member.TransferInput{Kind: member.TransferInternal, MemberID: m.ID, ToPartyOrgID: x.b, LetterNo: "P1",
		IssuedOn: "2026-08-01", ValidUntil: "2026-11-01"})
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Expired || tr.StatusName != "已过期" {
		t.Fatalf("not shown expired: %+v", tr)
	}
	for asOf, want := range map[string]int{"2026-11-01": 0, "2026-11-02": 1, "": 1} {
		list, err := svc.PocketMembers(x.hq, asOf)
		if err != nil || len(list) != want {
			t.Errorf("pocket as of %q: %d %v, want %d", asOf, len(list), err, want)
		}
	}
	// Another street does not see them.
	if list, err := svc.PocketMembers(x.yh, ""); err != nil || len(list) != 0 {
		t.Fatalf("pocket out of scope: %v %v", list, err)
	}
	// An expired letter cannot be accepted (the last valid day can).
	if _, err := svc.AcceptTransfer(x.hq, tr.ID, member.AcceptInput{}); errKind(err) != apperr.KindInvalid {
		t.Fatalf("expired letter accepted: %v", err)
	}
	if _, err := svc.AcceptTransfer(x.hq, tr.ID, member.AcceptInput{On: "2026-11-01"}); err != nil {
		t.Fatalf("accept on last valid day: %v", err)
	}
	x.checkOneMembership(t, m.ID, x.b)
	if list, _ := svc.PocketMembers(x.hq, ""); len(list) != 0 {
		t.Fatalf("accepted letter still pocket: %v", list)
	}
}

func TestOutToOutsideAndCancel(t *testing.T) {
	x := newTrEnv(t)
	svc := x.e.App.Members
	m := x.member(t, x.a)
	tr, err := svc.StartTransfer(x.hq, member.TransferInput{Kind: member.TransferOut, MemberID: m.ID, ToOutside: "广东省深圳市某党委", LetterNo: "O1", IssuedOn: "2026-11-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CancelTransfer(x.hq, tr.ID, member.CloseInput{Note: "本人放弃"}); err != nil {
		t.Fatal(err)
	}
	x.checkOneMembership(t, m.ID, x.a)
	// After cancelling a new one may start.
	tr, err = svc.StartTransfer(x.hq, member.TransferInput{Kind: member.TransferOut, MemberID: m.ID, ToOutside: "广东省深圳市某党委", LetterNo: "O2", IssuedOn: "2026-11-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ReceiveReturnSlip(x.yh, tr.ID, member.CloseInput{}); errKind(err) != apperr.KindNotFound {
		t.Fatalf("slip out of scope: %v", err)
	}
	got, err := svc.ReceiveReturnSlip(x.hq, tr.ID, member.CloseInput{On: "2026-11-20"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != member.TransferCompleted || got.StatusName != "已转出" || *got.ReturnSlipOn != "2026-11-20" {
		t.Fatalf("completed: %+v", got)
	}
	mm, _ := svc.Get(x.hq, m.ID, false)
	if mm.Status != "transferred_out" {
		t.Fatalf("member status %q", mm.Status)
	}
	var open int
	if err := x.e.App.DB.QueryRow(x.sys, x.e.App.DB, "SELECT COUNT(*) FROM member_memberships WHERE member_id = ? AND ended_on IS NULL", m.ID).Scan(&open); err != nil || open != 0 {
		t.Fatalf("open memberships after leaving the system: %d %v", open, err)
	}
	hist, err := svc.Memberships(x.hq, m.ID)
	if err != nil || len(hist) != 1 || hist[0].To == nil || *hist[0].To != "2026-11-20" {
		t.Fatalf("history after leaving: %+v %v", hist, err)
	}
	if _, err := svc.StartTransfer(x.hq, member.TransferInput{Kind: member.TransferInternal, MemberID: m.ID, ToPartyOrgID: x.b, LetterNo: "O3"}); errKind(err) != apperr.KindInvalid {
		t.Fatalf("transfer of a transferred-out member: %v", err)
	}
}

func TestTransferInFromOutside(t *testing.T) {
	x := newTrEnv(t)
	svc := x.e.App.Members
	if _, err := svc.StartTransfer(x.hq, member.TransferInput{Kind: member.TransferIn, MemberName: "王五", FromOutside: "湖南省长沙市某党委", ToPartyOrgID: x.c, LetterNo: "I0"}); errKind(err) != apperr.KindInvalid {
		t.Fatalf("incoming to another street's party org: %v", err)
	}
	tr, err := svc.StartTransfer(x.hq, member.TransferInput{Kind: member.TransferIn, MemberName: "王五", FromOutside: "湖南省长沙市某党委", ToPartyOrgID: x.a, LetterNo: "I1", IssuedOn: "2026-11-10"})
	if err != nil {
		t.Fatal(err)
	}
	if tr.MemberID != nil {
		t.Fatal("member created before acceptance")
	}
	in := x.trInput(0)
	bad := in
	bad.IDNumber = in.IDNumber[:17] + "Y"
	if _, err := svc.AcceptTransfer(x.hq, tr.ID, member.AcceptInput{Member: &bad}); errKind(err) != apperr.KindInvalid {
		t.Fatalf("bad id number: %v", err)
	} else if ae, _ := apperr.As(err); ae.Fields["member.id_number"] == "" {
		t.Fatalf("field not named: %v", ae.Fields)
	}
	if again, _ := svc.GetTransfer(x.hq, tr.ID); again.Status != member.TransferIssued {
		t.Fatalf("half-written: %+v", again)
	}
	got, err := svc.AcceptTransfer(x.hq, tr.ID, member.AcceptInput{Member: &in})
	if err != nil {
		t.Fatal(err)
	}
	if got.MemberID == nil || got.Status != member.TransferAccepted {
		t.Fatalf("accepted: %+v", got)
	}
	x.checkOneMembership(t, *got.MemberID, x.a)
}

func TestMobileMembersSixMonthsAndPlaces(t *testing.T) {
	x := newTrEnv(t)
	svc := x.e.App.Members
	// Away since 2026-05-23: 6 whole months on 2026-11-23 (today), not on 2026-11-22.
	m1 := x.member(t, x.a)
	mob, err := svc.StartMobility(x.hq, m1.ID, member.MobilityInput{Direction: member.MobilityOut, Place: "广东省深圳市", Since: "2026-05-23", CardNo: "HD001"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.StartMobility(x.hq, m1.ID, member.MobilityInput{Direction: member.MobilityOut, Place: "长沙", Since: "2026-06-01"}); errKind(err) != apperr.KindConflict {
		t.Fatalf("second open record: %v", err)
	}
	for asOf, want := range map[string]int{"2026-11-22": 0, "2026-11-23": 1, "": 1} {
		list, err := svc.MobileMembers(x.hq, member.MobileFilter{AsOf: asOf})
		if err != nil || len(list) != want {
			t.Errorf("mobile as of %q: %d %v, want %d", asOf, len(list), err, want)
		}
	}
	// Month end: away since 2026-08-31 counts 6 months on 2027-02-28.
	m2 := x.member(t, x.b)
	if _, err := svc.StartMobility(x.hq, m2.ID, member.MobilityInput{Direction: member.MobilityOut, Place: "广东省深圳市", Since: "2026-08-31"}); err != nil {
		t.Fatal(err)
	}
	for asOf, want := range map[string]int{"2027-02-27": 1, "2027-02-28": 2} {
		if list, _ := svc.MobileMembers(x.hq, member.MobileFilter{AsOf: asOf}); len(list) != want {
			t.Errorf("month end as of %s: %d, want %d", asOf, len(list), want)
		}
	}
	// Places: two in 深圳 is not enough; a third makes it.
	m3 := x.member(t, x.a)
	if _, err := svc.StartMobility(x.hq, m3.ID, member.MobilityInput{Direction: member.MobilityOut, Place: "广东省深圳市", Since: "2026-01-05"}); err != nil {
		t.Fatal(err)
	}
	m4 := x.member(t, x.a)
	if _, err := svc.StartMobility(x.hq, m4.ID, member.MobilityInput{Direction: member.MobilityOut, Place: "长沙", Since: "2026-01-05"}); err != nil {
		t.Fatal(err)
	}
	if p, err := svc.Places(x.hq, "2027-02-27"); err != nil || len(p) != 0 {
		t.Fatalf("places with 2 members: %+v %v", p, err)
	}
	p, err := svc.Places(x.hq, "2027-03-01")
	if err != nil || len(p) != 1 || p[0].Place != "广东省深圳市" || p[0].Count != 3 {
		t.Fatalf("places: %+v %v", p, err)
	}
	if p[0].Ungrouped != 3 || !strings.Contains(p[0].Warning, "3 名流动党员未编入党小组") {
		t.Errorf("3 mobile members without a 党小组: ungrouped %d, warning %q", p[0].Ungrouped, p[0].Warning)
	}
	if p, _ := svc.Places(x.yh, "2027-03-01"); len(p) != 0 {
		t.Fatalf("places out of scope: %+v", p)
	}
	// A returned member no longer counts.
	end := "2027-02-01"
	if _, err := svc.UpdateMobility(x.yh, mob.ID, member.MobilityPatch{EndedOn: &end}); errKind(err) != apperr.KindNotFound {
		t.Fatalf("update out of scope: %v", err)
	}
	if _, err := svc.UpdateMobility(x.hq, mob.ID, member.MobilityPatch{EndedOn: &end}); err != nil {
		t.Fatal(err)
	}
	if p, _ := svc.Places(x.hq, "2027-03-01"); len(p) != 0 {
		t.Fatalf("returned member still counted: %+v", p)
	}
}

func TestDualManagement(t *testing.T) {
	x := newTrEnv(t)
	svc := x.e.App.Members
	m := x.member(t, x.a)
	if _, err := svc.StartDual(x.yh, m.ID, member.DualInput{SecondPartyOrgID: x.c}); errKind(err) != apperr.KindNotFound {
		t.Fatalf("out of scope: %v", err)
	}
	if _, err := svc.StartDual(x.hq, m.ID, member.DualInput{SecondPartyOrgID: x.a}); errKind(err) != apperr.KindInvalid {
		t.Fatalf("own party org: %v", err)
	}
	d, err := svc.StartDual(x.hq, m.ID, member.DualInput{SecondPartyOrgID: x.c, From: "2026-10-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.StartDual(x.hq, m.ID, member.DualInput{SecondPartyOrgID: x.c}); errKind(err) != apperr.KindConflict {
		t.Fatalf("duplicate: %v", err)
	}
	// The second org sees it; the membership did not move.
	if list, err := svc.DualList(x.yh, 0, false); err != nil || len(list) != 1 || list[0].PartyOrgID != x.a {
		t.Fatalf("second org list: %+v %v", list, err)
	}
	x2 := x.e.App.DB
	var po int64
	_ = x2.QueryRow(x.sys, x2, "SELECT party_org_id FROM members WHERE id = ?", m.ID).Scan(&po)
	if po != x.a {
		t.Fatalf("membership moved to %d", po)
	}
	if _, err := svc.EndDual(x.hq, d.ID, member.CloseInput{On: "2026-11-01"}); err != nil {
		t.Fatal(err)
	}
	if list, _ := svc.DualList(x.hq, 0, false); len(list) != 0 {
		t.Fatalf("ended still listed: %+v", list)
	}
}

func TestTransferScopeOfPartyOrgUser(t *testing.T) {
	x := newTrEnv(t)
	svc := x.e.App.Members
	ma, mb := x.member(t, x.a), x.member(t, x.b)
	ta, err := svc.StartTransfer(x.hq, member.TransferInput{Kind: member.TransferOut, MemberID: ma.ID, ToOutside: "外地", LetterNo: "A"})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := svc.StartTransfer(x.hq, member.TransferInput{Kind: member.TransferOut, MemberID: mb.ID, ToOutside: "外地", LetterNo: "B"})
	if err != nil {
		t.Fatal(err)
	}
	// A secretary bound to party org A sees A's transfer only.
	pa := actor.With(context.Background(), actor.Actor{Username: "pa", Role: "party_org", Scope: testenv.Hongqiao, PartyOrgID: x.a})
	if _, err := svc.GetTransfer(pa, ta.ID); err != nil {
		t.Fatalf("own transfer: %v", err)
	}
	if _, err := svc.GetTransfer(pa, tb.ID); errKind(err) != apperr.KindNotFound {
		t.Fatalf("sibling's transfer: %v", err)
	}
	if _, err := svc.CancelTransfer(pa, tb.ID, member.CloseInput{}); errKind(err) != apperr.KindNotFound {
		t.Fatalf("cancel sibling's transfer: %v", err)
	}
	if list, total, err := svc.ListTransfers(pa, member.TransferFilter{}); err != nil || total != store.Exact(1) || list[0].ID != ta.ID {
		t.Fatalf("list: %v %v %v", list, total, err)
	}
	if _, err := svc.Memberships(pa, mb.ID); errKind(err) != apperr.KindNotFound {
		t.Fatalf("sibling's history: %v", err)
	}
}
