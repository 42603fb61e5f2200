package sheetimport

import (
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// listSheet holds the values of the template's drop-down lists.
const listSheet = "下拉选项"

// Template writes the sheet's template: a bold header row (each header with
// its comment), every column formatted as text (codes keep their digits,
// dates may be typed 2022-03-15), and the drop-down lists of the columns
// that have one, their values on a sheet of their own. An example, when
// given, is written as the row under the header.
func (s Sheet) Template(w io.Writer, example ...string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", s.Name); err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	listCol := 0
	for i, c := range s.Columns {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		cell := col + "1"
		if err := f.SetCellValue(s.Name, cell, c.Header); err != nil {
			return err
		}
		if err := f.SetColStyle(s.Name, col, text); err != nil {
			return err
		}
		if err := f.SetCellStyle(s.Name, cell, cell, head); err != nil {
			return err
		}
		width := c.Width
		if width == 0 {
			width = 16
		}
		if err := f.SetColWidth(s.Name, col, col, width); err != nil {
			return err
		}
		if c.Comment != "" {
			if err := f.AddComment(s.Name, excelize.Comment{Cell: cell, Author: "两新党建",
				Paragraph: []excelize.RichTextRun{{Text: c.Comment}}}); err != nil {
				return err
			}
		}
		if len(c.List) == 0 {
			continue
		}
		if listCol == 0 {
			if _, err := f.NewSheet(listSheet); err != nil {
				return err
			}
		}
		listCol++
		lc, _ := excelize.ColumnNumberToName(listCol)
		if err := f.SetCellValue(listSheet, lc+"1", c.Header); err != nil {
			return err
		}
		for j, v := range c.List {
			if err := f.SetCellValue(listSheet, lc+strconv.Itoa(j+2), v); err != nil {
				return err
			}
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = col + "2:" + col + "1048576"
		dv.SetSqrefDropList("'" + listSheet + "'!$" + lc + "$2:$" + lc + "$" + strconv.Itoa(len(c.List)+1))
		dv.SetError(excelize.DataValidationErrorStyleStop, "输入有误", "请从下拉列表中选择“"+c.Header+"”")
		if err := f.AddDataValidation(s.Name, dv); err != nil {
			return err
		}
	}
	for i, v := range example {
		cell, err := excelize.CoordinatesToCellName(i+1, 2)
		if err != nil {
			return err
		}
		if err := f.SetCellStr(s.Name, cell, v); err != nil {
			return err
		}
	}
	_, err = f.WriteTo(w)
	return err
}
