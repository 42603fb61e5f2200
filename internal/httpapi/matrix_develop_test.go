package httpapi_test

import (
	"bytes"
	"fmt"
	"testing"

	"liangxin/internal/develop"
	"liangxin/internal/pdata"

	"github.com/xuri/excelize/v2"
)

// devIDNumber is a valid, fresh 身份证号 for fixture n.
func devIDNumber(n int) string {
	first := fmt.Sprintf("430426199%d%02d%02d%03d", n%10, n%12+1, n%28+1, n%1000)
	return first + string(pdata.CheckChar(first))
}

// devPerson registers an applicant in a fresh party organization of 洪桥 (in) or 玉合 (out).
func (f *fixtures) devPerson(t *testing.T, in bool) int64 {
	t.Helper()
	po := f.partyOrg(t, in)
	n := f.next()
	p, err := f.e.App.Develop.Apply(f.sys(), develop.PersonInput{PartyOrgID: po.ID, Name: fmt.Sprintf("申请人%d", n), IDNumber: devIDNumber(n), AppliedOn: "2026-01-05"})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// developMatrixCases are the access-matrix cases of developRoutes.
func developMatrixCases() map[string]matrixCase {
	return map[string]matrixCase{
		"GET /api/v1/imports/develop/template": {unscoped: true, call: static("/api/v1/imports/develop/template")},
		"POST /api/v1/imports/develop": {upload: true, outStatus: 422, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			po := f.partyOrg(t, in)
			n := f.next()
			x := excelize.NewFile()
			for i, v := range []any{"身份证号", "姓名", "党组织名称", "步骤", "日期", devIDNumber(n), fmt.Sprintf("导入申请人%d", n), po.Name, 1, "2026-03-01"} {
				cell, _ := excelize.CoordinatesToCellName(i%5+1, i/5+1)
				_ = x.SetCellValue("Sheet1", cell, v)
			}
			var buf bytes.Buffer
			if err := x.Write(&buf); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("/api/v1/imports/develop?session=matrix-develop-%d", n), buf.Bytes()
		}},
		"GET /api/v1/develop/steps":     {unscoped: true, call: static("/api/v1/develop/steps")},
		"GET /api/v1/develop/people":    {unscoped: true, call: static("/api/v1/develop/people?stage=applicant")},
		"GET /api/v1/develop/export":    {unscoped: true, call: static("/api/v1/develop/export?stage=applicant")},
		"GET /api/v1/develop/schedule":  {unscoped: true, call: static("/api/v1/develop/schedule?within=7")},
		"GET /api/v1/develop/stats":     {unscoped: true, call: static("/api/v1/develop/stats")},
		"GET /api/v1/develop/publicity": {unscoped: true, call: static("/api/v1/develop/publicity")},
		"PUT /api/v1/develop/publicity": {unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/develop/publicity", map[string]any{"days": 5, "unit": "working", "holidays": []string{"2026-10-01"}}
		}},
		"POST /api/v1/develop/people": {outStatus: 422, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			n := f.next()
			return "/api/v1/develop/people", map[string]any{"party_org_id": f.partyOrg(t, in).ID, "name": fmt.Sprintf("新申请人%d", n),
				"id_number": devIDNumber(n), "applied_on": "2026-02-01"}
		}},
		"GET /api/v1/develop/people/{id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/develop/people/%d", f.devPerson(t, in)), nil
		}},
		"POST /api/v1/develop/people/{id}/steps": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/develop/people/%d/steps", f.devPerson(t, in)), map[string]any{"step": 2, "done_on": "2026-01-20"}
		}},
	}
}
