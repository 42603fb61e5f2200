package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/xuri/excelize/v2"
)

// This file reads an uploaded ledger sheet row by row. The file is checked
// before any XML is parsed (size, zip magic, central directory); the
// workbook, its relationships and styles are small and read with
// encoding/xml; the shared strings and the worksheet, which hold the data,
// are read in one streaming pass each by a byte scanner (scan.go) that
// yields each cell's value, stored type and style: that is how a code typed
// into a number cell is told apart from the same digits typed as text.

// Limits bound what OpenSheet accepts. A zero field takes its value from
// DefaultLimits.
type Limits struct {
	// MaxBytes is the largest accepted file size.
	MaxBytes int64
	// MaxUnzipped bounds the sum of the uncompressed sizes declared in the
	// zip central directory (archive/zip refuses to inflate an entry past its
	// declared size, so the declaration cannot lie).
	MaxUnzipped int64
	// MaxEntries bounds the number of files inside the zip.
	MaxEntries int
	// MaxRows bounds the number of non-empty data rows.
	MaxRows int
	// The limits below are enforced while the XML streams, so that a small
	// upload cannot make the server hold a huge value (a 190 MB cell of one
	// repeated character compresses into a few hundred KB).
	//
	// MaxCellChars bounds the characters of one cell (Excel's own limit is
	// 32767).
	MaxCellChars int
	// MaxSharedStrings and MaxSharedBytes bound the shared-string table,
	// which is held in memory while the sheet is read: its entries and the
	// bytes of their text.
	MaxSharedStrings int
	MaxSharedBytes   int64
	// MaxColumns bounds the cells of one row (Excel's limit is 16384).
	MaxColumns int
	// MaxSheetRows bounds the row elements of the sheet, empty ones
	// included (Excel's limit is 1048576).
	MaxSheetRows int
	// TempDir is where a large error workbook may spill while it is built
	// (it holds the uploaded rows); empty means os.TempDir(). The server
	// points it at a private folder whose left-overs go at start-up.
	TempDir string
}

// DefaultLimits suit a hand-kept ledger of some tens of thousands of rows.
var DefaultLimits = Limits{
	MaxBytes:    20 << 20,
	MaxUnzipped: 200 << 20,
	MaxEntries:  500,
	MaxRows:     100000,

	MaxCellChars:     32767,
	MaxSharedStrings: 1000000,
	MaxSharedBytes:   32 << 20,
	MaxColumns:       16384,
	MaxSheetRows:     1048576,
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxUnzipped <= 0 {
		l.MaxUnzipped = DefaultLimits.MaxUnzipped
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultLimits.MaxEntries
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultLimits.MaxRows
	}
	if l.MaxCellChars <= 0 {
		l.MaxCellChars = DefaultLimits.MaxCellChars
	}
	if l.MaxSharedStrings <= 0 {
		l.MaxSharedStrings = DefaultLimits.MaxSharedStrings
	}
	if l.MaxSharedBytes <= 0 {
		l.MaxSharedBytes = DefaultLimits.MaxSharedBytes
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = DefaultLimits.MaxColumns
	}
	if l.MaxSheetRows <= 0 {
		l.MaxSheetRows = DefaultLimits.MaxSheetRows
	}
	return l
}

// Kinds of FileError, for errors.Is.
var (
	ErrNotXLSX        = errors.New("不是 xlsx 文件")
	ErrTooLarge       = errors.New("文件超过大小限制")
	ErrCorrupt        = errors.New("文件已损坏")
	ErrHeaderNotFound = errors.New("未找到表头")
	ErrTooManyRows    = errors.New("数据行数超过上限")
	// ErrLimit: a streaming limit was reached (a cell too long, too many
	// shared strings or columns, too many row elements).
	ErrLimit = errors.New("文件内容超过读取限制")
)

// FileError is a problem with the uploaded file as a whole. Error() is a
// Chinese message for the user; errors.Is(err, ErrNotXLSX) and friends tell
// the kinds apart.
type FileError struct {
	Kind error
	Msg  string
}

func (e *FileError) Error() string { return e.Msg }
func (e *FileError) Unwrap() error { return e.Kind }

func fileErr(kind error, format string, args ...any) error {
	return &FileError{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Column describes a column the caller wants. Name is the key in Row.Cells;
// the header cell may read Name or any alias, compared after NormalizeHeader.
type Column struct {
	Name     string
	Aliases  []string
	Optional bool
}

// Required turns header names into required columns.
func Required(names ...string) []Column {
	cols := make([]Column, len(names))
	for i, n := range names {
		cols[i] = Column{Name: n}
	}
	return cols
}

// Cell is one cell of a data row.
type Cell struct {
	// Raw is the stored value, unformatted: the text of a text cell, the
	// number as written in the file for a number cell ("41381",
	// "9.14304262667915E+017"), "1"/"0" for a boolean cell. Dates of a
	// 1904-system workbook are converted to 1900-system serials.
	Raw string
	// Numeric: the cell is stored as a number (no type or t="n").
	Numeric bool
	// Date: a number with a date or time format, or an ISO date cell.
	Date bool
	// Ref is the cell reference, e.g. "C6".
	Ref string

	typ byte // 0 number, 's' text, 'b' boolean, 'e' error, 'd' ISO date
}

// Blank reports whether the cell holds nothing but white space.
func (c Cell) Blank() bool { return IsBlank(c.Raw) }

// Text is NormalizeText(Raw).
func (c Cell) Text() string { return NormalizeText(c.Raw) }

// Name is the cell as a name to store: trimmed, runs of white space made one
// space, Chinese punctuation kept as written, and the apostrophe SafeText puts
// before a formula trigger taken off again (so an exported file reads back).
func (c Cell) Name() string {
	s := strings.Join(strings.Fields(c.Raw), " ")
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@", rune(s[1])) {
		s = s[1:]
	}
	return s
}

// Row is a non-empty data row.
type Row struct {
	// Number is the 1-based row number in the sheet, as the user sees it.
	Number int
	// Cells holds one entry per wanted column found in the header, keyed by
	// Column.Name, blank cells included (with their Ref).
	Cells map[string]Cell

	all []Cell // every cell of the row by column index, for ErrorWorkbook
}

// Get returns the cell of a column; the zero Cell if the column is absent.
func (r Row) Get(name string) Cell { return r.Cells[name] }

// Sheet describes where the data was found.
type Sheet struct {
	// Name is the worksheet name.
	Name string
	// HeaderRow is the 1-based sheet row of the header.
	HeaderRow int
	// Columns maps each Column.Name found to its column letters ("C").
	Columns map[string]string
	// Header is the header row as written, by column index (0 = A).
	Header []string
	// Date1904 is set for a workbook in the 1904 date system (see Cell.Raw).
	Date1904 bool
}

// headerScanRows is how many rows are searched for the header.
const headerScanRows = 10

// Reader streams the data rows of a sheet. Use it like bufio.Scanner:
//
//	for r.Next() { row := r.Row() … }
//	if err := r.Err(); err != nil { … }
type Reader struct {
	limits  Limits
	sst     *sharedStrings
	scan    *typeScanner
	styles  []bool // date format, by style index
	sheet   Sheet
	cols    []mappedCol
	rowNum  int      // last sheet row taken from the iterators
	pre     []rawRow // rows above the header
	cur     Row
	count   int
	err     error
	done    bool
	closers []io.Closer
}

type mappedCol struct {
	name string
	idx  int // 0-based column index
}

type rawRow struct {
	num   int
	cells []Cell
}

// OpenSheetFile opens a file by path; see OpenSheet.
func OpenSheetFile(name string, columns []Column, limits Limits) (*Reader, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	r, err := OpenSheet(fh, st.Size(), columns, limits)
	if err != nil {
		fh.Close()
		return nil, err
	}
	r.closers = append(r.closers, fh)
	return r, nil
}

// OpenSheet checks an uploaded workbook against limits and finds the first
// worksheet (visible sheets before hidden ones) that has, within its first 10
// rows, a header row holding every required column; rows above it (a title,
// merged or not) are skipped. Columns may come in any order; unknown ones are
// ignored. File-level problems are *FileError with a Chinese message.
// ra must stay readable until the Reader is closed.
func OpenSheet(ra io.ReaderAt, size int64, columns []Column, limits Limits) (r *Reader, err error) {
	limits = limits.withDefaults()
	var f *excelize.File
	defer func() {
		if p := recover(); p != nil {
			if f != nil {
				f.Close()
			}
			r, err = nil, fileErr(ErrCorrupt, "文件已损坏，无法读取（%v）", p)
		}
	}()
	zr, err := checkZip(ra, size, limits)
	if err != nil {
		return nil, err
	}
	wb, err := readWorkbook(zr)
	if err != nil {
		return nil, err
	}
	styles := readStyles(zr, wb.stylesPath)
	sst, err := readSharedStrings(zr, wb.sstPath, limits)
	if err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			return nil, err
		}
		return nil, fileErr(ErrCorrupt, "文件已损坏或不是有效的 xlsx 文件，无法读取")
	}

	var best headerMiss
	order := make([]wbSheet, 0, len(wb.sheets))
	for _, hidden := range []bool{false, true} {
		for _, s := range wb.sheets {
			if s.hidden == hidden {
				order = append(order, s)
			}
		}
	}
	for _, s := range order {
		r := &Reader{limits: limits, sst: sst, styles: styles}
		r.sheet.Name = s.name
		r.sheet.Date1904 = wb.date1904
		ok, miss, err := r.open(zr, s, columns)
		if err != nil {
			r.closeIters()
			return nil, err
		}
		if ok {
			return r, nil
		}
		r.closeIters()
		if miss.found > best.found {
			best = miss
		}
	}
	names := make([]string, 0, len(columns))
	for _, c := range columns {
		if !c.Optional {
			names = append(names, c.Name)
		}
	}
	if best.found > 0 {
		return nil, fileErr(ErrHeaderNotFound, "表头缺少以下列：%s（第 %d 行看起来是表头）。请使用系统提供的模板，或核对列名",
			strings.Join(best.missing, "、"), best.row)
	}
	return nil, fileErr(ErrHeaderNotFound, "前 %d 行中没有找到表头（应包含：%s）。请使用系统提供的模板",
		headerScanRows, strings.Join(names, "、"))
}

type headerMiss struct {
	row     int
	found   int
	missing []string
}

// open starts the iterators on one sheet and looks for the header.
func (r *Reader) open(zr *zip.Reader, s wbSheet, columns []Column) (bool, headerMiss, error) {
	zf := findFile(zr, s.path)
	if zf == nil {
		return false, headerMiss{}, fileErr(ErrCorrupt, "文件已损坏：缺少工作表「%s」的数据", s.name)
	}
	rc, err := zf.Open()
	if err != nil {
		return false, headerMiss{}, fileErr(ErrCorrupt, "文件已损坏：工作表「%s」无法解压", s.name)
	}
	r.scan = newTypeScanner(rc, r.sst, r.limits)

	want := map[string]int{} // normalised header → index in columns
	for i, c := range columns {
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			if h := NormalizeHeader(n); h != "" {
				want[h] = i
			}
		}
	}
	var best headerMiss
	var read []rawRow
	for len(read) < headerScanRows {
		rr, ok, err := r.readRaw()
		if err != nil {
			return false, headerMiss{}, err
		}
		if !ok || rr.num > headerScanRows {
			break
		}
		read = append(read, rr)
		at := make([]int, len(columns)) // column index + 1, per wanted column
		found := 0
		for ci, c := range rr.cells {
			i, ok := want[NormalizeHeader(c.Raw)]
			if !ok {
				continue
			}
			if at[i] != 0 {
				return false, headerMiss{}, fileErr(ErrHeaderNotFound, "第 %d 行表头中「%s」出现了不止一次（%s 列和 %s 列），请删除多余的列",
					rr.num, columns[i].Name, colName(at[i]), colName(ci+1))
			}
			at[i] = ci + 1
			found++
		}
		var missing []string
		for i, c := range columns {
			if at[i] == 0 && !c.Optional {
				missing = append(missing, c.Name)
			}
		}
		if len(missing) > 0 {
			if found > best.found {
				best = headerMiss{row: rr.num, found: found, missing: missing}
			}
			continue
		}
		r.sheet.HeaderRow = rr.num
		r.sheet.Columns = map[string]string{}
		for i, c := range columns {
			if at[i] != 0 {
				r.cols = append(r.cols, mappedCol{name: c.Name, idx: at[i] - 1})
				r.sheet.Columns[c.Name] = colName(at[i])
			}
		}
		r.sheet.Header = make([]string, len(rr.cells))
		for i, c := range rr.cells {
			r.sheet.Header[i] = c.Raw
		}
		r.pre = read[:len(read)-1]
		// Nothing after the header has been consumed yet.
		return true, headerMiss{}, nil
	}
	return false, best, nil
}

// Sheet describes the sheet and header that were found.
func (r *Reader) Sheet() Sheet { return r.sheet }

// Next advances to the next non-empty data row (a row is empty when every
// wanted column is blank; 序号 or 备注 alone do not make a row). It returns
// false at the end of the sheet or on error; see Err.
func (r *Reader) Next() (ok bool) {
	if r.err != nil || r.done {
		return false
	}
	defer func() {
		if p := recover(); p != nil {
			r.err, ok = fileErr(ErrCorrupt, "文件已损坏，第 %d 行无法读取（%v）", r.rowNum, p), false
		}
	}()
	for {
		rr, ok, err := r.readRaw()
		if err != nil {
			r.err = err
			return false
		}
		if !ok {
			r.done = true
			return false
		}
		row := Row{Number: rr.num, Cells: make(map[string]Cell, len(r.cols)), all: rr.cells}
		blank := true
		for _, c := range r.cols {
			var cell Cell
			if c.idx < len(rr.cells) {
				cell = rr.cells[c.idx]
			}
			if cell.Ref == "" {
				cell.Ref = colName(c.idx+1) + strconv.Itoa(rr.num)
			}
			if !cell.Blank() {
				blank = false
			}
			row.Cells[c.name] = cell
		}
		if blank {
			continue
		}
		r.count++
		if r.count > r.limits.MaxRows {
			r.err = fileErr(ErrTooManyRows, "数据超过 %d 行的上限，请分批导入", r.limits.MaxRows)
			return false
		}
		r.cur = row
		return true
	}
}

// Row returns the current row.
func (r *Reader) Row() Row { return r.cur }

// Err returns the first error met by Next.
func (r *Reader) Err() error { return r.err }

// Close releases the workbook and its temporary files.
func (r *Reader) Close() error {
	r.closeIters()
	var err error
	for _, c := range r.closers {
		if e := c.Close(); err == nil {
			err = e
		}
	}
	r.closers = nil
	return err
}

func (r *Reader) closeIters() {
	if r.scan != nil {
		r.scan.close()
		r.scan = nil
	}
}

// readRaw reads the next row element of the sheet with its cells.
func (r *Reader) readRaw() (rawRow, bool, error) {
	num, metas, ok, err := r.scan.nextRow()
	if err != nil {
		var fe *FileError
		switch {
		case errors.As(err, &fe):
			return rawRow{}, false, err
		case errors.Is(err, errTokenTooLong):
			return rawRow{}, false, cellTooLong(r.limits, r.scan.lastRow)
		case errors.Is(err, errDoctype):
			return rawRow{}, false, doctypeErr()
		}
		return rawRow{}, false, fileErr(ErrCorrupt, "文件已损坏，第 %d 行之后无法读取", r.rowNum)
	}
	if !ok {
		return rawRow{}, false, nil
	}
	r.rowNum = num
	cells := make([]Cell, len(metas))
	for i := range cells {
		c := &cells[i]
		m := metas[i]
		if !m.seen {
			continue
		}
		c.Raw = m.v
		c.Ref = colName(i+1) + strconv.Itoa(r.rowNum)
		c.typ = m.t
		switch m.t {
		case 0:
			c.Numeric = true
			c.Date = m.style >= 0 && m.style < len(r.styles) && r.styles[m.style]
			if c.Date && r.sheet.Date1904 && c.Raw != "" {
				if f, err := strconv.ParseFloat(c.Raw, 64); err == nil {
					c.Raw = strconv.FormatFloat(f+1462, 'f', -1, 64)
				}
			}
		case 'd':
			c.Date = true
		}
	}
	return rawRow{num: r.rowNum, cells: cells}, true, nil
}

// colName turns a 1-based column index into letters.
func colName(i int) string {
	s, err := excelize.ColumnNumberToName(i)
	if err != nil {
		return "?"
	}
	return s
}

// ---- file checks ----

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

func checkZip(ra io.ReaderAt, size int64, l Limits) (*zip.Reader, error) {
	if size <= 0 {
		return nil, fileErr(ErrNotXLSX, "文件为空")
	}
	if size > l.MaxBytes {
		return nil, fileErr(ErrTooLarge, "文件大小为 %s，超过 %s 的上限", humanBytes(size), humanBytes(l.MaxBytes))
	}
	head := make([]byte, 8)
	n, _ := ra.ReadAt(head, 0)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, oleMagic):
		return nil, fileErr(ErrNotXLSX, "这是旧版 Excel（.xls）文件或设置了打开密码的文件，请去掉密码并在 Excel 或 WPS 中“另存为” .xlsx 格式后重新上传")
	case !bytes.HasPrefix(head, zipMagic):
		return nil, fileErr(ErrNotXLSX, "文件不是 .xlsx 格式，请在 Excel 或 WPS 中“另存为” .xlsx 格式（Excel 工作簿）后重新上传")
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, fileErr(ErrNotXLSX, "文件已损坏或不是 .xlsx 格式，请在 Excel 或 WPS 中“另存为” .xlsx 格式后重新上传")
	}
	if len(zr.File) > l.MaxEntries {
		return nil, fileErr(ErrTooLarge, "文件结构异常（包含 %d 个部件，上限 %d），拒绝处理", len(zr.File), l.MaxEntries)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > uint64(l.MaxUnzipped) || total > uint64(l.MaxUnzipped) {
			return nil, fileErr(ErrTooLarge, "文件解压后超过 %s 的上限，拒绝处理", humanBytes(l.MaxUnzipped))
		}
	}
	if f := findFile(zr, "mimetype"); f != nil {
		if b, err := readPart(f, 256); err == nil && strings.Contains(string(b), "opendocument") {
			return nil, fileErr(ErrNotXLSX, "这是 OpenDocument（.ods）文件，请“另存为” .xlsx 格式后重新上传")
		}
	}
	return zr, nil
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.TrimSuffix(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".0") + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " 字节"
}

func findFile(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if f.Name == name {
			return f
		}
	}
	for _, f := range zr.File { // some writers vary the case
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

// readPart reads a small part whole, refusing anything past max bytes.
func readPart(f *zip.File, max int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, errors.New("part too large")
	}
	return b, nil
}

const maxSmallPart = 16 << 20

type wbSheet struct {
	name, path string
	hidden     bool
}

type workbookInfo struct {
	sheets     []wbSheet
	stylesPath string
	sstPath    string
	date1904   bool
}

type xmlRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// readWorkbook finds the workbook part through _rels/.rels and lists its
// sheets with their part paths.
func readWorkbook(zr *zip.Reader) (*workbookInfo, error) {
	notXLSX := fileErr(ErrNotXLSX, "文件不是 Excel 工作簿（.xlsx），请在 Excel 或 WPS 中“另存为” .xlsx 格式后重新上传")
	wbPath := "xl/workbook.xml"
	if f := findFile(zr, "_rels/.rels"); f != nil {
		var rels xmlRels
		if b, err := readPart(f, maxSmallPart); err == nil && xml.Unmarshal(b, &rels) == nil {
			for _, rel := range rels.Rels {
				if strings.HasSuffix(rel.Type, "/officeDocument") {
					wbPath = resolvePart("", rel.Target)
				}
			}
		}
	}
	wf := findFile(zr, wbPath)
	if wf == nil {
		return nil, notXLSX
	}
	b, err := readPart(wf, maxSmallPart)
	if err != nil {
		return nil, fileErr(ErrCorrupt, "文件已损坏，无法读取工作簿")
	}
	var wb struct {
		Pr *struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
			RID2  string `xml:"http://purl.oclc.org/ooxml/officeDocument/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(b, &wb); err != nil {
		return nil, fileErr(ErrCorrupt, "文件已损坏，无法读取工作簿")
	}
	dir := path.Dir(wbPath)
	targets := map[string]string{}
	info := &workbookInfo{}
	if f := findFile(zr, path.Join(dir, "_rels", path.Base(wbPath)+".rels")); f != nil {
		var rels xmlRels
		if b, err := readPart(f, maxSmallPart); err == nil && xml.Unmarshal(b, &rels) == nil {
			for _, rel := range rels.Rels {
				p := resolvePart(dir, rel.Target)
				targets[rel.ID] = p
				if strings.HasSuffix(rel.Type, "/styles") {
					info.stylesPath = p
				}
				if strings.HasSuffix(rel.Type, "/sharedStrings") {
					info.sstPath = p
				}
			}
		}
	}
	if wb.Pr != nil {
		info.date1904 = wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"
	}
	for _, s := range wb.Sheets {
		id := s.RID
		if id == "" {
			id = s.RID2
		}
		p, ok := targets[id]
		if !ok {
			continue // a chart sheet or a dangling entry
		}
		info.sheets = append(info.sheets, wbSheet{name: s.Name, path: p, hidden: s.State == "hidden" || s.State == "veryHidden"})
	}
	if len(info.sheets) == 0 {
		return nil, fileErr(ErrCorrupt, "文件中没有工作表")
	}
	return info, nil
}

func resolvePart(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Join(dir, target), "/")
}

// readStyles returns, per cell style index, whether its number format is a
// date or time format. A missing or unreadable styles part means "no dates".
func readStyles(zr *zip.Reader, stylesPath string) []bool {
	if stylesPath == "" {
		stylesPath = "xl/styles.xml"
	}
	f := findFile(zr, stylesPath)
	if f == nil {
		return nil
	}
	b, err := readPart(f, maxSmallPart)
	if err != nil {
		return nil
	}
	var ss struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if xml.Unmarshal(b, &ss) != nil {
		return nil
	}
	custom := map[int]string{}
	for _, n := range ss.NumFmts {
		custom[n.ID] = n.Code
	}
	out := make([]bool, len(ss.Xfs))
	for i, xf := range ss.Xfs {
		if code, ok := custom[xf.NumFmtID]; ok {
			out[i] = isDateFormat(code)
		} else {
			out[i] = isBuiltinDate(xf.NumFmtID)
		}
	}
	return out
}

// isBuiltinDate reports the built-in number formats that show dates or
// times, including the CJK ones (27–36, 50–58).
func isBuiltinDate(id int) bool {
	return id >= 14 && id <= 22 || id >= 27 && id <= 36 || id >= 45 && id <= 47 || id >= 50 && id <= 58
}

// isDateFormat reports whether a custom number format code shows a date or
// time: it has a y, m, d, h or s outside quoted text, escapes and [...].
func isDateFormat(code string) bool {
	switch strings.ToLower(code) {
	case "general", "standard", "@", "":
		return false
	}
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				return false
			}
		case '\\', '_', '*':
			i++
		case '[':
			if j := strings.IndexByte(code[i+1:], ']'); j >= 0 {
				i += j + 1
			}
		case ';':
			return false // only the first section matters
		default:
			switch c | 0x20 {
			case 'y', 'm', 'd', 'h', 's':
				return true
			}
		}
	}
	return false
}

// ---- cell type scanner ----

// cellMeta is what the scanner learns about one cell.
type cellMeta struct {
	seen  bool
	t     byte // 0 number, 's' text (s, str, inlineStr), 'b', 'e', 'd'
	style int
	v     string // the value: the text of a string cell, else as written in <v>
}

// typeScanner streams the worksheet XML in one pass (xmlScan, no
// encoding/xml) and reports the value, type and style of the cells of each
// row.
type typeScanner struct {
	rc      io.ReadCloser
	x       *xmlScan
	sst     *sharedStrings
	limits  Limits
	lastRow int
	rows    int // row elements read
	eof     bool
	out     []cellMeta // reused between rows
	// lenient: the sheet has something no spreadsheet program writes and
	// the scanner reads differently from excelize on purpose: a row or cell
	// reference going backwards (placed by its reference; excelize appends
	// the cell after the previous one), an inline string in a cell
	// without t="inlineStr" (taken; excelize reads nothing), a style that
	// is not a number (the value taken; excelize drops the cell), a row or
	// cell reference that is not one (ignored; excelize stops), a cell
	// reference naming another row than its row element, a cell without a
	// reference after one with a reference in the same row (placed after
	// it; excelize may place it elsewhere). The
	// differential tests leave such sheets out.
	lenient bool
	vb, ib  []byte // the text of <v> and of an inline string's <t> runs
}

func newTypeScanner(rc io.ReadCloser, sst *sharedStrings, l Limits) *typeScanner {
	return &typeScanner{rc: rc, x: newXMLScan(rc, tokenLimit(l)), sst: sst, limits: l}
}

// nextRow returns the next <row> element of the sheet: its number and
// cells. The cells are valid until the next call.
func (s *typeScanner) nextRow() (int, []cellMeta, bool, error) {
	for {
		if s.eof {
			return 0, nil, false, nil
		}
		kind, err := s.x.next(nil)
		if err != nil {
			return 0, nil, false, err
		}
		if kind == tokEOF {
			s.eof = true
			return 0, nil, false, nil
		}
		if kind != tokStart || string(s.x.name) != "row" {
			continue
		}
		num := s.lastRow + 1
		v, hasR, err := s.x.attr("r")
		if err != nil {
			return 0, nil, false, err
		}
		if k, ok := atoi(v); hasR && (!ok || k <= 0) {
			s.lenient = true // excelize stops reading the sheet
		} else if ok {
			if k <= s.lastRow {
				s.lenient = true
			}
			num = k
		}
		s.lastRow = num
		s.rows++
		if s.rows > s.limits.MaxSheetRows {
			return 0, nil, false, fileErr(ErrLimit, "工作表超过 %d 行的上限（空行也计算在内），请删除多余的空行或分批导入", s.limits.MaxSheetRows)
		}
		if s.x.self {
			return num, s.out[:0], true, nil
		}
		cells, err := s.cells()
		if err != nil {
			return 0, nil, false, err
		}
		return num, cells, true, nil
	}
}

func (s *typeScanner) close() { s.rc.Close() }

// atoi parses a small unsigned decimal, spaces around it allowed.
func atoi(b []byte) (int, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// cellColumn returns the 1-based column of a plain reference such as
// "AB12"; anything else (absolute references, odd forms) is left to
// excelize.CellNameToCoordinates.
func cellColumn(ref []byte) (col, row int, ok bool) {
	i := 0
	for ; i < len(ref) && i < 3; i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
	}
	if i == 0 || i == len(ref) {
		return 0, 0, false
	}
	for _, c := range ref[i:] {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		if row = row*10 + int(c-'0'); row > excelize.TotalRows {
			return 0, 0, false
		}
	}
	return col, row, row > 0
}

// cells reads the <c> elements of the current <row> up to </row>.
func (s *typeScanner) cells() ([]cellMeta, error) {
	out := s.out[:0]
	defer func() { s.out = out[:0] }()
	col, n := 0, 0
	hadRef := false
	for {
		kind, err := s.x.next(nil)
		if err != nil {
			return nil, err
		}
		switch kind {
		case tokEOF:
			return nil, io.ErrUnexpectedEOF
		case tokEnd:
			if string(s.x.name) == "row" {
				return out, nil
			}
			continue
		}
		if string(s.x.name) != "c" {
			if !s.x.self {
				if err := s.skip(); err != nil {
					return nil, err
				}
			}
			continue
		}
		col++
		if n++; n > s.limits.MaxColumns {
			return nil, fileErr(ErrLimit, "第 %d 行超过 %d 列的上限", s.lastRow, s.limits.MaxColumns)
		}
		ref, _, err := s.x.attr("r")
		if err != nil {
			return nil, err
		}
		if len(ref) == 0 && hadRef {
			s.lenient = true
		}
		if len(ref) > 0 {
			hadRef = true
			prev := col - 1
			c, row, ok := cellColumn(ref)
			if !ok {
				var err error
				if c, row, err = excelize.CellNameToCoordinates(string(ref)); err != nil {
					c, row = col, s.lastRow
					s.lenient = true // excelize stops reading the row
				}
			}
			col = c
			if col <= prev || row != s.lastRow {
				s.lenient = true
			}
		}
		m := cellMeta{seen: true}
		t, _, err := s.x.attr("t")
		if err != nil {
			return nil, err
		}
		kindT := cellKind(t)
		m.t = kindT
		if kindT == 's' && len(t) == 1 && t[0] == 's' {
			kindT = 'S' // a shared string
		} else if kindT == 's' && string(t) == "inlineStr" {
			kindT = 'I'
		}
		if v, ok, err := s.x.attr("s"); err != nil {
			return nil, err
		} else if ok {
			if m.style, err = strconv.Atoi(string(v)); err != nil {
				s.lenient = true // excelize drops the cell
			}
		}
		s.vb, s.ib = s.vb[:0], s.ib[:0]
		if !s.x.self {
			if err := s.cellValue(); err != nil {
				return nil, err
			}
		}
		switch kindT {
		case 'S':
			if i, err := strconv.Atoi(string(bytes.TrimSpace(s.vb))); err == nil && i >= 0 && i < s.sst.len() {
				m.v = s.sst.get(i)
			} else if len(s.vb) > 0 {
				s.lenient = true // excelize reads entry 0 for an index that is not a number
			}
		case 'I':
			if !utf8.Valid(s.ib) {
				return nil, errXMLSyntax
			}
			m.v = unescapeOOXML(string(s.ib))
		default:
			if !utf8.Valid(s.vb) {
				return nil, errXMLSyntax
			}
			m.v = string(s.vb)
		}
		if m.v == "" && kindT != 'I' && len(s.ib) > 0 {
			m.v = unescapeOOXML(string(s.ib))
			s.lenient = true
		}
		if len(m.v) > s.limits.MaxCellChars && utf8.RuneCountInString(m.v) > s.limits.MaxCellChars {
			return nil, cellTooLong(s.limits, s.lastRow)
		}
		if col > 0 && col <= excelize.MaxColumns {
			for len(out) < col {
				out = append(out, cellMeta{})
			}
			out[col-1] = m
		}
	}
}

// cellKind maps the t attribute of a cell: 0 number, 's' text (s, str,
// inlineStr and anything unknown), 'b', 'e', 'd'.
func cellKind(t []byte) byte {
	switch string(t) {
	case "", "n":
		return 0
	case "b":
		return 'b'
	case "e":
		return 'e'
	case "d":
		return 'd'
	}
	return 's'
}

// cellValue reads the children of a <c> up to </c>: the text of <v> into
// s.vb, and the text of an inline string <is> into s.ib: its own <t> and
// the <t> of its rich-text runs <r>; phonetic runs (<rPh>) and anything
// else are left out. Where excelize would keep only the last of repeated
// elements (two <v>, two <t> in one run), the scanner keeps the last <v>
// and marks repeated <t> as lenient.
func (s *typeScanner) cellValue() error {
	depth := 1     // inside <c>
	capDepth := -1 // the depth of the element whose text is kept
	var target *[]byte
	inIs, inR, sawIs, sawRun := false, false, false, false
	directT, runT := 0, 0
	for depth > 0 {
		var keep *[]byte
		if depth == capDepth {
			keep = target
		}
		kind, err := s.x.next(keep)
		if err != nil {
			return err
		}
		// Rich text may split a value into many runs: the sum is checked
		// as it grows.
		if len(s.vb)+len(s.ib) > maxCellBytes(s.limits) {
			return cellTooLong(s.limits, s.lastRow)
		}
		switch kind {
		case tokEOF:
			return io.ErrUnexpectedEOF
		case tokStart:
			self := s.x.self
			switch d, name := depth+1, string(s.x.name); {
			case d == 2 && name == "v":
				s.vb = s.vb[:0]
				capDepth, target = 2, &s.vb
			case d == 2 && name == "is":
				if sawIs {
					s.lenient = true
				}
				sawIs, sawRun, directT = true, false, 0
				s.ib = s.ib[:0]
				inIs = !self
			case d == 3 && inIs && name == "t":
				if directT++; directT > 1 || sawRun {
					s.lenient = true // excelize keeps the last, before the runs
				}
				capDepth, target = 3, &s.ib
			case d == 3 && inIs && name == "r":
				sawRun, runT = true, 0
				inR = !self
			case d == 4 && inR && name == "t":
				if runT++; runT > 1 {
					s.lenient = true
				}
				capDepth, target = 4, &s.ib
			}
			if !self {
				depth++
			}
		case tokEnd:
			if depth == capDepth {
				capDepth = -1
			}
			depth--
			switch depth {
			case 1:
				inIs = false
			case 2:
				inR = false
			}
		}
	}
	return nil
}

// skip consumes tokens up to the end of the element just started.
func (s *typeScanner) skip() error {
	depth := 1
	for depth > 0 {
		kind, err := s.x.next(nil)
		if err != nil {
			return err
		}
		switch kind {
		case tokEOF:
			return io.ErrUnexpectedEOF
		case tokStart:
			if !s.x.self {
				depth++
			}
		case tokEnd:
			depth--
		}
	}
	return nil
}

// readSharedStrings reads the shared-string table: each <si> is the text of
// its <t> runs (rich text runs joined, phonetic runs left out). The table
// is read before any sheet (so before the header check) and its limits
// (entries, bytes, one entry's length) hold while it streams.
func readSharedStrings(zr *zip.Reader, p string, l Limits) (*sharedStrings, error) {
	if p == "" {
		p = "xl/sharedStrings.xml"
	}
	f := findFile(zr, p)
	if f == nil {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	x := newXMLScan(io.LimitReader(rc, l.MaxUnzipped), tokenLimit(l))
	out := &sharedStrings{}
	maxBytes := sharedBytesLimit(l, f.CompressedSize64)
	var b []byte
	var total int64
	// The same structure as an inline string (see cellValue): <si> holds
	// <t> and runs <r> holding <t>.
	depth, capDepth := 0, -1
	inSi, inR, sawRun := false, false, false
	directT, runT := 0, 0
	tooMany := func() error {
		return fileErr(ErrLimit, "文件中的不重复文本超过 %d 条的上限，请分批导入", l.MaxSharedStrings)
	}
	tooLong := func() error {
		return fileErr(ErrLimit, "单元格内容超过 %d 个字符（共享文本第 %d 条）", l.MaxCellChars, out.len()+1)
	}
	for {
		var keep *[]byte
		if depth == capDepth {
			keep = &b
		}
		kind, err := x.next(keep)
		if errors.Is(err, errTokenTooLong) {
			return nil, tooLong()
		}
		if errors.Is(err, errDoctype) {
			return nil, doctypeErr()
		}
		if err != nil {
			return nil, err
		}
		if len(b) > maxCellBytes(l) {
			return nil, tooLong()
		}
		switch kind {
		case tokEOF:
			return out, nil
		case tokStart:
			self := x.self
			switch d, name := depth+1, string(x.name); {
			case d == 2 && name == "si":
				if out.len() >= l.MaxSharedStrings {
					return nil, tooMany()
				}
				b, sawRun, directT = b[:0], false, 0
				if self {
					out.add("")
				}
				inSi = !self
			case d == 3 && inSi && name == "t":
				if directT++; directT > 1 || sawRun {
					out.lenient = true
				}
				capDepth = 3
			case d == 3 && inSi && name == "r":
				sawRun, runT = true, 0
				inR = !self
			case d == 4 && inR && name == "t":
				if runT++; runT > 1 {
					out.lenient = true
				}
				capDepth = 4
			}
			if !self {
				depth++
			}
		case tokEnd:
			if depth == capDepth {
				capDepth = -1
			}
			depth--
			switch {
			case depth == 1 && inSi:
				inSi = false
				if !utf8.Valid(b) {
					return nil, errXMLSyntax
				}
				v := unescapeOOXML(string(b))
				if len(v) > l.MaxCellChars && utf8.RuneCountInString(v) > l.MaxCellChars {
					return nil, tooLong()
				}
				if total += int64(len(v)); total > maxBytes {
					return nil, fileErr(ErrLimit, "文件中的文本总量超过 %s 的上限，请分批导入", humanBytes(maxBytes))
				}
				out.add(v)
			case depth == 2:
				inR = false
			}
		}
	}
}

// sharedTextRatio bounds the text of the shared-string table against the
// compressed size of its part. Real text (names, codes, addresses) deflates
// three to eight times; a table of one repeated letter deflates a thousand
// times, and only such a table reaches the bound.
const sharedTextRatio = 20

// sharedBytesLimit is the text the table may hold: MaxSharedBytes, or less
// when the part is small: sharedTextRatio times its compressed size, in
// whole megabytes, at least 1 MB.
func sharedBytesLimit(l Limits, compressed uint64) int64 {
	mb := int64((compressed*sharedTextRatio + 1<<20 - 1) >> 20)
	return min(l.MaxSharedBytes, max(1, mb)<<20)
}

// sharedStrings holds the shared-string table in one buffer: entry i is
// data[ends[i-1]:ends[i]]. A table of a million one-letter entries takes
// 5 MB this way, against about 32 MB as a []string.
type sharedStrings struct {
	data []byte
	ends []uint32
	// lenient: repeated <t> in an entry, read differently from excelize
	// on purpose (see typeScanner.lenient).
	lenient bool
}

func (t *sharedStrings) len() int {
	if t == nil {
		return 0
	}
	return len(t.ends)
}

func (t *sharedStrings) add(s string) {
	t.data = append(t.data, s...)
	t.ends = append(t.ends, uint32(len(t.data)))
}

// get returns entry i without copying: the table is complete before the
// first lookup and never written again, so the bytes behind the string
// cannot change (an append that moved the buffer happened before).
func (t *sharedStrings) get(i int) string {
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	b := t.data[start:t.ends[i]]
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// unescapeOOXML decodes the _xHHHH_ escapes Excel writes for control
// characters (_x000D_ for a carriage return; _x005F_ escapes an underscore).
func unescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '_' && i+6 < len(s) && s[i+1] == 'x' && s[i+6] == '_' {
			if n, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				b.WriteRune(rune(n))
				i += 6
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
