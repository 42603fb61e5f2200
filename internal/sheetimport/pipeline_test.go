package sheetimport_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"liangxin/internal/sheetimport"
	"liangxin/internal/xlsx"
)

// pipelineFile is a header and n items C01… with quantities; bad lists the
// data rows (2…) whose 数量 is not a number.
func pipelineFile(t *testing.T, n int, bad ...int) []byte {
	rows := [][]string{{"编码", "名称", "数量"}}
	for i := 1; i <= n; i++ {
		q := fmt.Sprint(i)
		for _, b := range bad {
			if b == i+1 {
				q = "很多"
			}
		}
		rows = append(rows, []string{fmt.Sprintf("C%02d", i), fmt.Sprintf("物品%d", i), q})
	}
	return book(t, rows)
}

// pipelined is the test area in batch mode with Pipeline set: Batch inserts
// its group (refusing the codes in refuse) and records the group's rows.
func pipelined(e env, groups *[][]int, refuse map[string]bool) sheetimport.Import[item] {
	imp := e.imp()
	imp.Write = nil
	imp.BatchSize = 3
	imp.Pipeline = 2
	imp.EveryGroup = true
	imp.Batch = func(ctx context.Context, tx *sql.Tx, rows []sheetimport.Mapped[item], bad func(int, string, string)) (sheetimport.Result, error) {
		var g []int
		var did sheetimport.Result
		for _, m := range rows {
			g = append(g, m.Row)
			if refuse[m.Cmd.code] {
				bad(m.Row, "编码", "编码已停用")
				continue
			}
			if _, err := e.db.Exec(ctx, tx, `INSERT INTO sheet_items (code, name, qty) VALUES (?, ?, ?)`, m.Cmd.code, m.Cmd.name, m.Cmd.qty); err != nil {
				return did, err
			}
			did.Created++
		}
		*groups = append(*groups, g)
		return did, nil
	}
	return imp
}

// Pipeline: the rows are read and mapped while Batch writes the group
// before them (the first Batch call waits until Map has reached a row of
// the second group, which a reader that waits for the writer never does);
// the groups, counts and progress (rows read at each group's end) are
// those of batch mode.
func TestPipelineReadsAheadOfTheWriter(t *testing.T) {
	e := setup(t)
	var groups [][]int
	imp := pipelined(e, &groups, nil)
	ahead := make(chan struct{})
	mapRow := imp.Map
	imp.Map = func(x xlsx.Row, c *sheetimport.Cells) item {
		if x.Number == 7 {
			close(ahead)
		}
		return mapRow(x, c)
	}
	batch := imp.Batch
	imp.Batch = func(ctx context.Context, tx *sql.Tx, rows []sheetimport.Mapped[item], bad func(int, string, string)) (sheetimport.Result, error) {
		if rows[0].Row == 2 {
			select {
			case <-ahead:
			case <-time.After(20 * time.Second): // a deadlock guard, not a measurement
				return sheetimport.Nothing, errors.New("the reader did not read ahead while the first group was written")
			}
		}
		return batch(ctx, tx, rows, bad)
	}
	var progress []int
	file := pipelineFile(t, 8)
	res, errs, err := sheetimport.Run(context.Background(), sheetimport.Env{DB: e.db, Audit: e.aud}, imp, bytes.NewReader(file), int64(len(file)), xlsx.Limits{},
		func(phase string, n int) {
			if phase != sheetimport.PhaseWriting {
				t.Errorf("phase %q", phase)
			}
			progress = append(progress, n)
		})
	if err != nil || errs != nil {
		t.Fatalf("%v %v", err, errs)
	}
	if want := (sheetimport.Result{Rows: 8, Created: 8}); res != want {
		t.Fatalf("result %+v, want %+v", res, want)
	}
	if want := [][]int{{2, 3, 4}, {5, 6, 7}, {8, 9}}; !reflect.DeepEqual(groups, want) {
		t.Fatalf("groups %v, want %v", groups, want)
	}
	if want := []int{3, 6, 8}; !reflect.DeepEqual(progress, want) {
		t.Fatalf("progress %v, want %v", progress, want)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM sheet_items`); n != 8 {
		t.Fatalf("%d items, want 8", n)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'item_import'`); n != 1 {
		t.Fatalf("%d audit entries of the import, want 1", n)
	}
}

// A bad cell in the middle of a group (row 6, found by Map) and a refusal
// by Batch (row 3, in a group written before the bad cell was read) reject
// the whole file: both are reported (Map's first), the group without the
// bad row still reaches Batch, nothing is written, no audit entry.
func TestPipelineRejectsOnABadCellMidGroup(t *testing.T) {
	e := setup(t)
	var groups [][]int
	imp := pipelined(e, &groups, map[string]bool{"C02": true})
	file := pipelineFile(t, 8, 6)
	res, errs, err := sheetimport.Run(context.Background(), sheetimport.Env{DB: e.db, Audit: e.aud}, imp, bytes.NewReader(file), int64(len(file)), xlsx.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []xlsx.CellError{{Row: 6, Column: "数量", Message: "数量应为整数"}, {Row: 3, Column: "编码", Message: "编码已停用"}}
	if !reflect.DeepEqual(errs, want) {
		t.Fatalf("errors %v, want %v", errs, want)
	}
	if want := [][]int{{2, 3, 4}, {5, 7, 8}, {9}}; !reflect.DeepEqual(groups, want) {
		t.Fatalf("groups %v, want %v", groups, want)
	}
	if want := (sheetimport.Result{Rows: 8}); res != want {
		t.Fatalf("result %+v, want %+v", res, want)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM sheet_items`) + e.count(t, `SELECT COUNT(*) FROM audit_log`); n != 0 {
		t.Fatalf("%d rows left by a rejected import, want 0", n)
	}
}

// An error from Batch ends the import: the reader stops (Run returns, the
// file is closed after it), nothing is written.
func TestPipelineBatchErrorEndsTheImport(t *testing.T) {
	e := setup(t)
	var groups [][]int
	imp := pipelined(e, &groups, nil)
	batch := imp.Batch
	failure := errors.New("disk full")
	imp.Batch = func(ctx context.Context, tx *sql.Tx, rows []sheetimport.Mapped[item], bad func(int, string, string)) (sheetimport.Result, error) {
		if rows[0].Row == 5 {
			return sheetimport.Nothing, failure
		}
		return batch(ctx, tx, rows, bad)
	}
	file := pipelineFile(t, 30)
	_, _, err := sheetimport.Run(context.Background(), sheetimport.Env{DB: e.db, Audit: e.aud}, imp, bytes.NewReader(file), int64(len(file)), xlsx.Limits{}, nil)
	if !errors.Is(err, failure) {
		t.Fatalf("error %v, want %v", err, failure)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM sheet_items`) + e.count(t, `SELECT COUNT(*) FROM audit_log`); n != 0 {
		t.Fatalf("%d rows left by a failed import, want 0", n)
	}
}
