package xlsx

import (
	"errors"
	"io"

	"liangxin/internal/apperr"
)

// OpenImport opens the data sheet of an uploaded workbook for an importer:
// a problem with the file as a whole (not a workbook, too big, no header
// row with the required columns) is answered as a 422 on the field "file".
func OpenImport(ra io.ReaderAt, size int64, columns []Column, limits Limits) (*Reader, error) {
	r, err := OpenSheet(ra, size, columns, limits)
	if err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			return nil, apperr.InvalidField("file", fe.Msg)
		}
		return nil, apperr.InvalidField("file", "无法读取该文件："+err.Error())
	}
	return r, nil
}

// ReadError is the 422 for a failure while reading the rows.
func ReadError(err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return apperr.InvalidField("file", fe.Msg)
	}
	return apperr.InvalidField("file", "无法读取该文件："+err.Error())
}

// ServiceCells turns a service's refusal of one row into cell errors: each
// invalid field goes to its column (fieldColumn; fallback for the others),
// any other refusal (a conflict, a missing record) to the fallback column.
// ok is false when err is not a refusal (a database failure), which the
// importer must return as it is.
func ServiceCells(row int, err error, fieldColumn map[string]string, fallback string) (cells []CellError, ok bool) {
	e, isApp := apperr.As(err)
	if !isApp {
		return nil, false
	}
	if e.Kind == apperr.KindInvalid && len(e.Fields) > 0 {
		for f, m := range e.Fields {
			col := fieldColumn[f]
			if col == "" {
				col = fallback
			}
			cells = append(cells, CellError{Row: row, Column: col, Message: m})
		}
		return cells, true
	}
	return []CellError{{Row: row, Column: fallback, Message: e.Message}}, true
}

// DateHint is the message of a date cell that cannot be read.
const DateHint = "日期无法识别（可写作 2022-03-15、2022/3/15、2022.3.15 或 2022年3月15日）"

// Day reads a date cell as YYYY-MM-DD: "" for a blank cell, ok false for
// one that is not a full date.
func (c Cell) Day() (string, bool) {
	if c.Blank() {
		return "", true
	}
	d, monthOnly, err := ParseDate(c.Raw, c.Numeric)
	if err != nil || monthOnly {
		return "", false
	}
	return d.Format("2006-01-02"), true
}
