package store_test

import (
	"database/sql"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// Writes under a steady read load keep the SQLite log bounded: 1,000 write
// transactions of a 4,000-character row (about 4 MB of pages, so a log of
// more than 4 MB if nothing were copied back) while four readers read the
// newest row without pause; after every 25 writes one checkpointer tick runs.
// With a 1 MB limit the log is never above 1 MB after a tick, and once the
// writes stop two ticks empty it (the second sees nothing new: TRUNCATE).
// On PostgreSQL the same load runs and the checkpointer does nothing.
func TestCheckpointBoundsTheLogUnderReads(t *testing.T) {
	db := storetest.OpenEmpty(t)
	exec(t, db, `CREATE TABLE ckpt_rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`)
	const limit = 1 << 20
	// The TRUNCATE may wait up to 5 s (the server's waits 50 ms) for readers
	// that began before the log was copied back: a loaded machine can pause
	// a reader's goroutine for longer than 50 ms, and the bound asserted
	// below must not depend on the scheduler.
	store.SetCheckpointLimits(db, limit, 5*time.Second)
	if db.Dialect == store.SQLite {
		// Commits never checkpoint; a restarted log is trimmed to 4 MB.
		if n := count(t, db, `PRAGMA wal_autocheckpoint`); n != 0 {
			t.Errorf("wal_autocheckpoint = %d, want 0", n)
		}
		if n := count(t, db, `PRAGMA journal_size_limit`); n != 4<<20 {
			t.Errorf("journal_size_limit = %d, want %d", n, 4<<20)
		}
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var reads atomic.Int64
	readErr := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				// Short reads, as the API makes: the newest row.
				var n sql.NullInt64
				if err := db.QueryRow(ctx, db, `SELECT LENGTH(body) FROM ckpt_rows WHERE id = (SELECT MAX(id) FROM ckpt_rows)`).Scan(&n); err != nil && err != sql.ErrNoRows {
					readErr <- err
					return
				}
				reads.Add(1)
			}
		}()
	}

	body := strings.Repeat("两新", 2000) // 4,000 characters
	maxAfterTick := int64(0)
	for batch := range 40 {
		for i := range 25 {
			id := batch*25 + i + 1
			if err := db.InTx(ctx, func(tx *sql.Tx) error {
				_, err := db.Exec(ctx, tx, `INSERT INTO ckpt_rows (id, body) VALUES (?, ?)`, id, body)
				return err
			}); err != nil {
				t.Fatalf("write %d: %v", id, err)
			}
		}
		r, err := db.Checkpoint(ctx)
		if err != nil {
			t.Fatalf("checkpoint after batch %d: %v", batch, err)
		}
		if r.Busy && db.WALSize() > limit {
			t.Logf("batch %d: %+v, log %d bytes", batch, r, db.WALSize())
		}
		maxAfterTick = max(maxAfterTick, db.WALSize())
	}
	close(stop)
	wg.Wait()
	select {
	case err := <-readErr:
		t.Fatalf("reader: %v", err)
	default:
	}
	if reads.Load() == 0 {
		t.Fatal("the readers never ran")
	}
	if n := count(t, db, `SELECT COUNT(*) FROM ckpt_rows`); n != 1000 {
		t.Errorf("rows = %d, want 1000", n)
	}
	if n := count(t, db, `SELECT SUM(LENGTH(body)) FROM ckpt_rows`); n != 4_000_000 {
		t.Errorf("characters = %d, want 4,000,000", n)
	}

	if db.Dialect != store.SQLite {
		if s := db.WALSize(); s != -1 {
			t.Errorf("WALSize on PostgreSQL = %d, want -1", s)
		}
		if r, err := db.Checkpoint(ctx); err != nil || r != (store.CheckpointResult{}) {
			t.Errorf("Checkpoint on PostgreSQL = %+v, %v", r, err)
		}
		return
	}
	if maxAfterTick > limit {
		t.Errorf("log after a tick reached %d bytes, limit %d", maxAfterTick, limit)
	}
	for range 2 {
		if _, err := db.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if s := db.WALSize(); s != 0 {
		t.Errorf("log after two idle ticks = %d bytes, want 0", s)
	}
}
