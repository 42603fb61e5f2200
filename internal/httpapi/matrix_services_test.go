package httpapi_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/auth"
	"liangxin/internal/servicereq"
	"liangxin/internal/testenv"
)

// serviceRequest takes a request in at 洪桥 (in) or 玉合 (out), category 1
// (政策咨询, seeded by migration 0025), with a phone number.
func (f *fixtures) serviceRequest(t *testing.T, in bool) servicereq.Request {
	t.Helper()
	r, err := f.e.App.Services.Create(f.sys(), servicereq.RequestInput{Source: "desk", CategoryID: 1, Content: fmt.Sprintf("矩阵诉求%d：咨询人才补贴政策", f.next()),
		RequesterName: "王经理", RequesterPhone: "13812345678", RegionCode: pick(in, testenv.Hongqiao, testenv.Yuhe)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// serviceRequestFor is the request a route acts on: for the handler caller a
// request transferred to its own unit (in) or to another unit of the same
// street (out: 404), for everyone else serviceRequest.
func (f *fixtures) serviceRequestFor(t *testing.T, caller string, in bool) servicereq.Request {
	t.Helper()
	if caller != "m_"+auth.RoleHandler {
		return f.serviceRequest(t, in)
	}
	r := f.serviceRequest(t, true)
	unit := f.ownUnit
	if !in {
		u, err := f.e.App.Services.CreateUnit(f.sys(), servicereq.HandlerUnitInput{Name: fmt.Sprintf("别的承办单位%d", f.next()), Kind: "department", RegionCode: testenv.Hongqiao})
		if err != nil {
			t.Fatal(err)
		}
		unit = u.ID
	}
	r, err := f.e.App.Services.Act(f.sys(), r.ID, servicereq.ActionInput{Action: servicereq.ActTransfer, Version: r.Version, HandlerUnitID: &unit})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// serviceImportFile is a one-row historical-request workbook at 洪桥 (in) or 玉合 (out).
func (f *fixtures) serviceImportFile(t *testing.T, in bool) []byte {
	t.Helper()
	x := excelize.NewFile()
	row := []any{"2026-03-02", "接待台", "政策咨询", fmt.Sprintf("矩阵历史诉求%d", f.next()), "吴先生", "", pick(in, "洪桥街道", "玉合街道"), "2026-03-05", "已答复", "", ""}
	for i, v := range append(append([]any{}, toAny(servicereq.ImportHeaders())...), row...) {
		cell, _ := excelize.CoordinatesToCellName(i%11+1, i/11+1)
		_ = x.SetCellValue("Sheet1", cell, v)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func dialogueBody(in bool, version int) map[string]any {
	return map[string]any{"held_on": "2026-11-20", "title": "季度政企对话会", "region_code": pick(in, testenv.Hongqiao, testenv.Yuhe),
		"departments": []string{"区人社局", "区税务局"}, "problems": "用工难、融资难", "version": version}
}

// dialogue records a 政企对话 at 洪桥 (in) or 玉合 (out).
func (f *fixtures) dialogue(t *testing.T, in bool) servicereq.Dialogue {
	t.Helper()
	d, err := f.e.App.Services.CreateDialogue(f.sys(), servicereq.DialogueInput{HeldOn: "2026-11-20", Title: fmt.Sprintf("矩阵政企对话%d", f.next()),
		RegionCode: pick(in, testenv.Hongqiao, testenv.Yuhe), Departments: []string{"区人社局"}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// serviceMatrixCases are the access-matrix cases of serviceRoutes.
func serviceMatrixCases() map[string]matrixCase {
	reqPath := func(suffix string, body func(servicereq.Request) any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, caller string, in bool) (string, any) {
			r := f.serviceRequestFor(t, caller, in)
			var b any
			if body != nil {
				b = body(r)
			}
			return fmt.Sprintf("/api/v1/service-requests/%d%s", r.ID, suffix), b
		}
	}
	return map[string]matrixCase{
		"GET /api/v1/service-options":  {unscoped: true, call: static("/api/v1/service-options")},
		"GET /api/v1/service-settings": {unscoped: true, call: static("/api/v1/service-settings")},
		"PUT /api/v1/service-settings": {unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/service-settings", map[string]any{"reopen_days": 15, "categories": []any{}, "calendar": servicereq.Official2026(), "reason": "矩阵测试"}
		}},
		"GET /api/v1/service-handler-units": {unscoped: true, call: static("/api/v1/service-handler-units?q=局")},
		"POST /api/v1/service-handler-units": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/service-handler-units", map[string]any{"name": fmt.Sprintf("矩阵承办单位%d", f.next()), "kind": "department",
				"region_code": pick(in, testenv.Hongqiao, testenv.Yuhe)}
		}},
		"GET /api/v1/service-requests": {unscoped: true, call: func(_ *testing.T, _ *fixtures, caller string, _ bool) (string, any) {
			if caller == "m_"+auth.RoleHandler {
				// The handler's history: what its unit finished earlier.
				return "/api/v1/service-requests?scope=done_by_my_unit&sort=received_desc", nil
			}
			return "/api/v1/service-requests?state=received&overdue=false&sort=due_asc&origin_kind=dialogue&origin_id=1", nil
		}},
		"GET /api/v1/service-requests/export":           {unscoped: true, call: static("/api/v1/service-requests/export?state=received&q=补贴")},
		"GET /api/v1/service-requests/stats":            {unscoped: true, call: static("/api/v1/service-requests/stats?from=2026-01-01&to=2026-12-31&region_code=" + testenv.Hongqiao)},
		"GET /api/v1/service-requests/stats/export":     {unscoped: true, call: static("/api/v1/service-requests/stats/export?from=2026-10-01")},
		"GET /api/v1/dialogues":                         {unscoped: true, call: static("/api/v1/dialogues?q=对话&from=2026-01-01")},
		"GET /api/v1/imports/service-requests/template": {unscoped: true, call: static("/api/v1/imports/service-requests/template")},
		"POST /api/v1/imports/service-requests": {upload: true, outStatus: 422, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/imports/service-requests?session=matrix-services-%d", f.next()), f.serviceImportFile(t, in)
		}},
		"POST /api/v1/dialogues": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/dialogues", dialogueBody(in, 0)
		}},
		"GET /api/v1/dialogues/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/dialogues/%d", f.dialogue(t, in).ID), nil
		}},
		"PUT /api/v1/dialogues/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			d := f.dialogue(t, in)
			return fmt.Sprintf("/api/v1/dialogues/%d", d.ID), dialogueBody(in, d.Version)
		}},
		"GET /api/v1/service-requests/counts": {unscoped: true, call: static("/api/v1/service-requests/counts?q=补贴")},
		"POST /api/v1/service-requests": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return "/api/v1/service-requests", map[string]any{"source": "phone", "category_id": 1, "content": "企业咨询融资政策",
				"requester_name": "李女士", "requester_phone": "0734-1234567", "region_code": pick(in, testenv.Hongqiao, testenv.Yuhe)}
		}},
		"GET /api/v1/service-requests/{id}":          {call: reqPath("", nil)},
		"GET /api/v1/service-requests/{id}/timeline": {call: reqPath("/timeline", nil)},
		"POST /api/v1/service-requests/{id}/actions": {call: reqPath("/actions", func(r servicereq.Request) any {
			if r.State == servicereq.StateTransferred {
				// The handler's step on a request transferred to its unit.
				return map[string]any{"action": "finish", "version": r.Version, "result": "已电话答复人才补贴申报条件"}
			}
			return map[string]any{"action": "handle", "version": r.Version}
		})},
		"POST /api/v1/service-requests/{id}/reveal-phone": {call: reqPath("/reveal-phone", nil)},
	}
}
