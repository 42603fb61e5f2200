package servicereq_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/notify"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/servicereq"
	"liangxin/internal/testenv"
)

// inboxOf returns the kinds of a user's notifications, oldest first.
func (v *env) inboxOf(userID int64) []string {
	v.t.Helper()
	ctx := actor.With(context.Background(), actor.Actor{UserID: userID, Username: "u"})
	items, _, err := v.e.App.Inbox.List(ctx, notify.Filter{Page: 1, PageSize: 100})
	if err != nil {
		v.t.Fatal(err)
	}
	var kinds []string
	for i := len(items) - 1; i >= 0; i-- {
		kinds = append(kinds, items[i].Kind)
		if want := "/services?request="; len(items[i].Link) <= len(want) || items[i].Link[:len(want)] != want {
			v.t.Errorf("link %q", items[i].Link)
		}
	}
	return kinds
}

func same(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// partyOrgAt creates a party organization covering a fresh organization of region.
func (v *env) partyOrgAt(region string) int64 {
	v.t.Helper()
	sys := actor.System(context.Background(), "fixture")
	name, cat, five := "通知测试个体户"+region, "individual_business", 5
	o, err := v.e.App.Orgs.Create(sys, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five})
	if err != nil {
		v.t.Fatal(err)
	}
	p, err := v.e.App.Party.Create(sys, partyorg.Input{Name: "通知测试党支部" + region, Kind: "branch", Formation: "single", EstablishedOn: "2024-01-01", Covers: []int64{o.ID}})
	if err != nil {
		v.t.Fatal(err)
	}
	return p.ID
}

// failing notifies through the inbox, then fails: the step must roll back
// with its notification.
type failing struct{ n notify.Notifier }

func (f failing) Notify(ctx context.Context, tx *sql.Tx, to notify.Recipients, m notify.Message) error {
	if err := f.n.Notify(ctx, tx, to, m); err != nil {
		return err
	}
	return errors.New("gateway down")
}

// Assigned, transferred, overdue (once per episode, escalating to the
// street and district over the region) and reopened reach the accounts
// concerned, and nobody else.
func TestNotifications(t *testing.T) {
	v := setup(t)
	hq := street(testenv.Hongqiao)
	po := v.partyOrgAt(testenv.Hongqiao)
	unit, err := v.svc.CreateUnit(v.county, servicereq.HandlerUnitInput{Name: "区人社局", Kind: "department", RegionCode: testenv.Jurisdiction})
	if err != nil {
		t.Fatal(err)
	}
	poUser := v.e.PartyOrgUser("po_secretary", po)
	handler := v.e.HandlerUser("hd_renshe", unit.ID)
	st := v.e.User("st_hongqiao", "street", testenv.Hongqiao)
	dist := v.e.User("dist_all", "district", testenv.Jurisdiction)
	other := v.e.User("st_yuhe", "street", testenv.Yuhe)
	ro := v.e.User("ro_hongqiao", "readonly", testenv.Hongqiao)

	// 接单 for the party organization (Monday 11-23, due 11-30).
	r, err := v.svc.Create(hq, servicereq.RequestInput{Source: "desk", CategoryID: 1, Content: "企业咨询人才补贴政策", RequesterName: "张总",
		RegionCode: testenv.Hongqiao, ReceivingPartyOrgID: &po})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.inboxOf(poUser.ID); !same(got, []string{"assigned"}) {
		t.Fatalf("party org inbox %v", got)
	}

	// A 转单 whose notifier fails rolls back: no notification, no transfer.
	broken := *v.svc
	broken.Notifier = failing{v.e.App.Inbox}
	if _, err := broken.Act(hq, r.ID, servicereq.ActionInput{Action: servicereq.ActTransfer, Version: r.Version, HandlerUnitID: &unit.ID}); err == nil {
		t.Fatal("transfer with a failing notifier succeeded")
	}
	if got := v.inboxOf(handler.ID); len(got) != 0 {
		t.Fatalf("rolled-back transfer notified the handler: %v", got)
	}
	if again, _ := v.svc.Get(hq, r.ID); again.State != "received" || again.Version != r.Version {
		t.Fatalf("rolled-back transfer changed the request: %+v", again)
	}

	r = v.act(hq, r, servicereq.ActionInput{Action: servicereq.ActTransfer, HandlerUnitID: &unit.ID})
	if got := v.inboxOf(handler.ID); !same(got, []string{"transferred"}) {
		t.Fatalf("handler inbox %v", got)
	}

	// Not overdue on its due day (11-30); overdue on Tuesday 12-01.
	if n, err := v.svc.NotifyOverdue(context.Background(), "2026-11-30"); err != nil || n != 0 {
		t.Fatalf("sweep on the due day: %d %v", n, err)
	}
	v.e.Clock.Advance(8 * 24 * time.Hour)
	for i, want := range []int{1, 0} {
		if n, err := v.svc.NotifyOverdue(context.Background(), "2026-12-01"); err != nil || n != want {
			t.Fatalf("sweep %d: %d %v, want %d", i, n, err, want)
		}
	}
	for _, c := range []struct {
		name string
		id   int64
		want []string
	}{
		{"handler", handler.ID, []string{"transferred", "overdue"}},
		{"party org", poUser.ID, []string{"assigned", "overdue"}},
		{"street", st.ID, []string{"overdue"}},
		{"district", dist.ID, []string{"overdue"}},
		{"other street", other.ID, nil},
		{"readonly", ro.ID, nil},
	} {
		if got := v.inboxOf(c.id); !same(got, c.want) {
			t.Errorf("%s inbox %v, want %v", c.name, got, c.want)
		}
	}

	// 办结, 回单 不满意, 重新办理: the party organization and the unit
	// that handled it hear of it; the new due day is a new episode.
	r = v.act(hq, r, servicereq.ActionInput{Action: servicereq.ActFinish, Result: "已讲解政策"})
	r = v.act(hq, r, servicereq.ActionInput{Action: servicereq.ActReply, RepliedBy: "李四", ReplyMethod: "phone", Satisfaction: "unsatisfied"})
	r = v.act(hq, r, servicereq.ActionInput{Action: servicereq.ActReopen, Reason: "补贴未到账"})
	if got := v.inboxOf(poUser.ID); !same(got, []string{"assigned", "overdue", "reopened"}) {
		t.Errorf("party org inbox after reopen %v", got)
	}
	if got := v.inboxOf(handler.ID); !same(got, []string{"transferred", "overdue", "reopened"}) {
		t.Errorf("handler inbox after reopen %v", got)
	}
	// Reopened Tuesday 12-01: 5 working days → 12-08; overdue again on 12-09.
	if r.DueOn != "2026-12-08" {
		t.Fatalf("due after reopen %s", r.DueOn)
	}
	if n, err := v.svc.NotifyOverdue(context.Background(), "2026-12-09"); err != nil || n != 1 {
		t.Fatalf("second episode: %d %v", n, err)
	}
	if got := v.inboxOf(st.ID); !same(got, []string{"overdue", "overdue"}) {
		t.Errorf("street inbox after second episode %v", got)
	}
}

// Two sweeps at once (two app nodes): exactly one notification per episode.
func TestOverdueSweepRunsOnce(t *testing.T) {
	v := setup(t)
	hq := street(testenv.Hongqiao)
	st := v.e.User("st_hongqiao", "street", testenv.Hongqiao)
	for range 3 {
		v.request(hq, testenv.Hongqiao, "")
	}
	done := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := v.svc.NotifyOverdue(context.Background(), "2026-12-01")
			done <- err
		}()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if got := v.inboxOf(st.ID); !same(got, []string{"overdue", "overdue", "overdue"}) {
		t.Errorf("street inbox %v, want three overdue", got)
	}
}
