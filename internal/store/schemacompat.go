package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Upgrades node by node (issue 19). During a rolling upgrade the first node
// of the new release migrates the shared database while the other nodes
// still run the previous release. The rule:
//
//   - A migration declares that it keeps the previous release working with
//     a line "-- liangxin:keeps-previous" in its file: it only adds (new
//     tables, new columns that are nullable or have a default, new indexes,
//     new rows), so code written before it neither sees nor breaks on what
//     it adds. Every other migration (a rename, a drop, a new NOT NULL
//     column without a default, a changed meaning) breaks older releases.
//     A migration declared "-- liangxin:concurrently" (index builds only,
//     concurrently.go) keeps the previous release working without the line.
//   - Migrate records each applied migration's declaration in
//     schema_compat, so that an older binary, which does not know the newer
//     migrations, can read it from the database.
//   - A binary whose newest migration is L serves a database at schema
//     version V when V == L, or when V > L and every migration above L is
//     recorded as keeping the previous release working (the compatibility
//     window). It refuses to start (Migrate) and answers /readyz 503
//     (CheckServes) on any other newer schema, and on an older schema it
//     migrates at start (V < L: not ready until then).
const keepsPreviousMark = "-- liangxin:keeps-previous"

// declaresKeepsPrevious reports whether a migration file's text carries the
// keeps-previous declaration (a line of its own).
func declaresKeepsPrevious(body string) bool {
	for _, line := range strings.Split(body, "\n") {
		if strings.TrimSpace(line) == keepsPreviousMark {
			return true
		}
	}
	return false
}

func (db *DB) ensureSchemaCompat(ctx context.Context, q Querier) error {
	_, err := db.Exec(ctx, q, `CREATE TABLE IF NOT EXISTS schema_compat (version INTEGER PRIMARY KEY, keeps_previous INTEGER NOT NULL)`)
	return err
}

// recordCompat records, in the migration's transaction, whether migration
// m keeps the previous release working.
func (db *DB) recordCompat(ctx context.Context, tx *sql.Tx, m Migration) error {
	if err := db.ensureSchemaCompat(ctx, tx); err != nil {
		return err
	}
	keep := 0
	if m.KeepsPrevious {
		keep = 1
	}
	_, err := db.Exec(ctx, tx, `INSERT INTO schema_compat (version, keeps_previous) VALUES (?, ?)`, m.Version, keep)
	return err
}

// compatAbove returns nil when every applied migration above latest is
// recorded as keeping the previous release working, or the error naming the
// first that is not (or has no record: applied by a binary older than
// this rule, so not known to be compatible).
func (db *DB) compatAbove(ctx context.Context, latest, cur int) error {
	if err := db.ensureSchemaCompat(ctx, db); err != nil {
		return err
	}
	rows, err := db.Query(ctx, db, `SELECT version, keeps_previous FROM schema_compat WHERE version > ? ORDER BY version`, latest)
	if err != nil {
		return err
	}
	defer rows.Close()
	known := map[int]bool{}
	for rows.Next() {
		var v, keep int
		if err := rows.Scan(&v, &keep); err != nil {
			return err
		}
		known[v] = keep == 1
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for v := latest + 1; v <= cur; v++ {
		keep, ok := known[v]
		if !ok || !keep {
			return fmt.Errorf("数据库结构版本 %d 高于本程序支持的版本 %d，且第 %d 号迁移未声明兼容旧版本：请升级程序", cur, latest, v)
		}
	}
	return nil
}

// CheckServes returns nil when this binary may serve the database's schema
// (see the rule above): the schema is its own version, or newer within the
// compatibility window. /readyz answers 503 with the error otherwise.
func (db *DB) CheckServes(ctx context.Context) error {
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return fmt.Errorf("读取数据库结构版本失败：%w", err)
	}
	latest, cur := LatestVersion(db.Dialect), int(v.Int64)
	switch {
	case cur == latest:
		return nil
	case cur < latest:
		return fmt.Errorf("数据库结构版本 %d 低于程序要求的 %d：尚未迁移", cur, latest)
	}
	return db.compatAbove(ctx, latest, cur)
}
