package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SettingScrub marks that values once kept in clear were removed and the
// storage still has to be rewritten (migration 0015 sets it).
const SettingScrub = "pdata_rest_scrub"

// ScrubPending reports whether a scrub was asked for.
func (db *DB) ScrubPending(ctx context.Context) (bool, error) {
	var v string
	err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = '`+SettingScrub+`'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Scrub rewrites the storage so that deleted or overwritten values leave no
// copy behind, then clears the request. SQLite: VACUUM (rebuilds the file,
// dropping free pages that may still hold old rows; new deletes are zeroed
// by secure_delete) and a truncating WAL checkpoint (old page images in the
// log). PostgreSQL: VACUUM FULL of the tables that held clear values
// (rewrites them without dead row versions). Run with no other work going on:
// it takes the tables' exclusive locks.
func (db *DB) Scrub(ctx context.Context, tables ...string) error {
	switch db.Dialect {
	case SQLite:
		if _, err := db.tx.ExecContext(ctx, `VACUUM`); err != nil {
			return fmt.Errorf("store: scrub: VACUUM: %w", err)
		}
		if err := db.checkpointTruncate(ctx); err != nil {
			return err
		}
	case Postgres:
		for _, t := range tables {
			if _, err := db.ExecContext(ctx, `VACUUM FULL `+quoteIdent(t)); err != nil {
				return fmt.Errorf("store: scrub: vacuum %s: %w", t, err)
			}
		}
	}
	_, err := db.ExecContext(ctx, `DELETE FROM settings WHERE key = '`+SettingScrub+`'`)
	return err
}

// checkpointTruncate copies the whole WAL into the database file and
// truncates the log to zero bytes. SQLite does not fail a checkpoint that
// another connection is in the way of (a reader on an older snapshot, the
// background checkpointer's own PASSIVE step): it reports busy in its result
// row and leaves the log, with the old page images in it, in place. So the
// background checkpointer is held back meanwhile, the TRUNCATE waits up to
// scrubWait for readers, and a log it still could not empty is an error.
func (db *DB) checkpointTruncate(ctx context.Context) error {
	if db.ckpt != nil {
		db.ckpt.mu.Lock()
		defer db.ckpt.mu.Unlock()
	}
	conn, err := db.tx.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: scrub: %w", err)
	}
	defer conn.Close()
	r, err := truncateOn(ctx, conn, scrubWait)
	if err != nil {
		return fmt.Errorf("store: scrub: %w", err)
	}
	if r.Busy || r.Log > 0 {
		return fmt.Errorf("store: scrub: the write-ahead log is still held by a reader after %s (%d of %d frames copied)", scrubWait, r.Checkpointed, r.Log)
	}
	return nil
}

// scrubWait bounds how long Scrub waits for readers to let the WAL go.
var scrubWait = 30 * time.Second

func quoteIdent(s string) string {
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			out = append(out, '"')
		}
		out = append(out, s[i])
	}
	return string(append(out, '"'))
}
