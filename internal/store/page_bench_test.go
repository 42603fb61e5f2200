package store_test

import (
	"fmt"
	"math"
	"testing"

	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// BenchmarkListTotal is the first page of 20 of a roster-shaped list
// (200,000 rows, a region range condition that matches 90% of them, order
// by id) read with the count capped at store.DefaultTotalCap ("capped")
// and with every matching row counted, as the lists did before ("exact",
// the cap out of reach). Run on both databases:
//
//	go test -run '^$' -bench BenchmarkListTotal -benchtime 30x ./internal/store/
//	LIANGXIN_TEST_POSTGRES=… go test -run '^$' -bench BenchmarkListTotal -benchtime 30x ./internal/store/
func BenchmarkListTotal(b *testing.B) {
	const rows = 200000
	db := storetest.OpenEmpty(b)
	ctx := b.Context()
	for _, q := range []string{
		`CREATE TABLE bm (id INTEGER PRIMARY KEY, region_code TEXT NOT NULL, name TEXT NOT NULL, party_org_id INTEGER NOT NULL)`,
		// Region codes 430426001001…430426010999: nine of ten rows fall in
		// 430426001…430426009.
		`INSERT INTO bm (id, region_code, name, party_org_id)
			SELECT n, CAST(430426000000 + (1 + n % 10) * 1000 + n % 997 AS TEXT), '党员' || CAST(n AS TEXT), 1 + n % 5000
			FROM (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ` + fmt.Sprint(rows) + `) SELECT n FROM s) AS seq`,
		`CREATE INDEX bm_region ON bm (region_code)`,
		`ANALYZE bm`,
	} {
		if _, err := db.Exec(ctx, db, q); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	scan := func(r store.Scanner) (int64, error) {
		var id int64
		var name string
		return id, r.Scan(&id, &name)
	}
	lq := store.ListQuery{Cols: "id, name", From: "FROM bm", Cond: "region_code >= ? AND region_code < ?",
		Args: []any{"430426001", "430426010"}, Order: "id"}
	for _, c := range []struct {
		name string
		cap  int
		want store.Total
	}{
		{"capped", 0, store.Total{N: store.DefaultTotalCap, Capped: true}},
		{"exact", math.MaxInt32, store.Exact(rows / 10 * 9)},
	} {
		b.Run(c.name, func(b *testing.B) {
			q := lq
			q.Cap = c.cap
			for b.Loop() {
				got, total, err := store.List(ctx, db, q, store.Page{Number: 1, Size: 20}, scan)
				if err != nil || len(got) != 20 || total != c.want {
					b.Fatalf("%d rows of %+v, %v; want 20 of %+v", len(got), total, err, c.want)
				}
			}
		})
	}
}
