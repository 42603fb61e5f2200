package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/actor"
	"liangxin/internal/member"
	"liangxin/internal/org"
	"liangxin/internal/partyorg"
	"liangxin/internal/pdata"
	"liangxin/internal/testenv"
)

// The roster template, filled in and uploaded, imports; a bad cell answers
// 422 with the cell named and an error workbook.
func TestMemberImportThroughTheTemplate(t *testing.T) {
	e := testenv.New(t)
	sys := actor.System(context.Background(), "fixture")
	name, cat, region, full := "洪桥五金店", "individual_business", testenv.Hongqiao, 3
	o, err := e.App.Orgs.Create(sys, org.Input{Name: &name, Category: &cat, RegionCode: &region, FullMembers: &full})
	if err != nil {
		t.Fatal(err)
	}
	po, err := e.App.Party.Create(sys, partyorg.Input{Name: "洪桥五金店支部", Kind: "branch", Formation: "single", EstablishedOn: "2025-01-01", Covers: []int64{o.ID}})
	if err != nil {
		t.Fatal(err)
	}
	e.User("street", "street", testenv.Hongqiao)
	c := e.Login("street", testenv.Password)

	tr := c.Do("GET", "/api/v1/imports/members/template", nil)
	if tr.Status != 200 || !strings.Contains(tr.Header.Get("Content-Disposition"), "filename*=UTF-8''%E5%85%9A%E5%91%98%E8%8A%B1%E5%90%8D%E5%86%8C%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx") {
		t.Fatalf("template: %d %v", tr.Status, tr.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader(tr.Body))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	rows, _ := f.GetRows(sheet)
	if len(rows) != 1 || strings.Join(rows[0], ",") != strings.Join(member.ImportHeaders(), ",") {
		t.Fatalf("template header: %v", rows)
	}
	// 1,500 rows: more than one batch and more than one progress report.
	const n = 1500
	for i := 0; i < n; i++ {
		first := fmt.Sprintf("4304261990%02d%02d%03d", i%12+1, i/1000+1, i%1000)
		idn := first + string(pdata.CheckChar(first))
		_ = f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+2), &[]any{fmt.Sprintf("党员%d", i), "", "汉族", "", idn, fmt.Sprintf("139%08d", i), "本科", "正式", po.Name, name, "2015-07-01", "2016-07-01", ""})
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	send := func(session string, data []byte) testenv.Response {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "党员花名册.xlsx")
		fw.Write(data)
		mw.Close()
		return c.Raw("POST", "/api/v1/imports/members?session="+session, mw.FormDataContentType(), body.Bytes())
	}
	r := send("members-1", good)
	if m := r.Map(t); r.Status != 200 || m["status"] != "succeeded" || m["created"].(float64) != n {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	if r := send("members-2", good); r.Status != 200 || r.Map(t)["unchanged"].(float64) != n || r.Map(t)["created"].(float64) != 0 {
		t.Fatalf("re-import: %d %s", r.Status, r.Body)
	}
	// One wrong check character: nothing written, the cell named.
	e2, _ := f.GetCellValue(sheet, "E2")
	_ = f.SetCellValue(sheet, "E2", e2[:17]+string("0123456789X"[(strings.IndexByte("0123456789X", e2[17])+1)%11]))
	_ = f.SetCellValue(sheet, "A3000", "新党员")
	_ = f.SetCellValue(sheet, "E3000", "43042619991231001"+string(pdata.CheckChar("43042619991231001")))
	_ = f.SetCellValue(sheet, "H3000", "预备")
	_ = f.SetCellValue(sheet, "I3000", po.Name)
	buf.Reset()
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	r = send("members-3", buf.Bytes())
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
	if r.Status != 422 || body.Error.Code != "import_invalid" || len(body.Error.Errors) != 1 {
		t.Fatalf("bad file: %d %s", r.Status, r.Body)
	}
	if got := body.Error.Errors[0]; got.Row != 2 || got.Column != "身份证号" || !strings.Contains(got.Message, "校验位") {
		t.Fatalf("error: %+v", got)
	}
	var count int
	if err := e.App.DB.QueryRow(context.Background(), e.App.DB, "SELECT COUNT(*) FROM members").Scan(&count); err != nil || count != n {
		t.Fatalf("members after a rejected file: %d %v", count, err)
	}
	rep := c.Do("GET", body.Error.ReportURL, nil)
	if rep.Status != 200 {
		t.Fatalf("report: %d", rep.Status)
	}
	rf, err := excelize.OpenReader(bytes.NewReader(rep.Body))
	if err != nil {
		t.Fatal(err)
	}
	rrows, _ := rf.GetRows(rf.GetSheetName(0))
	if !strings.Contains(strings.Join(rrows[1], "|"), "校验位") {
		t.Fatalf("error workbook row 2 lacks the reason: %v", rrows[1])
	}
}
