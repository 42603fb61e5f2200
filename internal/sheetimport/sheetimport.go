// Package sheetimport is the one import driver of the spreadsheet
// importers. An area declares its sheet (columns with their Chinese headers
// and synonyms, template comments and lists) and two functions: Map turns a
// data row into the area's command and marks the bad cells, Write writes one
// command inside the import's transaction and says what it did. The driver
// does the rest the same way for every area: opening the upload within the
// limits, finding the header (title rows, merged headers, synonyms: see
// xlsx.OpenSheet), the reject-all-on-any-bad-cell loop, progress, the
// counts, the audit entry of the import and the template. The caller (the
// HTTP layer) keeps the job record and the error workbook (ErrorWorkbook).
package sheetimport

import (
	"context"
	"database/sql"
	"errors"
	"io"

	"liangxin/internal/apperr"
	"liangxin/internal/audit"
	"liangxin/internal/store"
	"liangxin/internal/xlsx"
)

// Column declares one column of an import sheet.
type Column struct {
	// Header is the template's header; Synonyms are other headers that
	// users' own sheets give the same column.
	Header   string
	Synonyms []string
	// Required columns must be found in the header row, or the file is
	// refused as a whole. (Whether a cell may be blank is Map's business.)
	Required bool
	// Comment is the note on the template's header cell; List, when set,
	// restricts the template's cells to these values (data validation).
	Comment string
	List    []string
	// Width is the template's column width (0: a default).
	Width float64
}

// Sheet declares an import sheet.
type Sheet struct {
	// Name is the template's sheet name.
	Name    string
	Columns []Column
	// AuditAction and AuditEntity name the audit entry written with the
	// import (its After is the Result). Empty AuditAction: no entry.
	AuditAction string
	AuditEntity string
	// AuditNote, if set, writes the entry's 说明 from the counts (the audit
	// screen shows it beside the action).
	AuditNote func(Result) string
}

// ReaderColumns is the column list for the reader and the error workbook.
func (s Sheet) ReaderColumns() []xlsx.Column {
	cols := make([]xlsx.Column, len(s.Columns))
	for i, c := range s.Columns {
		cols[i] = xlsx.Column{Name: c.Header, Aliases: c.Synonyms, Optional: !c.Required}
	}
	return cols
}

// Headers is the template's header row.
func (s Sheet) Headers() []string {
	h := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		h[i] = c.Header
	}
	return h
}

// Result counts what an import did. Rows is the number of data rows read;
// Created, Updated and Unchanged count the records written (an area may
// write more than one record per row). Re-importing a file that was
// imported before gives only Unchanged.
type Result struct {
	Rows      int `json:"rows,omitempty"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Add adds the counts of o (not its Rows).
func (r *Result) Add(o Result) {
	r.Created += o.Created
	r.Updated += o.Updated
	r.Unchanged += o.Unchanged
}

// The single-record changes Write reports most often.
var (
	Created   = Result{Created: 1}
	Updated   = Result{Updated: 1}
	Unchanged = Result{Unchanged: 1}
	Nothing   = Result{}
)

// Cells collects the errors of one data row.
type Cells struct {
	row   int
	errs  *[]xlsx.CellError
	start int
}

// Row is the row's number in the sheet (as the user sees it).
func (c *Cells) Row() int { return c.row }

// Bad marks a cell of the row as wrong, with the reason the user reads.
func (c *Cells) Bad(column, message string) {
	*c.errs = append(*c.errs, xlsx.CellError{Row: c.row, Column: column, Message: message})
}

// OK tells whether the row has no error so far.
func (c *Cells) OK() bool { return len(*c.errs) == c.start }

// Refused records a service's refusal of the row (see xlsx.ServiceCells):
// each invalid field on its column, any other refusal on fallback. It
// returns nil when err was a refusal, and err itself otherwise (a database
// failure, which must end the import).
func (c *Cells) Refused(err error, fieldColumn map[string]string, fallback string) error {
	cells, ok := xlsx.ServiceCells(c.row, err, fieldColumn, fallback)
	if !ok {
		return err
	}
	*c.errs = append(*c.errs, cells...)
	return nil
}

// Import is what an area declares: its sheet and its mapping.
type Import[C any] struct {
	Sheet Sheet
	// Prepare, if set, runs once the upload is open and its header found,
	// before the transaction: it loads what Map needs (indexes of units,
	// regions, existing records).
	Prepare func(ctx context.Context) error
	// Map turns a data row into a command; it marks every bad cell on c.
	// A row with a bad cell is not written.
	Map func(x xlsx.Row, c *Cells) C
	// Write writes one command in the import's transaction and returns
	// what it did. A refusal of the row goes on c (c.Refused), and Write
	// then returns a nil error; a returned error ends the import.
	Write func(ctx context.Context, tx *sql.Tx, cmd C, c *Cells) (Result, error)
	// Batch, set instead of Write, writes the good rows' commands in groups
	// (for importers that write many rows per statement, or that must see
	// every row before writing any, e.g. to resolve references between rows
	// of the file). BatchSize rows go to each call; 0 sends all the good rows
	// in one call after the last row is read. A refusal of a row goes on
	// bad (the row's number as Mapped.Row); a returned error ends the import.
	Batch     func(ctx context.Context, tx *sql.Tx, rows []Mapped[C], bad func(row int, column, message string)) (Result, error)
	BatchSize int
	// EveryGroup sends the last group to Batch even when a row was bad, as
	// the groups before it are sent, so that Batch reports its refusals of
	// every row (what it writes is rolled back). Without it, the last group
	// is written only when every row was good.
	EveryGroup bool
	// Check, if set, runs once the last row is read, whether or not rows
	// were bad, before the last group goes to Batch: it checks what needs
	// every row of the file (references between rows) and marks the bad
	// cells with bad.
	Check func(ctx context.Context, bad func(row int, column, message string)) error
	// Around, if set, wraps the import's work inside its transaction: it
	// must call rows, which reads, maps and writes every row, and return
	// rows' error as it is. It may do more before (a session setting, to
	// undo after) and after: once rows returned nil, every row was good and
	// is written (e.g. to refresh what the rows changed). The audit entry
	// follows it.
	Around func(ctx context.Context, tx *sql.Tx, rows func() error) error
	// Pipeline, when above 0 (with Batch and BatchSize), reads and maps the
	// rows on a goroutine of their own, up to Pipeline groups ahead, while
	// Batch writes the groups before them in the import's transaction: a
	// large file then takes about as long as the slower of reading and
	// writing. Map runs on the reading goroutine, Batch, Check and progress
	// on the caller's; the cell errors of Map come first in the result, then
	// those of Batch and Check (sort them by row if the order matters).
	// Progress is reported after each group is written, with the rows read
	// up to the end of that group.
	Pipeline int
}

// Mapped is a good row's command with the row's number in the sheet.
type Mapped[C any] struct {
	Row int
	Cmd C
}

// Env is where an import writes.
type Env struct {
	DB    *store.DB
	Audit *audit.Logger
	// InTx, if set, runs the import's transaction instead of DB.InTx: a
	// staged import's (store.Stage.Run), whose writer writes a scratch
	// file through a connection of its own (the tx handed to Batch and
	// Around may then be nil) and which the area publishes afterwards.
	// Such an import leaves Audit nil and records its entry when it
	// publishes (Sheet.Entry).
	InTx func(ctx context.Context, fn func(tx *sql.Tx) error) error
	// Conn runs the import's transaction on a connection of its own
	// (store.InTxConn), so that the writer may COPY on PostgreSQL
	// (store.CopyFrom with the context Batch and Around are given).
	Conn bool
}

// ProgressEvery is how many rows pass between two progress reports.
const ProgressEvery = 200

// PhaseWriting is the phase reported while rows are read and written.
const PhaseWriting = "writing"

var errRejected = errors.New("import rejected")

// Entry is the audit entry of an import of the sheet that did res.
func (s Sheet) Entry(res Result) audit.Entry {
	e := audit.Entry{Action: s.AuditAction, Entity: s.AuditEntity, After: res}
	if s.AuditNote != nil {
		e.Note = s.AuditNote(res)
	}
	return e
}

// Run imports an uploaded workbook all or nothing: every row is mapped and
// (when its cells are good) written inside one transaction; if any cell of
// any row is bad, the transaction is rolled back and Run returns the cell
// errors (with Rows set and nothing counted) and a nil error. A problem with
// the file as a whole is an apperr on the field "file". Otherwise the
// import's audit entry is written in the same transaction.
func Run[C any](ctx context.Context, env Env, imp Import[C], ra io.ReaderAt, size int64, limits xlsx.Limits, progress func(phase string, n int)) (Result, []xlsx.CellError, error) {
	var res Result
	r, err := xlsx.OpenImport(ra, size, imp.Sheet.ReaderColumns(), limits)
	if err != nil {
		return res, nil, err
	}
	defer r.Close()
	if imp.Prepare != nil {
		if err := imp.Prepare(ctx); err != nil {
			return res, nil, err
		}
	}
	if (imp.Write == nil) == (imp.Batch == nil) {
		return res, nil, errors.New("sheetimport: set exactly one of Write and Batch")
	}
	var errs []xlsx.CellError
	bad := func(row int, column, message string) {
		errs = append(errs, xlsx.CellError{Row: row, Column: column, Message: message})
	}
	body := func(ctx context.Context, tx *sql.Tx) error {
		rows := func() error { return runRows(ctx, imp, r, tx, &res, &errs, bad, progress) }
		if imp.Pipeline > 0 && imp.Batch != nil && imp.BatchSize > 0 {
			rows = func() error { return runPipelined(ctx, imp, r, tx, &res, &errs, bad, progress) }
		}
		if imp.Around == nil {
			if err := rows(); err != nil {
				return err
			}
		} else if err := imp.Around(ctx, tx, rows); err != nil {
			return err
		}
		if imp.Sheet.AuditAction == "" || env.Audit == nil {
			return nil
		}
		return env.Audit.Record(ctx, tx, imp.Sheet.Entry(res))
	}
	switch {
	case env.InTx != nil:
		err = env.InTx(ctx, func(tx *sql.Tx) error { return body(ctx, tx) })
	case env.Conn:
		err = env.DB.InTxConn(ctx, body)
	default:
		err = env.DB.InTx(ctx, func(tx *sql.Tx) error { return body(ctx, tx) })
	}
	if errors.Is(err, errRejected) {
		return Result{Rows: res.Rows}, errs, nil
	}
	if err != nil {
		return Result{Rows: res.Rows}, nil, err
	}
	return res, nil, nil
}

// runRows reads, maps and writes every row inside the import's
// transaction; it returns errRejected when any cell was bad.
func runRows[C any](ctx context.Context, imp Import[C], r *xlsx.Reader, tx *sql.Tx, res *Result, errs *[]xlsx.CellError,
	bad func(row int, column, message string), progress func(phase string, n int)) error {
	var pending []Mapped[C]
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		did, err := imp.Batch(ctx, tx, pending, bad)
		pending = pending[:0]
		if err != nil {
			return err
		}
		res.Add(did)
		return nil
	}
	for r.Next() {
		x := r.Row()
		res.Rows++
		c := &Cells{row: x.Number, errs: errs, start: len(*errs)}
		cmd := imp.Map(x, c)
		switch {
		case !c.OK():
		case imp.Batch != nil:
			pending = append(pending, Mapped[C]{Row: x.Number, Cmd: cmd})
			if imp.BatchSize > 0 && len(pending) >= imp.BatchSize {
				if err := flush(); err != nil {
					return err
				}
			}
		default:
			did, err := imp.Write(ctx, tx, cmd, c)
			if err != nil {
				return err
			}
			res.Add(did)
		}
		if progress != nil && res.Rows%ProgressEvery == 0 {
			progress(PhaseWriting, res.Rows)
		}
	}
	if err := r.Err(); err != nil {
		return xlsx.ReadError(err)
	}
	if imp.Check != nil {
		if err := imp.Check(ctx, bad); err != nil {
			return err
		}
	}
	if imp.Batch != nil && (len(*errs) == 0 || imp.EveryGroup) {
		if err := flush(); err != nil {
			return err
		}
	}
	if len(*errs) > 0 {
		return errRejected
	}
	if res.Rows == 0 {
		return apperr.InvalidField("file", "表格中没有数据行")
	}
	return nil
}

// group is a run of good rows' commands handed from the reading goroutine
// to the writer, with the number of rows read up to its last row.
type group[C any] struct {
	rows []Mapped[C]
	read int
}

// runPipelined is runRows with the reading and mapping on a goroutine of
// their own (Import.Pipeline).
func runPipelined[C any](ctx context.Context, imp Import[C], r *xlsx.Reader, tx *sql.Tx, res *Result, errs *[]xlsx.CellError,
	bad func(row int, column, message string), progress func(phase string, n int)) error {
	rctx, cancel := context.WithCancel(ctx)
	ch := make(chan group[C], imp.Pipeline)
	var (
		readErrs []xlsx.CellError // the reader's own, merged once it is done
		readErr  error
		read     int
		tail     []Mapped[C] // the last group, which waits for Check
	)
	done := make(chan struct{})
	// halt ends the reader and waits for it, whatever ends the writer (an
	// error, a panic): the reader must be done before Run closes the file.
	halt := func() {
		cancel()
		for range ch {
		}
		<-done
	}
	defer halt()
	go func() {
		defer close(done)
		defer close(ch)
		pending := make([]Mapped[C], 0, imp.BatchSize)
		for r.Next() {
			x := r.Row()
			read++
			c := &Cells{row: x.Number, errs: &readErrs, start: len(readErrs)}
			cmd := imp.Map(x, c)
			if !c.OK() {
				continue
			}
			pending = append(pending, Mapped[C]{Row: x.Number, Cmd: cmd})
			if len(pending) < imp.BatchSize {
				continue
			}
			select {
			case ch <- group[C]{rows: pending, read: read}:
				pending = make([]Mapped[C], 0, imp.BatchSize)
			case <-rctx.Done():
				return
			}
		}
		if err := r.Err(); err != nil {
			readErr = xlsx.ReadError(err)
			return
		}
		tail = pending
	}()
	// stop ends the reader; a file error it met comes before the writer's.
	stop := func(err error) error {
		halt()
		if readErr != nil {
			return readErr
		}
		return err
	}
	for g := range ch {
		did, err := imp.Batch(ctx, tx, g.rows, bad)
		if err != nil {
			return stop(err)
		}
		res.Add(did)
		if progress != nil {
			progress(PhaseWriting, g.read)
		}
	}
	<-done
	res.Rows = read
	if readErr != nil {
		return readErr
	}
	*errs = append(readErrs, *errs...)
	if imp.Check != nil {
		if err := imp.Check(ctx, bad); err != nil {
			return err
		}
	}
	if len(tail) > 0 && (len(*errs) == 0 || imp.EveryGroup) {
		did, err := imp.Batch(ctx, tx, tail, bad)
		if err != nil {
			return err
		}
		res.Add(did)
		if progress != nil {
			progress(PhaseWriting, read)
		}
	}
	if len(*errs) > 0 {
		return errRejected
	}
	if res.Rows == 0 {
		return apperr.InvalidField("file", "表格中没有数据行")
	}
	return nil
}

// ErrorWorkbook writes the copy of a rejected upload with its bad cells
// marked (see xlsx.ErrorWorkbook).
func (s Sheet) ErrorWorkbook(ra io.ReaderAt, size int64, limits xlsx.Limits, errs []xlsx.CellError, out io.Writer) error {
	return xlsx.ErrorWorkbook(ra, size, s.ReaderColumns(), limits, errs, out)
}
