package store

import "time"

// SetCheckpointLimits changes, for a test, the log size past which the
// checkpointer truncates the log while writes continue and how long that
// TRUNCATE waits for readers still on the log.
func SetCheckpointLimits(db *DB, walLimit int64, busy time.Duration) {
	if db.ckpt != nil {
		db.ckpt.mu.Lock()
		db.ckpt.walLimit = walLimit
		db.ckpt.busy = busy
		db.ckpt.mu.Unlock()
	}
}

// UseAutocheckpoint puts db back to SQLite's default for a benchmark's
// baseline: no background checkpointer, and the writer's connection
// checkpoints when its commit leaves more than 1000 pages in the log.
func UseAutocheckpoint(db *DB) error {
	if db.ckpt != nil {
		if err := db.ckpt.close(); err != nil {
			return err
		}
		db.ckpt = nil
	}
	_, err := db.tx.Exec(`PRAGMA wal_autocheckpoint = 1000`)
	return err
}

// SetScrubWait changes, for a test, how long Scrub waits for readers to let
// the write-ahead log go; it returns a func that restores the default.
func SetScrubWait(d time.Duration) func() {
	old := scrubWait
	scrubWait = d
	return func() { scrubWait = old }
}
