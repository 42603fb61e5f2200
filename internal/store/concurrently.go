package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Index builds that do not block writes (issue 19 item 7, upgrades node by
// node). An ordinary migration runs in a transaction, and a CREATE INDEX in
// it holds the table's SHARE lock for the whole build: on a province's
// members table (3 million rows) every node's writes to that table wait
// minutes. A migration file with the line
//
//	-- liangxin:concurrently
//
// holds only CREATE [UNIQUE] INDEX statements. On PostgreSQL each runs
// outside any transaction as CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT
// EXISTS, which lets writes go on during the build; on SQLite (one process,
// nothing to gain) as CREATE [UNIQUE] INDEX IF NOT EXISTS in the migration's
// transaction. The migration is recorded as applied only once every index is
// valid.
//
// A concurrent build that fails (a uniqueness violation, a cancelled
// statement, a node killed during the build) leaves an INVALID index behind,
// which IF NOT EXISTS would skip: before each build the runner looks the
// index up in pg_index, waits for a build of it still running in another
// session (pg_stat_progress_create_index: a killed node's statement may go
// on), drops it with DROP INDEX CONCURRENTLY when it is invalid, and builds
// it again. Such a migration keeps the previous release working (it only
// adds indexes), so it counts as keeps-previous (schemacompat.go).
const concurrentlyMark = "-- liangxin:concurrently"

// declaresConcurrently reports whether a migration file's text carries the
// concurrently declaration (a line of its own).
func declaresConcurrently(body string) bool {
	return hasMarkLine(body, concurrentlyMark)
}

func hasMarkLine(body, mark string) bool {
	for _, line := range strings.Split(body, "\n") {
		if strings.TrimSpace(line) == mark {
			return true
		}
	}
	return false
}

// indexStatement matches the statements a concurrently migration may hold.
var indexStatement = regexp.MustCompile(`(?is)^CREATE\s+(UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)\s+(ON\s+.+)$`)

// prepareConcurrently rewrites m's statements for the dialect and names
// their indexes; an error when a statement is no CREATE INDEX.
func (m *Migration) prepareConcurrently(d Dialect) error {
	m.Indexes = nil
	for i, stmt := range m.Statements {
		g := indexStatement.FindStringSubmatch(strings.TrimSpace(stripLineComments(stmt)))
		if g == nil {
			return fmt.Errorf("migration %04d_%s: a migration declared %q holds only CREATE INDEX statements, not: %s", m.Version, m.Name, concurrentlyMark, stmt)
		}
		create := "CREATE INDEX"
		if g[1] != "" {
			create = "CREATE UNIQUE INDEX"
		}
		if d == Postgres {
			create += " CONCURRENTLY"
		}
		m.Statements[i] = create + " IF NOT EXISTS " + g[2] + " " + strings.TrimSpace(g[3])
		m.Indexes = append(m.Indexes, g[2])
	}
	if len(m.Statements) == 0 {
		return fmt.Errorf("migration %04d_%s: declared %q but builds no index", m.Version, m.Name, concurrentlyMark)
	}
	return nil
}

func stripLineComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// pollInterval is how often the runner asks again for the migration lock,
// and whether another session's build of an index has ended.
const pollInterval = 200 * time.Millisecond

// waitAdvisoryLock takes a session-level advisory lock on conn, asking with
// pg_try_advisory_lock until it gets it. A session blocked in
// pg_advisory_lock holds a snapshot for as long as it waits, and CREATE
// INDEX CONCURRENTLY waits for every snapshot older than its own: a second
// node waiting for the lock while the first builds an index would wait for
// the first node, which waits for it — a deadlock PostgreSQL cannot see (the
// lock's holder is another session of the first node, idle). Each try is a
// statement of its own, so no snapshot lives between tries.
func waitAdvisoryLock(ctx context.Context, conn *sql.Conn, key int64) error {
	for {
		var got bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		if got {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("migration lock: %w", ctx.Err())
		case <-time.After(pollInterval):
		}
	}
}

// applyConcurrently runs a concurrently migration on PostgreSQL: each
// index built outside a transaction (an invalid leftover dropped first),
// then, once all are valid, the record in one transaction.
func (db *DB) applyConcurrently(ctx context.Context, m Migration) error {
	for i, stmt := range m.Statements {
		name := m.Indexes[i]
		if err := db.dropInvalidIndex(ctx, name); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if _, err := db.DB.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("migration %04d_%s: %w\n%s", m.Version, m.Name, err, stmt)
		}
	}
	for _, name := range m.Indexes {
		st, err := db.indexState(ctx, name)
		if err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if st != indexValid {
			return fmt.Errorf("migration %04d_%s: index %s is not valid after its build", m.Version, m.Name, name)
		}
	}
	return db.InTx(Quiet(ctx), func(tx *sql.Tx) error {
		return db.recordMigration(ctx, tx, m)
	})
}

type indexStatus int

const (
	indexMissing indexStatus = iota
	indexInvalid
	indexValid
)

// indexState looks an index up by name (resolved through search_path) in
// pg_index: a valid index is ready for writes and valid for reads.
func (db *DB) indexState(ctx context.Context, name string) (indexStatus, error) {
	var valid bool
	err := db.DB.QueryRowContext(ctx, `SELECT indisvalid AND indisready FROM pg_index WHERE indexrelid = to_regclass($1)`, name).Scan(&valid)
	switch {
	case err == sql.ErrNoRows:
		return indexMissing, nil
	case err != nil:
		return 0, fmt.Errorf("index %s: %w", name, err)
	case valid:
		return indexValid, nil
	}
	return indexInvalid, nil
}

// dropInvalidIndex drops the index name when it is invalid: the leftover
// of a failed or interrupted concurrent build. A build of it still running
// in another session (a node killed while its statement went on) is waited
// for first: it may yet end valid.
func (db *DB) dropInvalidIndex(ctx context.Context, name string) error {
	for {
		st, err := db.indexState(ctx, name)
		if err != nil || st != indexInvalid {
			return err
		}
		var building bool
		if err := db.DB.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_progress_create_index WHERE index_relid = to_regclass($1))`, name).Scan(&building); err != nil {
			return fmt.Errorf("index %s: %w", name, err)
		}
		if !building {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollInterval):
		}
	}
	if _, err := db.DB.ExecContext(ctx, `DROP INDEX CONCURRENTLY IF EXISTS `+name); err != nil {
		return fmt.Errorf("dropping the invalid index %s: %w", name, err)
	}
	return nil
}
