package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/dues"
	"liangxin/internal/testenv"
)

func TestDuesCalcContract(t *testing.T) {
	e := testenv.New(t)
	e.User("clerk", "street", testenv.Hongqiao)
	c := e.Login("clerk", testenv.Password)
	res := c.Do("GET", "/api/v1/dues/calc?base=3000&kind=employed", nil)
	if res.Status != 200 || strings.TrimSpace(string(res.Body)) != `{"amount":"15.00","rate":"0.005"}` {
		t.Fatalf("calc: %d %s", res.Status, res.Body)
	}
	for q, field := range map[string]string{"base=x&kind=employed": "base", "base=100&kind=boss": "kind"} {
		res := c.Do("GET", "/api/v1/dues/calc?"+q, nil)
		if res.Status != 422 || !strings.Contains(string(res.Body), `"`+field+`"`) {
			t.Errorf("%s: %d %s", q, res.Status, res.Body)
		}
	}
}

func TestDuesLedgerOverHTTP(t *testing.T) {
	e := testenv.New(t)
	f := &fixtures{e: e, seq: new(int)}
	e.User("clerk", "street", testenv.Hongqiao)
	e.User("boss", "district", testenv.Jurisdiction)
	c := e.Login("clerk", testenv.Password)
	id := f.duesMember(t, true)
	var po int64
	if err := e.App.DB.QueryRow(f.sys(), e.App.DB, `SELECT party_org_id FROM members WHERE id = ?`, id).Scan(&po); err != nil {
		t.Fatal(err)
	}
	// Payments: 7 back months refused naming months; 6 ok; again 409.
	res := c.Do("POST", "/api/v1/dues/payments", map[string]any{"member_id": id, "months": []string{"2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"}, "paid_on": "2026-11-20", "method": "self"})
	if res.Status != 422 || !strings.Contains(string(res.Body), `"months"`) {
		t.Fatalf("7 back: %d %s", res.Status, res.Body)
	}
	res = c.Do("POST", "/api/v1/dues/payments", map[string]any{"member_id": id, "months": []string{"2026-10", "2026-11"}, "paid_on": "2026-11-20", "method": "proxy", "payer": "=HYPERLINK(1)"})
	if res.Status != 201 || !strings.Contains(string(res.Body), `"total":"30.00"`) {
		t.Fatalf("pay: %d %s", res.Status, res.Body)
	}
	if res = c.Do("POST", "/api/v1/dues/payments", map[string]any{"member_id": id, "months": []string{"2026-11"}, "paid_on": "2026-11-20", "method": "self"}); res.Status != 409 {
		t.Fatalf("twice: %d %s", res.Status, res.Body)
	}
	// Arrears as of 2026-09: 2026-01..09 unpaid (9 consecutive, flagged).
	res = c.Do("GET", fmt.Sprintf("/api/v1/dues/arrears?as_of=2026-09&party_org_id=%d", po), nil)
	var arr struct {
		Items []dues.Arrear `json:"items"`
	}
	res.JSON(t, &arr)
	if len(arr.Items) != 1 || arr.Items[0].Consecutive < 9 || !arr.Items[0].Flagged {
		t.Fatalf("arrears: %s", res.Body)
	}
	res = c.Do("GET", fmt.Sprintf("/api/v1/dues/arrears/export?as_of=2026-09&party_org_id=%d", po), nil)
	x, err := excelize.OpenReader(bytes.NewReader(res.Body))
	if res.Status != 200 || err != nil {
		t.Fatalf("export: %d %v", res.Status, err)
	}
	rows, _ := x.GetRows("党费欠交名单")
	if len(rows) != 2 || rows[1][5] != "是" || rows[1][4] != strconv.Itoa(arr.Items[0].Consecutive) {
		t.Fatalf("export rows: %v", rows)
	}
	res = c.Do("GET", fmt.Sprintf("/api/v1/dues/summary/export?year=2026&party_org_id=%d", po), nil)
	x, err = excelize.OpenReader(bytes.NewReader(res.Body))
	if res.Status != 200 || err != nil {
		t.Fatalf("summary export: %d %v", res.Status, err)
	}
	rows, _ = x.GetRows("党费收缴公示")
	// 2026-01..11 due (11 months × 15.00 = 165.00), 2 paid (30.00).
	if len(rows) != 3 || rows[1][3] != "11" || rows[1][6] != "165.00" || rows[1][7] != "30.00" || rows[2][8] != "135.00" {
		t.Fatalf("summary rows: %v", rows)
	}
	if n := auditCount(t, e, "dues_summary"); n != 1 {
		t.Fatalf("summary export audited %d times", n)
	}
	// The street may not change the rate table or the refund policy; the district may.
	if res = c.Do("PUT", "/api/v1/dues/refund-policy", map[string]string{"ratio": "0.5"}); res.Status != 403 {
		t.Fatalf("street policy: %d", res.Status)
	}
	boss := e.Login("boss", testenv.Password)
	if res = boss.Do("PUT", "/api/v1/dues/refund-policy", map[string]string{"ratio": "0.5"}); res.Status != 200 {
		t.Fatalf("district policy: %d %s", res.Status, res.Body)
	}
	res = c.Do("POST", "/api/v1/dues/refunds", map[string]any{"party_org_id": po, "year": 2026, "refunded_on": "2026-11-21"})
	if res.Status != 201 || !strings.Contains(string(res.Body), `"refunded":"15.00"`) || !strings.Contains(string(res.Body), `"ratio":"0.5"`) {
		t.Fatalf("refund: %d %s", res.Status, res.Body)
	}
}

func auditCount(t *testing.T, e *testenv.Env, entity string) int {
	t.Helper()
	var n int
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, `SELECT COUNT(*) FROM audit_log WHERE entity = ? AND action = 'export'`, entity).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
