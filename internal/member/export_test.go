package member_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/pdata"
	"liangxin/internal/sheetexport"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
)

// readBook reads every sheet of an exported workbook.
func readBook(t *testing.T, b []byte) (names []string, rows map[string][][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows = map[string][][]string{}
	for _, n := range f.GetSheetList() {
		r, err := f.GetRows(n)
		if err != nil {
			t.Fatal(err)
		}
		rows[n] = r
	}
	return f.GetSheetList(), rows
}

type exportEntry struct {
	Username, Entity, EntityID, Result string
	Note                               string
	After                              map[string]any
}

// exportEntries are the export entries of the audit log, oldest first.
func exportEntries(t *testing.T, db *store.DB) []exportEntry {
	t.Helper()
	rows, err := db.Query(context.Background(), db, `SELECT username, entity, entity_id, result, detail FROM audit_log WHERE action = 'export' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []exportEntry
	for rows.Next() {
		var e exportEntry
		var d string
		if err := rows.Scan(&e.Username, &e.Entity, &e.EntityID, &e.Result, &d); err != nil {
			t.Fatal(err)
		}
		var detail struct {
			Note  string         `json:"note"`
			After map[string]any `json:"after"`
		}
		if err := json.Unmarshal([]byte(d), &detail); err != nil {
			t.Fatal(err)
		}
		e.Note, e.After = detail.Note, detail.After
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestExportRosterMaskedAndAudited: the roster export writes one masked row
// per member of the filter (身份证号 and phone as the list shows them, the
// work unit by its 统一社会信用代码 or its name), and records one export
// entry in the member domain with the old note and the count.
func TestExportRosterMaskedAndAudited(t *testing.T) {
	x := newTrEnv(t)
	svc := x.e.App.Members
	name, cat, n, region := "导出测试企业", "individual_business", 3, testenv.Hongqiao
	code := uscc.Generate('9', '1', "430426", 4242)
	withCode, err := x.e.App.Orgs.Create(x.sys, org.Input{Name: &name, USCC: &code, Category: &cat, RegionCode: &region, FullMembers: &n})
	if err != nil {
		t.Fatal(err)
	}
	name2 := "无代码个体户"
	noCode, err := x.e.App.Orgs.Create(x.sys, org.Input{Name: &name2, Category: &cat, RegionCode: &region, FullMembers: &n})
	if err != nil {
		t.Fatal(err)
	}
	po, err := x.e.App.Party.Get(x.sys, x.a)
	if err != nil {
		t.Fatal(err)
	}
	first := "43042619850315124"
	id1 := first + string(pdata.CheckChar(first))
	in1 := member.Input{Name: "李红", Gender: "female", BirthDate: "1985-03-15", IDNumber: id1, Phone: "13812345678", Category: "full",
		PartyOrgID: x.a, OrganizationID: &withCode.ID, JoinedOn: "2010-07-01", ConfirmedOn: "2011-07-01", Ethnicity: "汉族", Education: "本科", Position: "会计"}
	if _, err := svc.Create(x.sys, in1); err != nil {
		t.Fatal(err)
	}
	first = "43042619920820101"
	id2 := first + string(pdata.CheckChar(first))
	in2 := member.Input{Name: "王强", Gender: "male", BirthDate: "1992-08-20", IDNumber: id2, Category: "probationary",
		PartyOrgID: x.a, OrganizationID: &noCode.ID, JoinedOn: "2026-06-01"}
	if _, err := svc.Create(x.sys, in2); err != nil {
		t.Fatal(err)
	}
	x.member(t, x.c) // 玉合: outside the filter and the street user's scope

	var buf bytes.Buffer
	ready := false
	if err := svc.ExportRoster(x.hq, sheetexport.Target{W: &buf, Ready: func() { ready = true }}, member.Filter{PartyOrgID: x.a}); err != nil {
		t.Fatal(err)
	}
	if !ready {
		t.Fatal("Ready not called")
	}
	names, book := readBook(t, buf.Bytes())
	if !reflect.DeepEqual(names, []string{"党员花名册"}) {
		t.Fatalf("sheets: %v", names)
	}
	want := [][]string{
		{"姓名", "性别", "民族", "出生日期", "身份证号", "手机号", "学历", "入党日期", "转正日期", "人员类别", "所在党组织", "工作单位(统一社会信用代码或名称)", "职务", "状态"},
		{"李红", "女", "汉族", "1985-03-15", id1[:6] + "********" + id1[14:], "138****5678", "本科", "2010-07-01", "2011-07-01", "正式党员", po.Name, code, "会计", "在册"},
		{"王强", "男", "", "1992-08-20", id2[:6] + "********" + id2[14:], "", "", "2026-06-01", "", "预备党员", po.Name, "无代码个体户", "", "在册"},
	}
	if got := book["党员花名册"]; !reflect.DeepEqual(got, want) {
		t.Fatalf("rows:\n got %q\nwant %q", got, want)
	}
	es := exportEntries(t, x.e.App.DB)
	if len(es) != 1 {
		t.Fatalf("export entries: %+v", es)
	}
	e := es[0]
	if e.Username != "hq" || e.Entity != "member" || e.Result != "success" || e.Note != "导出党员花名册 2 条" ||
		e.After["items"] != float64(2) || fmt.Sprint(e.After["filters"]) != fmt.Sprintf("map[party_org_id:%d]", x.a) {
		t.Fatalf("audit entry: %+v", e)
	}
}

// TestExportTransfersAudited: the transfers export writes the transfers the
// caller sees, an outside side by its name, and records one export entry.
func TestExportTransfersAudited(t *testing.T) {
	x := newTrEnv(t)
	svc := x.e.App.Members
	m1, m2 := x.member(t, x.a), x.member(t, x.b)
	if _, err := svc.StartTransfer(x.hq, member.TransferInput{Kind: member.TransferInternal, MemberID: m1.ID, ToPartyOrgID: x.c, LetterNo: "祁组转〔2026〕7号",
		IssuedOn: "2026-11-20", Note: "=HYPERLINK(\"x\")"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.StartTransfer(x.hq, member.TransferInput{Kind: member.TransferOut, MemberID: m2.ID, ToOutside: "长沙市某党支部", LetterNo: "祁组转〔2026〕8号",
		IssuedOn: "2026-11-21"}); err != nil {
		t.Fatal(err)
	}
	pa, _ := x.e.App.Party.Get(x.sys, x.a)
	pb, _ := x.e.App.Party.Get(x.sys, x.b)
	pc, _ := x.e.App.Party.Get(x.sys, x.c)
	var buf bytes.Buffer
	if err := svc.ExportTransfers(x.hq, sheetexport.Target{W: &buf}, member.TransferFilter{}); err != nil {
		t.Fatal(err)
	}
	_, book := readBook(t, buf.Bytes())
	want := [][]string{
		{"党员姓名", "转接类型", "转出党组织", "接收党组织", "介绍信编号", "开具日期", "有效期至", "状态", "接收日期", "回执日期", "办结日期", "备注"},
		{m2.Name, "转出到系统外", pb.Name, "长沙市某党支部", "祁组转〔2026〕8号", "2026-11-21", "2027-02-21", "待接收"},
		{m1.Name, "系统内转接", pa.Name, pc.Name, "祁组转〔2026〕7号", "2026-11-20", "2027-02-20", "待接收", "", "", "", "'=HYPERLINK(\"x\")"},
	}
	if got := book["组织关系转接"]; !reflect.DeepEqual(got, want) {
		t.Fatalf("rows:\n got %q\nwant %q", got, want)
	}
	es := exportEntries(t, x.e.App.DB)
	if len(es) != 1 || es[0].Entity != "transfer" || es[0].Note != "导出组织关系转接 2 条" || es[0].After["items"] != float64(2) {
		t.Fatalf("audit entries: %+v", es)
	}
}
