package xlsx_test

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/xlsx"
)

func fillColor(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Fill.Color) == 0 {
		return ""
	}
	return strings.ToUpper(st.Fill.Color[0])
}

func TestErrorWorkbookSample(t *testing.T) {
	data, err := os.ReadFile(sample(t, "ledger-code-as-number.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	cols := orgColumns()
	r, err := xlsx.OpenSheet(bytes.NewReader(data), int64(len(data)), cols, xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var errs []xlsx.CellError
	for r.Next() {
		row := r.Row()
		c := row.Get("统一社会信用代码")
		if _, err := xlsx.ParseCode(c.Raw, c.Numeric); err != nil {
			errs = append(errs, xlsx.CellError{Row: row.Number, Column: "统一社会信用代码", Message: err.Error()})
		}
	}
	r.Close()
	errs = append(errs,
		xlsx.CellError{Row: 4, Column: "所属社区（村）", Message: "不能为空"},
		xlsx.CellError{Row: 3, Message: "与第 7 行重复"},
		xlsx.CellError{Row: 6, Column: "成立日期", Message: "早于登记日期"},
		xlsx.CellError{Row: 8, Column: "单位名称", Message: "empty row: dropped"},
	)

	var out bytes.Buffer
	if err := xlsx.ErrorWorkbook(bytes.NewReader(data), int64(len(data)), cols, xlsx.Limits{}, errs, &out); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	if sheet != "ledger-code-as-number" {
		t.Errorf("sheet name %q", sheet)
	}
	get := func(ref string) string {
		v, err := f.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := get("A1"); v != "祁东县两新组织基本情况统计表（样例）" {
		t.Errorf("A1 = %q", v)
	}
	if get("B2") != "单位名称" || get("M2") != "备注" || get("N2") != xlsx.NoteHeader {
		t.Errorf("header B2 %q M2 %q N2 %q", get("B2"), get("M2"), get("N2"))
	}
	// Rows keep their numbers, values and types.
	if v := get("B6"); v != " 样例民营企业03 " {
		t.Errorf("B6 = %q", v)
	}
	if v := get("C3"); v != "52430426622300403J" {
		t.Errorf("C3 = %q", v)
	}
	if v := get("L5"); v != "2015-12-02" {
		t.Errorf("L5 = %q (a date cell)", v)
	}
	for _, ref := range []string{"A8", "B8", "N8"} {
		if v := get(ref); v != "" {
			t.Errorf("%s = %q, want empty (row 8 is empty)", ref, v)
		}
	}
	// Bad cells are red, good ones are not.
	for _, ref := range []string{"C5", "C6", "C9", "F4", "L6"} {
		if c := fillColor(t, f, sheet, ref); c != "FFC7CE" {
			t.Errorf("%s fill %q, want FFC7CE", ref, c)
		}
	}
	for _, ref := range []string{"C3", "C4", "B6", "F3"} {
		if c := fillColor(t, f, sheet, ref); c != "" {
			t.Errorf("%s fill %q, want none", ref, c)
		}
	}
	n6 := get("N6")
	for _, want := range []string{"统一社会信用代码：该单元格为数字格式", "文本格式", "成立日期：早于登记日期", "；"} {
		if !strings.Contains(n6, want) {
			t.Errorf("N6 = %q lacks %q", n6, want)
		}
	}
	if v := get("N3"); v != "与第 7 行重复" {
		t.Errorf("N3 = %q", v)
	}
	if v := get("N4"); v != "所属社区（村）：不能为空" {
		t.Errorf("N4 = %q", v)
	}
	if v := get("N7"); v != "" {
		t.Errorf("N7 = %q", v)
	}

	// The copy reads back the same, and the broken codes are still caught.
	r, err = xlsx.OpenSheet(bytes.NewReader(out.Bytes()), int64(out.Len()), cols, xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows := readAll(t, r)
	if len(rows) != 8 || rows[0].Number != 3 || rows[7].Number != 11 {
		t.Fatalf("re-read %d rows", len(rows))
	}
	var flagged []int
	for _, row := range rows {
		c := row.Get("统一社会信用代码")
		if _, err := xlsx.ParseCode(c.Raw, c.Numeric); errors.Is(err, xlsx.ErrCodeAsNumber) {
			flagged = append(flagged, row.Number)
		}
	}
	if len(flagged) != 3 || flagged[1] != 6 {
		t.Errorf("flagged on re-read: %v", flagged)
	}
	assertDate(t, rows[2], day(2015, 12, 2))
}

// Tens of thousands of rows go through in bounded time.
func TestErrorWorkbookLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large workbook")
	}
	const n = 30000
	w, err := xlsx.NewWriter("台账", orgHeaders, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if err := w.Row("单位"+strconv.Itoa(i), "9144030071526726XG", "民营企业", "洪桥街道", "", "C", i%500, 1, 0, "否", "2020-01-02"); err != nil {
			t.Fatal(err)
		}
	}
	var in bytes.Buffer
	if err := w.Finish(&in); err != nil {
		t.Fatal(err)
	}
	var errs []xlsx.CellError
	for row := 2; row <= n+1; row += 7 {
		errs = append(errs, xlsx.CellError{Row: row, Column: "从业人员数", Message: "应为整数"})
	}
	start := time.Now()
	var out bytes.Buffer
	if err := xlsx.ErrorWorkbook(bytes.NewReader(in.Bytes()), int64(in.Len()), orgColumns(), xlsx.Limits{}, errs, &out); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rows, %d errors: %v, %d KB in, %d KB out", n, len(errs), time.Since(start), in.Len()>>10, out.Len()>>10)
	r, err := xlsx.OpenSheet(bytes.NewReader(out.Bytes()), int64(out.Len()), append(orgColumns(), xlsx.Column{Name: xlsx.NoteHeader, Optional: true}), xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	count, notes := 0, 0
	for r.Next() {
		count++
		if !r.Row().Get(xlsx.NoteHeader).Blank() {
			notes++
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if count != n || notes != len(errs) {
		t.Errorf("read back %d rows with %d notes, want %d and %d", count, notes, n, len(errs))
	}
}

// Cells right of the header are kept, after the note column.
func TestErrorWorkbookStrayCells(t *testing.T) {
	in := build(t, func(f *excelize.File, s string) {
		must(t, f.SetSheetRow(s, "A1", &[]any{"单位名称", "从业人员数"}))
		must(t, f.SetSheetRow(s, "A2", &[]any{"甲", "三十", nil, "旁注"}))
		must(t, f.SetSheetRow(s, "A3", &[]any{"=乙", 12}))
	})
	var out bytes.Buffer
	errs := []xlsx.CellError{{Row: 2, Column: "从业人员数", Message: "应为整数"}}
	if err := xlsx.ErrorWorkbook(bytes.NewReader(in), int64(len(in)), xlsx.Required("单位名称", "从业人员数"), xlsx.Limits{}, errs, &out); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]string{"C1": xlsx.NoteHeader, "C2": "从业人员数：应为整数", "E2": "旁注", "B2": "三十", "A3": "'=乙", "B3": "12", "C3": ""}
	for ref, w := range want {
		if v, _ := f.GetCellValue("Sheet1", ref); v != w {
			t.Errorf("%s = %q, want %q", ref, v, w)
		}
	}
	if typ, _ := f.GetCellType("Sheet1", "B3"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("B3 type %v, want a number", typ)
	}
}
