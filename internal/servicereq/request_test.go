package servicereq_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/servicereq"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

// The test clock starts on Monday 2026-11-23 (testenv). Category 1 is
// 政策咨询 with 5 working days (migration 0025).
type env struct {
	t      *testing.T
	e      *testenv.Env
	svc    *servicereq.Service
	county context.Context
}

func setup(t *testing.T) *env {
	e := testenv.New(t)
	return &env{t: t, e: e, svc: e.App.Services,
		county: actor.With(context.Background(), actor.Actor{Username: "county", Role: "district", Scope: testenv.Jurisdiction})}
}

func street(code string) context.Context {
	return actor.With(context.Background(), actor.Actor{Username: "street_" + code, Role: "street", Scope: code})
}

func (v *env) request(ctx context.Context, region, received string) servicereq.Request {
	v.t.Helper()
	r, err := v.svc.Create(ctx, servicereq.RequestInput{Source: "dialogue", CategoryID: 1, Content: "企业反映用工招聘难，希望了解人才补贴政策",
		RequesterName: "张总", RequesterPhone: "138 1234 5678", RegionCode: region, ReceivedOn: received})
	if err != nil {
		v.t.Fatal(err)
	}
	return r
}

func (v *env) act(ctx context.Context, r servicereq.Request, in servicereq.ActionInput) servicereq.Request {
	v.t.Helper()
	in.Version = r.Version
	out, err := v.svc.Act(ctx, r.ID, in)
	if err != nil {
		v.t.Fatalf("%s: %v", in.Action, err)
	}
	return out
}

func wantKind(t *testing.T, err error, kind apperr.Kind, field, contains string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != kind {
		t.Fatalf("got %v, want kind %d", err, kind)
	}
	msg := e.Message
	if field != "" {
		msg = e.Fields[field]
	}
	if !strings.Contains(msg, contains) {
		t.Errorf("message %q (fields %v) does not contain %q", msg, e.Fields, contains)
	}
}

func TestLifeCycle(t *testing.T) {
	v := setup(t)
	ctx := street(testenv.Hongqiao)
	r := v.request(ctx, testenv.Hongqiao, "")
	// Received Monday 11-23; 5 working days: 24, 25, 26, 27, 30.
	if r.State != "received" || r.ReceivedOn != "2026-11-23" || r.DueOn != "2026-11-30" || r.RequesterPhone != "138****5678" || r.Version != 1 {
		t.Fatalf("created %+v", r)
	}
	var enc string
	if err := v.e.App.DB.QueryRowContext(context.Background(), v.e.App.DB.Rebind(`SELECT requester_phone_enc FROM service_requests WHERE id = ?`), r.ID).Scan(&enc); err != nil {
		t.Fatal(err)
	}
	if enc == "" || strings.Contains(enc, "13812345678") {
		t.Errorf("phone not sealed at rest: %q", enc)
	}

	// Out of order: 办结 straight from 已接单.
	_, err := v.svc.Act(ctx, r.ID, servicereq.ActionInput{Action: "finish", Version: 1, Result: "已解决"})
	wantKind(t, err, apperr.KindInvalid, "action", "下一步应为「做单」或「转单」")
	// A stale version.
	_, err = v.svc.Act(ctx, r.ID, servicereq.ActionInput{Action: "handle", Version: 7})
	wantKind(t, err, apperr.KindConflict, "", "已被他人处理")

	// 转单 on Wednesday 11-25 to a district department: 5 working days from
	// then: 26, 27, 30, 12-01, 12-02.
	unit, err := v.svc.CreateUnit(v.county, servicereq.HandlerUnitInput{Name: "区人社局", Kind: "department", RegionCode: testenv.Jurisdiction})
	if err != nil {
		t.Fatal(err)
	}
	v.e.Clock.Advance(48 * time.Hour)
	_, err = v.svc.Act(ctx, r.ID, servicereq.ActionInput{Action: "transfer", Version: 1})
	wantKind(t, err, apperr.KindInvalid, "handler_unit_id", "请选择承办单位")
	r = v.act(ctx, r, servicereq.ActionInput{Action: "transfer", HandlerUnitID: &unit.ID, Reason: "涉及就业补贴"})
	if r.State != "transferred" || r.DueOn != "2026-12-02" || r.HandlerUnitName != "区人社局" || r.Version != 2 {
		t.Fatalf("transferred %+v", r)
	}
	// Paused the same day, resumed a week later (Wednesday 12-02): 5
	// working days paused (26, 27, 30, 01, 02), so the due day moves from
	// 12-02 by 5 working days: 03, 04, 07, 08, 09.
	_, err = v.svc.Act(ctx, r.ID, servicereq.ActionInput{Action: "pause", Version: r.Version})
	wantKind(t, err, apperr.KindInvalid, "reason", "请填写暂停原因")
	r = v.act(ctx, r, servicereq.ActionInput{Action: "pause", Reason: "等待企业补充营业执照复印件"})
	if !r.Paused || r.PauseReason != "等待企业补充营业执照复印件" {
		t.Fatalf("paused %+v", r)
	}
	v.e.Clock.Advance(7 * 24 * time.Hour)
	if r, _ = v.svc.Get(ctx, r.ID); r.Overdue {
		t.Error("a paused request counted as overdue")
	}
	r = v.act(ctx, r, servicereq.ActionInput{Action: "resume"})
	if r.Paused || r.DueOn != "2026-12-09" {
		t.Fatalf("resumed %+v", r)
	}
	r = v.act(ctx, r, servicereq.ActionInput{Action: "finish", Result: "已落实就业见习补贴 3 人"})
	_, err = v.svc.Act(ctx, r.ID, servicereq.ActionInput{Action: "close", Version: r.Version})
	wantKind(t, err, apperr.KindInvalid, "action", "下一步应为「回单」")
	r = v.act(ctx, r, servicereq.ActionInput{Action: "reply", RepliedBy: "李干事", ReplyMethod: "phone", Satisfaction: "unsatisfied"})
	if r.State != "replied" || r.SatisfactionName != "不满意" || r.RepliedOn == nil || *r.RepliedOn != "2026-12-02" {
		t.Fatalf("replied %+v", r)
	}
	// Reopened the next day (Thursday 12-03): 5 working days: 04, 07, 08, 09, 10.
	v.e.Clock.Advance(24 * time.Hour)
	r = v.act(ctx, r, servicereq.ActionInput{Action: "reopen", Reason: "补贴人数与企业申报不符"})
	if r.State != "received" || r.ReopenCount != 1 || r.DueOn != "2026-12-10" || r.HandlerUnitID != nil || r.Satisfaction != "" {
		t.Fatalf("reopened %+v", r)
	}
	events, err := v.svc.Timeline(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, e.ActionName+"→"+e.ToStateName)
	}
	want := "接单→已接单 转单→已转单 暂停计时→已转单 恢复计时→已转单 办结→已办结 回单→已回单 重新办理→已接单"
	if strings.Join(got, " ") != want {
		t.Errorf("timeline %s, want %s", strings.Join(got, " "), want)
	}
	if events[1].HandlerUnitName != "区人社局" || events[1].DueOn != "2026-12-02" || events[3].Detail["paused_days"] != "5" || events[5].Detail["replied_by"] != "李干事" {
		t.Errorf("timeline details %+v", events)
	}
	// Another street does not see it.
	if _, err := v.svc.Get(street(testenv.Yuhe), r.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("other street: %v, want not found", err)
	}
}

func TestReopenOnlyWhenUnsatisfiedAndInWindow(t *testing.T) {
	v := setup(t)
	ctx := street(testenv.Hongqiao)
	finished := func(satisfaction string) servicereq.Request {
		r := v.request(ctx, testenv.Hongqiao, "")
		r = v.act(ctx, r, servicereq.ActionInput{Action: "handle"})
		r = v.act(ctx, r, servicereq.ActionInput{Action: "finish", Result: "已答复政策"})
		return v.act(ctx, r, servicereq.ActionInput{Action: "reply", RepliedBy: "王书记", ReplyMethod: "visit", Satisfaction: satisfaction})
	}
	ok := finished("satisfied")
	_, err := v.svc.Act(ctx, ok.ID, servicereq.ActionInput{Action: "reopen", Version: ok.Version, Reason: "再议"})
	wantKind(t, err, apperr.KindInvalid, "action", "满意")
	late := finished("unsatisfied") // replied 2026-11-23; window 15 days: until 12-08
	late = v.act(ctx, late, servicereq.ActionInput{Action: "close"})
	v.e.Clock.Advance(16 * 24 * time.Hour) // 12-09
	_, err = v.svc.Act(ctx, late.ID, servicereq.ActionInput{Action: "reopen", Version: late.Version, Reason: "仍未解决"})
	wantKind(t, err, apperr.KindInvalid, "action", "2026-12-08")
}

func TestCreateValidates(t *testing.T) {
	v := setup(t)
	_, err := v.svc.Create(v.county, servicereq.RequestInput{Source: "fax", CategoryID: 0, RequesterPhone: "12345", RegionCode: testenv.Hongqiao, ReceivedOn: "2026-12-01"})
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.KindInvalid {
		t.Fatalf("got %v", err)
	}
	for _, f := range []string{"source", "category_id", "content", "requester_name", "requester_phone", "received_on"} {
		if e.Fields[f] == "" {
			t.Errorf("no message for %s: %v", f, e.Fields)
		}
	}
	var n int
	if err := v.e.App.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM service_requests`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d requests written (%v)", n, err)
	}
	_, err = v.svc.Create(street(testenv.Hongqiao), servicereq.RequestInput{Source: "desk", CategoryID: 1, Content: "x", RequesterName: "甲", RegionCode: testenv.Yuhe})
	if !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("another street's region: %v, want not found", err)
	}
}

func TestOverdueEscalatesToTheLevelAbove(t *testing.T) {
	v := setup(t)
	hq := street(testenv.Hongqiao)
	// Received Monday 11-02: due 11-09; on 11-23 it is 10 working days late
	// (10–13, 16–20, 23).
	late := v.request(hq, testenv.Hongqiao, "2026-11-02")
	v.request(hq, testenv.Hongqiao, "")                         // due 11-30, on time
	v.request(street(testenv.Yuhe), testenv.Yuhe, "2026-11-02") // late, in 玉合
	items, total, err := v.svc.List(hq, servicereq.Filter{Overdue: true, Page: 1, PageSize: 20})
	if err != nil {
		t.Fatal(err)
	}
	if total != store.Exact(1) || items[0].ID != late.ID || items[0].DueOn != "2026-11-09" || items[0].DaysOverdue != 10 {
		t.Fatalf("street overdue list: %v %+v", total, items)
	}
	_, total, err = v.svc.List(v.county, servicereq.Filter{Overdue: true, Page: 1, PageSize: 20})
	if err != nil || total != store.Exact(2) {
		t.Errorf("county sees %v overdue (%v), want both streets' 2", total, err)
	}
	c, err := v.svc.Count(v.county, servicereq.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if c.All != 3 || c.Overdue != 2 || c.States[0].State != "received" || c.States[0].Count != 3 {
		t.Errorf("counts %+v", c)
	}
	items, _, err = v.svc.List(v.county, servicereq.Filter{RegionCode: testenv.Yuhe, Q: "人才补贴", Sort: "due_asc", Page: 1, PageSize: 20})
	if err != nil || len(items) != 1 || items[0].RegionCode != testenv.Yuhe {
		t.Errorf("filtered by region and text: %+v %v", items, err)
	}
	if _, _, err := v.svc.List(v.county, servicereq.Filter{State: "lost", Sort: "x", Page: 1, PageSize: 20}); err == nil {
		t.Error("a bad state and sort were accepted")
	}
}

// TestTwoPeopleActAtOnce: both saw version 1 and act together; exactly one
// wins, the other is told the request changed.
func TestTwoPeopleActAtOnce(t *testing.T) {
	v := setup(t)
	ctx := street(testenv.Hongqiao)
	for round := 0; round < 5; round++ {
		r := v.request(ctx, testenv.Hongqiao, "")
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = v.svc.Act(ctx, r.ID, servicereq.ActionInput{Action: "handle", Version: r.Version})
			}()
		}
		wg.Wait()
		wins, conflicts := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case apperr.IsKind(err, apperr.KindConflict):
				conflicts++
			default:
				t.Fatalf("unexpected error %v", err)
			}
		}
		if wins != 1 || conflicts != 1 {
			t.Fatalf("round %d: %d won, %d conflicts", round, wins, conflicts)
		}
		ev, _ := v.svc.Timeline(ctx, r.ID)
		if len(ev) != 2 {
			t.Errorf("round %d: %d timeline entries, want 2", round, len(ev))
		}
	}
}

func TestSettingsAudited(t *testing.T) {
	v := setup(t)
	st, err := v.svc.GetSettings(v.county)
	if err != nil {
		t.Fatal(err)
	}
	if st.ReopenDays != 15 || len(st.Categories) != 8 || len(st.Calendar) != 39 {
		t.Fatalf("seeded settings: %d days, %d categories, %d calendar days", st.ReopenDays, len(st.Categories), len(st.Calendar))
	}
	_, err = v.svc.SetSettings(v.county, servicereq.SettingsInput{ReopenDays: 10,
		Categories: []servicereq.CategoryInput{{Code: "policy", Name: "政策咨询", DeadlineDays: 0}},
		Calendar:   []servicereq.CalendarDay{{Day: "2026-12-02", Kind: "work"}}})
	e, _ := apperr.As(err)
	if e == nil || e.Fields["categories[0].deadline_days"] == "" || e.Fields["calendar[0].kind"] == "" {
		t.Fatalf("got %v", err)
	}
	cal := append(servicereq.Official2026(), servicereq.CalendarDay{Day: "2026-11-24", Kind: "off", Note: "测试放假"})
	st, err = v.svc.SetSettings(v.county, servicereq.SettingsInput{ReopenDays: 10, Reason: "县里临时放假",
		Categories: []servicereq.CategoryInput{{Code: "policy", Name: "政策咨询", DeadlineDays: 3, Active: true}}, Calendar: cal})
	if err != nil {
		t.Fatal(err)
	}
	if st.ReopenDays != 10 || st.Categories[0].DeadlineDays != 3 || len(st.Calendar) != 40 {
		t.Fatalf("after set: %+v", st.Categories[0])
	}
	// Monday 11-23 + 3 working days, 11-24 now off: 25, 26, 27.
	if r := v.request(v.county, testenv.Hongqiao, ""); r.DueOn != "2026-11-27" {
		t.Errorf("due %s, want 2026-11-27", r.DueOn)
	}
	var n int
	if err := v.e.App.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'service_settings'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d settings audit rows (%v)", n, err)
	}
}
