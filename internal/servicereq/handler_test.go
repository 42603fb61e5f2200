package servicereq_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/servicereq"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

func handlerCtx(unit int64) context.Context {
	return actor.With(context.Background(), actor.Actor{Username: "jingban", Role: "handler", Scope: testenv.Jurisdiction, HandlerUnitID: unit})
}

// A 承办单位经办人 sees and acts on only the requests currently transferred to
// its unit; every other request is "not found" to it.
func TestHandlerSeesItsUnitOnly(t *testing.T) {
	v := setup(t)
	hq := street(testenv.Hongqiao)
	ours, err := v.svc.CreateUnit(v.county, servicereq.HandlerUnitInput{Name: "区人社局", Kind: "department", RegionCode: testenv.Jurisdiction})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := v.svc.CreateUnit(v.county, servicereq.HandlerUnitInput{Name: "区市场监管局", Kind: "department", RegionCode: testenv.Jurisdiction})
	if err != nil {
		t.Fatal(err)
	}
	transfer := func(r servicereq.Request, unit int64) servicereq.Request {
		return v.act(hq, r, servicereq.ActionInput{Action: servicereq.ActTransfer, HandlerUnitID: &unit})
	}
	// Monday 11-23: r1 goes to our unit, due 5 working days later (11-30).
	r1 := transfer(v.request(hq, testenv.Hongqiao, ""), ours.ID)
	if r1.DueOn != "2026-11-30" {
		t.Fatalf("r1 due %s, want 2026-11-30", r1.DueOn)
	}
	// Tuesday 12-01: r1 is one working day overdue; r2 goes to our unit
	// (due 12-08), r3 to the other unit, r4 stays with the street.
	v.e.Clock.Advance(8 * 24 * time.Hour)
	r2 := transfer(v.request(hq, testenv.Hongqiao, ""), ours.ID)
	r3 := transfer(v.request(hq, testenv.Hongqiao, ""), theirs.ID)
	r4 := v.request(hq, testenv.Hongqiao, "")
	if r2.DueOn != "2026-12-08" {
		t.Fatalf("r2 due %s, want 2026-12-08", r2.DueOn)
	}

	h := handlerCtx(ours.ID)
	items, total, err := v.svc.List(h, servicereq.Filter{Sort: "due_asc", Page: 1, PageSize: 20})
	if err != nil {
		t.Fatal(err)
	}
	if total != store.Exact(2) || len(items) != 2 || items[0].ID != r1.ID || items[1].ID != r2.ID || !items[0].Overdue || items[0].DaysOverdue != 1 || items[1].Overdue {
		t.Fatalf("handler list: total %v %+v", total, items)
	}
	// Only the handler's steps, whatever else the state allows.
	if want := []string{"send_back", "finish"}; !slices.Equal(items[0].AllowedActions, want) {
		t.Errorf("handler steps %v, want %v", items[0].AllowedActions, want)
	}
	c, err := v.svc.Count(h, servicereq.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]int{}
	for _, s := range c.States {
		by[s.State] = s.Count
	}
	if c.All != 2 || c.Overdue != 1 || by["transferred"] != 2 || by["received"] != 0 {
		t.Fatalf("handler counts %+v", c)
	}
	for _, id := range []int64{r3.ID, r4.ID} {
		if _, err := v.svc.Get(h, id); !apperr.IsKind(err, apperr.KindNotFound) {
			t.Errorf("get %d as handler: %v, want not found", id, err)
		}
		if _, err := v.svc.Timeline(h, id); !apperr.IsKind(err, apperr.KindNotFound) {
			t.Errorf("timeline %d as handler: %v, want not found", id, err)
		}
	}
	if _, err := v.svc.Act(h, r3.ID, servicereq.ActionInput{Action: servicereq.ActFinish, Version: r3.Version, Result: "已办"}); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("finish another unit's request: %v, want not found", err)
	}
	// Transferring onward and pausing stay with the receiving party.
	_, err = v.svc.Act(h, r1.ID, servicereq.ActionInput{Action: servicereq.ActPause, Version: r1.Version, Reason: "等待企业补充材料"})
	wantKind(t, err, apperr.KindInvalid, "action", "下一步应为「退回」或「办结」")
	if tl, err := v.svc.Timeline(h, r1.ID); err != nil || len(tl) != 2 || tl[1].Action != "transfer" || tl[1].HandlerUnitName != "区人社局" {
		t.Fatalf("r1 timeline as handler: %v %+v", err, tl)
	}

	// 办结: the request leaves the handler's inbox and enters its unit's
	// history (本单位已办结), read-only.
	done := v.act(h, r1, servicereq.ActionInput{Action: servicereq.ActFinish, Result: "已上门讲解人才补贴申报流程"})
	if done.State != "done" || done.Result != "已上门讲解人才补贴申报流程" || len(done.AllowedActions) != 0 ||
		done.DoneOn == nil || *done.DoneOn != "2026-12-01" || done.DoneByUnitID == nil || *done.DoneByUnitID != ours.ID {
		t.Fatalf("finished %+v", done)
	}
	if got, err := v.svc.Get(h, r1.ID); err != nil || got.State != "done" || len(got.AllowedActions) != 0 {
		t.Errorf("finished request in the handler's history: %v %+v", err, got)
	}
	_, err = v.svc.Act(h, r1.ID, servicereq.ActionInput{Action: servicereq.ActReply, Version: done.Version, RepliedBy: "经办人", ReplyMethod: "phone", Satisfaction: "satisfied"})
	wantKind(t, err, apperr.KindInvalid, "action", "不能回单")
	hist, total, err := v.svc.List(h, servicereq.Filter{Scope: servicereq.ScopeDoneByMyUnit, Page: 1, PageSize: 20})
	if err != nil || total != store.Exact(1) || hist[0].ID != r1.ID {
		t.Fatalf("handler history: %v %v %+v", err, total, hist)
	}
	// The other unit's history is not ours; a street has no "my unit".
	if _, total, err := v.svc.List(handlerCtx(theirs.ID), servicereq.Filter{Scope: servicereq.ScopeDoneByMyUnit, Page: 1, PageSize: 20}); err != nil || total != store.Exact(0) {
		t.Fatalf("other unit's history: %v %v", err, total)
	}
	if _, err := v.svc.Get(handlerCtx(theirs.ID), r1.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("our finished request seen by another unit: %v", err)
	}
	if _, total, err := v.svc.List(hq, servicereq.Filter{Scope: servicereq.ScopeDoneByMyUnit, Page: 1, PageSize: 20}); err != nil || total != store.Exact(0) {
		t.Errorf("a street's \"my unit\" history: %v %v", err, total)
	}
	// 退回 needs a reason and gives the request back to the street.
	_, err = v.svc.Act(h, r2.ID, servicereq.ActionInput{Action: servicereq.ActSendBack, Version: r2.Version})
	wantKind(t, err, apperr.KindInvalid, "reason", "退回原因")
	back := v.act(h, r2, servicereq.ActionInput{Action: servicereq.ActSendBack, Reason: "不属本单位职责"})
	if back.State != "received" || back.HandlerUnitID != nil {
		t.Fatalf("sent back %+v", back)
	}
	if _, total, err := v.svc.List(h, servicereq.Filter{Page: 1, PageSize: 20}); err != nil || total != store.Exact(0) {
		t.Fatalf("handler list after finish and send back: %v %v", total, err)
	}
	// The street sees both steps, by the handler's account.
	tl, err := v.svc.Timeline(hq, r2.ID)
	if err != nil || len(tl) != 3 || tl[2].Action != "send_back" || tl[2].Username != "jingban" || tl[2].Note != "不属本单位职责" {
		t.Fatalf("street timeline of r2: %v %+v", err, tl)
	}
	got, err := v.svc.Get(hq, r1.ID)
	if err != nil || got.State != "done" {
		t.Fatalf("street view of r1: %v %+v", err, got)
	}
	// An unbound handler account sees nothing.
	if _, total, err := v.svc.List(handlerCtx(0), servicereq.Filter{Page: 1, PageSize: 20}); err != nil || total != store.Exact(0) {
		t.Fatalf("unbound handler list: %v %v", total, err)
	}
}
