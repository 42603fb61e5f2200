// Package sheetexport is the one driver every spreadsheet export runs through.
// An area declares its sheets (name, Chinese headers, column widths, a source
// of items honouring the list's filters and a row mapper); the driver walks
// the source page by page into the streaming writer of internal/xlsx (bounded
// memory, every text cell neutralised against formula injection), records one
// audit entry inside the domain — through the domain service's own logger and
// database handle — with the actor, the filters and the count, and then
// writes the workbook to the caller's io.Writer.
//
// Order of events, and what a client that goes away mid-stream leaves:
//  1. the rows are streamed into the workbook (excelize keeps them in a
//     temporary file beyond a small buffer, so memory stays bounded);
//  2. the audit entry is recorded ("导出… n 条"), before any byte leaves —
//     an export whose audit entry cannot be written is refused, nothing is
//     sent (fail closed);
//  3. Target.Ready runs (the HTTP layer sets its headers there) and the
//     workbook is copied out.
//
// If the copy fails (the client went away, the connection dropped), the
// driver records a second entry, result "failure", noting how many rows the
// cut file held and that it did not arrive whole; this second entry is
// written with a context detached from the request's cancellation, since
// that context is usually the reason the copy failed.
package sheetexport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"liangxin/internal/audit"
	"liangxin/internal/store"
	"liangxin/internal/xlsx"
)

// PageSize is the page size the paged sources use to walk a list.
const PageSize = 500

// Emit writes one row; strings are neutralised by the writer.
type Emit func(values ...any) error

// Source yields the items of an export one by one, in order. It must not
// load the whole table: walk pages (Paged) or a cursor.
type Source[T any] func(ctx context.Context, yield func(T) error) error

// Paged turns a list call taking a page number and size (answering the items
// of that page and the total) into a Source that walks every page with
// PageSize.
func Paged[T any](list func(ctx context.Context, page, size int) ([]T, int, error)) Source[T] {
	return PagedBy(PageSize, list)
}

// PagedBy is Paged with pages of size: use the list's largest page when it
// is smaller than PageSize (a list that caps the size would skip rows).
func PagedBy[T any](size int, list func(ctx context.Context, page, size int) ([]T, int, error)) Source[T] {
	return func(ctx context.Context, yield func(T) error) error {
		seen := 0
		for page := 1; ; page++ {
			items, total, err := list(ctx, page, size)
			if err != nil {
				return err
			}
			for _, it := range items {
				if err := yield(it); err != nil {
					return err
				}
			}
			seen += len(items)
			if len(items) == 0 || seen >= total {
				return nil
			}
		}
	}
}

// Slice is a Source over items already in memory: small, bounded lists
// (a report's rows, a year's figures) that the domain computes whole anyway.
func Slice[T any](items []T) Source[T] {
	return func(_ context.Context, yield func(T) error) error {
		for _, it := range items {
			if err := yield(it); err != nil {
				return err
			}
		}
		return nil
	}
}

// Sheet is one sheet of an export. Build it with Rows.
type Sheet struct {
	Name    string
	Headers []string
	Widths  []float64
	// fill writes the sheet's rows and answers the items and rows written.
	fill func(ctx context.Context, emit Emit) (items, rows int, err error)
}

// Rows declares a sheet whose rows come from src through row: row writes
// zero, one or several rows for an item with emit. tail, if not nil, writes
// rows after the items (a report's footnotes); they are not counted.
func Rows[T any](name string, headers []string, widths []float64, src Source[T], row func(T, Emit) error, tail func(Emit) error) Sheet {
	return Sheet{Name: name, Headers: headers, Widths: widths, fill: func(ctx context.Context, emit Emit) (int, int, error) {
		items, rows := 0, 0
		counting := func(values ...any) error {
			rows++
			return emit(values...)
		}
		err := src(ctx, func(it T) error {
			items++
			return row(it, counting)
		})
		if err != nil {
			return items, rows, err
		}
		if tail != nil {
			if err := tail(emit); err != nil {
				return items, rows, err
			}
		}
		return items, rows, nil
	}}
}

// One is a sheet with one row per item.
func One[T any](name string, headers []string, widths []float64, src Source[T], row func(T) []any) Sheet {
	return Rows(name, headers, widths, src, func(it T, emit Emit) error { return emit(row(it)...) }, nil)
}

// Audit says how the export is recorded: by the domain's own logger through
// its own database handle.
type Audit struct {
	Logger *audit.Logger
	DB     store.Querier
	// Action is the entry's action code; empty means "export" (the audit
	// log's own export keeps its "audit_export").
	Action string
	Entity string
	// EntityID is the record exported, when the export is of one record.
	EntityID string
	// Filters are the list filters the export honoured; they go into the
	// entry's detail beside the count. A free-text search filter (a key "q"
	// or named like "keyword", in any case) is recorded masked: see
	// MaskSearch.
	Filters any
	// Note is the Chinese note of the entry, given the items exported
	// (the items of the first sheet; rows for exports without items).
	Note func(items int) string
}

// Target is where the workbook goes.
type Target struct {
	W io.Writer
	// Ready, if set, runs once the audit entry is recorded, just before the
	// first byte is written (the HTTP layer sets its headers there, so an
	// error before it still answers as JSON).
	Ready func()
}

// Result is what an export wrote.
type Result struct {
	Items int // items of the first sheet
	Rows  int // data rows over all sheets (tail rows not counted)
}

// detail is what the audit entry records beside the note.
type detail struct {
	Filters any  `json:"filters,omitempty"`
	Items   int  `json:"items"`
	Rows    int  `json:"rows"`
	Cut     bool `json:"cut,omitempty"`
}

// ErrNoSheets is returned by Write without sheets.
var ErrNoSheets = errors.New("sheetexport: no sheets")

// ErrNoAudit is returned by Write when the export does not say how it is
// audited: every export is.
var ErrNoAudit = errors.New("sheetexport: an export needs its audit logger, entity and note")

// Write runs an export: the sheets in order into one workbook, one audit
// entry, then the workbook to t.W. See the package comment for what a cut
// copy leaves in the audit log.
func Write(ctx context.Context, t Target, a Audit, sheets ...Sheet) (Result, error) {
	var res Result
	if len(sheets) == 0 {
		return res, ErrNoSheets
	}
	if a.Logger == nil || a.Note == nil || a.Entity == "" {
		return res, ErrNoAudit
	}
	var w *xlsx.Writer
	for i, sh := range sheets {
		var err error
		if i == 0 {
			w, err = xlsx.NewWriter(sh.Name, sh.Headers, sh.Widths)
		} else {
			err = w.Sheet(sh.Name, sh.Headers, sh.Widths)
		}
		if err != nil {
			if w != nil {
				w.Close()
			}
			return res, fmt.Errorf("sheetexport: sheet %s: %w", sh.Name, err)
		}
		items, rows, err := sh.fill(ctx, w.Row)
		if err != nil {
			w.Close()
			return res, err
		}
		if i == 0 {
			res.Items = items
		}
		res.Rows += rows
	}
	defer w.Close()
	return res, send(ctx, t, a, res, w.Finish)
}

// Document runs an export whose file is not a list (a cross-tab table, a
// Word document): one audit entry, then write puts the file on t.W, with
// the same order and cut rule as Write. count is what the note counts.
func Document(ctx context.Context, t Target, a Audit, count int, write func(io.Writer) error) error {
	if a.Logger == nil || a.Note == nil || a.Entity == "" {
		return ErrNoAudit
	}
	return send(ctx, t, a, Result{Items: count}, write)
}

// send records the entry, calls Ready, writes the file and records a cut.
func send(ctx context.Context, t Target, a Audit, res Result, write func(io.Writer) error) error {
	filters, err := maskFilters(a.Filters)
	if err != nil {
		return err
	}
	action := a.Action
	if action == "" {
		action = "export"
	}
	if err := a.Logger.Record(ctx, a.DB, audit.Entry{Action: action, Entity: a.Entity, EntityID: a.EntityID,
		After: detail{Filters: filters, Items: res.Items, Rows: res.Rows}, Note: a.Note(res.Items)}); err != nil {
		return err
	}
	if t.Ready != nil {
		t.Ready()
	}
	if err := write(t.W); err != nil {
		// The request's context is most likely cancelled: record the cut anyway.
		cctx := context.WithoutCancel(ctx)
		if aerr := a.Logger.Record(cctx, a.DB, audit.Entry{Action: action, Entity: a.Entity, EntityID: a.EntityID, Result: audit.Failure,
			After: detail{Filters: filters, Items: res.Items, Rows: res.Rows, Cut: true},
			Note:  a.Note(res.Items) + "，传输中断，文件未完整送达"}); aerr != nil {
			return errors.Join(err, aerr)
		}
		return fmt.Errorf("sheetexport: send: %w", err)
	}
	return nil
}

// digitRun is what MaskSearch masks: an ID number ending in X, or any run
// of six or more digits (ASCII or full-width) — an ID number, a phone
// number, a bank card a user typed into a search box.
var digitRun = regexp.MustCompile(`[0-9０-９]{17}[XxＸｘ]|[0-9０-９]{6,}`)

// MaskSearch masks the numbers of a free-text search term before it is
// recorded: every run of six or more digits (and an ID number ending in X)
// keeps its first 3 and last 2 characters around asterisks of the same
// length ("430426199001011234" → "430*************34"); other text stays.
func MaskSearch(s string) string {
	return digitRun.ReplaceAllStringFunc(s, func(m string) string {
		r := []rune(m)
		return string(r[:3]) + strings.Repeat("*", len(r)-5) + string(r[len(r)-2:])
	})
}

// isSearchKey tells whether a filter key holds free text a user typed:
// "q" or a name containing "keyword", in any case.
func isSearchKey(k string) bool {
	k = strings.ToLower(k)
	return k == "q" || strings.Contains(k, "keyword")
}

// maskFilters answers the filters as recorded: f itself when no search
// filter holds a number to mask (its JSON stays as it was), otherwise its
// JSON form with the search values masked.
func maskFilters(f any) (any, error) {
	if f == nil {
		return nil, nil
	}
	b, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("sheetexport: filters: %w", err)
	}
	if !digitRun.Match(b) {
		return f, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("sheetexport: filters: %w", err)
	}
	if !maskValue(v, false) {
		return f, nil
	}
	return v, nil
}

// maskValue masks in place the strings under search keys of v (a decoded
// JSON value); search says v itself sits under one. It answers whether
// anything changed.
func maskValue(v any, search bool) bool {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			under := search || isSearchKey(k)
			if s, ok := e.(string); ok {
				if under {
					if m := MaskSearch(s); m != s {
						x[k], changed = m, true
					}
				}
				continue
			}
			if maskValue(e, under) {
				changed = true
			}
		}
	case []any:
		for i, e := range x {
			if s, ok := e.(string); ok {
				if search {
					if m := MaskSearch(s); m != s {
						x[i], changed = m, true
					}
				}
				continue
			}
			if maskValue(e, search) {
				changed = true
			}
		}
	}
	return changed
}

// Func declares a sheet whose rows fill writes with emit (a report already
// computed whole, several kinds of rows); fill answers the items written,
// which the note counts when it is the first sheet.
func Func(name string, headers []string, widths []float64, fill func(emit Emit) (items int, err error)) Sheet {
	return Sheet{Name: name, Headers: headers, Widths: widths, fill: func(_ context.Context, emit Emit) (int, int, error) {
		rows := 0
		n, err := fill(func(values ...any) error {
			rows++
			return emit(values...)
		})
		return n, rows, err
	}}
}

// Widths gives a sheet's column widths in whole characters (for areas that
// keep floating point out of their code).
func Widths(chars ...int) []float64 {
	w := make([]float64, len(chars))
	for i, c := range chars {
		w[i] = float64(c)
	}
	return w
}
