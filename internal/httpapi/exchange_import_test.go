package httpapi_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/actor"
	"liangxin/internal/instructor"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/testenv"
)

func uploadTo(t *testing.T, c *testenv.Client, path, session string, data []byte) testenv.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "upload.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return c.Raw("POST", path+"?session=import-"+session, mw.FormDataContentType(), body.Bytes())
}

// exchangeLedger builds two units per street, a 1+N tree with a joint
// branch, a dissolved branch and instructors with open and ended assignments.
func exchangeLedger(t *testing.T, e *testenv.Env) {
	ctx := actor.System(context.Background(), "test")
	mk := func(name, cat, region, code string, full int) int64 {
		reg := "2018-05-01"
		in := org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &full, RegisteredOn: &reg}
		if code != "" {
			in.USCC = &code
		}
		o, err := e.App.Orgs.Create(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	a := mk("祁东县湘江商贸有限公司", "private_enterprise", testenv.Hongqiao, "9144030071526726XG", 4)
	b := mk("老张修车铺", "individual_business", testenv.Hongqiao, "", 1)
	c := mk("老张修车铺", "individual_business", testenv.Yuhe, "", 1) // the same name in another street
	d := mk("祁东县物流协会", "social_group", testenv.Hongqiao, "91350100M000100Y43", 2)
	party := func(in partyorg.Input) int64 {
		p, err := e.App.Party.Create(ctx, in)
		if err != nil {
			t.Fatalf("%s: %v", in.Name, err)
		}
		return p.ID
	}
	root := party(partyorg.Input{Name: "洪桥街道两新综合党委", Kind: "committee", Formation: "regional", RegionCode: testenv.Hongqiao, EstablishedOn: "2019-01-01"})
	party(partyorg.Input{Name: "湘江商贸党支部", Kind: "branch", Formation: "single", ParentID: &root, EstablishedOn: "2020-03-01", TermStartedOn: "2023-03-01", Covers: []int64{a}})
	party(partyorg.Input{Name: "洪桥个体联合党支部", Kind: "branch", Formation: "joint", ParentID: &root, EstablishedOn: "2021-06-01", Covers: []int64{b, d}})
	old := party(partyorg.Input{Name: "玉合个体党小组旧支部", Kind: "branch", Formation: "joint", EstablishedOn: "2019-01-01", Covers: []int64{c, d}})
	if _, err := e.App.Party.Dissolve(ctx, old, "2022-12-31"); err != nil {
		t.Fatal(err)
	}
	name, phone, unit, full, level, region := "刘指导", "13812345678", "县委组织部", true, "区级", testenv.Hongqiao
	in, err := e.App.Instr.Create(ctx, instructor.Input{Name: &name, Phone: &phone, Unit: &unit, FullTime: &full, Level: &level, RegionCode: &region})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Instr.Assign(ctx, in.ID, a, "2022-01-01", "2023-06-30"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Instr.Assign(ctx, in.ID, c, "2023-07-01", ""); err != nil {
		t.Fatal(err)
	}
	name2 := "陈兼职"
	if _, err := e.App.Instr.Create(ctx, instructor.Input{Name: &name2, RegionCode: &region}); err != nil {
		t.Fatal(err)
	}
}

// exportRows exports a list and drops the columns that are computed or masked.
func exportRows(t *testing.T, c *testenv.Client, path string, drop ...int) []string {
	t.Helper()
	r := c.Do("GET", path, nil)
	if r.Status != 200 {
		t.Fatalf("%s: %d %s", path, r.Status, r.Body)
	}
	var out []string
	for _, row := range sheetRows(t, r.Body) {
		for _, i := range drop {
			if i < len(row) {
				row[i] = ""
			}
		}
		out = append(out, strings.Join(row, "|"))
	}
	return out
}

// TestPartyOrgAndInstructorRoundTrip: exporting party organizations (with
// the units they cover) and instructors (with their assignments) and
// importing the files into a database holding only the units gives the
// same ledger; importing them again changes nothing.
func TestPartyOrgAndInstructorRoundTrip(t *testing.T) {
	e := testenv.New(t)
	exchangeLedger(t, e)
	e.User("dist", "district", testenv.Jurisdiction)
	c := e.Login("dist", testenv.Password)
	orgs := c.Do("GET", "/api/v1/organizations/export", nil)
	parties := c.Do("GET", "/api/v1/party-orgs/export", nil)
	instrs := c.Do("GET", "/api/v1/instructors/export", nil)
	for _, r := range []testenv.Response{orgs, parties, instrs} {
		if r.Status != 200 {
			t.Fatalf("export: %d %s", r.Status, r.Body)
		}
	}
	wantParties := exportRows(t, c, "/api/v1/party-orgs/export")
	// The phone is masked in the export, so it cannot come back.
	wantInstrs := exportRows(t, c, "/api/v1/instructors/export", 1)

	e2 := testenv.New(t)
	e2.User("dist", "district", testenv.Jurisdiction)
	c2 := e2.Login("dist", testenv.Password)
	if r := upload(t, e2, c2, "orgs.xlsx", orgs.Body); r.Status != 200 {
		t.Fatalf("organizations: %d %s", r.Status, r.Body)
	}
	r := uploadTo(t, c2, "/api/v1/imports/party-orgs", "rt-party", parties.Body)
	if r.Status != 200 || r.Map(t)["created"].(float64) != 4 {
		t.Fatalf("party orgs: %d %s", r.Status, r.Body)
	}
	r = uploadTo(t, c2, "/api/v1/imports/instructors", "rt-instr", instrs.Body)
	if r.Status != 200 {
		t.Fatalf("instructors: %d %s", r.Status, r.Body)
	}
	// 2 instructors and 2 assignments.
	if m := r.Map(t); m["created"].(float64) != 4 {
		t.Fatalf("instructors: %s", r.Body)
	}
	if got := exportRows(t, c2, "/api/v1/party-orgs/export"); strings.Join(got, "\n") != strings.Join(wantParties, "\n") {
		t.Errorf("party orgs after the round trip:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantParties, "\n"))
	}
	if got := exportRows(t, c2, "/api/v1/instructors/export", 1); strings.Join(got, "\n") != strings.Join(wantInstrs, "\n") {
		t.Errorf("instructors after the round trip:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantInstrs, "\n"))
	}
	// Coverage agrees on a day when every link was open.
	for _, day := range []string{"2022-06-30", "2024-01-01"} {
		a := c.Do("GET", "/api/v1/stats/coverage?region_code="+testenv.Jurisdiction+"&as_of="+day, nil).Map(t)
		b := c2.Do("GET", "/api/v1/stats/coverage?region_code="+testenv.Jurisdiction+"&as_of="+day, nil).Map(t)
		for _, k := range []string{"total", "org_covered", "single_covered", "work_covered"} {
			if a[k] != b[k] {
				t.Errorf("%s %s: %v after the round trip, want %v", day, k, b[k], a[k])
			}
		}
	}
	// Importing the same files again, into either database, writes nothing.
	for _, cl := range []*testenv.Client{c, c2} {
		r := uploadTo(t, cl, "/api/v1/imports/party-orgs", "again-party", parties.Body)
		if m := r.Map(t); r.Status != 200 || m["created"].(float64) != 0 || m["updated"].(float64) != 0 || m["unchanged"].(float64) != 4 {
			t.Errorf("party orgs again: %d %s", r.Status, r.Body)
		}
		r = uploadTo(t, cl, "/api/v1/imports/instructors", "again-instr", instrs.Body)
		if m := r.Map(t); r.Status != 200 || m["created"].(float64) != 0 || m["updated"].(float64) != 0 {
			t.Errorf("instructors again: %d %s", r.Status, r.Body)
		}
	}
}

func countRows(t *testing.T, e *testenv.Env, table string) int {
	t.Helper()
	var n int
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPartyOrgImportRules: a child may come above its parent in the file;
// the rules of a party organization entered by hand apply to each row; one
// bad cell writes nothing and the error workbook marks it; a street-scoped
// user cannot cover another street's unit.
func TestPartyOrgImportRules(t *testing.T) {
	e := testenv.New(t)
	exchangeLedger(t, e)
	e.User("dist", "district", testenv.Jurisdiction)
	c := e.Login("dist", testenv.Password)
	file, err := excelizeFile(partyorg.ImportHeaders(), [][]string{
		{"物流协会联合党支部", "党支部", "联合", "洪桥物流行业党总支", "", "2024-03-01", "", "", "", "祁东县物流协会、老张修车铺"},
		{"洪桥物流行业党总支", "党总支", "行业组建", "洪桥街道两新综合党委", "洪桥街道", "2024年1月5日", "", "", "", ""},
	})
	if err != nil {
		t.Fatal(err)
	}
	before := countRows(t, e, "party_orgs")
	// 老张修车铺 names two units of the district: ambiguous.
	r := uploadTo(t, c, "/api/v1/imports/party-orgs", "rules-1", file)
	if r.Status != 422 || !strings.Contains(string(r.Body), "重名") {
		t.Fatalf("ambiguous unit: %d %s", r.Status, r.Body)
	}
	if countRows(t, e, "party_orgs") != before {
		t.Fatal("a rejected file wrote party organizations")
	}
	rep := c.Do("GET", "/api/v1/imports/import-rules-1/report", nil)
	if rep.Status != 200 || !strings.Contains(strings.Join(sheetCells(t, rep.Body), "|"), "重名") {
		t.Fatalf("error workbook: %d", rep.Status)
	}
	// With the unit named by its code the file goes in, the child above its parent.
	var code string
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, `SELECT COALESCE(uscc, '') FROM organizations WHERE name = '祁东县物流协会'`).Scan(&code); err != nil {
		t.Fatal(err)
	}
	good, _ := excelizeFile(partyorg.ImportHeaders(), [][]string{
		{"物流协会联合党支部", "党支部", "联合", "洪桥物流行业党总支", "", "2024-03-01", "", "", "", "祁东县湘江商贸有限公司、" + code},
		{"洪桥物流行业党总支", "党总支", "行业组建", "洪桥街道两新综合党委", "洪桥街道", "2024年1月5日", "", "", "", ""},
	})
	r = uploadTo(t, c, "/api/v1/imports/party-orgs", "rules-2", good)
	if r.Status != 200 || r.Map(t)["created"].(float64) != 2 {
		t.Fatalf("good file: %d %s", r.Status, r.Body)
	}
	ctx := actor.System(context.Background(), "test")
	list, _, err := e.App.Party.List(ctx, partyorg.Filter{Q: "物流协会联合党支部", PageSize: 10})
	if err != nil || len(list) != 1 || list[0].ParentName != "洪桥物流行业党总支" || len(list[0].Covers) != 2 || list[0].Covers[0].From != "2024-03-01" {
		t.Fatalf("imported branch: %+v %v", list, err)
	}
	// A single branch over a unit with fewer than 3 full members is refused
	// with the rule's message, and nothing of the file is written.
	before = countRows(t, e, "party_orgs")
	bad, _ := excelizeFile(partyorg.ImportHeaders(), [][]string{
		{"洪桥新支部甲", "党支部", "联合组建", "", "洪桥街道", "2024-05-01", "", "", "", "祁东县湘江商贸有限公司、" + code},
		{"物流协会党支部", "党支部", "单独组建", "", "", "2024-05-01", "", "", "", code},
	})
	r = uploadTo(t, c, "/api/v1/imports/party-orgs", "rules-3", bad)
	if r.Status != 422 || !strings.Contains(string(r.Body), "联合组建") || !strings.Contains(string(r.Body), `"column":"组建方式"`) {
		t.Fatalf("single with 2 members: %d %s", r.Status, r.Body)
	}
	if countRows(t, e, "party_orgs") != before {
		t.Fatal("a rejected file wrote party organizations")
	}
	// A street user cannot reach another street's unit or party organization.
	e.User("hqstreet", "street", testenv.Hongqiao)
	hq := e.Login("hqstreet", testenv.Password)
	var yuhe string
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, `SELECT name FROM party_orgs WHERE name = '玉合个体党小组旧支部'`).Scan(&yuhe); err != nil {
		t.Fatal(err)
	}
	out, _ := excelizeFile(partyorg.ImportHeaders(), [][]string{
		{"洪桥越界支部", "党支部", "联合组建", yuhe, "", "2024-05-01", "", "", "", "祁东县湘江商贸有限公司、老张修车铺"},
	})
	r = uploadTo(t, hq, "/api/v1/imports/party-orgs", "rules-4", out)
	body := string(r.Body)
	if r.Status != 422 || !strings.Contains(body, "上级党组织") {
		t.Fatalf("out of scope: %d %s", r.Status, body)
	}
	// 老张修车铺 is unique inside 洪桥, so the street user's file resolves it there.
	if strings.Contains(body, "重名") {
		t.Errorf("the street user's lookup saw another street's unit: %s", body)
	}
}

// TestInstructorImportRules: assignments follow the rules of the screen,
// units without a code are named with their region, a masked phone keeps the
// stored one, and a 结束日期 ends an open assignment.
func TestInstructorImportRules(t *testing.T) {
	e := testenv.New(t)
	exchangeLedger(t, e)
	e.User("dist", "district", testenv.Jurisdiction)
	c := e.Login("dist", testenv.Password)
	ctx := actor.System(context.Background(), "test")
	file, _ := excelizeFile(instructor.ImportHeaders(), [][]string{
		{"刘指导", "138****5678", "县委组织部", "专职", "县级", "洪桥街道", "老张修车铺", "2023-07-01", "2024-12-31"},
	})
	r := uploadTo(t, c, "/api/v1/imports/instructors", "instr-1", file)
	if r.Status != 422 || !strings.Contains(string(r.Body), "重名") {
		t.Fatalf("ambiguous unit: %d %s", r.Status, r.Body)
	}
	before := countRows(t, e, "instructors")
	rows := [][]string{
		{"刘指导", "138****5678", "县委组织部", "专职", "县级", "洪桥街道", "老张修车铺（玉合街道）", "2023-07-01", "2024-12-31"},
		{"王新", "13900001111", "洪桥街道党工委", "兼职", "街道（乡镇）级", "洪桥街道", "祁东县湘江商贸有限公司", "2024-02-01", ""},
		{"王新", "13900001111", "洪桥街道党工委", "兼职", "街道（乡镇）级", "洪桥街道", "祁东县物流协会", "2024-03-01", "2024-02-01"},
	}
	file, _ = excelizeFile(instructor.ImportHeaders(), rows)
	r = uploadTo(t, c, "/api/v1/imports/instructors", "instr-2", file)
	if r.Status != 422 || !strings.Contains(string(r.Body), "结束日期不能早于开始日期") || !strings.Contains(string(r.Body), `"row":4`) {
		t.Fatalf("end before start: %d %s", r.Status, r.Body)
	}
	if countRows(t, e, "instructors") != before || countRows(t, e, "instructor_assignments WHERE to_on IS NULL") != 1 {
		t.Fatal("a rejected file wrote instructors or ended an assignment")
	}
	rows[2][8] = ""
	file, _ = excelizeFile(instructor.ImportHeaders(), rows)
	r = uploadTo(t, c, "/api/v1/imports/instructors", "instr-3", file)
	// 王新 and two assignments created; 刘指导's open assignment ended.
	if m := r.Map(t); r.Status != 200 || m["created"].(float64) != 3 || m["updated"].(float64) != 1 {
		t.Fatalf("good file: %d %s", r.Status, r.Body)
	}
	list, _, _ := e.App.Instr.List(ctx, "王新", 1, 10)
	if len(list) != 1 || len(list[0].Assignments) != 2 || list[0].FullTime || list[0].Level != "乡镇（街道）级" {
		t.Fatalf("王新: %+v", list)
	}
	list, _, _ = e.App.Instr.List(ctx, "刘指导", 1, 10)
	liu, err := e.App.Instr.Reveal(ctx, list[0].ID)
	if err != nil || liu.Phone != "13812345678" || liu.Assignments[1].To == nil || *liu.Assignments[1].To != "2024-12-31" {
		t.Fatalf("刘指导: %+v %v", liu, err)
	}
}

func excelizeFile(header []string, rows [][]string) ([]byte, error) {
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	all := append([][]string{header}, rows...)
	for i, row := range all {
		vals := make([]any, len(row))
		for j, v := range row {
			vals[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &vals); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	_, err := f.WriteTo(&buf)
	return buf.Bytes(), err
}

func sheetCells(t *testing.T, b []byte) []string {
	var out []string
	for _, row := range sheetRows(t, b) {
		out = append(out, row...)
	}
	return out
}
