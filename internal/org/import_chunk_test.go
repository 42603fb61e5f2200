package org_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"liangxin/internal/actor"
	"liangxin/internal/org"
	"liangxin/internal/sheetimport"
	"liangxin/internal/testenv"
	"liangxin/internal/xlsx"
)

// chunkLedger is a ledger of n 个体工商户 in 洪桥街道 (no code: matched by
// name); edit may change a row's cells (单位类别, 从业人员数, 正式党员数)
// before it is written.
func chunkLedger(t *testing.T, n int, edit func(row int, cells []any)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"单位名称", "统一社会信用代码", "单位类别", "所属街道（乡镇）", "从业人员数", "正式党员数"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		row := i + 2
		cells := []any{fmt.Sprintf("分块商行%04d", i), "", "个体工商户", "洪桥街道", 5, 1}
		if edit != nil {
			edit(row, cells)
		}
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", row), &cells); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// One bad row in the middle of a chunk of 200 (row 301 of 450, in the
// second chunk, after 299 good rows were written in the transaction)
// rejects the whole import: the error names that cell and nothing else,
// no organization and no audit entry is left. Both kinds of bad row: a
// cell the reader refuses (an unknown 单位类别), and a row the ledger's
// rules refuse while the writer validates its chunk (more 正式党员 than
// 从业人员). The file once corrected imports in full, and again changes
// nothing.
func TestImportBadRowMidChunkWritesNothing(t *testing.T) {
	e := testenv.New(t)
	ctx := actor.System(context.Background(), "test")
	count := func(q string) int {
		t.Helper()
		var n int
		if err := e.App.DB.QueryRow(ctx, e.App.DB, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	auditBefore := count(`SELECT COUNT(*) FROM audit_log`)
	run := func(file []byte) (sheetimport.Result, []xlsx.CellError) {
		t.Helper()
		res, errs, err := org.Import(ctx, e.App.Orgs, e.App.Regions, bytes.NewReader(file), int64(len(file)), xlsx.Limits{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res, errs
	}
	const n, bad = 450, 301
	for _, tc := range []struct {
		name string
		edit func(row int, cells []any)
		want xlsx.CellError
	}{
		{"reader", func(row int, cells []any) {
			if row == bad {
				cells[2] = "外星企业"
			}
		}, xlsx.CellError{Row: bad, Column: org.ColCategory, Message: "单位类别「外星企业」无法识别，应为民营企业、个体工商户、外资及港澳台企业、其他企业、社会团体、民办非企业单位、基金会或中介服务组织"}},
		{"ledger", func(row int, cells []any) {
			if row == bad {
				cells[4], cells[5] = 2, 5
			}
		}, xlsx.CellError{Row: bad, Column: org.ColFull, Message: "正式党员与预备党员之和不能超过从业人员数"}},
	} {
		res, errs := run(chunkLedger(t, n, tc.edit))
		if want := []xlsx.CellError{tc.want}; !reflect.DeepEqual(errs, want) {
			t.Fatalf("%s: errors %v, want %v", tc.name, errs, want)
		}
		if want := (sheetimport.Result{Rows: n}); res != want {
			t.Fatalf("%s: result %+v, want %+v", tc.name, res, want)
		}
		if got := count(`SELECT COUNT(*) FROM organizations`); got != 0 {
			t.Fatalf("%s: the rejected import left %d organizations", tc.name, got)
		}
		if got := count(`SELECT COUNT(*) FROM audit_log`); got != auditBefore {
			t.Fatalf("%s: the rejected import left %d audit entries", tc.name, got-auditBefore)
		}
	}
	good := chunkLedger(t, n, nil)
	if res, errs := run(good); errs != nil || res != (sheetimport.Result{Rows: n, Created: n}) {
		t.Fatalf("the corrected file: %+v %v", res, errs)
	}
	if got := count(`SELECT COUNT(*) FROM organizations`); got != n {
		t.Fatalf("%d organizations, want %d", got, n)
	}
	if got := count(`SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'organization'`); got != 1 {
		t.Fatalf("%d import entries, want 1", got)
	}
	if res, errs := run(good); errs != nil || res != (sheetimport.Result{Rows: n, Unchanged: n}) {
		t.Fatalf("re-import: %+v %v", res, errs)
	}
}
