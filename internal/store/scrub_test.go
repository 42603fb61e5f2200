package store_test

import (
	"bytes"
	"os"
	"testing"
	"time"

	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// Scrub must leave no old page image in the SQLite write-ahead log. A reader
// still on an older snapshot makes SQLite's TRUNCATE checkpoint report busy
// (in its result row, not as an error) and keep the log: Scrub then waits,
// and fails naming the reader when the reader outlasts its wait, the request
// still pending. Once the reader has gone, Scrub empties the log, and no file
// of the database holds the overwritten value.
func TestScrubEmptiesTheLogOnceReadersLetGo(t *testing.T) {
	db := storetest.Open(t)
	if db.Dialect != store.SQLite {
		t.Skip("the write-ahead log is SQLite's")
	}
	const secret = "13900112233-scrub"
	exec(t, db, `CREATE TABLE scrub_rows (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`)
	exec(t, db, `INSERT INTO scrub_rows (id, v) VALUES (1, ?)`, secret)
	if pending, _ := db.ScrubPending(ctx); !pending {
		t.Fatal("a fresh database asks for no scrub (migration 0015 should)")
	}

	// A reader on the snapshot before the overwrite: a query stopped after
	// its first row keeps its read transaction open.
	exec(t, db, `INSERT INTO scrub_rows (id, v) VALUES (2, 'other')`)
	reader, err := db.DB.QueryContext(ctx, `SELECT v FROM scrub_rows ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var v string
	if !reader.Next() || reader.Scan(&v) != nil || v != secret {
		t.Fatalf("reader: %q %v", v, reader.Err())
	}
	exec(t, db, `UPDATE scrub_rows SET v = 'sealed' WHERE id = 1`)

	restore := store.SetScrubWait(300 * time.Millisecond)
	defer restore()
	err = db.Scrub(ctx, "scrub_rows")
	t.Logf("scrub with a reader: %v", err)
	if err == nil {
		t.Fatal("Scrub reported success while a reader kept the log")
	}
	if pending, _ := db.ScrubPending(ctx); !pending {
		t.Fatal("a failed scrub cleared its request")
	}

	if err := reader.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Scrub(ctx, "scrub_rows"); err != nil {
		t.Fatalf("scrub after the reader left: %v", err)
	}
	if pending, _ := db.ScrubPending(ctx); pending {
		t.Fatal("scrub request not cleared")
	}
	for _, f := range []string{db.Path, db.Path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s still holds the overwritten value", f)
		}
	}
}
