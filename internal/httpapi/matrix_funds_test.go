package httpapi_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/funds"
)

// fundsPartyOrg sets up a party organization in (洪桥) or out of (玉合)
// scope with its 2026 entitlement (8000 元: a 区域组建 党支部 all year).
func (f *fixtures) fundsPartyOrg(t *testing.T, in bool) int64 {
	t.Helper()
	po := f.partyOrg(t, in)
	if _, err := f.e.App.Funds.Recompute(f.sys(), 2026); err != nil {
		t.Fatal(err)
	}
	return po.ID
}

// fundsSpending records an allocation of 100 元 and a spending of 10 元
// and returns the spending.
func (f *fixtures) fundsSpending(t *testing.T, in bool) funds.Entry {
	t.Helper()
	po := f.fundsPartyOrg(t, in)
	if _, err := f.e.App.Funds.Allocate(f.sys(), funds.AllocationInput{Year: 2026, PartyOrgID: po, Amount: "100", VoucherNo: fmt.Sprintf("矩阵拨%d", f.next()), On: "2026-03-01"}); err != nil {
		t.Fatal(err)
	}
	e, err := f.e.App.Funds.Spend(f.sys(), funds.SpendingInput{Year: 2026, PartyOrgID: po, Category: "activity", Amount: "10", On: "2026-03-02", Memo: "主题党日"})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (f *fixtures) fundsApplication(t *testing.T, in bool, reviewed bool) int64 {
	t.Helper()
	po := f.partyOrg(t, in)
	a, err := f.e.App.Funds.Apply(f.sys(), funds.ApplicationInput{Year: 2026, PartyOrgID: po.ID, Title: "孵化项目", Purpose: "阵地建设", Amount: "500"})
	if err != nil {
		t.Fatal(err)
	}
	if reviewed {
		if _, err := f.e.App.Funds.Review(f.sys(), a.ID, funds.ReviewInput{Opinion: "同意"}); err != nil {
			t.Fatal(err)
		}
	}
	return a.ID
}

func fundsStandardBody() map[string]any {
	var rates []map[string]any
	for _, k := range funds.Kinds() {
		for _, fm := range funds.Formations() {
			rates = append(rates, map[string]any{"kind": k.Code, "formation": fm.Code, "amount": "8000"})
		}
	}
	return map[string]any{"year": 2026, "rates": rates, "startup": "8000", "return_ratio": map[string]any{"num": 1, "den": 1},
		"match_ratio": map[string]any{"num": 1, "den": 1}, "proration": "months", "note": "1:1 配套"}
}

// fundsMatrixCases are the access-matrix cases of fundsRoutes.
func fundsMatrixCases() map[string]matrixCase {
	entry := func(suffix string, body any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			e := f.fundsSpending(t, in)
			return fmt.Sprintf("/api/v1/funds/entries/%d%s", e.ID, suffix), body
		}
	}
	app := func(suffix string, reviewed bool, body any) func(*testing.T, *fixtures, string, bool) (string, any) {
		return func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/funds/incubation/%d%s", f.fundsApplication(t, in, reviewed), suffix), body
		}
	}
	return map[string]matrixCase{
		"GET /api/v1/funds-options":   {unscoped: true, call: static("/api/v1/funds-options")},
		"GET /api/v1/funds/standards": {unscoped: true, call: static("/api/v1/funds/standards")},
		"GET /api/v1/funds/standard":  {unscoped: true, call: static("/api/v1/funds/standard?year=2026")},
		"PUT /api/v1/funds/standard": {unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/funds/standard", fundsStandardBody()
		}},
		"POST /api/v1/funds/recompute": {unscoped: true, call: func(*testing.T, *fixtures, string, bool) (string, any) {
			return "/api/v1/funds/recompute", map[string]any{"year": 2026}
		}},
		"GET /api/v1/funds/report":        {unscoped: true, call: static("/api/v1/funds/report?year=2026&region_code=430426001")},
		"GET /api/v1/funds/report/export": {unscoped: true, call: static("/api/v1/funds/report/export?year=2026")},
		"GET /api/v1/funds/entries":       {unscoped: true, call: static("/api/v1/funds/entries?year=2026&kind=spending&q=党日")},
		"GET /api/v1/funds/entries/{id}":  {call: entry("", nil)},
		"POST /api/v1/funds/allocations": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			po := f.fundsPartyOrg(t, in)
			return "/api/v1/funds/allocations", map[string]any{"year": 2026, "party_org_id": po, "amount": "1000.50", "voucher_no": fmt.Sprintf("矩阵拨%d", f.next()), "on": "2026-04-01"}
		}},
		"POST /api/v1/funds/spendings": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			e := f.fundsSpending(t, in)
			return "/api/v1/funds/spendings", map[string]any{"year": 2026, "party_org_id": e.PartyOrgID, "category": "education", "amount": "20", "on": "2026-04-01", "memo": "党课教材"}
		}},
		"POST /api/v1/funds/entries/{id}/reverse":  {call: entry("/reverse", map[string]any{"reason": "重复登记"})},
		"POST /api/v1/funds/entries/{id}/receipts": {upload: true, call: entry("/receipts", pngBytes)},
		"GET /api/v1/funds/entries/{id}/receipts/{receipt_id}": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			e := f.fundsSpending(t, in)
			rc, err := f.e.App.Funds.AddReceipt(f.sys(), e.ID, bytes.NewReader(pngBytes))
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("/api/v1/funds/entries/%d/receipts/%d", e.ID, rc.ID), nil
		}},
		"GET /api/v1/funds/incubation": {unscoped: true, call: static("/api/v1/funds/incubation?year=2026&status=applied")},
		"POST /api/v1/funds/incubation": {call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			po := f.partyOrg(t, in)
			return "/api/v1/funds/incubation", map[string]any{"year": 2026, "party_org_id": po.ID, "title": "红色驿站孵化", "purpose": "建设驿站", "amount": "3000"}
		}},
		"POST /api/v1/funds/incubation/{id}/review":      {call: app("/review", false, map[string]any{"opinion": "材料齐全"})},
		"GET /api/v1/imports/funds-allocations/template": {unscoped: true, call: static("/api/v1/imports/funds-allocations/template")},
		"POST /api/v1/imports/funds-allocations": {upload: true, outStatus: 422, call: func(t *testing.T, f *fixtures, _ string, in bool) (string, any) {
			return fmt.Sprintf("/api/v1/imports/funds-allocations?session=matrix-funds-%d", f.next()), f.fundsAllocationFile(t, in)
		}},
		"POST /api/v1/funds/incubation/{id}/decide": {call: app("/decide", true, map[string]any{"grant": true, "reason": "符合条件"})},
	}
}

// fundsAllocationFile is a workbook of one 2026 allocation of 100 元 to a
// fresh party organization in or out of scope.
func (f *fixtures) fundsAllocationFile(t *testing.T, in bool) []byte {
	t.Helper()
	po := f.fundsPartyOrg(t, in)
	var name string
	if err := f.e.App.DB.QueryRow(f.sys(), f.e.App.DB, `SELECT name FROM party_orgs WHERE id = ?`, po).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return allocationWorkbook(t, [][]any{{"2026", name, "100", fmt.Sprintf("导入拨%d", f.next()), "2026-03-01", "上年度拨付"}})
}

func allocationWorkbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	all := append([][]any{{"年度", "党组织名称", "拨付金额（元）", "凭证号", "拨付日期", "摘要"}}, rows...)
	for r, row := range all {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			_ = x.SetCellValue("Sheet1", cell, v)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
