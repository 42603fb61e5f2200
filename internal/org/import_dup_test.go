package org_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
	"liangxin/internal/uscc"
	"liangxin/internal/xlsx"
)

// A row that repeats another row's 统一社会信用代码, or (without a code) its
// name in the same region, is refused with the number of the earlier row,
// across chunks; nothing is written. Expected messages are the ledger's
// wording, written out by hand.
func TestImportNamesTheRowARepeatedKeyFirstAppearedIn(t *testing.T) {
	e := testenv.New(t)
	ctx := actor.System(context.Background(), "test")
	code := uscc.Generate('9', '1', "430426", 77)
	other := uscc.Generate('9', '1', "430426", 78)
	file := chunkLedger(t, 600, func(row int, cells []any) {
		switch row {
		case 10, 520: // the same code, 510 rows apart (other chunks)
			cells[1] = code
		case 11: // a code seen once only
			cells[1] = other
		case 7: // the name of row 3, no code, same street
			cells[0] = fmt.Sprintf("分块商行%04d", 3-2)
		}
	})
	res, errs, err := org.Import(ctx, e.App.Orgs, e.App.Regions, bytes.NewReader(file), int64(len(file)), xlsx.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []xlsx.CellError{
		{Row: 7, Column: org.ColName, Message: "与第 3 行重复（无统一社会信用代码的单位按名称和区划识别）"},
		{Row: 520, Column: org.ColUSCC, Message: "与第 10 行的统一社会信用代码重复"},
	}
	if !reflect.DeepEqual(errs, want) {
		t.Fatalf("errors %+v, want %+v", errs, want)
	}
	if res.Created != 0 || res.Rows != 600 {
		t.Fatalf("result %+v, want 600 rows read and nothing written", res)
	}
	var n int
	if err := e.App.DB.QueryRow(ctx, e.App.DB, `SELECT COUNT(*) FROM organizations WHERE name LIKE '分块商行%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d organizations written, want none", n)
	}
}
