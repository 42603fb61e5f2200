package servicereq_test

import (
	"context"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/apperr"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/orgprofile"
	"liangxin/internal/servicereq"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

func (v *env) org(name, region string) int64 {
	v.t.Helper()
	cat := "individual_business"
	o, err := v.e.App.Orgs.Create(v.county, org.Input{Name: &name, Category: &cat, RegionCode: &region})
	if err != nil {
		v.t.Fatal(err)
	}
	return o.ID
}

// A 政企对话 is recorded with the departments and enterprises present; a
// request raised from it carries its origin and source, the dialogue lists
// it, and the enterprise's requests can be listed.
func TestDialogueRaisesRequests(t *testing.T) {
	v := setup(t)
	hq := street(testenv.Hongqiao)
	o1, o2 := v.org("洪桥商贸公司", testenv.Hongqiao), v.org("洪桥物流公司", testenv.Hongqiao)
	out := v.org("玉合餐饮店", testenv.Yuhe)
	in := servicereq.DialogueInput{HeldOn: "2026-11-20", Title: "万达商圈政企对话会", RegionCode: testenv.Hongqiao,
		Departments: []string{" 区人社局", "区税务局", "", "区人社局"}, OrgIDs: []int64{o1, o2, o1}, Problems: "招工难；融资贵"}
	d, err := v.svc.CreateDialogue(hq, in)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "万达商圈政企对话会" || len(d.Departments) != 2 || d.Departments[0] != "区人社局" || len(d.Orgs) != 2 || d.Version != 1 || len(d.Requests) != 0 {
		t.Fatalf("created %+v", d)
	}
	// Wrong fields are named; another street's enterprise or region is refused.
	_, err = v.svc.CreateDialogue(hq, servicereq.DialogueInput{HeldOn: "2026-11-24", RegionCode: testenv.Hongqiao})
	wantKind(t, err, apperr.KindInvalid, "held_on", "不能晚于今天")
	wantKind(t, err, apperr.KindInvalid, "title", "对话主题")
	_, err = v.svc.CreateDialogue(hq, servicereq.DialogueInput{HeldOn: "2026-11-20", Title: "对话", RegionCode: testenv.Hongqiao, OrgIDs: []int64{out}})
	wantKind(t, err, apperr.KindInvalid, "org_ids[0]", "不在管辖范围内")
	if _, err := v.svc.CreateDialogue(hq, servicereq.DialogueInput{HeldOn: "2026-11-20", Title: "对话", RegionCode: testenv.Yuhe}); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("dialogue in another street: %v", err)
	}

	// Two requests raised from it; the source follows the origin.
	raise := func(ctx context.Context, orgID *int64, kind string, id int64) (servicereq.Request, error) {
		return v.svc.Create(ctx, servicereq.RequestInput{Source: "desk", CategoryID: 2, Content: "企业希望对接低息贷款", RequesterName: "周总",
			RegionCode: testenv.Hongqiao, OrgID: orgID, OriginKind: kind, OriginID: &id})
	}
	r1, err := raise(hq, &o1, servicereq.OriginDialogue, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r1.Source != "dialogue" || r1.OriginKind != "dialogue" || r1.OriginID == nil || *r1.OriginID != d.ID {
		t.Fatalf("raised %+v", r1)
	}
	if _, err := raise(hq, &o2, servicereq.OriginDialogue, d.ID); err != nil {
		t.Fatal(err)
	}
	got, err := v.svc.Get(hq, r1.ID)
	if err != nil || got.OriginTitle != "2026-11-20 万达商圈政企对话会" {
		t.Fatalf("detail origin %v %q", err, got.OriginTitle)
	}
	dd, err := v.svc.GetDialogue(hq, d.ID)
	if err != nil || dd.RequestCount != 2 || len(dd.Requests) != 2 || dd.Requests[0].ID != r1.ID {
		t.Fatalf("dialogue's requests %v %+v", err, dd)
	}
	_, err = raise(hq, nil, "meeting", d.ID)
	wantKind(t, err, apperr.KindInvalid, "origin_kind", "dialogue")
	_, err = raise(hq, nil, servicereq.OriginDialogue, d.ID+100)
	wantKind(t, err, apperr.KindInvalid, "origin_id", "不存在")
	// 玉合 cannot see or raise from 洪桥's dialogue.
	if _, err := v.svc.GetDialogue(street(testenv.Yuhe), d.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("dialogue seen by another street: %v", err)
	}
	// The enterprise's requests.
	items, total, err := v.svc.List(hq, servicereq.Filter{OrgID: o1, Page: 1, PageSize: 20})
	if err != nil || total != store.Exact(1) || items[0].ID != r1.ID {
		t.Fatalf("enterprise's requests %v %v", err, total)
	}

	// The enterprise's profile lists its requests and their outcomes.
	prof := orgprofile.Service{DB: v.e.App.DB, Orgs: v.e.App.Orgs, Members: v.e.App.Members, Now: v.e.App.Orgs.Now}
	pr, err := prof.Get(hq, o1)
	if err != nil || pr.RequestCount != 1 || pr.RequestsDone != 0 || len(pr.Requests) != 1 || pr.Requests[0].ID != r1.ID ||
		pr.Requests[0].StateName != "已接单" || pr.Requests[0].CategoryName != "融资需求" || pr.Requests[0].DoneOn != nil {
		t.Fatalf("profile requests %v %+v", err, pr.Requests)
	}

	// A change with the version seen; a stale one answers 409.
	in.Title, in.Version = "万达商圈政企对话会（第四季度）", 1
	in.OrgIDs = []int64{o2}
	up, err := v.svc.UpdateDialogue(hq, d.ID, in)
	if err != nil || up.Version != 2 || len(up.Orgs) != 1 || up.Orgs[0].ID != o2 || len(up.Requests) != 2 {
		t.Fatalf("updated %v %+v", err, up)
	}
	if _, err := v.svc.UpdateDialogue(hq, d.ID, in); !apperr.IsKind(err, apperr.KindConflict) {
		t.Errorf("stale update: %v", err)
	}
	list, total, err := v.svc.ListDialogues(v.county, servicereq.DialogueFilter{Q: "第四季度", From: "2026-11-01", Page: 1, PageSize: 20})
	if err != nil || total != store.Exact(1) || list[0].RequestCount != 2 || len(list[0].Orgs) != 1 {
		t.Fatalf("list %v %v %+v", err, total, list)
	}
	if _, total, _ := v.svc.ListDialogues(street(testenv.Yuhe), servicereq.DialogueFilter{Page: 1, PageSize: 20}); total != store.Exact(0) {
		t.Errorf("玉合 sees %v dialogues", total)
	}
}

// An instructor's visit raises a request that names the visited enterprise.
func TestVisitRaisesRequest(t *testing.T) {
	v := setup(t)
	hq := street(testenv.Hongqiao)
	o := v.org("洪桥电子厂", testenv.Hongqiao)
	sys := actor.System(context.Background(), "test")
	name, region := "刘指导", testenv.Hongqiao
	in, err := v.e.App.Instr.Create(sys, instructor.Input{Name: &name, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.e.App.Instr.Assign(sys, in.ID, o, "2026-01-01", ""); err != nil {
		t.Fatal(err)
	}
	visit, err := v.e.App.Instr.AddVisit(sys, in.ID, instructor.Visit{OrganizationID: o, VisitedOn: "2026-11-18", Content: "了解用工", Problems: "缺技术工人"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := v.svc.Create(hq, servicereq.RequestInput{CategoryID: 3, Content: "缺技术工人，希望对接技工学校", RequesterName: "陈厂长",
		RegionCode: testenv.Hongqiao, OriginKind: servicereq.OriginVisit, OriginID: &visit.ID})
	if err != nil {
		t.Fatal(err)
	}
	if r.Source != "instructor_visit" || r.OrgID == nil || *r.OrgID != o {
		t.Fatalf("raised from visit %+v", r)
	}
	got, err := v.svc.Get(hq, r.ID)
	if err != nil || got.OriginTitle != "2026-11-18 走访「洪桥电子厂」" {
		t.Fatalf("origin %v %q", err, got.OriginTitle)
	}
	items, total, err := v.svc.List(hq, servicereq.Filter{OriginKind: servicereq.OriginVisit, OriginID: visit.ID, Page: 1, PageSize: 20})
	if err != nil || total != store.Exact(1) || items[0].ID != r.ID {
		t.Fatalf("visit's requests %v %v", err, total)
	}
	// 玉合 cannot raise from a 洪桥 visit.
	_, err = v.svc.Create(street(testenv.Yuhe), servicereq.RequestInput{CategoryID: 3, Content: "x", RequesterName: "y",
		RegionCode: testenv.Yuhe, OriginKind: servicereq.OriginVisit, OriginID: &visit.ID})
	wantKind(t, err, apperr.KindInvalid, "origin_id", "走访记录不存在")
}
