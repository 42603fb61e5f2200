package workloop_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/assess"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/workloop"
)

// The test clock starts on Monday 2026-11-23 09:00 UTC (testenv).
type env struct {
	t      *testing.T
	e      *testenv.Env
	svc    *workloop.Service
	county context.Context
	n      int
}

func setup(t *testing.T) *env {
	e := testenv.New(t)
	return &env{t: t, e: e, svc: e.App.Work,
		county: actor.With(context.Background(), actor.Actor{UserID: 1, Username: "county", Role: "district", Scope: testenv.Jurisdiction})}
}

func street(code string) context.Context {
	return actor.With(context.Background(), actor.Actor{UserID: 2, Username: "street_" + code, Role: "street", Scope: code})
}

func orgAccount(id int64, region string) context.Context {
	return actor.With(context.Background(), actor.Actor{UserID: 100 + id, Username: fmt.Sprintf("po%d", id), Role: "party_org", Scope: region, PartyOrgID: id})
}

func (v *env) sys() context.Context { return actor.System(context.Background(), "test") }

// partyOrg creates a party organization covering a fresh organization of region.
func (v *env) partyOrg(region string) int64 {
	v.t.Helper()
	v.n++
	name, cat, five := fmt.Sprintf("测试企业%d", v.n), "individual_business", 5
	o, err := v.e.App.Orgs.Create(v.sys(), org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &five})
	if err != nil {
		v.t.Fatal(err)
	}
	p, err := v.e.App.Party.Create(v.sys(), partyorg.Input{Name: fmt.Sprintf("测试党支部%d", v.n), Kind: "branch", Formation: "single",
		EstablishedOn: "2024-01-01", Covers: []int64{o.ID}})
	if err != nil {
		v.t.Fatal(err)
	}
	return p.ID
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

func TestNoticeReceiptsAndCompletions(t *testing.T) {
	v := setup(t)
	a, b, c := v.partyOrg(testenv.Hongqiao), v.partyOrg(testenv.Hongqiao), v.partyOrg(testenv.Yuhe)
	// A 工作提示 has no items; a 学习清单 needs a quarter and at least one item.
	_, err := v.svc.CreateNotice(v.county, workloop.NoticeInput{Kind: "study", Title: "学习清单", Body: "x", Period: "2026-11", RegionCode: testenv.Jurisdiction})
	wantKind(t, err, apperr.KindInvalid, "period", "季度")
	n, err := v.svc.CreateNotice(v.county, workloop.NoticeInput{Kind: "study", Title: "2026年第四季度学习清单", Body: "# 学习要求\n按时完成。",
		Period: "2026-Q4", RegionCode: testenv.Jurisdiction, Items: []string{"学习党的二十届四中全会精神", "开展一次主题党日"}})
	if err != nil {
		t.Fatal(err)
	}
	if n.State != "draft" || len(n.Items) != 2 || n.Recipients != 0 {
		t.Fatalf("draft %+v", n)
	}
	// A draft is not in a party organization's inbox.
	if _, err := v.svc.GetNotice(orgAccount(a, testenv.Hongqiao), n.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("draft seen by a party organization: %v", err)
	}
	n, err = v.svc.Publish(v.county, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n.State != "published" || n.PublishedOn == nil || *n.PublishedOn != "2026-11-23" || n.Recipients != 3 || n.ReadCount != 0 {
		t.Fatalf("published %+v", n)
	}
	// Published notices are immutable.
	_, err = v.svc.UpdateNotice(v.county, n.ID, workloop.NoticeInput{Kind: "study", Title: "改", Body: "x", Period: "2026-Q4", RegionCode: testenv.Jurisdiction, Items: []string{"y"}})
	wantKind(t, err, apperr.KindConflict, "", "不能修改")
	_, err = v.svc.Publish(v.county, n.ID)
	wantKind(t, err, apperr.KindConflict, "", "不能再次发布")

	// A's account opens it twice: the receipt is the first opening.
	ctxA := orgAccount(a, testenv.Hongqiao)
	first, err := v.svc.MarkRead(ctxA, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if first.MyReadAt == nil || *first.MyReadAt != "2026-11-23T09:00:00.000000Z" {
		t.Fatalf("receipt %v", *first.MyReadAt)
	}
	v.e.Clock.Advance(2 * time.Hour)
	again, err := v.svc.MarkRead(ctxA, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if *again.MyReadAt != *first.MyReadAt {
		t.Errorf("second opening moved the receipt to %s", *again.MyReadAt)
	}
	// A street account opening it records nothing.
	if _, err := v.svc.MarkRead(street(testenv.Yuhe), n.ID); err != nil {
		t.Fatal(err)
	}
	// A did item 1; B (recorded by its street) did both; A may not act for B.
	if _, err := v.svc.MarkDone(ctxA, n.ID, n.Items[0].ID, workloop.DoneInput{DoneOn: "2026-11-20", Note: "集中学习一次"}); err != nil {
		t.Fatal(err)
	}
	_, err = v.svc.MarkDone(ctxA, n.ID, n.Items[0].ID, workloop.DoneInput{PartyOrgID: b, DoneOn: "2026-11-20", Note: "代填"})
	wantKind(t, err, apperr.KindInvalid, "party_org_id", "不是本通知的接收对象")
	for _, it := range n.Items {
		if _, err := v.svc.MarkDone(street(testenv.Hongqiao), n.ID, it.ID, workloop.DoneInput{PartyOrgID: b, DoneOn: "2026-11-21", Note: "已完成"}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = v.svc.MarkDone(street(testenv.Hongqiao), n.ID, n.Items[0].ID, workloop.DoneInput{PartyOrgID: c, DoneOn: "2026-11-21", Note: "外街道"})
	wantKind(t, err, apperr.KindInvalid, "party_org_id", "管辖范围")
	_, err = v.svc.MarkDone(ctxA, n.ID, n.Items[1].ID, workloop.DoneInput{DoneOn: "2026-11-24", Note: "明天"})
	wantKind(t, err, apperr.KindInvalid, "done_on", "不能晚于今天")

	// Per street, by hand: 洪桥 2 recipients, 1 read (A), 1 unread (B),
	// 1 all done (B), 1 not (A); 玉合 1 recipient, unread, not done.
	sum, err := v.svc.ReceiptsByStreet(v.county, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []workloop.StreetReceipts{
		{StreetCode: testenv.Hongqiao, StreetName: "洪桥街道", Recipients: 2, Read: 1, Unread: 1, AllDone: 1, NotDone: 1},
		{StreetCode: testenv.Yuhe, StreetName: "玉合街道", Recipients: 1, Read: 0, Unread: 1, AllDone: 0, NotDone: 1},
	}
	if fmt.Sprint(sum.Streets) != fmt.Sprint(want) || sum.Total.Recipients != 3 || sum.Total.Unread != 2 || sum.Total.NotDone != 2 {
		t.Fatalf("by street %+v", sum)
	}
	unread, total, err := v.svc.Receipts(v.county, n.ID, workloop.ReceiptFilter{Status: "unread", Page: 1, PageSize: 20})
	if err != nil || total != store.Exact(2) || len(unread) != 2 || unread[0].PartyOrgID != b || unread[1].PartyOrgID != c {
		t.Fatalf("unread %+v %v %v", unread, total, err)
	}
	notDone, _, _ := v.svc.Receipts(v.county, n.ID, workloop.ReceiptFilter{Status: "not_done", Page: 1, PageSize: 20})
	if len(notDone) != 2 || notDone[0].PartyOrgID != a || notDone[0].ItemsDone != 1 || len(notDone[0].Completions) != 1 || notDone[0].Completions[0].Note != "集中学习一次" {
		t.Fatalf("not done %+v", notDone)
	}
	// The street sees its own recipients only.
	mine, total, _ := v.svc.Receipts(street(testenv.Hongqiao), n.ID, workloop.ReceiptFilter{Page: 1, PageSize: 20})
	if total != store.Exact(2) || len(mine) != 2 {
		t.Fatalf("street receipts %v", total)
	}
	got, _ := v.svc.GetNotice(street(testenv.Yuhe), n.ID)
	if got.Recipients != 1 || got.ReadCount != 0 || got.Items[0].DoneCount != 0 {
		t.Errorf("玉合 counts %+v", got)
	}
	got, _ = v.svc.GetNotice(ctxA, n.ID)
	if got.Items[0].MyDoneOn == nil || *got.Items[0].MyDoneOn != "2026-11-20" || got.Items[1].MyDoneOn != nil {
		t.Errorf("A's items %+v", got.Items)
	}
	// Inbox: unread filter for C's account lists it, for A's not.
	list, _, _ := v.svc.ListNotices(orgAccount(c, testenv.Yuhe), workloop.NoticeFilter{Unread: true, Page: 1, PageSize: 20})
	if len(list) != 1 {
		t.Errorf("C's unread inbox %d", len(list))
	}
	list, _, _ = v.svc.ListNotices(ctxA, workloop.NoticeFilter{Unread: true, Page: 1, PageSize: 20})
	if len(list) != 0 {
		t.Errorf("A's unread inbox %d", len(list))
	}
	// Withdrawal: a reason is needed; afterwards nothing can be marked done.
	_, err = v.svc.Withdraw(v.county, n.ID, workloop.WithdrawInput{})
	wantKind(t, err, apperr.KindInvalid, "reason", "撤回原因")
	if n, err = v.svc.Withdraw(v.county, n.ID, workloop.WithdrawInput{Reason: "内容有误"}); err != nil || n.State != "withdrawn" || n.ReadCount != 1 {
		t.Fatalf("withdraw %+v %v", n, err)
	}
	_, err = v.svc.MarkDone(ctxA, n.ID, n.Items[1].ID, workloop.DoneInput{DoneOn: "2026-11-22", Note: "x"})
	wantKind(t, err, apperr.KindInvalid, "state", "已撤回")
}

func TestNoticeScope(t *testing.T) {
	v := setup(t)
	a, c := v.partyOrg(testenv.Hongqiao), v.partyOrg(testenv.Yuhe)
	n, err := v.svc.CreateNotice(v.county, workloop.NoticeInput{Kind: "tip", Title: "12月工作提示", Body: "做好年终总结", Period: "2026-12", RegionCode: testenv.Hongqiao})
	if err != nil {
		t.Fatal(err)
	}
	// The street cannot write for the jurisdiction; a tip has no items.
	_, err = v.svc.CreateNotice(street(testenv.Hongqiao), workloop.NoticeInput{Kind: "tip", Title: "x", Body: "x", Period: "2026-12", RegionCode: testenv.Jurisdiction})
	wantKind(t, err, apperr.KindInvalid, "region_code", "管辖范围")
	_, err = v.svc.CreateNotice(v.county, workloop.NoticeInput{Kind: "tip", Title: "x", Body: "x", Period: "2026-12", RegionCode: testenv.Jurisdiction, Items: []string{"a"}})
	wantKind(t, err, apperr.KindInvalid, "items", "没有清单条目")
	if _, err := v.svc.Publish(v.county, n.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := v.svc.GetNotice(orgAccount(a, testenv.Hongqiao), n.ID); err != nil {
		t.Errorf("recipient: %v", err)
	}
	for _, ctx := range []context.Context{orgAccount(c, testenv.Yuhe), street(testenv.Yuhe)} {
		if _, err := v.svc.GetNotice(ctx, n.ID); !apperr.IsKind(err, apperr.KindNotFound) {
			t.Errorf("玉合 sees a notice of 洪桥: %v", err)
		}
	}
	// A district-wide notice is seen by the street, which may not withdraw it.
	d, _ := v.svc.CreateNotice(v.county, workloop.NoticeInput{Kind: "tip", Title: "全区工作提示", Body: "x", Period: "2026-12", RegionCode: testenv.Jurisdiction})
	if _, err := v.svc.GetNotice(street(testenv.Yuhe), d.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("a street sees the district's draft: %v", err)
	}
	if _, err := v.svc.Publish(v.county, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := v.svc.GetNotice(street(testenv.Yuhe), d.ID); err != nil {
		t.Errorf("street: %v", err)
	}
	_, err = v.svc.Withdraw(street(testenv.Yuhe), d.ID, workloop.WithdrawInput{Reason: "x"})
	wantKind(t, err, apperr.KindNotFound, "", "通知")
}

func (v *env) task(ctx context.Context, in workloop.TaskInput) workloop.Task {
	v.t.Helper()
	t, err := v.svc.CreateTask(ctx, in)
	if err != nil {
		v.t.Fatal(err)
	}
	return t
}

func TestTaskStateMachine(t *testing.T) {
	v := setup(t)
	a := v.partyOrg(testenv.Hongqiao)
	tk := v.task(v.county, workloop.TaskInput{Title: "完成党组织换届", AssigneeKind: "party_org", PartyOrgID: a, Deadline: "2026-12-31"})
	if tk.State != "open" || tk.RegionCode != testenv.Hongqiao || tk.StreetName != "洪桥街道" || tk.Version != 1 || fmt.Sprint(tk.Steps) != "[progress request_close]" {
		t.Fatalf("created %+v", tk)
	}
	ctxA := orgAccount(a, testenv.Hongqiao)
	// No skipped step: 销号 needs a close request first.
	_, err := v.svc.Act(v.county, tk.ID, workloop.TaskAction{Action: "accept", Version: 1}, true, false)
	wantKind(t, err, apperr.KindInvalid, "action", "下一步应为：记录进展或申请销号")
	// Sides: the assignee cannot accept, the assigner cannot ask to close.
	_, err = v.svc.Act(ctxA, tk.ID, workloop.TaskAction{Action: "accept", Version: 1}, false, true)
	wantKind(t, err, apperr.KindForbidden, "", "")
	_, err = v.svc.Act(v.county, tk.ID, workloop.TaskAction{Action: "request_close", Version: 1, Note: "x"}, true, false)
	wantKind(t, err, apperr.KindForbidden, "", "")
	tk, err = v.svc.Act(ctxA, tk.ID, workloop.TaskAction{Action: "progress", Version: 1, Note: "已召开党员大会筹备会"}, false, true)
	if err != nil || tk.State != "open" || tk.Version != 2 {
		t.Fatalf("progress %+v %v", tk, err)
	}
	_, err = v.svc.Act(ctxA, tk.ID, workloop.TaskAction{Action: "request_close", Version: 2}, false, true)
	wantKind(t, err, apperr.KindInvalid, "note", "销号依据")
	tk, err = v.svc.Act(ctxA, tk.ID, workloop.TaskAction{Action: "request_close", Version: 2, Note: "已完成换届选举"}, false, true)
	if err != nil || tk.State != "requested" {
		t.Fatalf("request %+v %v", tk, err)
	}
	// A stale version loses.
	_, err = v.svc.Act(v.county, tk.ID, workloop.TaskAction{Action: "accept", Version: 2}, true, false)
	wantKind(t, err, apperr.KindConflict, "", "已被他人处理")
	tk, err = v.svc.Act(v.county, tk.ID, workloop.TaskAction{Action: "send_back", Version: 3, Note: "缺少选举结果批复"}, true, false)
	if err != nil || tk.State != "returned" {
		t.Fatalf("send back %+v %v", tk, err)
	}
	tk, _ = v.svc.Act(ctxA, tk.ID, workloop.TaskAction{Action: "request_close", Version: 4, Note: "补充批复文件"}, false, true)
	tk, err = v.svc.Act(v.county, tk.ID, workloop.TaskAction{Action: "accept", Version: 5, Note: "同意销号"}, true, false)
	if err != nil || tk.State != "closed" || tk.ClosedOn == nil || *tk.ClosedOn != "2026-11-23" || len(tk.Steps) != 0 {
		t.Fatalf("accept %+v %v", tk, err)
	}
	_, err = v.svc.Act(ctxA, tk.ID, workloop.TaskAction{Action: "progress", Version: 6, Note: "x"}, false, true)
	wantKind(t, err, apperr.KindInvalid, "action", "无（任务已销号）")
	tl, err := v.svc.Timeline(ctxA, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, e := range tl {
		steps = append(steps, e.Action+":"+e.FromState+">"+e.ToState)
	}
	if got := strings.Join(steps, " "); got != "create:>open progress:open>open request_close:open>requested send_back:requested>returned request_close:returned>requested accept:requested>closed" {
		t.Errorf("timeline %s", got)
	}
}

// TestTaskConcurrentAccept: eight assigners accept the same close request
// at once with the version they read; exactly one wins, the others get 409.
func TestTaskConcurrentAccept(t *testing.T) {
	v := setup(t)
	a := v.partyOrg(testenv.Hongqiao)
	tk := v.task(v.county, workloop.TaskInput{Title: "整改", AssigneeKind: "party_org", PartyOrgID: a, Deadline: "2026-12-31"})
	tk, err := v.svc.Act(orgAccount(a, testenv.Hongqiao), tk.ID, workloop.TaskAction{Action: "request_close", Version: 1, Note: "完成"}, false, true)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, conflict := 0, 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			act := "accept"
			if i%2 == 1 {
				act = "send_back"
			}
			_, err := v.svc.Act(v.county, tk.ID, workloop.TaskAction{Action: act, Version: tk.Version, Note: "并发"}, true, false)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case apperr.IsKind(err, apperr.KindConflict):
				conflict++
			default:
				t.Errorf("unexpected %v", err)
			}
		}(i)
	}
	wg.Wait()
	if ok != 1 || conflict != 7 {
		t.Errorf("%d won, %d conflicts; want 1 and 7", ok, conflict)
	}
}

func TestTaskScopeOverdueAndStreets(t *testing.T) {
	v := setup(t)
	a, c := v.partyOrg(testenv.Hongqiao), v.partyOrg(testenv.Yuhe)
	// 洪桥: one overdue (deadline 11-01), one closed; 玉合: one not yet due.
	late := v.task(v.county, workloop.TaskInput{Title: "上报党建工作总结", AssigneeKind: "region", RegionCode: testenv.Hongqiao, Deadline: "2026-11-01"})
	done := v.task(v.county, workloop.TaskInput{Title: "建立党员活动室", AssigneeKind: "party_org", PartyOrgID: a, Deadline: "2026-11-10"})
	done, _ = v.svc.Act(orgAccount(a, testenv.Hongqiao), done.ID, workloop.TaskAction{Action: "request_close", Version: 1, Note: "已建成"}, false, true)
	if _, err := v.svc.Act(v.county, done.ID, workloop.TaskAction{Action: "accept", Version: done.Version}, true, false); err != nil {
		t.Fatal(err)
	}
	v.task(v.county, workloop.TaskInput{Title: "发展党员", AssigneeKind: "party_org", PartyOrgID: c, Deadline: "2026-12-20"})
	if !late.Overdue || late.DaysOverdue != 22 {
		t.Errorf("late %+v", late)
	}
	by, err := v.svc.TasksByStreet(v.county)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(by); got != fmt.Sprint([]workloop.StreetTasks{
		{StreetCode: testenv.Hongqiao, StreetName: "洪桥街道", Open: 1, Overdue: 1, Closed: 1},
		{StreetCode: testenv.Yuhe, StreetName: "玉合街道", Open: 1, Overdue: 0, Closed: 0}}) {
		t.Errorf("by street %s", got)
	}
	counts, _ := v.svc.CountTasks(v.county, workloop.TaskFilter{})
	if counts.All != 3 || counts.Overdue != 1 || counts.States[0].Count != 2 || counts.States[3].Count != 1 {
		t.Errorf("counts %+v", counts)
	}
	// The street sees its subtree only; the party organization its own.
	items, total, _ := v.svc.ListTasks(street(testenv.Yuhe), workloop.TaskFilter{Page: 1, PageSize: 20})
	if total != store.Exact(1) || items[0].Title != "发展党员" {
		t.Errorf("玉合 sees %v", total)
	}
	_, total, _ = v.svc.ListTasks(orgAccount(a, testenv.Hongqiao), workloop.TaskFilter{Page: 1, PageSize: 20})
	if total != store.Exact(1) {
		t.Errorf("A sees %v tasks, want its own 1", total)
	}
	if _, err := v.svc.GetTask(street(testenv.Yuhe), late.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("玉合 reads 洪桥's task: %v", err)
	}
	overdue, total, _ := v.svc.ListTasks(v.county, workloop.TaskFilter{Overdue: true, Page: 1, PageSize: 20})
	if total != store.Exact(1) || overdue[0].ID != late.ID {
		t.Errorf("overdue %v", total)
	}
	_, err = v.svc.CreateTask(street(testenv.Yuhe), workloop.TaskInput{Title: "x", AssigneeKind: "party_org", PartyOrgID: a, Deadline: "2026-12-01"})
	wantKind(t, err, apperr.KindInvalid, "party_org_id", "管辖范围")
}

func TestTaskFromRectification(t *testing.T) {
	v := setup(t)
	a := v.partyOrg(testenv.Hongqiao)
	r, err := v.e.App.Assess.Designate(v.county, assess.RectificationInput{PartyOrgID: a, DesignatedOn: "2026-11-01", Reasons: "组织生活不正常", Deadline: "2027-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	tk := v.task(v.county, workloop.TaskInput{Title: "软弱涣散整改", Deadline: "2027-03-31", OriginKind: "rectification", OriginID: r.ID})
	if tk.AssigneeKind != "party_org" || tk.PartyOrgID == nil || *tk.PartyOrgID != a || tk.OriginName != "软弱涣散整改" {
		t.Fatalf("task %+v", tk)
	}
	linked, total, _ := v.svc.ListTasks(v.county, workloop.TaskFilter{OriginKind: "rectification", OriginID: r.ID, Page: 1, PageSize: 20})
	if total != store.Exact(1) || linked[0].ID != tk.ID {
		t.Errorf("linked %v", total)
	}
	_, err = v.svc.CreateTask(street(testenv.Yuhe), workloop.TaskInput{Title: "x", Deadline: "2027-03-31", OriginKind: "rectification", OriginID: r.ID})
	wantKind(t, err, apperr.KindInvalid, "origin_id", "管辖范围")
}

func TestSupervision(t *testing.T) {
	v := setup(t)
	a, c := v.partyOrg(testenv.Hongqiao), v.partyOrg(testenv.Yuhe)
	p, err := v.svc.CreatePlan(v.county, workloop.PlanInput{Kind: "supervision", Title: "下半年党建督导", PeriodFrom: "2026-11-01", PeriodTo: "2026-12-31", RegionCode: testenv.Hongqiao})
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.svc.AddVisit(v.county, p.ID, workloop.VisitInput{PartyOrgID: c, VisitedOn: "2026-11-10", Visitors: "王科长"})
	wantKind(t, err, apperr.KindInvalid, "party_org_id", "不在本计划的范围内")
	p, err = v.svc.AddVisit(v.county, p.ID, workloop.VisitInput{PartyOrgID: a, VisitedOn: "2026-11-10", Visitors: "王科长、李干事", Summary: "查阅台账",
		Findings: []workloop.FindingInput{{Content: "三会一课记录不全", Deadline: "2026-11-20"}, {Content: "党员活动室标识缺失", Deadline: "2026-12-20"}, {Content: "建议加强宣传"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Visits) != 1 || len(p.Visits[0].Findings) != 3 || p.OpenItems != 2 || !p.Visits[0].Findings[0].Overdue || p.Visits[0].Findings[1].Overdue {
		t.Fatalf("plan %+v", p)
	}
	f := p.Visits[0].Findings[0]
	tk, err := v.svc.FindingToTask(v.county, f.ID, workloop.FindingTaskInput{})
	if err != nil {
		t.Fatal(err)
	}
	if tk.Title != "督导整改：三会一课记录不全" || tk.Deadline != "2026-11-20" || tk.OriginKind != "supervision_finding" || tk.OriginID != f.ID || *tk.PartyOrgID != a {
		t.Errorf("task %+v", tk)
	}
	_, err = v.svc.FindingToTask(v.county, f.ID, workloop.FindingTaskInput{})
	wantKind(t, err, apperr.KindConflict, "", "已转为任务")
	// Without a deadline of its own or given, the finding needs one.
	_, err = v.svc.FindingToTask(v.county, p.Visits[0].Findings[2].ID, workloop.FindingTaskInput{})
	wantKind(t, err, apperr.KindInvalid, "deadline", "完成时限")
	// The visited party organization records the rectification.
	if _, err := v.svc.FindingDone(orgAccount(a, testenv.Hongqiao), p.Visits[0].Findings[1].ID, workloop.FindingDoneInput{DoneOn: "2026-11-22", Outcome: "已制作标识"}); err != nil {
		t.Fatal(err)
	}
	p, _ = v.svc.GetPlan(orgAccount(a, testenv.Hongqiao), p.ID)
	if p.OpenItems != 1 || p.Visits[0].Findings[0].TaskID == nil {
		t.Errorf("after %+v", p)
	}
	if _, err := v.svc.GetPlan(orgAccount(c, testenv.Yuhe), p.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("玉合's party organization sees the plan: %v", err)
	}
}

func zipWith(names ...string) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, n := range names {
		w, _ := z.Create(n)
		w.Write([]byte("<x/>"))
	}
	z.Close()
	return b.Bytes()
}

func TestSniffDocument(t *testing.T) {
	for _, c := range []struct {
		data []byte
		want string
	}{
		{[]byte("%PDF-1.7\n..."), "application/pdf"},
		{zipWith("[Content_Types].xml", "word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{zipWith("[Content_Types].xml", "xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{zipWith("readme.txt"), ""},
		{[]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, ""},
		{[]byte("PK\x03\x04broken"), ""},
		{[]byte("<html>"), ""},
	} {
		if got := workloop.SniffDocument(c.data); got != c.want {
			t.Errorf("%q: got %q want %q", c.data[:min(8, len(c.data))], got, c.want)
		}
	}
}

func TestUploadAndAttach(t *testing.T) {
	v := setup(t)
	ctx := actor.With(context.Background(), actor.Actor{UserID: 7, Username: "county", Role: "district", Scope: testenv.Jurisdiction})
	f, err := v.svc.Upload(ctx, `C:\docs\通知.pdf`, bytes.NewReader([]byte("%PDF-1.4 test")))
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "通知.pdf" || f.ContentType != "application/pdf" {
		t.Errorf("file %+v", f)
	}
	_, err = v.svc.Upload(ctx, "x.pdf", bytes.NewReader([]byte("not a pdf")))
	wantKind(t, err, apperr.KindInvalid, "file", "只能上传")
	// Another user cannot attach it; its uploader can, once.
	other := actor.With(context.Background(), actor.Actor{UserID: 8, Username: "other", Role: "district", Scope: testenv.Jurisdiction})
	_, err = v.svc.CreateNotice(other, workloop.NoticeInput{Kind: "tip", Title: "t", Body: "b", Period: "2026-12", RegionCode: testenv.Jurisdiction, FileIDs: []int64{f.ID}})
	wantKind(t, err, apperr.KindInvalid, "file_ids", "不是您上传的")
	n, err := v.svc.CreateNotice(ctx, workloop.NoticeInput{Kind: "tip", Title: "t", Body: "b", Period: "2026-12", RegionCode: testenv.Jurisdiction, FileIDs: []int64{f.ID}})
	if err != nil || len(n.Files) != 1 {
		t.Fatalf("%+v %v", n, err)
	}
	// A party organization sees it once published to it.
	a := v.partyOrg(testenv.Hongqiao)
	if _, _, err := v.svc.OpenFile(orgAccount(a, testenv.Hongqiao), f.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("draft's file opened: %v", err)
	}
	v.svc.Publish(ctx, n.ID)
	if _, data, err := v.svc.OpenFile(orgAccount(a, testenv.Hongqiao), f.ID); err != nil || string(data) != "%PDF-1.4 test" {
		t.Errorf("open %v", err)
	}
}
