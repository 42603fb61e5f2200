package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/actor"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
)

func upload(t *testing.T, e *testenv.Env, c *testenv.Client, name string, data []byte) testenv.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return c.Raw("POST", "/api/v1/imports/organizations?session=test-"+strings.ReplaceAll(name, ".", "-"), mw.FormDataContentType(), body.Bytes())
}

func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "samples", name))
	if err != nil {
		t.Skipf("sample %s not available: %v", name, err)
	}
	return b
}

func countOrgs(t *testing.T, e *testenv.Env) int {
	var n int
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, `SELECT COUNT(*) FROM organizations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportLibreOfficeSample(t *testing.T) {
	e := testenv.New(t)
	e.User("dist", "district", testenv.Jurisdiction)
	c := e.Login("dist", testenv.Password)
	r := upload(t, e, c, "ledger-libreoffice.xlsx", sample(t, "ledger-libreoffice.xlsx"))
	if r.Status != 200 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	m := r.Map(t)
	if m["created"].(float64) != 30 || m["status"] != "succeeded" {
		t.Fatalf("result: %v", m)
	}
	if n := countOrgs(t, e); n != 30 {
		t.Fatalf("organizations: %d", n)
	}
	// Importing the same file again changes nothing.
	r = upload(t, e, c, "ledger-libreoffice-2.xlsx", sample(t, "ledger-libreoffice.xlsx"))
	if m := r.Map(t); r.Status != 200 || m["created"].(float64) != 0 || m["updated"].(float64) != 0 || m["unchanged"].(float64) != 30 {
		t.Fatalf("re-import: %d %v", r.Status, m)
	}
	// The session can be polled by its owner only.
	if r := c.Do("GET", "/api/v1/imports/test-ledger-libreoffice-xlsx", nil); r.Status != 200 || !strings.Contains(string(r.Body), `"succeeded"`) {
		t.Fatalf("session: %d %s", r.Status, r.Body)
	}
	e.User("other", "district", testenv.Jurisdiction)
	if r := e.Login("other", testenv.Password).Do("GET", "/api/v1/imports/test-ledger-libreoffice-xlsx", nil); r.Status != 404 {
		t.Fatalf("another user's session: %d", r.Status)
	}
}

func TestImportRejectsCodeStoredAsNumber(t *testing.T) {
	e := testenv.New(t)
	e.User("dist", "district", testenv.Jurisdiction)
	c := e.Login("dist", testenv.Password)
	r := upload(t, e, c, "code.xlsx", sample(t, "ledger-code-as-number.xlsx"))
	if r.Status != 422 {
		t.Fatalf("status %d %s", r.Status, r.Body)
	}
	var body struct {
		Error struct {
			Code      string `json:"code"`
			ReportURL string `json:"report_url"`
			Errors    []struct {
				Row     int    `json:"row"`
				Column  string `json:"column"`
				Message string `json:"message"`
			} `json:"errors"`
		} `json:"error"`
	}
	r.JSON(t, &body)
	if body.Error.Code != "import_invalid" || len(body.Error.Errors) == 0 {
		t.Fatalf("body: %s", r.Body)
	}
	found := false
	for _, e := range body.Error.Errors {
		if e.Row == 6 && e.Column == "统一社会信用代码" && strings.Contains(e.Message, "文本格式") {
			found = true
		}
	}
	if !found {
		t.Fatalf("row 6 code column not named: %+v", body.Error.Errors)
	}
	if n := countOrgs(t, e); n != 0 {
		t.Fatalf("a rejected file wrote %d organizations", n)
	}
	rep := c.Do("GET", body.Error.ReportURL, nil)
	if rep.Status != 200 || !bytes.HasPrefix(rep.Body, []byte("PK")) {
		t.Fatalf("report: %d", rep.Status)
	}
	f, err := excelize.OpenReader(bytes.NewReader(rep.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	last := rows[5]
	if !strings.Contains(strings.Join(last, "|"), "文本格式") {
		t.Fatalf("error workbook row 6 lacks the reason: %v", last)
	}
}

// Export → import gives the same ledger; one bad cell changes nothing.
func TestExportImportRoundTrip(t *testing.T) {
	e := testenv.New(t)
	e.User("dist", "district", testenv.Jurisdiction)
	c := e.Login("dist", testenv.Password)
	ctx := actor.With(context.Background(), actor.Actor{Role: "district", Scope: testenv.Jurisdiction})
	specs := []struct {
		name, cat, region, code string
		full                    int
	}{
		{"祁东县湘江商贸有限公司", "private_enterprise", "430426001", "9144030071526726XG", 3},
		{"老张修车铺", "individual_business", "430426002", "", 0},
		{"祁东县物流协会", "social_group", testenv.Hongqiao, "91350100M000100Y43", 1},
	}
	for _, s := range specs {
		in := org.Input{Name: &s.name, Category: &s.cat, RegionCode: &s.region, FullMembers: &s.full}
		if s.code != "" {
			in.USCC = &s.code
		}
		emp, reg, above, ind := 40, "2019-03-15", true, "F"
		in.Employees, in.RegisteredOn, in.AboveScale, in.Industry = &emp, &reg, &above, &ind
		if _, err := e.App.Orgs.Create(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	before, _, _ := e.App.Orgs.List(ctx, org.Filter{PageSize: 100})
	exp := c.Do("GET", "/api/v1/organizations/export", nil)
	if exp.Status != 200 {
		t.Fatalf("export %d", exp.Status)
	}
	// Into a fresh database: the same ledger.
	e2 := testenv.New(t)
	e2.User("dist", "district", testenv.Jurisdiction)
	c2 := e2.Login("dist", testenv.Password)
	if r := upload(t, e2, c2, "export.xlsx", exp.Body); r.Status != 200 {
		t.Fatalf("import into fresh db: %d %s", r.Status, r.Body)
	}
	after, _, _ := e2.App.Orgs.List(ctx, org.Filter{PageSize: 100})
	if len(after) != len(before) {
		t.Fatalf("%d organizations after round trip, want %d", len(after), len(before))
	}
	// Each organization the import created has its own audit entry (written in batches).
	var audited int
	if err := e2.App.DB.QueryRow(ctx, e2.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'organization_create' AND detail LIKE '%"after"%'`).Scan(&audited); err != nil || audited != len(before) {
		t.Fatalf("audit entries of the import: %d, want %d (%v)", audited, len(before), err)
	}
	key := func(o org.Organization) string {
		return strings.Join([]string{o.Name, o.USCC, o.Category, o.RegionCode, o.Industry, itoa(int64(o.Employees)), itoa(int64(o.FullMembers)),
			map[bool]string{true: "y", false: "n"}[o.AboveScale], *o.RegisteredOn}, "|")
	}
	want := map[string]bool{}
	for _, o := range before {
		want[key(o)] = true
	}
	for _, o := range after {
		if !want[key(o)] {
			t.Errorf("round trip changed %s", key(o))
		}
	}
	// Back into the first database: all unchanged.
	if r := upload(t, e, c, "same.xlsx", exp.Body); r.Status != 200 || r.Map(t)["unchanged"].(float64) != 3 {
		t.Fatalf("re-import: %d %s", r.Status, r.Body)
	}
	// One bad cell: nothing changes.
	f, err := excelize.OpenReader(bytes.NewReader(exp.Body))
	if err != nil {
		t.Fatal(err)
	}
	sh := f.GetSheetName(0)
	f.SetCellValue(sh, "G2", "12")   // a real change on row 2…
	f.SetCellValue(sh, "C3", "外星企业") // …and a bad category on row 3
	var buf bytes.Buffer
	f.WriteTo(&buf)
	r := upload(t, e, c, "bad.xlsx", buf.Bytes())
	if r.Status != 422 || !strings.Contains(string(r.Body), "单位类别") {
		t.Fatalf("bad file: %d %s", r.Status, r.Body)
	}
	now, _, _ := e.App.Orgs.List(ctx, org.Filter{PageSize: 100})
	for i := range now {
		if now[i].Employees != before[i].Employees {
			t.Fatalf("a rejected file changed %s", now[i].Name)
		}
	}
	// Not an xlsx at all.
	if r := upload(t, e, c, "x.xlsx", []byte("hello")); r.Status != 422 || !strings.Contains(string(r.Body), `"file"`) {
		t.Fatalf("not xlsx: %d %s", r.Status, r.Body)
	}
	// The template downloads.
	if r := c.Do("GET", "/api/v1/imports/organizations/template", nil); r.Status != 200 || !bytes.HasPrefix(r.Body, []byte("PK")) {
		t.Fatalf("template: %d", r.Status)
	}
	_ = io.EOF
	_ = http.StatusOK
}
