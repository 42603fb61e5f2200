package httpapi_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"testing"

	"liangxin/internal/testenv"
	"liangxin/internal/workloop"
)

// xlsxStub is the smallest upload SniffDocument takes for a workbook.
func xlsxStub() []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create("xl/workbook.xml")
	w.Write([]byte("<workbook/>"))
	z.Close()
	return b.Bytes()
}

// notice writes a 学习清单 for 洪桥 (in) or 玉合 (out) with two items,
// published unless draft, after creating a party organization there (its
// recipient). It returns the notice and the party organization.
func (f *fixtures) notice(t *testing.T, in, draft bool, files ...int64) (workloop.Notice, int64) {
	t.Helper()
	po := f.partyOrg(t, in)
	n, err := f.e.App.Work.CreateNotice(f.sys(), workloop.NoticeInput{Kind: "study", Title: fmt.Sprintf("矩阵学习清单%d", f.next()), Body: "学习要求",
		Period: "2026-Q4", RegionCode: pick(in, testenv.Hongqiao, testenv.Yuhe), Items: []string{"学习党章", "主题党日"}, FileIDs: files})
	if err != nil {
		t.Fatal(err)
	}
	if !draft {
		if n, err = f.e.App.Work.Publish(f.sys(), n.ID); err != nil {
			t.Fatal(err)
		}
	}
	return n, po.ID
}

func (f *fixtures) workTask(t *testing.T, in bool) workloop.Task {
	t.Helper()
	tk, err := f.e.App.Work.CreateTask(f.sys(), workloop.TaskInput{Title: fmt.Sprintf("矩阵任务%d", f.next()), AssigneeKind: "region",
		RegionCode: pick(in, testenv.Hongqiao, testenv.Yuhe), Deadline: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// finding is a plan for 洪桥 (in) or 玉合 (out) with a visit to a party
// organization there and one finding with a deadline.
func (f *fixtures) finding(t *testing.T, in bool) (workloop.Plan, workloop.Finding) {
	t.Helper()
	po := f.partyOrg(t, in)
	p, err := f.e.App.Work.CreatePlan(f.sys(), workloop.PlanInput{Kind: "supervision", Title: fmt.Sprintf("矩阵督导%d", f.next()), PeriodFrom: "2026-11-01", PeriodTo: "2026-12-31",
		RegionCode: pick(in, testenv.Hongqiao, testenv.Yuhe)})
	if err != nil {
		t.Fatal(err)
	}
	p, err = f.e.App.Work.AddVisit(f.sys(), p.ID, workloop.VisitInput{PartyOrgID: po.ID, VisitedOn: "2026-11-10", Visitors: "王科长",
		Findings: []workloop.FindingInput{{Content: "台账不全", Deadline: "2026-12-20"}}})
	if err != nil {
		t.Fatal(err)
	}
	return p, p.Visits[0].Findings[0]
}

// workMatrixCases are the access-matrix cases of workRoutes.
func workMatrixCases() map[string]matrixCase {
	noticePath := func(draft bool, suffix string, body func(workloop.Notice, int64) any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			n, po := f.notice(t, in, draft)
			var b any
			if body != nil {
				b = body(n, po)
			}
			return fmt.Sprintf("/api/v1/notices/%d%s", n.ID, suffix), b
		}
	}
	taskPath := func(suffix string, body func(workloop.Task) any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			tk := f.workTask(t, in)
			var b any
			if body != nil {
				b = body(tk)
			}
			return fmt.Sprintf("/api/v1/tasks/%d%s", tk.ID, suffix), b
		}
	}
	noticeBody := func(in bool) map[string]any {
		return map[string]any{"kind": "tip", "title": "矩阵工作提示", "body": "做好年终工作", "period": "2026-12", "region_code": pick(in, testenv.Hongqiao, testenv.Yuhe)}
	}
	return map[string]matrixCase{
		"GET /api/v1/workloop-options": {unscoped: true, call: static("/api/v1/workloop-options")},
		"POST /api/v1/workloop-files": {unscoped: true, upload: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/workloop-files", xlsxStub()
		}},
		"GET /api/v1/workloop-files/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			file, err := f.e.App.Work.Upload(f.sys(), "附件.xlsx", bytes.NewReader(xlsxStub()))
			if err != nil {
				t.Fatal(err)
			}
			f.notice(t, in, false, file.ID)
			return fmt.Sprintf("/api/v1/workloop-files/%d", file.ID), nil
		}},
		"GET /api/v1/notices": {unscoped: true, call: static("/api/v1/notices?kind=study&state=published&year=2026&unread=false&q=学习")},
		"POST /api/v1/notices": {outStatus: 422, call: func(_ *testing.T, f *fixtures, _ string, in bool) (string, any) {
			b := noticeBody(in)
			b["title"] = fmt.Sprintf("矩阵工作提示%d", f.next())
			return "/api/v1/notices", b
		}},
		"GET /api/v1/notices/{id}": {call: noticePath(false, "", nil)},
		"PUT /api/v1/notices/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			n, _ := f.notice(t, in, true)
			return fmt.Sprintf("/api/v1/notices/%d", n.ID), map[string]any{"kind": "study", "title": n.Title + "（修改）", "body": "改", "period": "2026-Q4",
				"region_code": n.RegionCode, "items": []string{"学习党章"}}
		}},
		"POST /api/v1/notices/{id}/publish":  {call: noticePath(true, "/publish", nil)},
		"POST /api/v1/notices/{id}/withdraw": {call: noticePath(false, "/withdraw", func(workloop.Notice, int64) any { return map[string]any{"reason": "矩阵撤回"} })},
		"POST /api/v1/notices/{id}/read":     {call: noticePath(false, "/read", nil)},
		"POST /api/v1/notices/{id}/items/{item_id}/done": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			n, po := f.notice(t, in, false)
			return fmt.Sprintf("/api/v1/notices/%d/items/%d/done", n.ID, n.Items[0].ID), map[string]any{"party_org_id": po, "done_on": "2026-11-20", "note": "已学习"}
		}},
		"GET /api/v1/notices/{id}/receipts":           {call: noticePath(false, "/receipts?status=unread&street_code="+testenv.Hongqiao+"&q=党支部", nil)},
		"GET /api/v1/notices/{id}/receipts/by-street": {call: noticePath(false, "/receipts/by-street", nil)},
		"GET /api/v1/notices/{id}/receipts/export":    {call: noticePath(false, "/receipts/export?status=not_done", nil)},

		"GET /api/v1/tasks":           {unscoped: true, call: static("/api/v1/tasks?state=open&overdue=false&origin_kind=rectification&origin_id=1&q=任务")},
		"GET /api/v1/tasks/counts":    {unscoped: true, call: static("/api/v1/tasks/counts?overdue=true")},
		"GET /api/v1/tasks/by-street": {unscoped: true, call: static("/api/v1/tasks/by-street")},
		"POST /api/v1/tasks": {outStatus: 422, call: func(_ *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/tasks", map[string]any{"title": fmt.Sprintf("矩阵挂牌%d", f.next()), "assignee_kind": "region", "region_code": pick(in, testenv.Hongqiao, testenv.Yuhe), "deadline": "2026-12-31"}
		}},
		"GET /api/v1/tasks/{id}":          {call: taskPath("", nil)},
		"GET /api/v1/tasks/{id}/timeline": {call: taskPath("/timeline", nil)},
		"POST /api/v1/tasks/{id}/actions": {call: taskPath("/actions", func(tk workloop.Task) any {
			return map[string]any{"action": "progress", "version": tk.Version, "note": "正在推进"}
		})},

		"GET /api/v1/supervision-plans": {unscoped: true, call: static("/api/v1/supervision-plans?kind=supervision&q=督导")},
		"POST /api/v1/supervision-plans": {outStatus: 422, call: func(_ *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/supervision-plans", map[string]any{"kind": "research", "title": "矩阵调研", "period_from": "2026-11-01", "period_to": "2026-11-30",
				"region_code": pick(in, testenv.Hongqiao, testenv.Yuhe)}
		}},
		"GET /api/v1/supervision-plans/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			p, _ := f.finding(t, in)
			return fmt.Sprintf("/api/v1/supervision-plans/%d", p.ID), nil
		}},
		"POST /api/v1/supervision-plans/{id}/visits": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			p, _ := f.finding(t, in)
			return fmt.Sprintf("/api/v1/supervision-plans/%d/visits", p.ID), map[string]any{"party_org_id": p.Visits[0].PartyOrgID, "visited_on": "2026-11-20", "visitors": "李干事",
				"findings": []any{map[string]any{"content": "党员活动室未挂牌", "deadline": "2026-12-31"}}}
		}},
		"POST /api/v1/supervision-findings/{id}/done": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			_, fd := f.finding(t, in)
			return fmt.Sprintf("/api/v1/supervision-findings/%d/done", fd.ID), map[string]any{"done_on": "2026-11-22", "outcome": "已补齐台账"}
		}},
		"POST /api/v1/supervision-findings/{id}/task": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			_, fd := f.finding(t, in)
			return fmt.Sprintf("/api/v1/supervision-findings/%d/task", fd.ID), map[string]any{}
		}},
	}
}
