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
// truncates the log to zero bytes. SQLite does not fail a checkpoint that a
// reader holding an older snapshot blocks: it reports busy in its result row
// and leaves the log (and the old page images in it) in place. A reader on
// the other pool finishes within moments, so the checkpoint is retried until
// it reports done, for at most scrubWait.
func (db *DB) checkpointTruncate(ctx context.Context) error {
	deadline := time.Now().Add(scrubWait)
	for {
		var busy, logFrames, done int
		err := db.tx.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done)
		if err != nil {
			return fmt.Errorf("store: scrub: wal checkpoint: %w", err)
		}
		if busy == 0 && logFrames <= 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("store: scrub: wal checkpoint still blocked by a reader after %s (%d of %d frames copied)", scrubWait, done, logFrames)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// scrubWait bounds how long Scrub waits for readers to let the WAL go.
const scrubWait = 30 * time.Second

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
