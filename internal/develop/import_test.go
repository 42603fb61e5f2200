package develop_test

import (
	"bytes"
	"strings"
	"testing"

	"liangxin/internal/develop"
	"liangxin/internal/store"
	"liangxin/internal/xlsx"

	"github.com/xuri/excelize/v2"
)

func workbook(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for r, row := range append([][]any{{"身份证号", "姓名", "党组织名称", "步骤", "日期", "相关人员", "培训天数"}}, rows...) {
		for i, v := range row {
			c, _ := excelize.CoordinatesToCellName(i+1, r+1)
			_ = f.SetCellValue("Sheet1", c, v)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportDevelopmentRecords(t *testing.T) {
	w := newWorld(t)
	po, _ := w.e.App.Party.Get(w.ctx, w.po)
	a, b := idNumber("19960303", 401), idNumber("19970404", 403)
	rows := [][]any{
		{a, "赵一", po.Name, "1", "2023-01-10", "", ""},
		{a, "", "", "②", "2023.2.1", "", ""},
		{a, "", "", "推荐和确定入党积极分子", "2023年4月1日", "", ""},
		{b, "钱二", po.Name, "第1步", "2023-03-01", "", ""},
		{a, "", "", "4", "2023-04-10", "", ""},
		{a, "", "", "5", "2023-04-15", "张明、李华", ""},
	}
	imp := func(b []byte) (develop.ImportResult, []xlsx.CellError) {
		t.Helper()
		res, errs, err := w.e.App.Develop.Import(w.ctx, bytes.NewReader(b), int64(len(b)), xlsx.Limits{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res, errs
	}
	res, errs := imp(workbook(t, rows...))
	if len(errs) != 0 || res.Created != 6 {
		t.Fatalf("good file: %+v %v", res, errs)
	}
	list, total, _ := w.e.App.Develop.List(w.ctx, develop.Filter{})
	if total != store.Exact(2) {
		t.Fatalf("people: %v", total)
	}
	for _, p := range list {
		if p.Name == "赵一" && (p.Stage != develop.StageActivist || p.LastStep != 5) {
			t.Fatalf("赵一: stage %s, last step %d", p.Stage, p.LastStep)
		}
	}
	if res, errs = imp(workbook(t, rows...)); len(errs) != 0 || res.Created != 0 || res.Unchanged != 6 {
		t.Fatalf("re-import: %+v %v", res, errs)
	}
	// A file whose rows break the rules changes nothing and names each bad cell.
	bad := [][]any{
		{b, "", "", "2", "2023-03-20", "", ""},                         // fine on its own
		{b, "", "", "7", "2023-04-01", "", ""},                         // the steps before it not recorded
		{idNumber("19980505", 405), "", "", "2", "2023-05-01", "", ""}, // unknown person
		{a, "", "", "6", "2023-10-01", "", ""},
		{a, "", "", "7", "2024-03-31", "", ""}, // a day short of the activist year
	}
	res, errs = imp(workbook(t, bad...))
	if res.Created != 0 || len(errs) != 3 {
		t.Fatalf("bad file: %+v %v", res, errs)
	}
	want := map[int]string{3: "须先记录第6步", 4: "发展名册中没有此人", 6: "1年以上"}
	for _, e := range errs {
		if !strings.Contains(e.Message, want[e.Row]) {
			t.Errorf("row %d %s: %q, want %q", e.Row, e.Column, e.Message, want[e.Row])
		}
	}
	p, _ := w.e.App.Develop.Get(w.ctx, list[0].ID)
	for _, q := range list {
		if q.Name == "钱二" {
			p, _ = w.e.App.Develop.Get(w.ctx, q.ID)
		}
	}
	if len(p.Steps) != 1 {
		t.Fatalf("a rejected file recorded steps: %d", len(p.Steps))
	}
}
