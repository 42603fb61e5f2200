package httpapi_test

import (
	"strings"
	"testing"

	"liangxin/internal/auth"
	"liangxin/internal/develop"
	"liangxin/internal/pdata"
	"liangxin/internal/testenv"
)

// The 发展党员 export holds the caller's people only, one row each, with the
// 身份证号 masked as the list shows it and the list's filters, and is audited.
func TestDevelopExportScopedMaskedAudited(t *testing.T) {
	e := testenv.New(t)
	seq := 0
	f := &fixtures{e: e, seq: &seq}
	full := devIDNumber(907)
	p, err := e.App.Develop.Apply(f.sys(), develop.PersonInput{PartyOrgID: f.partyOrg(t, true).ID, Name: "导出申请人", IDNumber: full, AppliedOn: "2026-01-05"})
	if err != nil {
		t.Fatal(err)
	}
	other := f.devPerson(t, false) // 玉合
	e.User("hq_street", auth.RoleStreet, testenv.Hongqiao)
	e.User("yh_street", auth.RoleStreet, testenv.Yuhe)
	hq := e.Login("hq_street", testenv.Password)

	res := hq.Do("GET", "/api/v1/develop/export", nil)
	if res.Status != 200 {
		t.Fatalf("export: %d %s", res.Status, res.Body)
	}
	if ct := res.Header.Get("Content-Disposition"); !strings.Contains(ct, "attachment") {
		t.Errorf("content disposition: %q", ct)
	}
	rows := sheetRows(t, res.Body)
	want := []string{"姓名", "身份证号", "性别", "出生日期", "党组织", "阶段", "递交申请书日期", "最近步骤", "最近步骤日期", "预备期满日期"}
	if len(rows) != 2 {
		t.Fatalf("rows: %v", rows)
	}
	for i, h := range want {
		if rows[0][i] != h {
			t.Fatalf("header %d = %q, want %q (%v)", i, rows[0][i], h, rows[0])
		}
	}
	r := rows[1]
	if r[0] != p.Name || r[2] != p.Gender || r[3] != p.BirthDate || r[4] != p.PartyOrgName || r[5] != "入党申请人" || r[6] != "2026-01-05" ||
		r[7] != "第1步 递交入党申请书" || r[8] != "2026-01-05" {
		t.Errorf("row: %v (person %+v)", r, p)
	}
	if r[1] != pdata.MaskID(full) || r[1] != p.IDNumber || !strings.Contains(r[1], "*") {
		t.Errorf("id number %q, want masked %q", r[1], pdata.MaskID(full))
	}
	for _, row := range rows {
		for _, c := range row {
			if strings.Contains(c, full) {
				t.Errorf("full identity number in the export: %v", row)
			}
		}
	}
	if n := auditCount(t, e, "dev_person"); n != 1 {
		t.Errorf("export audit entries: %d", n)
	}

	// The filters of the list apply.
	if rows := sheetRows(t, hq.Do("GET", "/api/v1/develop/export?stage=full", nil).Body); len(rows) != 1 {
		t.Errorf("stage=full: %v", rows)
	}
	if rows := sheetRows(t, hq.Do("GET", "/api/v1/develop/export?name=nobody", nil).Body); len(rows) != 1 {
		t.Errorf("name filter: %v", rows)
	}
	if res := hq.Do("GET", "/api/v1/develop/export?stage=bogus", nil); res.Status != 422 {
		t.Errorf("bad stage: %d", res.Status)
	}

	// Another street sees none of 洪桥's people: only its own one.
	yh := e.Login("yh_street", testenv.Password)
	res = yh.Do("GET", "/api/v1/develop/export", nil)
	if res.Status != 200 {
		t.Fatalf("yuhe export: %d %s", res.Status, res.Body)
	}
	rows = sheetRows(t, res.Body)
	op, err := e.App.Develop.Get(f.sys(), other)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[1][0] != op.Name {
		t.Errorf("yuhe rows: %v", rows)
	}
	for _, row := range rows {
		if row[0] == p.Name {
			t.Errorf("洪桥's person in 玉合's export: %v", row)
		}
	}
}
