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
	if err != nil || total != 12 || fmt.Sprint(got) != "[21 23]" {
		t.Fatalf("page 3 = %v of %d, %v; want [21 23] of 12", got, total, err)
	}
	got, total, err = store.ListPage(ctx, db, "id", "FROM lp", "grp = ?", []any{"even"}, "id DESC", store.Page{}, scan)
	if err != nil || total != 11 || len(got) != 11 || got[0] != 22 || got[10] != 2 {
		t.Fatalf("every even id = %v of %d, %v", got, total, err)
	}
	got, total, err = store.ListPage(ctx, db, "id", "FROM lp", "grp = ?", []any{"none"}, "id", store.Page{Number: 1, Size: 5}, scan)
	if err != nil || total != 0 || got == nil || len(got) != 0 {
		t.Fatalf("no rows = %#v of %d, %v; want an empty, non-nil list", got, total, err)
	}
}
