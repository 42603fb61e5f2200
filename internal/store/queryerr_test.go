package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

func TestOperation(t *testing.T) {
	cases := map[string]string{
		"SELECT id, name FROM organizations o WHERE id = ?":                      "select from organizations",
		"  select count(*)\n\tfrom members WHERE party_org_id = ?":               "select from members",
		"WITH RECURSIVE po_sub(id) AS (SELECT 1) SELECT id FROM po_sub":          "select from po_sub",
		"INSERT INTO audit_log(at, actor) VALUES (?, ?)":                         "insert into audit_log",
		"insert into settings (key, value) values (?, ?) ON CONFLICT DO NOTHING": "insert into settings",
		"UPDATE party_orgs SET name = ? WHERE id = ?":                            "update party_orgs",
		"DELETE FROM import_sessions WHERE id = ?":                               "delete from import_sessions",
		"PRAGMA optimize": "pragma",
		"SELECT 1":        "select",
		"":                "sql",
	}
	for q, want := range cases {
		if got := store.Operation(q); got != want {
			t.Errorf("Operation(%q) = %q, want %q", q, got, want)
		}
	}
}

// A failed statement names what it was doing, and the driver's error stays
// reachable (unique violations are still recognised), on both databases.
func TestQueryErrorsNameTheStatement(t *testing.T) {
	db := storetest.OpenEmpty(t)
	if _, err := db.Exec(ctx, db, `CREATE TABLE qe (id INTEGER PRIMARY KEY, code TEXT UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, db, `INSERT INTO qe (id, code) VALUES (1, 'a')`); err != nil {
		t.Fatal(err)
	}
	_, err := db.Exec(ctx, db, `INSERT INTO qe (id, code) VALUES (2, 'a')`)
	var qe *store.QueryError
	if !errors.As(err, &qe) || qe.Op != "insert into qe" || !strings.HasPrefix(err.Error(), "insert into qe: ") {
		t.Fatalf("duplicate insert: %v, want a QueryError naming insert into qe", err)
	}
	if !store.IsUniqueViolation(err) {
		t.Errorf("the wrapped error is no longer a unique violation: %v", err)
	}
	_, err = db.Query(ctx, db, `SELECT nope FROM qe`)
	if err == nil || !strings.HasPrefix(err.Error(), "select from qe: ") {
		t.Errorf("bad select: %v, want it named select from qe", err)
	}
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = db.Query(cctx, db, `SELECT id FROM qe`)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled query: %v, want context.Canceled through the wrapper", err)
	}
}

// A statement failing under store.WithOp names the domain operation first,
// then the statement, on both databases; ListPage's count says so too.
func TestQueryErrorsNameTheOperation(t *testing.T) {
	db := storetest.OpenEmpty(t)
	if _, err := db.Exec(ctx, db, `CREATE TABLE qo (id INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	octx := store.WithOp(ctx, "member.List")
	_, err := db.Query(octx, db, `SELECT nope FROM qo`)
	var qe *store.QueryError
	if !errors.As(err, &qe) || qe.Name != "member.List" || !strings.HasPrefix(err.Error(), "member.List: select from qo: ") {
		t.Fatalf("bad select under member.List: %v", err)
	}
	_, err = db.Exec(store.WithOp(octx, "member.Update"), db, `UPDATE qo SET nope = 1`)
	if err == nil || !strings.HasPrefix(err.Error(), "member.Update: update qo: ") {
		t.Errorf("the innermost name wins: %v", err)
	}
	_, _, err = store.ListPage(store.WithOp(ctx, "org.List"), db, "id", "FROM qo", "nope = ?", []any{1}, "id", store.PageOf(1, 20, 0),
		func(r store.Scanner) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
	if err == nil || !strings.HasPrefix(err.Error(), "org.List: select from qo: ") {
		t.Errorf("ListPage count under org.List: %v", err)
	}
	// Without a name the statement alone, as before.
	if _, err := db.Query(ctx, db, `SELECT nope FROM qo`); err == nil || !strings.HasPrefix(err.Error(), "select from qo: ") {
		t.Errorf("unnamed: %v", err)
	}
	if store.OpOf(ctx) != "" || store.OpOf(octx) != "member.List" {
		t.Errorf("OpOf: %q %q", store.OpOf(ctx), store.OpOf(octx))
	}
}
