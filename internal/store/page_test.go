package store_test

import (
	"fmt"
	"testing"

	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

func TestPageOf(t *testing.T) {
	cases := []struct {
		number, size, max int
		want              store.Page
		offset            int
	}{
		{1, 20, 0, store.Page{Number: 1, Size: 20}, 0},
		{3, 50, 0, store.Page{Number: 3, Size: 50}, 100},
		{0, 0, 0, store.Page{Number: 1, Size: 20}, 0},
		{-4, 501, 0, store.Page{Number: 1, Size: 20}, 0},
		{2, 500, 0, store.Page{Number: 2, Size: 500}, 500},
		{2, 201, 200, store.Page{Number: 2, Size: 20}, 20},
		{5, 200, 200, store.Page{Number: 5, Size: 200}, 800},
	}
	for _, c := range cases {
		p := store.PageOf(c.number, c.size, c.max)
		if p != c.want || p.Offset() != c.offset {
			t.Errorf("PageOf(%d, %d, %d) = %+v offset %d, want %+v offset %d", c.number, c.size, c.max, p, p.Offset(), c.want, c.offset)
		}
	}
	q, args := store.Page{}.Limit("SELECT 1", []any{"a"})
	if q != "SELECT 1" || len(args) != 1 {
		t.Errorf("a page without a size limited the query: %q %v", q, args)
	}
	in := []any{"a"}
	q, args = store.Page{Number: 3, Size: 10}.Limit("SELECT 1", in)
	if q != "SELECT 1 LIMIT ? OFFSET ?" || fmt.Sprint(args) != "[a 10 20]" || len(in) != 1 {
		t.Errorf("Limit = %q %v (input %v)", q, args, in)
	}
}

// ListPage counts every matching row and returns the asked page in order,
// on both databases.
func TestListPage(t *testing.T) {
	db := storetest.OpenEmpty(t)
	exec(t, db, `CREATE TABLE lp (id INTEGER PRIMARY KEY, grp TEXT NOT NULL)`)
	for i := 1; i <= 23; i++ {
		g := "odd"
		if i%2 == 0 {
			g = "even"
		}
		exec(t, db, `INSERT INTO lp (id, grp) VALUES (?, ?)`, i, g)
	}
	scan := func(r store.Scanner) (int, error) {
		var id int
		return id, r.Scan(&id)
	}
	// 12 odd ids (1, 3, …, 23); page 3 of 5 holds 21 and 23.
	got, total, err := store.ListPage(ctx, db, "id", "FROM lp", "grp = ?", []any{"odd"}, "id", store.Page{Number: 3, Size: 5}, scan)
	if err != nil || total != store.Exact(12) || fmt.Sprint(got) != "[21 23]" {
		t.Fatalf("page 3 = %v of %+v, %v; want [21 23] of 12", got, total, err)
	}
	got, total, err = store.ListPage(ctx, db, "id", "FROM lp", "grp = ?", []any{"even"}, "id DESC", store.Page{}, scan)
	if err != nil || total != store.Exact(11) || len(got) != 11 || got[0] != 22 || got[10] != 2 {
		t.Fatalf("every even id = %v of %+v, %v", got, total, err)
	}
	got, total, err = store.ListPage(ctx, db, "id", "FROM lp", "grp = ?", []any{"none"}, "id", store.Page{Number: 1, Size: 5}, scan)
	if err != nil || total != store.Exact(0) || got == nil || len(got) != 0 {
		t.Fatalf("no rows = %#v of %+v, %v; want an empty, non-nil list", got, total, err)
	}
}

// A list counts at most its cap: up to the cap the total is exact and equals
// the hand count, one row past it the total is the cap and marked capped,
// and the pages (past the cap too) hold the right rows, on both databases.
func TestListTotalCap(t *testing.T) {
	db := storetest.OpenEmpty(t)
	exec(t, db, `CREATE TABLE lc (id INTEGER PRIMARY KEY, grp TEXT NOT NULL, note TEXT)`)
	exec(t, db, `CREATE TABLE lc_note (lc_id INTEGER NOT NULL, body TEXT NOT NULL)`)
	// 30 rows: ids 1…30; grp "a" holds the multiples of 3 (10 rows), "b" the
	// rest (20 rows); every row has one note.
	for i := 1; i <= 30; i++ {
		g := "b"
		if i%3 == 0 {
			g = "a"
		}
		exec(t, db, `INSERT INTO lc (id, grp) VALUES (?, ?)`, i, g)
		exec(t, db, `INSERT INTO lc_note (lc_id, body) VALUES (?, ?)`, i, fmt.Sprint("n", i))
	}
	scan := func(r store.Scanner) (int, error) {
		var id int
		return id, r.Scan(&id)
	}
	list := func(cond string, args []any, cap int, p store.Page) ([]int, store.Total) {
		t.Helper()
		got, total, err := store.List(ctx, db, store.ListQuery{Cols: "lc.id", From: "FROM lc JOIN lc_note n ON n.lc_id = lc.id",
			CountFrom: "FROM lc", Cond: cond, Args: args, Order: "lc.id", Cap: cap}, p, scan)
		if err != nil {
			t.Fatal(err)
		}
		return got, total
	}
	cases := []struct {
		cond string
		args []any
		cap  int
		want store.Total
	}{
		{"grp = ?", []any{"a"}, 10, store.Total{N: 10}},              // exactly the cap: exact
		{"grp = ?", []any{"a"}, 9, store.Total{N: 9, Capped: true}},  // one past the cap
		{"grp = ?", []any{"a"}, 11, store.Total{N: 10}},              // below the cap
		{"grp = ?", []any{"b"}, 5, store.Total{N: 5, Capped: true}},  // far past
		{"id > ?", []any{28}, 5, store.Total{N: 2}},                  // small
		{"grp = ?", []any{"none"}, 5, store.Total{}},                 // none
		{"", nil, 29, store.Total{N: 29, Capped: true}},              // no condition
		{"", nil, 0, store.Total{N: 30}},                             // the default cap
		{"grp = ? OR id = ?", []any{"a", 1}, 11, store.Total{N: 11}}, // 10 + 1 = the cap
		{"grp = ? OR id = ?", []any{"a", 1}, 10, store.Total{N: 10, Capped: true}},
	}
	for _, c := range cases {
		if _, got := list(c.cond, c.args, c.cap, store.Page{Number: 1, Size: 3}); got != c.want {
			t.Errorf("%q %v cap %d: total %+v, want %+v", c.cond, c.args, c.cap, got, c.want)
		}
	}
	// Pages of a capped list, before and past the cap: grp "b" in id order is
	// 1 2 4 5 7 8 10 11 13 14 16 17 19 20 22 23 25 26 28 29.
	for _, c := range []struct {
		page store.Page
		want string
	}{
		{store.Page{Number: 1, Size: 4}, "[1 2 4 5]"},
		{store.Page{Number: 2, Size: 4}, "[7 8 10 11]"},
		{store.Page{Number: 4, Size: 4}, "[19 20 22 23]"}, // rows 13–16: past the cap of 5
		{store.Page{Number: 5, Size: 4}, "[25 26 28 29]"},
		{store.Page{Number: 6, Size: 4}, "[]"},
	} {
		got, total := list("grp = ?", []any{"b"}, 5, c.page)
		if fmt.Sprint(got) != c.want || total != (store.Total{N: 5, Capped: true}) {
			t.Errorf("page %+v = %v of %+v, want %s of 5+", c.page, got, total, c.want)
		}
	}
	if (store.Total{N: 5, Capped: true}).Ceiling() < 1<<40 || store.Exact(7).Ceiling() != 7 {
		t.Error("Ceiling: a capped total must not bound a walk; an exact one is its count")
	}
}

// SetTotalCap lowers the cap of the lists that name none (the hook the
// domain packages' tests use), a ListQuery's own Cap still wins, and
// CountIn counts as List does.
func TestSetTotalCap(t *testing.T) {
	db := storetest.OpenEmpty(t)
	exec(t, db, `CREATE TABLE sc (id INTEGER PRIMARY KEY)`)
	for i := 1; i <= 4; i++ {
		exec(t, db, `INSERT INTO sc (id) VALUES (?)`, i)
	}
	scan := func(r store.Scanner) (int, error) {
		var id int
		return id, r.Scan(&id)
	}
	list := func(capN int) store.Total {
		t.Helper()
		got, total, err := store.List(ctx, db, store.ListQuery{Cols: "id", From: "FROM sc", Order: "id", Cap: capN}, store.Page{Number: 2, Size: 3}, scan)
		if err != nil || fmt.Sprint(got) != "[4]" {
			t.Fatalf("page 2 = %v, %v; want [4]", got, err)
		}
		return total
	}
	if got := list(0); got != store.Exact(4) {
		t.Errorf("default cap: %+v, want 4", got)
	}
	db.SetTotalCap(3)
	if got := list(0); got != (store.Total{N: 3, Capped: true}) {
		t.Errorf("cap lowered to 3: %+v, want 3+", got)
	}
	if got := list(4); got != store.Exact(4) {
		t.Errorf("the query's own cap of 4: %+v, want 4", got)
	}
	var n store.Total
	err := db.Report(ctx, func(q store.Querier) error {
		var err error
		n, err = store.CountIn(ctx, db, q, store.ListQuery{From: "FROM sc", Cond: "id > ?", Args: []any{1}})
		return err
	})
	if err != nil || n != (store.Total{N: 3}) {
		t.Errorf("CountIn id > 1 under a cap of 3: %+v, %v; want exactly 3", n, err)
	}
	db.SetTotalCap(0)
	if got := list(0); got != store.Exact(4) {
		t.Errorf("cap restored: %+v, want 4", got)
	}
}
