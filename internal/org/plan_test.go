package org_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"liangxin/internal/org"
	"liangxin/internal/store"
	"liangxin/internal/testenv"
)

// plan returns the query plan of q: SQLite's EXPLAIN QUERY PLAN details, or
// PostgreSQL's EXPLAIN lines, joined.
func plan(t *testing.T, db *store.DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.Query(context.Background(), db, "EXPLAIN QUERY PLAN "+q, args...)
	if db.Dialect == store.Postgres {
		rows, err = db.Query(context.Background(), db, "EXPLAIN "+q, args...)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals[len(vals)-1].String)
	}
	return strings.Join(out, " | ")
}

// The import's duplicate check looks up a chunk's names among the
// organizations without a code. Without statistics SQLite planned it on
// the unique code index ("uscc IS NULL" looked selective) and read every
// organization without a code for each chunk: quadratic (issue 12). It must
// use the partial index of organizations without a code, with statistics
// and without; the lookup by code must use the code index. The lookups must
// also find what they should (both databases).
func TestImportLookupPlans(t *testing.T) {
	e := testenv.New(t)
	db := e.App.DB
	ctx := context.Background()
	// 3000 organizations, 30 of them (every 100th) without a code.
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		for i := range 3000 {
			var code any = fmt.Sprintf("91430426MA%08d", i)
			if i%100 == 0 {
				code = nil
			}
			if _, err := db.Exec(ctx, tx, `INSERT INTO organizations (name, uscc, category, region_code, created_at, updated_at) VALUES (?, ?, 'private', ?, 'x', 'x')`,
				fmt.Sprintf("单位%d", i), code, testenv.Hongqiao); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	names := []any{"单位0", "单位100", "单位150", "单位2900"} // 单位150 has a code
	codes := []any{"91430426MA00000001", "91430426MA00002999", "91430426MA99999999"}
	check := func(stage string) {
		// PostgreSQL chooses by its statistics, rightly: here the code index
		// finds the 30 organizations without a code at once. Its plan is
		// not pinned; SQLite's is.
		p := plan(t, db, org.LookupWithoutCodeSQL(db.Dialect, len(names)), names...)
		if db.Dialect == store.SQLite && (strings.Contains(p, "organizations_uscc") || !strings.Contains(p, "organizations_name_region_without_uscc")) {
			t.Errorf("%s: lookup without a code planned as %q", stage, p)
		}
		if p := plan(t, db, org.LookupByCodeSQL(len(codes)), codes...); !strings.Contains(p, "organizations_uscc") {
			t.Errorf("%s: lookup by code planned as %q", stage, p)
		}
		var found []string
		rows, err := db.Query(ctx, db, org.LookupWithoutCodeSQL(db.Dialect, len(names)), names...)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var name, region string
			if err := rows.Scan(&id, &name, &region); err != nil {
				t.Fatal(err)
			}
			found = append(found, name)
		}
		rows.Close()
		if strings.Join(found, ",") != "单位0,单位100,单位2900" {
			t.Errorf("%s: found %v", stage, found)
		}
		var n int
		rows, err = db.Query(ctx, db, org.LookupByCodeSQL(len(codes)), codes...)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			n++
		}
		rows.Close()
		if n != 2 {
			t.Errorf("%s: %d organizations by code, want 2", stage, n)
		}
	}
	if db.Dialect == store.Postgres {
		// The statistics autovacuum would gather (it runs on its own time).
		if _, err := db.ExecContext(ctx, `ANALYZE organizations`); err != nil {
			t.Fatal(err)
		}
	}
	check("without statistics")
	if err := db.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	if db.Dialect == store.SQLite {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'organizations'`).Scan(&n); err != nil || n == 0 {
			t.Fatalf("no statistics for organizations after Analyze: %d %v", n, err)
		}
	}
	check("with statistics")
	if err := db.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
}
