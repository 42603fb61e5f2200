package httpapi_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"
)

// exchangeFile is a one-row workbook for the import cases.
func exchangeFile(t *testing.T, header []string, row []any) []byte {
	f := excelize.NewFile()
	for i, v := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue("Sheet1", cell, v)
	}
	for i, v := range row {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		f.SetCellValue("Sheet1", cell, v)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ledgerExchangeMatrixCases are the access-matrix cases of ledgerExchangeRoutes.
func ledgerExchangeMatrixCases() map[string]matrixCase {
	return map[string]matrixCase{
		"GET /api/v1/party-orgs/export":             {unscoped: true, call: static("/api/v1/party-orgs/export")},
		"GET /api/v1/instructors/export":            {unscoped: true, call: static("/api/v1/instructors/export")},
		"GET /api/v1/instructors/due-visits/export": {unscoped: true, call: static("/api/v1/instructors/due-visits/export")},
		"GET /api/v1/stats/worklists/{kind}/export": {unscoped: true, call: static("/api/v1/stats/worklists/should_build/export")},
		"GET /api/v1/party-orgs/renewals/export":    {unscoped: true, call: static("/api/v1/party-orgs/renewals/export")},
		"GET /api/v1/stats/coverage/export":         {unscoped: true, call: static("/api/v1/stats/coverage/export")},
		"GET /api/v1/imports/party-orgs/template":   {unscoped: true, call: static("/api/v1/imports/party-orgs/template")},
		"GET /api/v1/imports/instructors/template":  {unscoped: true, call: static("/api/v1/imports/instructors/template")},
		// Out of scope: a region of the other street answers 422 on the cell.
		"POST /api/v1/imports/party-orgs": {upload: true, outStatus: 422, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			n := f.next()
			return fmt.Sprintf("/api/v1/imports/party-orgs?session=matrix-party-%d", n), exchangeFile(t,
				[]string{"党组织名称", "组织类别", "组建方式", "所属街道（乡镇）", "成立日期"},
				[]any{fmt.Sprintf("导入楼宇党支部%d", n), "党支部", "区域组建", pick(in, "洪桥街道", "玉合街道"), "2024-01-01"})
		}},
		"POST /api/v1/imports/instructors": {upload: true, outStatus: 422, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			n := f.next()
			return fmt.Sprintf("/api/v1/imports/instructors?session=matrix-instr-%d", n), exchangeFile(t,
				[]string{"指导员姓名", "所属街道（乡镇）"}, []any{fmt.Sprintf("导入指导员%d", n), pick(in, "洪桥街道", "玉合街道")})
		}},
	}
}
