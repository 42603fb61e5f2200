package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
		for _, stmt := range []string{`VACUUM`, `PRAGMA wal_checkpoint(TRUNCATE)`} {
			if _, err := db.tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("store: scrub: %s: %w", stmt, err)
			}
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
