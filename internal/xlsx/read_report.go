package xlsx

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// CellError is one problem in an uploaded sheet. Row is the 1-based sheet
// row (Row.Number); Column is the Column.Name of the cell, or "" for a
// problem with the row as a whole; Message is Chinese.
type CellError struct {
	Row     int
	Column  string
	Message string
}

// Error reads e.g. "第 6 行「统一社会信用代码」：该单元格为数字格式…".
func (e CellError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("第 %d 行：%s", e.Row, e.Message)
	}
	return fmt.Sprintf("第 %d 行「%s」：%s", e.Row, e.Column, e.Message)
}

// NoteHeader heads the column ErrorWorkbook adds after the data.
const NoteHeader = "错误说明"

// ErrorWorkbook writes a copy of an uploaded sheet for the user to correct
// and upload again: the rows above the header, the header and every
// non-empty data row stay at their original row numbers (so "第 6 行" in a
// message is row 6 of the copy too), each cell named by errs is filled light
// red, and a last column "错误说明" lists each row's errors. Columns are
// formatted as text, so codes typed into the copy keep all their digits;
// dates stay date cells. Text values go through SafeText. Both the reading
// and the writing stream, so tens of thousands of rows are fine. errs naming
// a row that is not a non-empty data row are left out.
func ErrorWorkbook(ra io.ReaderAt, size int64, columns []Column, limits Limits, errs []CellError, out io.Writer) error {
	r, err := OpenSheet(ra, size, columns, limits)
	if err != nil {
		return err
	}
	defer r.Close()
	sh := r.Sheet()

	colOf := map[string]int{} // Column.Name or normalised header → 0-based index
	for i, h := range sh.Header {
		if n := NormalizeHeader(h); n != "" {
			if _, dup := colOf[n]; !dup {
				colOf[n] = i
			}
		}
	}
	for _, c := range r.cols {
		colOf[c.name] = c.idx
	}
	byRow := map[int][]CellError{}
	for _, e := range errs {
		byRow[e.Row] = append(byRow[e.Row], e)
	}

	f := excelize.NewFile(excelize.Options{TmpDir: limits.TempDir})
	defer f.Close()
	name := sh.Name
	if err := f.SetSheetName("Sheet1", name); err != nil {
		name = "Sheet1"
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	st, err := newReportStyles(f)
	if err != nil {
		return err
	}
	width := len(sh.Header)
	noteCol := width + 1
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: sh.HeaderRow, TopLeftCell: "A" + strconv.Itoa(sh.HeaderRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetColStyle(1, width, st.text); err != nil {
		return err
	}
	for i := 1; i <= width; i++ {
		w := 14.0
		for _, c := range r.cols {
			if c.idx == i-1 {
				w = 18
			}
		}
		if err := sw.SetColWidth(i, i, w); err != nil {
			return err
		}
	}
	if err := sw.SetColWidth(noteCol, noteCol, 60); err != nil {
		return err
	}

	// Rows above the header (a title) as text.
	for _, p := range r.pre {
		vals := make([]any, 0, len(p.cells))
		for _, c := range p.cells {
			if c.Raw == "" {
				vals = append(vals, nil)
			} else {
				vals = append(vals, excelize.Cell{StyleID: st.text, Value: SafeText(c.Raw)})
			}
		}
		if len(vals) > 0 {
			if err := sw.SetRow("A"+strconv.Itoa(p.num), vals); err != nil {
				return err
			}
		}
	}
	head := make([]any, noteCol)
	for i, h := range sh.Header {
		head[i] = excelize.Cell{StyleID: st.header, Value: SafeText(h)}
	}
	head[noteCol-1] = excelize.Cell{StyleID: st.noteHeader, Value: NoteHeader}
	if err := sw.SetRow("A"+strconv.Itoa(sh.HeaderRow), head); err != nil {
		return err
	}

	for r.Next() {
		row := r.Row()
		rowErrs := byRow[row.Number]
		bad := map[int]bool{}
		var notes []string
		for _, e := range rowErrs {
			if i, ok := colOf[e.Column]; ok {
				bad[i] = true
			} else if i, ok := colOf[NormalizeHeader(e.Column)]; ok && e.Column != "" {
				bad[i] = true
			}
			if e.Column != "" {
				notes = append(notes, e.Column+"："+e.Message)
			} else {
				notes = append(notes, e.Message)
			}
		}
		n := max(noteCol, len(row.all)+1)
		vals := make([]any, n)
		for i, c := range row.all {
			at := i
			if i >= width {
				at = i + 1 // cells right of the header go after the note column
			}
			vals[at] = st.value(c, bad[i])
		}
		for i := range bad {
			if i < len(row.all) && row.all[i].Raw != "" {
				continue
			}
			if i < width {
				vals[i] = excelize.Cell{StyleID: st.textBad}
			}
		}
		if len(notes) > 0 {
			vals[noteCol-1] = excelize.Cell{StyleID: st.note, Value: strings.Join(notes, "；")}
		}
		if err := sw.SetRow("A"+strconv.Itoa(row.Number), vals); err != nil {
			return err
		}
	}
	if err := r.Err(); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(out)
}

type reportStyles struct {
	text, textBad, num, numBad, date, dateBad, header, noteHeader, note int
}

const badFill = "FFC7CE" // Excel's "light red fill"

func newReportStyles(f *excelize.File) (*reportStyles, error) {
	red := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{badFill}}
	dateFmt := "yyyy-mm-dd"
	defs := []*excelize.Style{
		{NumFmt: 49},
		{NumFmt: 49, Fill: red},
		{},
		{Fill: red},
		{CustomNumFmt: &dateFmt},
		{CustomNumFmt: &dateFmt, Fill: red},
		{NumFmt: 49, Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}},
		{NumFmt: 49, Font: &excelize.Font{Bold: true, Color: "9C0006"}, Fill: red},
		{NumFmt: 49, Font: &excelize.Font{Color: "9C0006"}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}},
	}
	ids := make([]int, len(defs))
	for i, d := range defs {
		id, err := f.NewStyle(d)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return &reportStyles{ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6], ids[7], ids[8]}, nil
}

// value turns a read cell back into a cell to write, keeping its type.
func (st *reportStyles) value(c Cell, bad bool) any {
	if c.Raw == "" {
		return nil
	}
	pick := func(good, red int) int {
		if bad {
			return red
		}
		return good
	}
	switch c.typ {
	case 0:
		if v, err := strconv.ParseFloat(c.Raw, 64); err == nil {
			if c.Date {
				return excelize.Cell{StyleID: pick(st.date, st.dateBad), Value: v}
			}
			return excelize.Cell{StyleID: pick(st.num, st.numBad), Value: v}
		}
	case 'b':
		return excelize.Cell{StyleID: pick(st.num, st.numBad), Value: c.Raw == "1"}
	}
	return excelize.Cell{StyleID: pick(st.text, st.textBad), Value: SafeText(c.Raw)}
}
