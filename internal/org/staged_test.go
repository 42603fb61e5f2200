package org_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"liangxin/internal/actor"
	"liangxin/internal/org"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
	"liangxin/internal/xlsx"

	"github.com/xuri/excelize/v2"
)

// stagedLedger is a ledger of n individual businesses without a code
// (matched by name and street), enough rows for several chunks.
func stagedLedger(t *testing.T, n int) []byte {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"单位名称", "统一社会信用代码", "单位类别", "所属街道（乡镇）"})
	for i := 0; i < n; i++ {
		f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+2), &[]any{fmt.Sprintf("分段导入个体户%04d", i), "", "个体工商户", "洪桥街道"})
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func countOrgs(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM organizations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// While an import writes (on SQLite: while its stage is filled; on
// PostgreSQL: in its transaction), another connection sees none of its
// rows, and another user's writes — a single statement and a transaction
// on the transaction pool — commit at once. On SQLite without staging the
// import held the one write lock, and these writes waited for the whole
// import (the guard's deadline is there so that such a failure ends; it
// is not a measurement).
func TestImportLetsOthersWriteAndHidesItsRows(t *testing.T) {
	e := testenv.New(t)
	u := e.User("importer", "district", testenv.Jurisdiction)
	ctx := actor.With(context.Background(), actor.Actor{UserID: u.ID, Username: u.Username, Role: "district", Scope: testenv.Jurisdiction})
	const rows = 700
	ledger := stagedLedger(t, rows)
	var points []string
	var checkErr error
	defer org.SetStageHook(func(point string) {
		points = append(points, point)
		if point != "staging" && point != "staged" {
			return
		}
		if n := countOrgs(t, e.App.DB); n != 0 && checkErr == nil {
			checkErr = fmt.Errorf("%s: another connection sees %d organizations before the import commits", point, n)
		}
		wctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := e.App.DB.Exec(wctx, e.App.DB, `UPDATE users SET display_name = ? WHERE id = ?`, "另一位用户"+point, u.ID); err != nil && checkErr == nil {
			checkErr = fmt.Errorf("%s: a single write of another user: %w", point, err)
		}
		if err := e.App.DB.InTx(wctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(wctx, e.App.DB.Rebind(`UPDATE users SET display_name = ? WHERE id = ?`), "再一位用户"+point, u.ID)
			return err
		}); err != nil && checkErr == nil {
			checkErr = fmt.Errorf("%s: a write transaction of another user: %w", point, err)
		}
	})()
	res, errs, err := org.Import(ctx, e.App.Orgs, e.App.Regions, bytes.NewReader(ledger), int64(len(ledger)), xlsx.Limits{}, nil)
	if err != nil || len(errs) != 0 || res.Created != rows {
		t.Fatalf("import: %+v %v %v", res, errs, err)
	}
	if checkErr != nil {
		t.Fatal(checkErr)
	}
	want := []string{"staging"}
	if e.App.DB.Dialect == store.SQLite {
		want = append(want, "staged")
	}
	if fmt.Sprint(points) != fmt.Sprint(want) {
		t.Fatalf("hook points %v, want %v", points, want)
	}
	if n := countOrgs(t, e.App.DB); n != rows {
		t.Fatalf("%d organizations after the import, want %d", n, rows)
	}
	// The audit trail holds one creation per row and the import's entry,
	// once each.
	var creates, imports int
	if err := e.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'organization_create'`).Scan(&creates); err != nil {
		t.Fatal(err)
	}
	if err := e.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'organization'`).Scan(&imports); err != nil {
		t.Fatal(err)
	}
	if creates != rows || imports != 1 {
		t.Fatalf("audit: %d creations and %d import entries, want %d and 1", creates, imports, rows)
	}
	// No scratch file is left next to the database.
	if e.App.DB.Dialect == store.SQLite {
		if m, _ := filepath.Glob(e.App.DB.Path + ".stage-*"); len(m) != 0 {
			t.Fatalf("scratch files left: %v", m)
		}
	}
}

// When another user creates, while the stage is filled, an organization
// the file also holds (same name in the same street, no code), publishing
// the stage meets the ledger's unique key: the import falls back to one
// transaction, where the row matches the new organization instead of
// duplicating it. SQLite only (PostgreSQL writes in one transaction).
func TestStagedImportFallsBackOnAClash(t *testing.T) {
	e := testenv.New(t)
	if e.App.DB.Dialect != store.SQLite {
		t.Skip("staging is SQLite's")
	}
	u := e.User("importer", "district", testenv.Jurisdiction)
	ctx := actor.With(context.Background(), actor.Actor{UserID: u.ID, Username: u.Username, Role: "district", Scope: testenv.Jurisdiction})
	const rows = 600
	ledger := stagedLedger(t, rows)
	var points []string
	var createErr error
	defer org.SetStageHook(func(point string) {
		points = append(points, point)
		if point != "staged" {
			return
		}
		name, cat, town := "分段导入个体户0123", "individual_business", testenv.Hongqiao
		_, createErr = e.App.Orgs.Create(ctx, org.Input{Name: &name, Category: &cat, RegionCode: &town})
	})()
	res, errs, err := org.Import(ctx, e.App.Orgs, e.App.Regions, bytes.NewReader(ledger), int64(len(ledger)), xlsx.Limits{}, nil)
	if createErr != nil {
		t.Fatalf("the other user's creation: %v", createErr)
	}
	if err != nil || len(errs) != 0 {
		t.Fatalf("import: %+v %v %v", res, errs, err)
	}
	if fmt.Sprint(points) != "[staging staged fallback staging]" {
		t.Fatalf("hook points %v, want a fallback after the stage", points)
	}
	if res.Created != rows-1 || res.Created+res.Updated+res.Unchanged != rows {
		t.Fatalf("after the fallback: %+v, want %d created and the clashing row matched", res, rows-1)
	}
	if n := countOrgs(t, e.App.DB); n != rows {
		t.Fatalf("%d organizations, want %d (no duplicate)", n, rows)
	}
}
