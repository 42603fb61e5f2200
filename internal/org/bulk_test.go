package org_test

import (
	"context"
	"database/sql"
	"testing"

	"liangxin/internal/actor"
	"liangxin/internal/org"
	"liangxin/internal/testenv"
)

// The multi-row INSERT of an import's new organizations matches each
// returned id to its row by key, whatever order RETURNING gives; a unique
// violation writes nothing and leaves the transaction usable (a savepoint on
// PostgreSQL), so the caller can retry row by row and name the row.
func TestInsertManyMatchesIdsAndSurvivesAConflict(t *testing.T) {
	e := testenv.New(t)
	ctx := actor.System(context.Background(), "test")
	svc := e.App.Orgs
	taken, err := svc.Create(ctx, org.Input{Name: str("已登记公司"), USCC: str("91430426MA4L00000L"),
		Category: str("private_enterprise"), RegionCode: str(testenv.Hongqiao)})
	if err != nil {
		t.Fatal(err)
	}
	valid := func(in org.Input) org.Organization {
		t.Helper()
		o, err := svc.Validate(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	a := valid(org.Input{Name: str("甲商行"), Category: str("individual_business"), RegionCode: str(testenv.Hongqiao)})
	b := valid(org.Input{Name: str("乙商行"), Category: str("individual_business"), RegionCode: str(testenv.Yuhe)})
	c := valid(org.Input{Name: str("丙公司"), USCC: str("9144030071526726XG"), Category: str("private_enterprise"), RegionCode: str(testenv.Hongqiao)})
	dup := c
	dup.Name, dup.USCC = "重复代码公司", taken.USCC
	err = e.App.DB.InTx(ctx, func(tx *sql.Tx) error {
		ids, ok, err := svc.InsertManyForTest(ctx, tx, []org.Organization{a, dup, b})
		if err != nil || ok {
			t.Fatalf("a duplicate code: ok %v, err %v, ids %v", ok, err, ids)
		}
		var n int
		if err := e.App.DB.QueryRow(ctx, tx, `SELECT COUNT(*) FROM organizations WHERE name IN (?, ?)`, "甲商行", "乙商行").Scan(&n); err != nil || n != 0 {
			t.Fatalf("after the failed INSERT: %d rows written, err %v", n, err)
		}
		ids, ok, err = svc.InsertManyForTest(ctx, tx, []org.Organization{b, c, a})
		if err != nil || !ok {
			t.Fatalf("insert: ok %v, err %v", ok, err)
		}
		for i, name := range []string{"乙商行", "丙公司", "甲商行"} {
			var id int64
			if err := e.App.DB.QueryRow(ctx, tx, `SELECT id FROM organizations WHERE name = ?`, name).Scan(&id); err != nil {
				t.Fatal(err)
			}
			if ids[i] != id {
				t.Errorf("%s: id %d returned, %d stored", name, ids[i], id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
