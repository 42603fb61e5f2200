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
