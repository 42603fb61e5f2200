package dangtong

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/xlsx"
)

// WriteXLSX writes the table in its official layout: the title (merged) over
// the whole width, the unit and date line, the two header rows with merged
// group cells, the 甲/乙/1…n column numbers, the rows (项目 indented by level,
// 行次) and the notes. Tables are small, so the workbook is built in memory.
func (t Table) WriteXLSX(out io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "表" + t.Code
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	n := len(t.Columns)
	last := n + 2 // 项目, 行次, then the data columns
	cell := func(col, row int) string {
		c, _ := excelize.CoordinatesToCellName(col, row)
		return c
	}
	set := func(col, row int, v any) error {
		if s, ok := v.(string); ok {
			v = xlsx.SafeText(s)
		}
		return f.SetCellValue(sheet, cell(col, row), v)
	}
	merge := func(c1, r1, c2, r2 int) error {
		if c1 == c2 && r1 == r2 {
			return nil
		}
		return f.MergeCell(sheet, cell(c1, r1), cell(c2, r2))
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16, Family: "宋体"},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return err
	}
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "宋体"}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	label, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "宋体"}, Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	num, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "宋体"}, Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return err
	}
	steps := []func() error{
		func() error { return set(1, 1, "党统表"+t.Code+"　"+t.Title) },
		func() error { return merge(1, 1, last, 1) },
		func() error { return f.SetCellStyle(sheet, cell(1, 1), cell(last, 1), title) },
		func() error { return f.SetRowHeight(sheet, 1, 32) },
		func() error {
			return set(1, 2, fmt.Sprintf("填报单位：%s（%s）　　统计日期：%s　　报告期：%s 至 %s", t.RegionName, t.RegionCode, t.AsOf, t.PeriodFrom, t.AsOf))
		},
		func() error { return merge(1, 2, last, 2) },
		func() error { return set(1, 3, "项目") },
		func() error { return merge(1, 3, 1, 4) },
		func() error { return set(2, 3, "行次") },
		func() error { return merge(2, 3, 2, 4) },
		func() error { return set(1, 5, "甲") },
		func() error { return set(2, 5, "乙") },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	// Header rows 3 and 4: a group's label merged over its columns, a lone
	// column's label over both rows.
	for i := 0; i < n; {
		c := t.Columns[i]
		col := i + 3
		if c.Group == "" {
			if err := set(col, 3, c.Label); err != nil {
				return err
			}
			if err := merge(col, 3, col, 4); err != nil {
				return err
			}
			i++
			continue
		}
		j := i
		for j < n && t.Columns[j].Group == c.Group {
			if err := set(j+3, 4, t.Columns[j].Label); err != nil {
				return err
			}
			j++
		}
		if err := set(col, 3, c.Group); err != nil {
			return err
		}
		if err := merge(col, 3, j+2, 3); err != nil {
			return err
		}
		i = j
	}
	for i := range t.Columns {
		if err := set(i+3, 5, i+1); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, cell(1, 3), cell(last, 5), head); err != nil {
		return err
	}
	for i, r := range t.Rows {
		row := i + 6
		if err := set(1, row, strings.Repeat("　　", r.Level)+r.Label); err != nil {
			return err
		}
		if err := set(2, row, r.No); err != nil {
			return err
		}
		for j, v := range r.Cells {
			if err := set(j+3, row, v); err != nil {
				return err
			}
		}
	}
	end := len(t.Rows) + 5
	if err := f.SetCellStyle(sheet, cell(1, 6), cell(1, end), label); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, cell(2, 6), cell(last, end), num); err != nil {
		return err
	}
	notes := append([]string{"统计口径：" + t.ScopeRule}, t.Notes...)
	for i, s := range notes {
		row := end + 2 + i
		if err := set(1, row, fmt.Sprintf("注%d：%s", i+1, s)); err != nil {
			return err
		}
		if err := merge(1, row, last, row); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 40); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", 6); err != nil {
		return err
	}
	lastCol, _ := excelize.ColumnNumberToName(last)
	if err := f.SetColWidth(sheet, "C", lastCol, 12); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 4, 36); err != nil {
		return err
	}
	_, err = f.WriteTo(out)
	return err
}
