// Package xlsx writes spreadsheets with excelize's streaming writer, so an
// export of any size uses bounded memory. Text cells that a spreadsheet
// program would run as a formula are neutralised.
package xlsx

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// SafeText neutralises a cell that starts with a formula trigger
// (= + - @, or a tab/carriage return) by prefixing an apostrophe.
func SafeText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Writer streams rows into a workbook, one sheet after another.
type Writer struct {
	closed bool
	f      *excelize.File
	sw     *excelize.StreamWriter
	row    int
}

// NewWriter starts a workbook with a bold header row and column widths.
func NewWriter(sheet string, header []string, widths []float64) (*Writer, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	w := &Writer{f: f}
	if err := w.start(sheet, header, widths); err != nil {
		return nil, err
	}
	return w, nil
}

// Sheet finishes the current sheet and goes on in a new one, with its own
// bold header row and column widths.
func (w *Writer) Sheet(sheet string, header []string, widths []float64) error {
	if err := w.sw.Flush(); err != nil {
		return err
	}
	if _, err := w.f.NewSheet(sheet); err != nil {
		return err
	}
	return w.start(sheet, header, widths)
}

// start opens the stream of a sheet and writes its header row.
func (w *Writer) start(sheet string, header []string, widths []float64) error {
	sw, err := w.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, Split: false, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	bold, err := w.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}})
	if err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	w.sw, w.row = sw, 1
	return nil
}

// Row appends a row. Strings are neutralised; other values are written as they are.
func (w *Writer) Row(values ...any) error {
	w.row++
	cells := make([]any, len(values))
	for i, v := range values {
		if s, ok := v.(string); ok {
			cells[i] = SafeText(s)
		} else {
			cells[i] = v
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, w.row)
	if err != nil {
		return err
	}
	if err := w.sw.SetRow(cell, cells); err != nil {
		return fmt.Errorf("xlsx: row %d: %w", w.row, err)
	}
	return nil
}

// Finish finishes the workbook and writes it to out.
func (w *Writer) Finish(out io.Writer) error {
	if err := w.sw.Flush(); err != nil {
		return err
	}
	defer w.Close()
	_, err := w.f.WriteTo(out)
	return err
}

// Close drops the workbook and its temporary files without writing it; it
// may be called after Finish, and more than once.
func (w *Writer) Close() {
	if w.closed {
		return
	}
	w.closed = true
	_ = w.f.Close()
}
