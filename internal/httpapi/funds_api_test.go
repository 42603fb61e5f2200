package httpapi_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/auth"
	"liangxin/internal/funds"
	"liangxin/internal/testenv"
)

// A street clerk recomputes, allocates, spends, is refused an overspending
// with a message naming the balance, uploads a receipt and exports the
// finance office's sheet with a subtotal per street and the total.
func TestFundsOverHTTP(t *testing.T) {
	e := testenv.New(t)
	seq := 0
	f := &fixtures{e: e, seq: &seq}
	po := f.partyOrg(t, true) // 区域组建 党支部 since 2024: 8000 元 a year
	e.User("hq_funds", auth.RoleStreet, testenv.Hongqiao)
	c := e.Login("hq_funds", testenv.Password)
	res := c.Do("POST", "/api/v1/funds/recompute", map[string]any{"year": 2026})
	var rc funds.RecomputeResult
	res.JSON(t, &rc)
	if res.Status != 200 || rc.Total != "8000.00" {
		t.Fatalf("recompute: %d %s", res.Status, res.Body)
	}
	res = c.Do("POST", "/api/v1/funds/allocations", map[string]any{"year": 2026, "party_org_id": po.ID, "amount": "8000.01", "voucher_no": "拨-1", "on": "2026-03-01"})
	if res.Status != 409 || !strings.Contains(string(res.Body), "尚未拨付的 8000.00 元") {
		t.Fatalf("over-allocation: %d %s", res.Status, res.Body)
	}
	res = c.Do("POST", "/api/v1/funds/allocations", map[string]any{"year": 2026, "party_org_id": po.ID, "amount": "6000", "voucher_no": "拨-1", "on": "2026-03-01"})
	if res.Status != 201 {
		t.Fatalf("allocate: %d %s", res.Status, res.Body)
	}
	res = c.Do("POST", "/api/v1/funds/spendings", map[string]any{"year": 2026, "party_org_id": po.ID, "category": "activity", "amount": "1234.56", "on": "2026-04-01", "memo": "七一主题党日"})
	var sp funds.Entry
	res.JSON(t, &sp)
	if res.Status != 201 || sp.Amount != "1234.56" || sp.CategoryName != "组织活动" {
		t.Fatalf("spend: %d %s", res.Status, res.Body)
	}
	res = c.Do("POST", "/api/v1/funds/spendings", map[string]any{"year": 2026, "party_org_id": po.ID, "category": "activity", "amount": "4765.45", "on": "2026-04-02", "memo": "超支"})
	if res.Status != 409 || !strings.Contains(string(res.Body), "余额不足") || !strings.Contains(string(res.Body), "4765.44") {
		t.Fatalf("overspending: %d %s", res.Status, res.Body)
	}
	res = c.Do("POST", "/api/v1/funds/spendings", map[string]any{"year": 2026, "party_org_id": po.ID, "category": "nope", "amount": "1.001", "on": "2026-13-01"})
	if res.Status != 422 || !strings.Contains(string(res.Body), `"category"`) || !strings.Contains(string(res.Body), `"amount"`) || !strings.Contains(string(res.Body), `"on"`) {
		t.Fatalf("bad spending: %d %s", res.Status, res.Body)
	}
	rep := c.Do("GET", "/api/v1/funds/report?year=2026", nil)
	var r funds.Report
	rep.JSON(t, &r)
	if len(r.Rows) != 1 || r.Rows[0].BalanceCents != 476544 || r.Rows[0].OutstandingCent != 200000 || r.Streets[0].Name != "洪桥街道" {
		t.Fatalf("report: %s", rep.Body)
	}
	x := c.Do("GET", "/api/v1/funds/report/export?year=2026", nil)
	if x.Status != 200 {
		t.Fatalf("export: %d %s", x.Status, x.Body)
	}
	book, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.GetRows(book.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	// header, one party organization, the street's subtotal, the total.
	if len(rows) != 4 || rows[2][0] != "洪桥街道 小计" || rows[3][0] != "合计" || rows[1][10] != "8000.00" || rows[1][11] != "6000.00" ||
		rows[1][13] != "1234.56" || rows[3][15] != "4765.44" {
		t.Fatalf("sheet: %q", rows)
	}
	res = c.Do("GET", "/api/v1/funds/entries?year=2026&kind=spending", nil)
	if res.Status != 200 || !strings.Contains(string(res.Body), "七一主题党日") {
		t.Fatalf("entries: %d %s", res.Status, res.Body)
	}
}

// Last year's allocations come in from a workbook all or nothing: a file
// with a bad cell records nothing and names each cell; the corrected file
// records every row.
func TestFundsImportAllocations(t *testing.T) {
	e := testenv.New(t)
	seq := 0
	f := &fixtures{e: e, seq: &seq}
	po := f.partyOrg(t, true)
	if _, err := e.App.Funds.Recompute(f.sys(), 2025); err != nil {
		t.Fatal(err)
	}
	e.User("hq_import", auth.RoleStreet, testenv.Hongqiao)
	c := e.Login("hq_import", testenv.Password)
	upload := func(book []byte) testenv.Response {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "allocations.xlsx")
		fw.Write(book)
		mw.Close()
		return c.Raw("POST", "/api/v1/imports/funds-allocations", mw.FormDataContentType(), buf.Bytes())
	}
	bad := allocationWorkbook(t, [][]any{
		{"2025", po.Name, "3000", "祁组拨〔2025〕1号", "2025-03-15", ""},
		{"2025", "没有这个党组织", "12.345", "祁组拨〔2025〕1号", "2025/3/16", ""},
		{"2025", po.Name, "6000", "祁组拨〔2025〕3号", "2025-03-17", ""},
	})
	res := upload(bad)
	body := string(res.Body)
	if res.Status != 422 || !strings.Contains(body, "拨付金额") || !strings.Contains(body, "凭证号与第 2 行重复") || !strings.Contains(body, "没有这个党组织") {
		t.Fatalf("bad file: %d %s", res.Status, body)
	}
	var n int
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, `SELECT COUNT(*) FROM funds_entries WHERE kind = 'allocation'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("a refused file recorded %d allocations (%v)", n, err)
	}
	// 3000 + 6000 exceeds the 8000 entitled: the third row is refused, nothing recorded.
	over := allocationWorkbook(t, [][]any{
		{"2025", po.Name, "3000", "祁组拨〔2025〕1号", "2025-03-15", ""},
		{"2025", po.Name, "6000", "祁组拨〔2025〕3号", "2025-03-17", ""},
	})
	if res := upload(over); res.Status != 422 || !strings.Contains(string(res.Body), "尚未拨付的 5000.00 元") {
		t.Fatalf("over-allocating file: %d %s", res.Status, res.Body)
	}
	good := allocationWorkbook(t, [][]any{
		{"2025", po.Name, "3000", "祁组拨〔2025〕1号", "2025-03-15", "第一批"},
		{"2025年", po.Name, "5,000.00", "祁组拨〔2025〕3号", "2025-03-17", "第二批"},
	})
	if res := upload(good); res.Status != 200 {
		t.Fatalf("good file: %d %s", res.Status, res.Body)
	}
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, `SELECT COALESCE(SUM(amount_cents), 0) FROM funds_entries WHERE kind = 'allocation'`).Scan(&n); err != nil || n != 800000 {
		t.Fatalf("allocated %d 分 (%v), want 800000", n, err)
	}
	if res, err := funds.Check(context.Background(), e.App.DB); err != nil || !res.OK() {
		t.Fatalf("check: %v %v", res.Problems, err)
	}
}
