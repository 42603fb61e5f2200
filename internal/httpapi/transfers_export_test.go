package httpapi_test

import (
	"testing"

	"liangxin/internal/auth"
	"liangxin/internal/member"
	"liangxin/internal/testenv"
)

// The transfers export holds the caller's transfers only, with formula
// triggers neutralised, no identity numbers, and is audited.
func TestTransfersExportScopedSafeAudited(t *testing.T) {
	e := testenv.New(t)
	seq := 0
	f := &fixtures{e: e, seq: &seq}
	m := f.trMember(t, true)
	if _, err := e.App.Members.StartTransfer(f.sys(), member.TransferInput{Kind: member.TransferOut, MemberID: m.ID, LetterNo: "=HYPERLINK(\"x\")",
		ToOutside: "衡阳市某党委", IssuedOn: "2026-10-01"}); err != nil {
		t.Fatal(err)
	}
	f.transfer(t, false, false, member.TransferInternal) // 玉合 to 玉合: not the street's
	e.User("hq_street", auth.RoleStreet, testenv.Hongqiao)
	hq := e.Login("hq_street", testenv.Password)

	res := hq.Do("GET", "/api/v1/transfers/export", nil)
	if res.Status != 200 {
		t.Fatalf("export: %d %s", res.Status, res.Body)
	}
	rows := sheetRows(t, res.Body)
	if len(rows) != 2 {
		t.Fatalf("rows: %v", rows)
	}
	want := []string{"党员姓名", "转接类型", "转出党组织", "接收党组织", "介绍信编号", "开具日期", "有效期至", "状态"}
	for i, h := range want {
		if rows[0][i] != h {
			t.Fatalf("header %d = %q, want %q (%v)", i, rows[0][i], h, rows[0])
		}
	}
	r := rows[1]
	if r[0] != m.Name || r[1] != "转出到系统外" || r[3] != "衡阳市某党委" || r[5] != "2026-10-01" {
		t.Errorf("row: %v", r)
	}
	if r[4] != "'=HYPERLINK(\"x\")" {
		t.Errorf("letter no: %q", r[4])
	}
	for _, c := range r {
		if c == m.IDNumber {
			t.Errorf("identity number in the export: %v", r)
		}
	}
	if n := auditCount(t, e, "transfer"); n != 1 {
		t.Errorf("export audit entries: %d", n)
	}
	if res := hq.Do("GET", "/api/v1/transfers/export?status=bogus", nil); res.Status != 422 {
		t.Errorf("bad status: %d", res.Status)
	}
}
