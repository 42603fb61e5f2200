package volunteer_test

import (
	"context"
	"database/sql"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/auth"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/volunteer"
	"liangxin/internal/wish"
)

type world struct {
	t   *testing.T
	e   *testenv.Env
	v   *volunteer.Service
	sys context.Context
	po  int64
	seq int
}

func newWorld(t *testing.T) *world {
	e := testenv.New(t)
	w := &world{t: t, e: e, v: e.App.Volunteer, sys: actor.System(context.Background(), "test")}
	name, cat, five := "测试企业", "individual_business", 5
	region := testenv.Hongqiao
	o, err := e.App.Orgs.Create(w.sys, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.App.Party.Create(w.sys, partyorg.Input{Name: "测试党支部", Kind: "branch", Formation: "single", RegionCode: region, EstablishedOn: "2020-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	w.po = p.ID
	return w
}

func (w *world) member(name string) int64 {
	w.t.Helper()
	w.seq++
	first := fmt.Sprintf("43042619800101%03d", 2*w.seq+1)
	m, err := w.e.App.Members.Create(w.sys, member.Input{Name: name, Gender: "male", BirthDate: "1980-01-01", IDNumber: first + string(pdata.CheckChar(first)),
		Category: "full", PartyOrgID: w.po, JoinedOn: "2010-01-01"})
	if err != nil {
		w.t.Fatal(err)
	}
	return m.ID
}

func (w *world) activity(kind, day string, minutes int64, capacity int) volunteer.Activity {
	w.t.Helper()
	a, err := w.v.CreateActivity(w.sys, volunteer.ActivityInput{Title: "活动" + day + kind, Kind: kind, StartsAt: day + " 09:00", EndsAt: day + " 11:00",
		Place: "社区广场", PlannedMinutes: minutes, Capacity: capacity, RegionCode: testenv.Hongqiao})
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// work signs the member in by hand and confirms minutes (nil: planned).
func (w *world) work(a volunteer.Activity, mid int64, minutes *int64) volunteer.Participant {
	w.t.Helper()
	p, err := w.v.SignInManual(w.sys, a.ID, volunteer.ParticipantInput{MemberID: &mid})
	if err != nil {
		w.t.Fatal(err)
	}
	p, err = w.v.ConfirmHours(w.sys, a.ID, p.ID, volunteer.ConfirmInput{Minutes: minutes})
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *world) account(mid int64) volunteer.Account {
	w.t.Helper()
	a, err := w.v.AccountForMember(w.sys, mid)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

func (w *world) check() {
	w.t.Helper()
	res, err := volunteer.Check(context.Background(), w.e.App.DB)
	if err != nil {
		w.t.Fatal(err)
	}
	if !res.OK() {
		w.t.Fatalf("timebank check: %v", res.Problems)
	}
}

func wantKind(t *testing.T, err error, k apperr.Kind, what string) {
	t.Helper()
	if !apperr.IsKind(err, k) {
		t.Fatalf("%s: want %v, got %v", what, k, err)
	}
}

func ptr[T any](v T) *T { return &v }

// The books by hand. Rates start at 10 points per hour.
//
//	A: 助老 120 min (planned) → 120×10/60 = 20; 宣讲 at the new rate 12,
//	   45 min → 45×12/60 = 9; A = 29.
//	B: 助老 90 min → 15.       C: 助老 50 min → 500/60 = 8 (rounded down).
//	A redeems a 10-point reward: reserved (A 19), posted (A 19); a second
//	one reserved (A 9) and voided (A 19).
//	Transfer refused until the setting allows it and both share a family;
//	then A gives B 5: A 14, B 20.
//	C's earning reversed: C 0, its hours free to confirm again at 60 min → 10.
//	Bank = −(14 + 20 + 10) = −44 (issued 54, the 10 posted came back).
func TestLedgerByHand(t *testing.T) {
	w := newWorld(t)
	ma, mb, mc := w.member("甲"), w.member("乙"), w.member("丙")
	act := w.activity(volunteer.KindElderly, "2026-11-01", 120, 10)
	w.work(act, ma, nil)
	w.work(act, mb, ptr[int64](90))
	pc := w.work(act, mc, ptr[int64](50))
	if _, err := w.v.SetRate(w.sys, volunteer.RateInput{Kind: volunteer.KindLecture, PointsPerHour: 12}); err != nil {
		t.Fatal(err)
	}
	lec := w.activity(volunteer.KindLecture, "2026-11-05", 45, 10)
	w.work(lec, ma, nil)
	a, b, c := w.account(ma), w.account(mb), w.account(mc)
	if a.Balance != 29 || b.Balance != 15 || c.Balance != 8 {
		t.Fatalf("balances %d %d %d, want 29 15 8", a.Balance, b.Balance, c.Balance)
	}
	if a.YearMinutes != 165 || a.YearHours != "2.75" {
		t.Fatalf("A hours %d %s, want 165 2.75", a.YearMinutes, a.YearHours)
	}
	// Confirming twice is refused.
	_, err := w.v.ConfirmHours(w.sys, act.ID, pc.ID, volunteer.ConfirmInput{})
	wantKind(t, err, apperr.KindConflict, "second confirmation")

	rw, err := w.v.CreateReward(w.sys, volunteer.RewardInput{Name: "理发券", Provider: "党群服务中心", Cost: 10, Stock: 5, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	r1, err := w.v.Redeem(w.sys, volunteer.RedeemInput{AccountID: a.ID, RewardID: rw.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got := w.account(ma); got.Balance != 19 || got.Reserved != 10 {
		t.Fatalf("after reserve %d/%d, want 19/10", got.Balance, got.Reserved)
	}
	w.check()
	if _, err := w.v.Decide(w.sys, r1.ID, volunteer.DecideInput{Post: true}); err != nil {
		t.Fatal(err)
	}
	_, err = w.v.Decide(w.sys, r1.ID, volunteer.DecideInput{Post: false, Reason: "x"})
	wantKind(t, err, apperr.KindConflict, "deciding twice")
	r2, err := w.v.Redeem(w.sys, volunteer.RedeemInput{AccountID: a.ID, RewardID: rw.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.v.Decide(w.sys, r2.ID, volunteer.DecideInput{Post: false}); !apperr.IsKind(err, apperr.KindInvalid) {
		t.Fatalf("void without reason: %v", err)
	}
	if _, err := w.v.Decide(w.sys, r2.ID, volunteer.DecideInput{Post: false, Reason: "商家暂停营业"}); err != nil {
		t.Fatal(err)
	}
	if got := w.account(ma); got.Balance != 19 || got.Reserved != 0 {
		t.Fatalf("after void %d/%d, want 19/0", got.Balance, got.Reserved)
	}
	rws, _ := w.v.ListRewards(w.sys, false)
	if rws[0].Stock != 4 {
		t.Fatalf("stock %d, want 4 (one handed over, one returned)", rws[0].Stock)
	}

	_, err = w.v.Transfer(w.sys, volunteer.TransferInput{FromAccountID: a.ID, ToAccountID: b.ID, Amount: 5})
	wantKind(t, err, apperr.KindConflict, "transfer not allowed")
	if _, err := w.v.SetSettings(w.sys, volunteer.SettingsInput{FamilyTransfer: true, ExpiryMonths: 24, WishMinutes: 60}); err != nil {
		t.Fatal(err)
	}
	_, err = w.v.Transfer(w.sys, volunteer.TransferInput{FromAccountID: a.ID, ToAccountID: b.ID, Amount: 5})
	wantKind(t, err, apperr.KindConflict, "transfer outside a family")
	for _, id := range []int64{a.ID, b.ID} {
		if _, err := w.v.SetFamily(w.sys, id, volunteer.FamilyInput{FamilyCode: "F-001"}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = w.v.Transfer(w.sys, volunteer.TransferInput{FromAccountID: a.ID, ToAccountID: b.ID, Amount: 20})
	wantKind(t, err, apperr.KindConflict, "transfer beyond the balance")
	if _, err := w.v.Transfer(w.sys, volunteer.TransferInput{FromAccountID: a.ID, ToAccountID: b.ID, Amount: 5}); err != nil {
		t.Fatal(err)
	}

	// Reverse C's earning; confirm again at 60 minutes.
	ents, _, err := w.v.ListEntries(w.sys, volunteer.EntryFilter{AccountID: c.ID})
	if err != nil || len(ents) != 1 || ents[0].Delta != 8 {
		t.Fatalf("C entries %+v %v", ents, err)
	}
	if _, err := w.v.Reverse(w.sys, ents[0].ID, volunteer.ReverseInput{Reason: "时长登记错误"}); err != nil {
		t.Fatal(err)
	}
	_, err = w.v.Reverse(w.sys, ents[0].ID, volunteer.ReverseInput{Reason: "again"})
	wantKind(t, err, apperr.KindConflict, "reversing twice")
	if _, err := w.v.ConfirmHours(w.sys, act.ID, pc.ID, volunteer.ConfirmInput{Minutes: ptr[int64](60)}); err != nil {
		t.Fatal(err)
	}
	a, b, c = w.account(ma), w.account(mb), w.account(mc)
	if a.Balance != 14 || b.Balance != 20 || c.Balance != 10 {
		t.Fatalf("balances %d %d %d, want 14 20 10", a.Balance, b.Balance, c.Balance)
	}
	var bank int64
	if err := w.e.App.DB.QueryRow(context.Background(), w.e.App.DB, `SELECT SUM(p.amount) FROM tb_postings p JOIN tb_accounts a ON a.id = p.account_id WHERE a.kind = 'bank'`).Scan(&bank); err != nil {
		t.Fatal(err)
	}
	if bank != -44 {
		t.Fatalf("bank %d, want -44", bank)
	}
	w.check()

	st, err := w.v.GetStatement(w.sys, a.ID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	// A: +20 +9 −10 −10 +10 −5 = 14; earned 39, spent 25.
	if st.Opening != 0 || st.Closing != 14 || st.Earned != 39 || st.Spent != 25 || st.Hours != "2.75" {
		t.Fatalf("statement %+v", st)
	}
	lb, err := w.v.Leaderboard(w.sys, testenv.Hongqiao, 2026, 10)
	if err != nil {
		t.Fatal(err)
	}
	// A 165 min, B 90, C 60.
	if len(lb) != 3 || lb[0].Name != "甲" || lb[1].Name != "乙" || lb[2].Minutes != 60 {
		t.Fatalf("leaderboard %+v", lb)
	}
	// The journal refuses edits.
	if _, err := w.e.App.DB.Exec(context.Background(), w.e.App.DB, `UPDATE tb_postings SET amount = 1000`); err == nil {
		t.Fatal("postings were changed")
	}
}

// The sign-in code changes every 30 s; it is accepted in its window and
// the next, refused after (clear message), refused when tampered with; a
// second sign-in is dropped.
func TestSignInToken(t *testing.T) {
	w := newWorld(t)
	mid := w.member("甲")
	act := w.activity(volunteer.KindEnviron, "2026-11-24", 60, 10)
	code, err := w.v.SignInToken(w.sys, act.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The clock is 09:00:00 UTC: a window boundary, so 30 s remain.
	if code.ExpiresIn != 30 {
		t.Fatalf("expires in %d, want 30", code.ExpiresIn)
	}
	me := actor.With(context.Background(), actor.Actor{Username: "m1", Role: auth.RoleMember, MemberID: mid})
	w.e.Clock.Advance(45 * time.Second) // next window: still accepted
	p, err := w.v.SignInSelf(me, volunteer.SignInInput{Token: code.Token})
	if err != nil {
		t.Fatal(err)
	}
	if p.Already || p.SignInMethod != "qr" {
		t.Fatalf("first sign-in %+v", p)
	}
	p, err = w.v.SignInSelf(me, volunteer.SignInInput{Token: code.Token})
	if err != nil || !p.Already {
		t.Fatalf("second sign-in %+v %v", p, err)
	}
	w.e.Clock.Advance(30 * time.Second) // two windows later: a screenshot no longer works
	_, err = w.v.SignInSelf(me, volunteer.SignInInput{Token: code.Token})
	wantKind(t, err, apperr.KindInvalid, "old code")
	if !strings.Contains(err.Error(), "过期") && !strings.Contains(fmt.Sprint(apperrFields(err)), "过期") {
		t.Fatalf("old code message: %v", apperrFields(err))
	}
	fresh, _ := w.v.SignInToken(w.sys, act.ID)
	bad := fresh.Token[:len(fresh.Token)-1] + map[bool]string{true: "0", false: "1"}[!strings.HasSuffix(fresh.Token, "0")]
	_, err = w.v.SignInSelf(me, volunteer.SignInInput{Token: bad})
	wantKind(t, err, apperr.KindInvalid, "tampered code")
	// Another activity's code does not sign in here, and a staff user is no member.
	_, err = w.v.SignInSelf(w.sys, volunteer.SignInInput{Token: fresh.Token})
	wantKind(t, err, apperr.KindForbidden, "no member")
	got, _ := w.v.GetActivity(w.sys, act.ID)
	if got.SignedIn != 1 || got.SignedUp != 1 {
		t.Fatalf("signed in %d up %d, want 1 1", got.SignedIn, got.SignedUp)
	}
	// A manual sign-in of the same member is dropped too.
	p, err = w.v.SignInManual(w.sys, act.ID, volunteer.ParticipantInput{MemberID: &mid})
	if err != nil || !p.Already {
		t.Fatalf("manual after qr %+v %v", p, err)
	}
	// The member's summary.
	sum, err := w.v.MemberSummary(me, mid)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Balance != 0 || len(sum.Upcoming) != 1 || !sum.Upcoming[0].Joined {
		t.Fatalf("summary %+v", sum)
	}
}

func apperrFields(err error) map[string]string {
	if e, ok := apperr.As(err); ok {
		return e.Fields
	}
	return nil
}

// Twelve members sign up at once for five places: exactly five succeed.
func TestParallelSignUp(t *testing.T) {
	w := newWorld(t)
	act := w.activity(volunteer.KindAid, "2026-12-01", 60, 5)
	var ids []int64
	for i := 0; i < 12; i++ {
		ids = append(ids, w.member(fmt.Sprintf("队员%d", i)))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, full := 0, 0
	for _, id := range ids {
		wg.Add(1)
		go func(id int64) {
			defer wg.Done()
			me := actor.With(context.Background(), actor.Actor{Username: fmt.Sprint("m", id), Role: auth.RoleMember, MemberID: id})
			_, err := w.v.SignUpSelf(me, act.ID)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case apperr.IsKind(err, apperr.KindConflict):
				full++
			default:
				t.Errorf("sign-up: %v", err)
			}
		}(id)
	}
	wg.Wait()
	got, _ := w.v.GetActivity(w.sys, act.ID)
	if ok != 5 || full != 7 || got.SignedUp != 5 {
		t.Fatalf("ok %d full %d signed_up %d, want 5 7 5", ok, full, got.SignedUp)
	}
	var n int
	_ = w.e.App.DB.QueryRow(context.Background(), w.e.App.DB, `SELECT COUNT(*) FROM vol_participants WHERE activity_id = ?`, act.ID).Scan(&n)
	if n != 5 {
		t.Fatalf("%d participants, want 5", n)
	}
	// Signing up again is refused.
	_, err := w.v.SignUp(w.sys, act.ID, volunteer.ParticipantInput{MemberID: &ids[0]})
	wantKind(t, err, apperr.KindConflict, "full or repeated")
}

// One account of 95 points (570 minutes at 10 per hour); 16 parallel
// redemptions of 10 points: exactly floor(95/10) = 9 succeed, 5 points remain.
func TestParallelRedeem(t *testing.T) {
	w := newWorld(t)
	mid := w.member("甲")
	act := w.activity(volunteer.KindElderly, "2026-11-10", 570, 1)
	w.work(act, mid, nil)
	rw, err := w.v.CreateReward(w.sys, volunteer.RewardInput{Name: "超市购物券", Provider: "万达广场合作商家", Cost: 10, Stock: 100, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	me := actor.With(context.Background(), actor.Actor{Username: "m1", Role: auth.RoleMember, MemberID: mid})
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, short := 0, 0
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := w.v.RedeemSelf(me, rw.ID)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case apperr.IsKind(err, apperr.KindConflict):
				short++
			default:
				t.Errorf("redeem: %v", err)
			}
		}()
	}
	wg.Wait()
	a := w.account(mid)
	if ok != 9 || short != 7 || a.Balance != 5 || a.Reserved != 90 {
		t.Fatalf("ok %d short %d balance %d reserved %d, want 9 7 5 90", ok, short, a.Balance, a.Reserved)
	}
	w.check()
	// The member sees only its own redemptions.
	rs, n, err := w.v.ListRedemptions(me, volunteer.RedemptionFilter{})
	if err != nil || n != store.Exact(9) || len(rs) != 9 {
		t.Fatalf("own redemptions %v %v", n, err)
	}
}

// Expiry after 12 months, first in first out. The clock is 2026-11-23, so
// the cutoff is 2025-11-23. Earned 100 on 2025-06-01 (600 min) and 20 on
// 2026-11-01 (120 min); 30 redeemed and posted. Old credits 100 − all
// outflows 30 = 70 expire; 20 remain; a second sweep expires nothing.
func TestExpirySweep(t *testing.T) {
	w := newWorld(t)
	mid := w.member("甲")
	w.work(w.activity(volunteer.KindElderly, "2025-06-01", 600, 1), mid, nil)
	w.work(w.activity(volunteer.KindElderly, "2026-11-01", 120, 1), mid, nil)
	rw, _ := w.v.CreateReward(w.sys, volunteer.RewardInput{Name: "体检", Provider: "社区卫生站", Cost: 30, Stock: 1, Active: true})
	a := w.account(mid)
	r, err := w.v.Redeem(w.sys, volunteer.RedeemInput{AccountID: a.ID, RewardID: rw.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.v.Decide(w.sys, r.ID, volunteer.DecideInput{Post: true}); err != nil {
		t.Fatal(err)
	}
	// The default setting (24 months) has nothing due yet: the automatic
	// sweep writes nothing, not even an audit entry.
	audits := func() (n int) {
		if err := w.e.App.DB.QueryRow(w.sys, w.e.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'timebank_expire'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if _, ran, err := w.v.ExpireDue(w.sys); ran || err != nil || audits() != 0 {
		t.Fatalf("automatic sweep with nothing due: ran %v, %v, %d audit entries", ran, err, audits())
	}
	if _, err := w.v.SetSettings(w.sys, volunteer.SettingsInput{ExpiryMonths: 12, WishMinutes: 60}); err != nil {
		t.Fatal(err)
	}
	// 2025-06-01 earned 100 (10 h), 2026-11-01 earned 20, 30 were spent
	// (oldest first): 70 of the 2025 points are past the 12-month cutoff.
	res, ran, err := w.v.ExpireDue(w.sys)
	if err != nil || !ran {
		t.Fatal(ran, err)
	}
	if res.Cutoff != "2025-11-23" || res.Accounts != 1 || res.Points != 70 {
		t.Fatalf("sweep %+v", res)
	}
	res, _ = w.v.ExpireSweep(w.sys)
	if res.Points != 0 {
		t.Fatalf("second sweep %+v", res)
	}
	if _, ran, _ := w.v.ExpireDue(w.sys); ran {
		t.Fatal("the automatic sweep ran again with nothing due")
	}
	if got := w.account(mid); got.Balance != 20 {
		t.Fatalf("balance %d, want 20", got.Balance)
	}
	w.check()
}

// A confirmed wish claimed by a member credits 60 minutes of 帮扶: 10 points.
func TestWishCredit(t *testing.T) {
	w := newWorld(t)
	mid := w.member("甲")
	c := volunteer.Crediter{S: w.v}
	on := "2026-11-20"
	wi := wish.Wish{ID: 77, ClaimantMemberID: &mid, ClaimantName: "甲", ConfirmedOn: &on}
	err := w.e.App.DB.InTx(w.sys, func(tx *sql.Tx) error { return c.CreditWish(w.sys, tx, wi) })
	if err != nil {
		t.Fatal(err)
	}
	err = w.e.App.DB.InTx(w.sys, func(tx *sql.Tx) error { return c.CreditWish(w.sys, tx, wi) })
	wantKind(t, err, apperr.KindConflict, "credited twice")
	a := w.account(mid)
	if a.Balance != 10 || a.YearMinutes != 60 {
		t.Fatalf("after wish %d %d, want 10 60", a.Balance, a.YearMinutes)
	}
	// A wish claimed by a party organization only credits nobody.
	if err := w.e.App.DB.InTx(w.sys, func(tx *sql.Tx) error { return c.CreditWish(w.sys, tx, wish.Wish{ID: 78}) }); err != nil {
		t.Fatal(err)
	}
	w.check()
}

// A street outside the activity's region sees nothing of it.
func TestScope(t *testing.T) {
	w := newWorld(t)
	act := w.activity(volunteer.KindOther, "2026-12-02", 60, 3)
	yuhe := actor.With(context.Background(), actor.Actor{Username: "yh", Role: "street", Scope: testenv.Yuhe})
	_, err := w.v.GetActivity(yuhe, act.ID)
	wantKind(t, err, apperr.KindNotFound, "other street")
	_, err = w.v.SignInToken(yuhe, act.ID)
	wantKind(t, err, apperr.KindNotFound, "other street code")
	_, err = w.v.CreateActivity(w.sys, volunteer.ActivityInput{Title: "x", Kind: "nope", StartsAt: "2026-12-02 10:00", EndsAt: "2026-12-02 09:00", Place: "p",
		PlannedMinutes: 0, Capacity: 0, RegionCode: testenv.Hongqiao})
	e, _ := apperr.As(err)
	for _, f := range []string{"kind", "ends_at", "planned_minutes", "capacity"} {
		if e == nil || e.Fields[f] == "" {
			t.Fatalf("field %s not named: %v", f, err)
		}
	}
}

func TestFormatParse(t *testing.T) {
	for m, want := range map[int64]string{0: "0.00", 90: "1.50", 50: "0.83", 165: "2.75", 1: "0.02", 59: "0.98"} {
		if got := volunteer.FormatMinutes(m); got != want {
			t.Errorf("FormatMinutes(%d) = %s, want %s", m, got, want)
		}
	}
	for s, want := range map[string]int64{"2": 120, "1.5": 90, "0.25": 15, "1.33": 80} {
		if got, err := volunteer.ParseHours("h", s); err != nil || got != want {
			t.Errorf("ParseHours(%s) = %d %v, want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "-1", "abc", "1.234", "25"} {
		if _, err := volunteer.ParseHours("h", s); err == nil {
			t.Errorf("ParseHours(%q) accepted", s)
		}
	}
}

// No floating point in the package: no float32/float64 type, no float
// literal, no strconv.ParseFloat/FormatFloat, no %f/%g verb.
func TestNoFloatingPoint(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue // this file names the things it looks for
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.Ident:
				if x.Name == "float32" || x.Name == "float64" || x.Name == "ParseFloat" || x.Name == "FormatFloat" || x.Name == "Float" {
					t.Errorf("%s: %s", fset.Position(x.Pos()), x.Name)
				}
			case *ast.BasicLit:
				if x.Kind == token.FLOAT {
					t.Errorf("%s: float literal %s", fset.Position(x.Pos()), x.Value)
				}
				if x.Kind == token.STRING && (strings.Contains(x.Value, "%f") || strings.Contains(x.Value, "%g") || strings.Contains(x.Value, "%.2f")) {
					t.Errorf("%s: float verb in %s", fset.Position(x.Pos()), x.Value)
				}
			}
			return true
		})
	}
}
