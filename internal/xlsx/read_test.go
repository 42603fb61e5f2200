package xlsx_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/racetest"
	"liangxin/internal/uscc"
	"liangxin/internal/xlsx"
)

// orgHeaders are the headers of the product's organization template.
var orgHeaders = []string{"单位名称", "统一社会信用代码", "单位类别", "所属街道（乡镇）", "所属社区（村）", "行业门类",
	"从业人员数", "正式党员数", "预备党员数", "是否规模以上", "成立日期"}

func orgColumns() []xlsx.Column {
	cols := xlsx.Required(orgHeaders...)
	cols[4].Optional = true // 所属社区（村）
	return cols
}

// sample returns the path of a shared sample ledger, skipping the test when
// the samples are not checked out next to the repository.
func sample(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "samples", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("sample ledger %s not available (%v); it lives in /work/shared/samples", p, err)
	}
	return p
}

func readAll(t testing.TB, r *xlsx.Reader) []xlsx.Row {
	t.Helper()
	var rows []xlsx.Row
	for r.Next() {
		rows = append(rows, r.Row())
	}
	if err := r.Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
	return rows
}

func TestSampleLibreOffice(t *testing.T) {
	r, err := xlsx.OpenSheetFile(sample(t, "ledger-libreoffice.xlsx"), orgColumns(), xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sh := r.Sheet()
	if sh.HeaderRow != 2 {
		t.Errorf("HeaderRow = %d, want 2 (row 1 is the title)", sh.HeaderRow)
	}
	if sh.Columns["统一社会信用代码"] != "C" || sh.Columns["成立日期"] != "L" || sh.Columns["所属社区（村）"] != "F" {
		t.Errorf("Columns = %v", sh.Columns)
	}
	if len(sh.Header) != 13 || sh.Header[0] != "序号" || sh.Header[12] != "备注" {
		t.Errorf("Header = %q", sh.Header)
	}
	rows := readAll(t, r)
	if len(rows) != 30 {
		t.Fatalf("got %d data rows, want 30", len(rows))
	}
	// Rows 3–18 and 20–33: row 19 is the empty middle row.
	for i, row := range rows {
		want := i + 3
		if i >= 16 {
			want++
		}
		if row.Number != want {
			t.Errorf("row %d has Number %d, want %d", i, row.Number, want)
		}
	}

	byNum := map[int]xlsx.Row{}
	for _, row := range rows {
		byNum[row.Number] = row
		// Every row parses cleanly.
		code, err := xlsx.ParseCode(row.Get("统一社会信用代码").Raw, row.Get("统一社会信用代码").Numeric)
		if err != nil {
			t.Errorf("row %d code: %v", row.Number, err)
		} else if err := uscc.Validate(code); err != nil {
			t.Errorf("row %d code %q: %v", row.Number, code, err)
		}
		for _, col := range []string{"从业人员数", "正式党员数", "预备党员数"} {
			if _, err := xlsx.ParseInt(row.Get(col).Raw); err != nil {
				t.Errorf("row %d %s %q: %v", row.Number, col, row.Get(col).Raw, err)
			}
		}
		if _, err := xlsx.ParseBool(row.Get("是否规模以上").Raw); err != nil {
			t.Errorf("row %d 是否规模以上: %v", row.Number, err)
		}
		d := row.Get("成立日期")
		if _, monthOnly, err := xlsx.ParseDate(d.Raw, d.Numeric); err != nil || monthOnly {
			t.Errorf("row %d 成立日期 %q: %v (monthOnly %v)", row.Number, d.Raw, err, monthOnly)
		}
		if c, ok := row.Cells["所属社区（村）"]; !ok || !c.Blank() || c.Ref != "F"+itoa(row.Number) {
			t.Errorf("row %d 所属社区（村） = %+v, %v", row.Number, c, ok)
		}
		if name := row.Get("单位名称").Text(); !strings.HasPrefix(name, "样例") || strings.Contains(name, " ") {
			t.Errorf("row %d 单位名称 = %q", row.Number, name)
		}
		if _, ok := row.Cells["序号"]; ok {
			t.Error("unknown column 序号 mapped")
		}
	}

	// Row 3: name split into rich-text runs with spaces around it, a text
	// date "2018.2.18", 是, numbers stored as numbers.
	r3 := byNum[3]
	if got := r3.Get("单位名称").Raw; got != " 样例社会团体00 " {
		t.Errorf("B3 raw = %q", got)
	}
	if got := r3.Get("单位名称").Text(); got != "样例社会团体00" {
		t.Errorf("B3 text = %q", got)
	}
	assertCode(t, r3, "51430426294364837L", "C3")
	assertInt(t, r3, "从业人员数", 512)
	assertDate(t, r3, day(2018, 2, 18))
	assertBool(t, r3, true)
	if got := r3.Get("所属街道（乡镇）").Text(); got != "金桥镇" {
		t.Errorf("E3 = %q", got)
	}
	if got := r3.Get("单位类别").Text(); got != "社会团体" {
		t.Errorf("D3 = %q", got)
	}
	if got := r3.Get("行业门类").Text(); got != "K" {
		t.Errorf("G3 = %q", got)
	}

	// Row 4: full-width digits "４７９" as text, "2018年1月19日" in rich-text runs, 否.
	r4 := byNum[4]
	if c := r4.Get("从业人员数"); c.Raw != "４７９" || c.Numeric {
		t.Errorf("H4 = %+v", c)
	}
	assertInt(t, r4, "从业人员数", 479)
	assertDate(t, r4, day(2018, 1, 19))
	assertBool(t, r4, false)

	// Row 5: a real date cell (serial 41381, format yyyy-mm-dd) and an
	// all-digit code kept as text by the "@" format.
	r5 := byNum[5]
	if c := r5.Get("成立日期"); !c.Numeric || !c.Date || c.Raw != "41381" || c.Ref != "L5" {
		t.Errorf("L5 = %+v", c)
	}
	assertDate(t, r5, day(2013, 4, 17))
	if c := r5.Get("统一社会信用代码"); c.Numeric {
		t.Errorf("C5 = %+v, want text", c)
	}
	assertCode(t, r5, "924304265665936346", "C5")
	assertInt(t, r5, "从业人员数", 232)

	// First row after the empty row 19, and the last row.
	assertCode(t, byNum[20], "91430426378046342W", "C20")
	assertDate(t, byNum[20], day(2015, 8, 21))
	assertDate(t, byNum[21], day(2021, 10, 19))
	r33 := byNum[33]
	assertCode(t, r33, "91430426851579970Y", "C33")
	assertInt(t, r33, "从业人员数", 282)
	assertDate(t, r33, day(2020, 8, 23))
	if got := r33.Get("所属街道（乡镇）").Text(); got != "归阳镇" {
		t.Errorf("E33 = %q", got)
	}
}

// A date cell read by excelize with its number format applied yields text;
// ParseDate must agree with the raw serial.
func TestSampleFormattedDates(t *testing.T) {
	f, err := excelize.OpenFile(sample(t, "ledger-libreoffice.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	n := 0
	for row := 3; row <= 33; row++ {
		ref := "L" + itoa(row)
		raw, _ := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		typ, _ := f.GetCellType(sheet, ref)
		if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			continue
		}
		if raw == "" {
			continue
		}
		formatted, _ := f.GetCellValue(sheet, ref)
		want, _, err1 := xlsx.ParseDate(raw, true)
		got, _, err2 := xlsx.ParseDate(formatted, false)
		if err1 != nil || err2 != nil || !got.Equal(want) {
			t.Errorf("%s: raw %q → %v %v; formatted %q → %v %v", ref, raw, want, err1, formatted, got, err2)
		}
		n++
	}
	if n != 13 {
		t.Errorf("%d date cells checked, want 13", n)
	}
}

func TestSampleCodeAsNumber(t *testing.T) {
	r, err := xlsx.OpenSheetFile(sample(t, "ledger-code-as-number.xlsx"), orgColumns(), xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows := readAll(t, r)
	if len(rows) != 8 {
		t.Fatalf("got %d rows, want 8", len(rows))
	}
	var errs []xlsx.CellError
	for _, row := range rows {
		c := row.Get("统一社会信用代码")
		code, err := xlsx.ParseCode(c.Raw, c.Numeric)
		if err != nil {
			errs = append(errs, xlsx.CellError{Row: row.Number, Column: "统一社会信用代码", Message: err.Error()})
			if !errors.Is(err, xlsx.ErrCodeAsNumber) || !c.Numeric || c.Ref != "C"+itoa(row.Number) {
				t.Errorf("row %d: %+v %v", row.Number, c, err)
			}
			continue
		}
		if err := uscc.Validate(code); err != nil {
			t.Errorf("row %d: %q %v", row.Number, code, err)
		}
	}
	var row6 *xlsx.CellError
	var flagged []int
	for i, e := range errs {
		flagged = append(flagged, e.Row)
		if e.Row == 6 {
			row6 = &errs[i]
		}
	}
	if row6 == nil {
		t.Fatalf("sheet row 6 (序号 4) not flagged; flagged rows %v", flagged)
	}
	msg := row6.Error()
	for _, want := range []string{"第 6 行", "统一社会信用代码", "数字格式", "文本格式"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	// The README names only row 6, but 序号 3 (row 5) and 序号 6 (row 9)
	// were typed into number cells as well.
	if got := fmt.Sprint(flagged); got != "[5 6 9]" {
		t.Errorf("flagged rows %v, want 5, 6 and 9", flagged)
	}
}

func assertCode(t *testing.T, row xlsx.Row, want, ref string) {
	t.Helper()
	c := row.Get("统一社会信用代码")
	got, err := xlsx.ParseCode(c.Raw, c.Numeric)
	if err != nil || got != want || c.Ref != ref {
		t.Errorf("row %d code = %q (%s), %v; want %q (%s)", row.Number, got, c.Ref, err, want, ref)
	}
}

func assertInt(t *testing.T, row xlsx.Row, col string, want int) {
	t.Helper()
	got, err := xlsx.ParseInt(row.Get(col).Raw)
	if err != nil || got != want {
		t.Errorf("row %d %s = %d, %v; want %d", row.Number, col, got, err, want)
	}
}

func assertDate(t *testing.T, row xlsx.Row, want time.Time) {
	t.Helper()
	c := row.Get("成立日期")
	got, _, err := xlsx.ParseDate(c.Raw, c.Numeric)
	if err != nil || !got.Equal(want) {
		t.Errorf("row %d 成立日期 %q = %s, %v; want %s", row.Number, c.Raw, got.Format(time.DateOnly), err, want.Format(time.DateOnly))
	}
}

func assertBool(t *testing.T, row xlsx.Row, want bool) {
	t.Helper()
	got, err := xlsx.ParseBool(row.Get("是否规模以上").Raw)
	if err != nil || got != want {
		t.Errorf("row %d 是否规模以上 = %v, %v; want %v", row.Number, got, err, want)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// ---- synthetic workbooks ----

// build makes a workbook with excelize; fill gets the first sheet's name.
func build(t testing.TB, fill func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	fill(f, "Sheet1")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(t testing.TB, b []byte, cols []xlsx.Column, l xlsx.Limits) (*xlsx.Reader, error) {
	t.Helper()
	return xlsx.OpenSheet(bytes.NewReader(b), int64(len(b)), cols, l)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestMessyLayout(t *testing.T) {
	b := build(t, func(f *excelize.File, s string) {
		text, _ := f.NewStyle(&excelize.Style{NumFmt: 49})
		date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		must(t, f.SetCellStr(s, "A1", "祁东县两新组织台账"))
		must(t, f.MergeCell(s, "A1", "H1"))
		must(t, f.SetCellStr(s, "A2", "填报单位：洪桥街道"))
		// Header on row 3, shuffled, half-width brackets, stray spaces, a
		// required-field star, unknown columns.
		must(t, f.SetSheetRow(s, "A3", &[]any{"序号", " 成立 日期 ", "*单位名称", "备注", "统一社会信用代码", "所属街道(乡镇)", "是否规模以上", "从业人员数"}))
		must(t, f.SetSheetRow(s, "A4", &[]any{1, nil, "洪桥 第一 公司", "", "9144030071526726XG", "洪桥街道", "√", "１，２００"}))
		must(t, f.SetCellValue(s, "B4", time.Date(2022, 3, 15, 0, 0, 0, 0, time.UTC)))
		must(t, f.SetCellStyle(s, "B4", "B4", date))
		// Row 5: only 序号 and 备注 filled, as in a pre-numbered template.
		must(t, f.SetSheetRow(s, "A5", &[]any{2, nil, nil, "待补"}))
		// Row 6: whitespace only.
		must(t, f.SetSheetRow(s, "A6", &[]any{nil, " ", "\u3000"}))
		// Row 8: the code as a number.
		must(t, f.SetSheetRow(s, "A8", &[]any{3, "2022年3月", "第二家", nil, 914304262667915000.0, "玉合街道", "否", 35}))
		// Row 9: the code as text that only has digits.
		must(t, f.SetSheetRow(s, "A9", &[]any{4, "2022.3.15", "第三家", nil, "914304262539112083", "白鹤街道", "是", "35"}))
		must(t, f.SetCellStyle(s, "E9", "E9", text))
		// Styled but empty rows at the end.
		must(t, f.SetCellStyle(s, "A10", "H40", text))
	})
	cols := []xlsx.Column{
		{Name: "单位名称"}, {Name: "统一社会信用代码"}, {Name: "所属街道（乡镇）"},
		{Name: "从业人员数"}, {Name: "是否规模以上"}, {Name: "成立日期"},
		{Name: "所属社区（村）", Optional: true},
	}
	r, err := open(t, b, cols, xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if sh := r.Sheet(); sh.HeaderRow != 3 || sh.Columns["单位名称"] != "C" || sh.Columns["成立日期"] != "B" || len(sh.Columns) != 6 {
		t.Errorf("Sheet = %+v", sh)
	}
	rows := readAll(t, r)
	if len(rows) != 3 || rows[0].Number != 4 || rows[1].Number != 8 || rows[2].Number != 9 {
		t.Fatalf("rows %v", rows)
	}
	if _, ok := rows[0].Cells["所属社区（村）"]; ok {
		t.Error("absent optional column present in Cells")
	}
	if got := rows[0].Get("单位名称").Text(); got != "洪桥 第一 公司" {
		t.Errorf("name = %q", got)
	}
	assertDate(t, rows[0], day(2022, 3, 15))
	if c := rows[0].Get("成立日期"); !c.Date || !c.Numeric {
		t.Errorf("B4 = %+v", c)
	}
	if n, err := xlsx.ParseInt(rows[0].Get("从业人员数").Raw); n != 1200 || err != nil {
		t.Errorf("H4 = %d, %v", n, err)
	}
	if v, err := xlsx.ParseBool(rows[0].Get("是否规模以上").Raw); !v || err != nil {
		t.Errorf("G4 = %v, %v", v, err)
	}
	c8 := rows[1].Get("统一社会信用代码")
	if _, err := xlsx.ParseCode(c8.Raw, c8.Numeric); !errors.Is(err, xlsx.ErrCodeAsNumber) || c8.Ref != "E8" {
		t.Errorf("E8 = %+v: %v", c8, err)
	}
	if d, monthOnly, err := xlsx.ParseDate(rows[1].Get("成立日期").Raw, false); err != nil || !monthOnly || !d.Equal(day(2022, 3, 1)) {
		t.Errorf("B8 = %v %v %v", d, monthOnly, err)
	}
	if n, err := xlsx.ParseInt(rows[1].Get("从业人员数").Raw); n != 35 || err != nil || !rows[1].Get("从业人员数").Numeric {
		t.Errorf("H8 = %d, %v", n, err)
	}
	assertCode(t, rows[2], "914304262539112083", "E9")
	if rows[2].Get("统一社会信用代码").Numeric || rows[2].Get("从业人员数").Numeric {
		t.Error("text cells reported numeric")
	}
}

func TestSheetChoice(t *testing.T) {
	// An instructions sheet first, the data on the second sheet.
	b := build(t, func(f *excelize.File, s string) {
		must(t, f.SetCellStr(s, "A1", "填表说明：单位名称、统一社会信用代码必填"))
		_, err := f.NewSheet("台账")
		must(t, err)
		must(t, f.SetSheetRow("台账", "A1", &[]any{"单位名称", "统一社会信用代码"}))
		must(t, f.SetSheetRow("台账", "A2", &[]any{"甲", "9144030071526726XG"}))
	})
	r, err := open(t, b, xlsx.Required("单位名称", "统一社会信用代码"), xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Sheet().Name != "台账" || r.Sheet().HeaderRow != 1 {
		t.Errorf("Sheet = %+v", r.Sheet())
	}
	if rows := readAll(t, r); len(rows) != 1 || rows[0].Get("单位名称").Raw != "甲" {
		t.Errorf("rows = %v", rows)
	}
}

func TestHeaderErrors(t *testing.T) {
	cols := xlsx.Required("单位名称", "统一社会信用代码", "成立日期")
	cases := []struct {
		name string
		fill func(f *excelize.File, s string)
		want []string
	}{
		{"missing column", func(f *excelize.File, s string) {
			must(t, f.SetSheetRow(s, "A2", &[]any{"单位名称", "统一社会信用代码", "备注"}))
		}, []string{"表头缺少以下列：成立日期", "第 2 行"}},
		{"no header at all", func(f *excelize.File, s string) {
			must(t, f.SetSheetRow(s, "A1", &[]any{"姓名", "性别"}))
		}, []string{"前 10 行中没有找到表头", "单位名称、统一社会信用代码、成立日期"}},
		{"header below row 10", func(f *excelize.File, s string) {
			must(t, f.SetSheetRow(s, "A11", &[]any{"单位名称", "统一社会信用代码", "成立日期"}))
		}, []string{"前 10 行中没有找到表头"}},
		{"duplicate column", func(f *excelize.File, s string) {
			must(t, f.SetSheetRow(s, "A1", &[]any{"单位名称", "统一社会信用代码", "成立日期", "单位名称"}))
		}, []string{"「单位名称」出现了不止一次（A 列和 D 列）"}},
		{"empty workbook", func(f *excelize.File, s string) {}, []string{"没有找到表头"}},
	}
	for _, c := range cases {
		_, err := open(t, build(t, c.fill), cols, xlsx.Limits{})
		if !errors.Is(err, xlsx.ErrHeaderNotFound) {
			t.Errorf("%s: err = %v", c.name, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q lacks %q", c.name, err, w)
			}
		}
	}
}

func TestAliases(t *testing.T) {
	b := build(t, func(f *excelize.File, s string) {
		must(t, f.SetSheetRow(s, "A1", &[]any{"组织名称", "统一社会信用代码"}))
		must(t, f.SetSheetRow(s, "A2", &[]any{"乙", "91350100M000100Y43"}))
	})
	r, err := open(t, b, []xlsx.Column{{Name: "单位名称", Aliases: []string{"组织名称"}}, {Name: "统一社会信用代码"}}, xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows := readAll(t, r)
	if len(rows) != 1 || rows[0].Get("单位名称").Raw != "乙" {
		t.Errorf("rows = %v", rows)
	}
}

func TestMaxRows(t *testing.T) {
	b := build(t, func(f *excelize.File, s string) {
		must(t, f.SetSheetRow(s, "A1", &[]any{"单位名称"}))
		for i := 2; i <= 12; i++ {
			must(t, f.SetSheetRow(s, "A"+itoa(i), &[]any{"单位" + itoa(i)}))
		}
	})
	r, err := open(t, b, xlsx.Required("单位名称"), xlsx.Limits{MaxRows: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for r.Next() {
		n++
	}
	if n != 10 || !errors.Is(r.Err(), xlsx.ErrTooManyRows) || !strings.Contains(r.Err().Error(), "10 行") {
		t.Errorf("n = %d, err = %v", n, r.Err())
	}
}

func TestDate1904(t *testing.T) {
	b := build(t, func(f *excelize.File, s string) {
		yes := true
		must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
		date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		must(t, f.SetSheetRow(s, "A1", &[]any{"成立日期"}))
		must(t, f.SetCellFloat(s, "A2", 44635-1462, -1, 64)) // 2022-03-15 in the 1904 system
		must(t, f.SetCellStyle(s, "A2", "A2", date))
	})
	r, err := open(t, b, xlsx.Required("成立日期"), xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows := readAll(t, r)
	if !r.Sheet().Date1904 || len(rows) != 1 {
		t.Fatalf("Date1904 = %v, rows %v", r.Sheet().Date1904, rows)
	}
	assertDate(t, rows[0], day(2022, 3, 15))
}

func TestCellKinds(t *testing.T) {
	b := build(t, func(f *excelize.File, s string) {
		must(t, f.SetSheetRow(s, "A1", &[]any{"文本", "数字", "布尔", "公式"}))
		must(t, f.SetCellStr(s, "A2", "35"))
		must(t, f.SetCellInt(s, "B2", 35))
		must(t, f.SetCellBool(s, "C2", true))
		must(t, f.SetCellFormula(s, "D2", "B2*2"))
	})
	r, err := open(t, b, xlsx.Required("文本", "数字", "布尔", "公式"), xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows := readAll(t, r)
	if len(rows) != 1 {
		t.Fatalf("rows = %v", rows)
	}
	row := rows[0]
	if c := row.Get("文本"); c.Numeric || c.Raw != "35" {
		t.Errorf("text = %+v", c)
	}
	if c := row.Get("数字"); !c.Numeric || c.Date || c.Raw != "35" {
		t.Errorf("number = %+v", c)
	}
	if c := row.Get("布尔"); c.Numeric {
		t.Errorf("bool = %+v", c)
	} else if v, err := xlsx.ParseBool(c.Raw); !v || err != nil {
		t.Errorf("bool %q = %v, %v", c.Raw, v, err)
	}
	if c := row.Get("公式"); !c.Blank() || c.Ref != "D2" {
		t.Errorf("formula = %+v", c) // excelize caches no value
	}
}

// ---- file checks ----

func zipOf(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, data := range files {
		fw, err := w.Create(name)
		must(t, err)
		_, err = fw.Write(data)
		must(t, err)
	}
	must(t, w.Close())
	return buf.Bytes()
}

func TestFileChecks(t *testing.T) {
	good := build(t, func(f *excelize.File, s string) {
		must(t, f.SetSheetRow(s, "A1", &[]any{"单位名称"}))
		must(t, f.SetSheetRow(s, "A2", &[]any{"甲"}))
	})
	cols := xlsx.Required("单位名称")
	cases := []struct {
		name   string
		data   []byte
		limits xlsx.Limits
		kind   error
		msg    string
	}{
		{"empty", nil, xlsx.Limits{}, xlsx.ErrNotXLSX, "文件为空"},
		{"csv", []byte("单位名称,统一社会信用代码\n甲,9144030071526726XG\n"), xlsx.Limits{}, xlsx.ErrNotXLSX, "不是 .xlsx 格式"},
		{"xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), xlsx.Limits{}, xlsx.ErrNotXLSX, ".xls"},
		{"truncated zip", good[:len(good)/2], xlsx.Limits{}, xlsx.ErrNotXLSX, "已损坏"},
		{"plain zip", zipOf(t, map[string][]byte{"readme.txt": []byte("hi")}), xlsx.Limits{}, xlsx.ErrNotXLSX, "不是 Excel 工作簿"},
		{"ods", zipOf(t, map[string][]byte{"mimetype": []byte("application/vnd.oasis.opendocument.spreadsheet"), "content.xml": nil}), xlsx.Limits{}, xlsx.ErrNotXLSX, ".ods"},
		{"too big", good, xlsx.Limits{MaxBytes: 1000}, xlsx.ErrTooLarge, "文件大小为"},
		{"too many entries", good, xlsx.Limits{MaxEntries: 3}, xlsx.ErrTooLarge, "部件"},
		{"unzips too big", good, xlsx.Limits{MaxUnzipped: 2000}, xlsx.ErrTooLarge, "解压后超过"},
	}
	for _, c := range cases {
		_, err := open(t, c.data, cols, c.limits)
		var fe *xlsx.FileError
		if !errors.Is(err, c.kind) || !errors.As(err, &fe) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: err = %v, want %v containing %q", c.name, err, c.kind, c.msg)
		}
	}
	r, err := open(t, good, cols, xlsx.Limits{})
	if err != nil {
		t.Fatalf("good file: %v", err)
	}
	r.Close()
}

// A zip bomb is refused from its central directory, before anything is
// inflated.
func TestZipBomb(t *testing.T) {
	racetest.Skip(t, "a parser fed a zip bomb, one goroutine")
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	fw, err := w.Create("xl/worksheets/sheet1.xml")
	must(t, err)
	chunk := make([]byte, 1<<20)
	for i := 0; i < 64; i++ { // 64 MB of zeros, about 64 KB compressed
		_, err := fw.Write(chunk)
		must(t, err)
	}
	fw, err = w.Create("xl/workbook.xml")
	must(t, err)
	_, err = fw.Write([]byte(`<workbook/>`))
	must(t, err)
	must(t, w.Close())
	_, err = open(t, buf.Bytes(), xlsx.Required("单位名称"), xlsx.Limits{MaxUnzipped: 10 << 20})
	if !errors.Is(err, xlsx.ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
}

func FuzzOpenSheet(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "samples", "ledger-code-as-number.xlsx")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := xlsx.OpenSheet(bytes.NewReader(b), int64(len(b)), orgColumns(), xlsx.Limits{MaxUnzipped: 1 << 20})
		if err != nil {
			return
		}
		for r.Next() {
			_ = r.Row()
		}
		r.Close()
	})
}
