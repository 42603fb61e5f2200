package partyorg_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/partyorg"
	"liangxin/internal/xlsx"
)

// sheet writes a workbook with the template's header and the rows.
func sheet(t *testing.T, rows ...[]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range append([][]string{partyorg.ImportHeaders()}, rows...) {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Parents named by rows below are written first; re-importing the file
// changes nothing. A file with a bad cell reports its 上级党组织 errors
// beside it (every row is read before any parent is checked), and writes
// nothing.
func TestImportParentsBelowAndErrorsTogether(t *testing.T) {
	e, ctx, _ := setup(t)
	file := sheet(t,
		[]string{"测试党支部", "党支部", "区域组建", "测试党总支", "", "2024-03-01"},
		[]string{"测试党总支", "党总支", "区域组建", "测试党委", "", "2024-02-01"},
		[]string{"测试党委", "党委", "区域组建", "", "", "2024-01-01"},
	)
	imp := func(b []byte) (partyorg.ImportResult, []xlsx.CellError) {
		t.Helper()
		res, errs, err := e.App.Party.Import(ctx, bytes.NewReader(b), int64(len(b)), xlsx.Limits{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res, errs
	}
	if res, errs := imp(file); errs != nil || res != (partyorg.ImportResult{Rows: 3, Created: 3}) {
		t.Fatalf("first import: %+v %v", res, errs)
	}
	for name, parent := range map[string]string{"测试党支部": "测试党总支", "测试党总支": "测试党委"} {
		list, _, err := e.App.Party.List(ctx, partyorg.Filter{Q: name, PageSize: 10})
		if err != nil || len(list) != 1 || list[0].ParentName != parent {
			t.Fatalf("%s: %+v %v, want the parent %s", name, list, err, parent)
		}
	}
	if res, errs := imp(file); errs != nil || res != (partyorg.ImportResult{Rows: 3, Unchanged: 3}) {
		t.Fatalf("re-import: %+v %v", res, errs)
	}

	res, errs := imp(sheet(t,
		[]string{"新党支部甲", "党小队", "区域组建", "不存在的党委", "", "2024-03-01"},
		[]string{"新党支部乙", "党支部", "区域组建", "新党支部乙", "", "2024-03-01"},
		[]string{"新党支部丙", "党支部", "区域组建", "新党支部甲", "", "2024-03-01"},
	))
	want := []xlsx.CellError{
		{Row: 2, Column: partyorg.ColKind, Message: "组织类别应为党委、党总支、党支部或党小组"},
		{Row: 2, Column: partyorg.ColParent, Message: "上级党组织「不存在的党委」不存在或不在您的管辖范围内"},
		{Row: 3, Column: partyorg.ColParent, Message: "上级党组织不能是自己"},
	}
	if !reflect.DeepEqual(errs, want) || res != (partyorg.ImportResult{Rows: 3}) {
		t.Fatalf("rejected file: %+v %v, want %v", res, errs, want)
	}
	if list, _, err := e.App.Party.List(ctx, partyorg.Filter{Q: "新党支部", PageSize: 10}); err != nil || len(list) != 0 {
		t.Fatalf("a rejected file wrote %+v %v", list, err)
	}
}
