package store_test

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"testing"

	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// WithoutSecondaryIndexes drops a rebuild's non-unique indexes while it
// fills its tables and builds them again, exactly as they were, before the
// transaction commits; the primary key and the unique indexes stay, and so
// does everything when fill fails (the transaction rolls back). On SQLite
// it only runs fill.
func TestWithoutSecondaryIndexes(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	exec(t, db, `CREATE TABLE fill_a (id INTEGER PRIMARY KEY, code TEXT NOT NULL, v INTEGER NOT NULL, w TEXT NOT NULL)`)
	exec(t, db, `CREATE UNIQUE INDEX fill_a_code ON fill_a(code)`)
	exec(t, db, `CREATE INDEX fill_a_v ON fill_a(v, w)`)
	exec(t, db, `CREATE INDEX fill_a_w ON fill_a(w DESC, id)`)
	exec(t, db, `CREATE TABLE fill_b (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)`)
	exec(t, db, `CREATE INDEX fill_b_v ON fill_b(v)`)
	exec(t, db, `CREATE TABLE fill_other (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)`)
	exec(t, db, `CREATE INDEX fill_other_v ON fill_other(v)`)

	indexes := func(q store.Querier) []string {
		t.Helper()
		query := `SELECT name || ' ' || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name LIKE 'fill_%' ORDER BY name`
		if db.Dialect == store.Postgres {
			query = `SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename LIKE 'fill_%' ORDER BY indexname`
		}
		rows, err := db.Query(ctx, q, query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	before := indexes(db)
	if len(before) < 5 {
		t.Fatalf("fixture indexes: %v", before)
	}
	var during []string
	err := db.InTxConn(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return store.WithoutSecondaryIndexes(ctx, db, tx, []string{"fill_a", "fill_b"}, func() error {
			during = indexes(tx)
			for i := range 300 {
				if _, err := db.Exec(ctx, tx, `INSERT INTO fill_a (id, code, v, w) VALUES (?, ?, ?, ?)`, i+1, "c"+string(rune('a'+i%26))+string(rune('a'+i/26)), 300-i, "w"); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if after := indexes(db); !reflect.DeepEqual(after, before) {
		t.Errorf("indexes after the fill:\n%v\nwant\n%v", after, before)
	}
	if db.Dialect == store.Postgres {
		// During the fill: the unique index, the primary keys and the other
		// table's index are there; the three secondary ones are not.
		var gone []string
		for _, s := range before {
			found := false
			for _, d := range during {
				found = found || d == s
			}
			if !found {
				gone = append(gone, s[:len("fill_x_y")])
			}
		}
		if want := []string{"fill_a_v", "fill_a_w", "fill_b_v"}; !reflect.DeepEqual(gone, want) {
			t.Errorf("dropped during the fill: %v, want %v", gone, want)
		}
	} else if !reflect.DeepEqual(during, before) {
		t.Errorf("SQLite: indexes changed during the fill: %v", during)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM fill_a WHERE v > 150`); n != 150 {
		t.Errorf("%d rows with v > 150, want 150", n)
	}

	// A failing fill leaves the indexes as they were (rolled back).
	boom := errors.New("boom")
	err = db.InTxConn(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return store.WithoutSecondaryIndexes(ctx, db, tx, []string{"fill_a", "fill_b"}, func() error { return boom })
	})
	if !errors.Is(err, boom) {
		t.Fatalf("failing fill: %v", err)
	}
	if after := indexes(db); !reflect.DeepEqual(after, before) {
		t.Errorf("indexes after a failed fill:\n%v\nwant\n%v", after, before)
	}
}
