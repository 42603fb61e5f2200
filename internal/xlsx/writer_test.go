package xlsx_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/xlsx"
)

func TestSafeText(t *testing.T) {
	cases := []struct{ in, want string }{
		// formula triggers are neutralised
		{"=1+1", "'=1+1"},
		{"+8613800138000", "'+8613800138000"},
		{"-5", "'-5"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{`=HYPERLINK("http://evil.example","点我")`, `'=HYPERLINK("http://evil.example","点我")`},
		{"=", "'="},
		{"'=1+1", "'=1+1"}, // already quoted: left alone
		// everything else is left as it is
		{"", ""},
		{"洪桥街道", "洪桥街道"},
		{"138****5678", "138****5678"},
		{"1+1", "1+1"},
		{"a=b", "a=b"},
		{"2026-11-24", "2026-11-24"},
		{" =1+1", " =1+1"},
		{"\n=1+1", "\n=1+1"},
		{"％=1", "％=1"},
		{"9144030071526726XG", "9144030071526726XG"},
	}
	for _, c := range cases {
		if got := xlsx.SafeText(c.in); got != c.want {
			t.Errorf("SafeText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWriterRoundTrip(t *testing.T) {
	header := []string{"序号", "名称", "备注", "数量"}
	w, err := xlsx.NewWriter("两新组织", header, []float64{6, 30, 20, 8})
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{1, "洪桥街道党委", "=1+1", 12},
		{2, "+86 138", "@cmd", 3.5},
		{3, "-2+3", "正常备注", -7},
		{4, "达孝社区", "", true},
	}
	for _, r := range rows {
		if err := w.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := w.Finish(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("PK\x03\x04")) {
		t.Fatal("output is not a zip (xlsx) file")
	}

	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != "两新组织" {
		t.Fatalf("sheets = %v", sheets)
	}
	got, err := f.GetRows("两新组织")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		header,
		{"1", "洪桥街道党委", "'=1+1", "12"},
		{"2", "'+86 138", "'@cmd", "3.5"},
		{"3", "'-2+3", "正常备注", "-7"},
		{"4", "达孝社区", "", "TRUE"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows read back, want %d: %q", len(got), len(want), got)
	}
	for i := range want {
		if fmt.Sprint(got[i]) != fmt.Sprint(want[i]) {
			t.Errorf("row %d = %q, want %q", i+1, got[i], want[i])
		}
	}
	// No cell is a formula, and the neutralised ones are text.
	for r := 1; r <= len(want); r++ {
		for c := 1; c <= len(header); c++ {
			cell, _ := excelize.CoordinatesToCellName(c, r)
			if fm, err := f.GetCellFormula("两新组织", cell); err != nil || fm != "" {
				t.Errorf("%s has formula %q (%v)", cell, fm, err)
			}
		}
	}
	for _, cell := range []string{"C2", "B3", "C3", "B4"} {
		typ, err := f.GetCellType("两新组织", cell)
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s has type %v, want a string", cell, typ)
		}
	}
	// Numbers stay numbers.
	for _, cell := range []string{"A2", "D2", "D3", "D4"} {
		if typ, _ := f.GetCellType("两新组织", cell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s has type %v, want a number", cell, typ)
		}
	}
	// The header is bold and frozen.
	style, err := f.GetCellStyle("两新组织", "A1")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(style)
	if err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header style = %+v, %v; want bold", st, err)
	}
	panes, err := f.GetPanes("两新组织")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, %v; want the header row frozen", panes, err)
	}
	if wd, err := f.GetColWidth("两新组织", "B"); err != nil || wd != 30 {
		t.Errorf("column B width = %v, %v", wd, err)
	}
}

func TestWriterManyRows(t *testing.T) {
	w, err := xlsx.NewWriter("Sheet", []string{"a", "b"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const n = 5000
	for i := 0; i < n; i++ {
		if err := w.Row(i, fmt.Sprintf("=A%d", i+1)); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := w.Finish(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Sheet")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n+1 {
		t.Fatalf("%d rows, want %d", len(rows), n+1)
	}
	if last := rows[n]; last[0] != fmt.Sprint(n-1) || last[1] != fmt.Sprintf("'=A%d", n) {
		t.Errorf("last row = %q", last)
	}
}

func FuzzSafeText(f *testing.F) {
	for _, s := range []string{"=1+1", "", "洪桥", "-", "\t", "\r\n", "'="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := xlsx.SafeText(s)
		if s == "" {
			if got != "" {
				t.Fatalf("SafeText(\"\") = %q", got)
			}
			return
		}
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			if got != "'"+s {
				t.Fatalf("SafeText(%q) = %q", s, got)
			}
		default:
			if got != s {
				t.Fatalf("SafeText(%q) = %q, want it unchanged", s, got)
			}
		}
		switch got[0] {
		case '=', '+', '-', '@', '\t', '\r':
			t.Fatalf("SafeText(%q) = %q still starts with a trigger", s, got)
		}
	})
}

// Sheet goes on in a new sheet with its own header; each sheet keeps only
// its own rows.
func TestWriterSheets(t *testing.T) {
	w, err := xlsx.NewWriter("汇总", []string{"项目", "数量"}, []float64{20, 8})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Row("走访次数", 3); err != nil {
		t.Fatal(err)
	}
	if err := w.Sheet("走访记录", []string{"日期", "单位"}, []float64{12, 30}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"2026-01-05", "2026-02-05"} {
		if err := w.Row(d, "洪桥甲店"); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := w.Finish(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "汇总" || got[1] != "走访记录" {
		t.Fatalf("sheets = %q", got)
	}
	sum, _ := f.GetRows("汇总")
	visits, _ := f.GetRows("走访记录")
	if len(sum) != 2 || sum[1][0] != "走访次数" || sum[1][1] != "3" {
		t.Errorf("summary rows = %q", sum)
	}
	if len(visits) != 3 || visits[0][0] != "日期" || visits[2][0] != "2026-02-05" {
		t.Errorf("visit rows = %q", visits)
	}
}
