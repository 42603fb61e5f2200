package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"liangxin/internal/store"
)

// openStagingDB opens a fresh SQLite database with one AUTOINCREMENT
// table (staging is SQLite's only: there is nothing to run on PostgreSQL).
func openStagingDB(t *testing.T, dir string) *store.DB {
	t.Helper()
	db, err := store.OpenSQLite(context.Background(), filepath.Join(dir, store.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.ExecContext(context.Background(), `CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	return db
}

func countItems(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM items`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A stage's rows are invisible to the database until Publish commits, and
// while the staging transaction is open (having read the database and
// written the stage) another connection writes and commits the database —
// both a single statement on the pool and a transaction on the
// transaction pool. The reserved ids are never given to another writer.
func TestStageHoldsNoLockAndHidesItsRows(t *testing.T) {
	ctx := store.Quiet(context.Background())
	db := openStagingDB(t, t.TempDir())
	st, err := db.NewStage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Exec(ctx, `CREATE TABLE stage.items AS SELECT id, name FROM main.items WHERE 0`); err != nil {
		t.Fatal(err)
	}
	first, err := st.ReserveIDs(ctx, "items", 3)
	if err != nil {
		t.Fatal(err)
	}
	if first != 1 {
		t.Fatalf("first reserved id %d, want 1 (empty table)", first)
	}
	// A chunk's transaction on the staging connection: it reads the
	// database and writes the stage.
	if err := st.Begin(ctx); err != nil {
		t.Fatal(err)
	}
	c := st.Conn()
	var before int
	if err := c.QueryRowContext(ctx, `SELECT COUNT(*) FROM main.items`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"甲", "乙", "丙"} {
		if _, err := c.ExecContext(ctx, `INSERT INTO stage.items (id, name) VALUES (?, ?)`, first+int64(i), name); err != nil {
			t.Fatal(err)
		}
	}
	// Another user's writes go through now (the deadline only ends a
	// failure; it is not a measurement).
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := db.Exec(wctx, db, `INSERT INTO items (name) VALUES ('单条')`); err != nil {
		t.Errorf("a single write while staging: %v", err)
	}
	if err := db.InTx(wctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(wctx, `INSERT INTO items (name) VALUES ('事务')`)
		return err
	}); err != nil {
		t.Errorf("a write transaction while staging: %v", err)
	}
	if n := countItems(t, db); n != 2 {
		t.Errorf("another connection sees %d items while staging, want 2 (the other user's)", n)
	}
	if err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countItems(t, db); n != 2 {
		t.Fatalf("%d items after staging, before publishing, want 2", n)
	}
	// The other writers were given ids past the reserved block.
	var lo int64
	if err := db.QueryRowContext(ctx, `SELECT MIN(id) FROM items`).Scan(&lo); err != nil {
		t.Fatal(err)
	}
	if lo != 4 {
		t.Fatalf("the other writers' first id is %d, want 4 (ids 1-3 reserved)", lo)
	}
	if err := st.Publish(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO main.items (id, name) SELECT id, name FROM stage.items`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n := countItems(t, db); n != 5 {
		t.Fatalf("%d items after publishing, want 5", n)
	}
	// The transaction pool's connection no longer has the stage attached.
	if err := db.InTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_database_list WHERE name = 'stage'`).Scan(&n); err != nil {
			return err
		}
		if n != 0 {
			t.Errorf("the transaction pool's connection still has the stage attached")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	path := st.Path
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the scratch file is still there after Close: %v", err)
	}
}

// A publish that fails (here a unique key) rolls back as a whole.
func TestStagePublishIsAllOrNothing(t *testing.T) {
	ctx := store.Quiet(context.Background())
	db := openStagingDB(t, t.TempDir())
	st, err := db.NewStage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := db.ExecContext(ctx, `INSERT INTO items (name) VALUES ('乙')`); err != nil {
		t.Fatal(err)
	}
	err = st.Publish(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO items (name) VALUES ('甲')`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO items (name) VALUES ('乙')`)
		return err
	})
	if !store.IsUniqueViolation(err) {
		t.Fatalf("publish: %v, want a unique violation", err)
	}
	if n := countItems(t, db); n != 1 {
		t.Fatalf("%d items after a failed publish, want 1", n)
	}
}

// Scratch files a killed process left next to the database are removed
// when the database is opened again; a stage in use (locked by its
// process) is kept.
func TestLeftoverStagesRemovedAtStart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openStagingDB(t, dir)
	live, err := db.NewStage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	dead := filepath.Join(dir, store.SQLiteFile+".stage-0123456789abcdef")
	for _, p := range []string{dead, dead + "-journal"} {
		if err := os.WriteFile(p, []byte("left over"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	other := filepath.Join(dir, "other.db.stage-0123456789abcdef")
	if err := os.WriteFile(other, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db2 := openStagingDB(t, dir) // a second start on the same database
	_ = db2
	for _, p := range []string{dead, dead + "-journal"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s survived the start: %v", filepath.Base(p), err)
		}
	}
	if _, err := os.Stat(live.Path); err != nil {
		t.Errorf("the live stage was removed: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another database's file was removed: %v", err)
	}
}

// The stage's rollback journal is a file, not memory: in memory it held
// the original of every stage page a transaction rewrote (60–100 MB outside
// Go's heap in a 200,000-row import, docs/benchmarks.md). A failed
// statement is still undone: the rows a transaction wrote before it failed
// are gone after Rollback.
func TestStageJournalIsAFileAndRollsBack(t *testing.T) {
	ctx := store.Quiet(context.Background())
	db := openStagingDB(t, t.TempDir())
	st, err := db.NewStage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var mode string
	if err := st.Conn().QueryRowContext(ctx, `PRAGMA stage.journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "truncate" {
		t.Fatalf("stage journal_mode %q, want truncate (a file)", mode)
	}
	if err := st.Exec(ctx, `CREATE TABLE stage.items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	if err := st.Exec(ctx, `INSERT INTO stage.items (id, name) VALUES (1, 'kept')`); err != nil {
		t.Fatal(err)
	}
	if err := st.Begin(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Conn().ExecContext(ctx, `INSERT INTO stage.items (id, name) VALUES (2, 'undone')`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Conn().ExecContext(ctx, `INSERT INTO stage.items (id, name) VALUES (3, 'kept')`); err == nil {
		t.Fatal("a repeated name was accepted")
	}
	st.Rollback(ctx)
	var names string
	if err := st.Conn().QueryRowContext(ctx, `SELECT group_concat(name) FROM stage.items`).Scan(&names); err != nil {
		t.Fatal(err)
	}
	if names != "kept" {
		t.Fatalf("stage after the rollback holds %q, want just \"kept\"", names)
	}
}
