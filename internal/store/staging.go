package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Staged writes on SQLite (issue 12: everybody waits for an import).
//
// SQLite has one write lock per database file. A bulk write that runs in
// one transaction on the database holds it from its first row to its
// commit, and every other writer (a login, a single record) waits that
// long. A Stage moves the long part elsewhere: a scratch SQLite file next
// to the database, ATTACHed as the schema "stage" to a connection of its
// own. While staging, that connection reads the database (a read
// transaction, which never blocks a writer in WAL mode) and writes only the
// scratch file, whose lock nobody else wants. The rows, audit entries and
// derived data are all computed there; Publish then copies them into the
// database in one short write transaction (INSERT … SELECT from the stage)
// on the transaction pool's connection, like any other writer.
//
// Nothing of a stage is visible before Publish commits: the scratch file
// is not part of the database. A process killed while staging leaves only
// the scratch file, which the next start removes (RemoveStaleStages); one
// killed while publishing leaves a transaction SQLite rolls back.
//
// Scratch files are named <database>.stage-<random>. Each is locked
// (flock) by the process that stages into it, so that the clean-up of a
// second process opening the same database (a command-line tool beside the
// server) never removes a stage still in use.

// StageSchema is the name the scratch file is attached under.
const StageSchema = "stage"

// stageInfix separates the database's file name from a stage's suffix.
const stageInfix = ".stage-"

// Stage is a scratch file being filled for one staged write.
type Stage struct {
	db *DB
	// Path is the scratch file.
	Path string
	pool *sql.DB   // the staging connection's pool (one connection)
	conn *sql.Conn // the staging connection, with the stage attached
	lock *os.File  // holds the file's flock while the stage lives
	// keep: the stage was published with roll-forward and its roll-forward
	// has not finished; Close leaves the file to the next start.
	keep bool
}

// NewStage creates a scratch file next to the database and a connection of
// its own that reads the database and writes the stage (SQLite only).
func (db *DB) NewStage(ctx context.Context) (*Stage, error) {
	if db.Dialect != SQLite {
		return nil, errors.New("store: staging is for SQLite only")
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	st := &Stage{db: db, Path: db.Path + stageInfix + hex.EncodeToString(b)}
	lock, err := os.OpenFile(st.Path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: create stage: %w", err)
	}
	st.lock = lock
	if err := lockFile(lock); err != nil {
		st.Close()
		return nil, fmt.Errorf("store: lock stage: %w", err)
	}
	// Deferred transactions: BEGIN IMMEDIATE would take the database's
	// write lock too, which is what staging avoids.
	pool, err := sql.Open("sqlite", stagingDSN(db.Path))
	if err != nil {
		st.Close()
		return nil, err
	}
	pool.SetMaxOpenConns(1)
	st.pool = pool
	conn, err := pool.Conn(ctx)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("store: staging connection: %w", err)
	}
	st.conn = conn
	if err := attachStage(ctx, conn, st.Path); err != nil {
		st.Close()
		return nil, err
	}
	// The scratch file needs no durability: a crash discards it. A
	// rollback journal in a file (never synced) still lets a rolled-back
	// statement undo its changes. Not in memory (MEMORY, as before): it
	// holds the original of every stage page a transaction changes, and
	// the count changes written at 2^18 series-days and at the end rewrite
	// the whole stage.coverage_counts, so the journal took 60–100 MB
	// outside Go's heap at 200,000 rows (issue 12 item 2; docs/decisions.md).
	// TRUNCATE, not DELETE: a stage is filled in hundreds of short
	// transactions, and truncating the journal costs less than recreating it.
	for _, p := range []string{`PRAGMA stage.journal_mode = TRUNCATE`, `PRAGMA stage.synchronous = OFF`} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			st.Close()
			return nil, fmt.Errorf("store: %s: %w", p, err)
		}
	}
	return st, nil
}

// stagingDSN is the staging connection's connection string: the server's,
// with deferred transactions.
func stagingDSN(path string) string {
	return strings.Replace(sqliteDSN(path, writerBusy), "_txlock=immediate", "_txlock=deferred", 1)
}

func attachStage(ctx context.Context, conn *sql.Conn, path string) error {
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS `+StageSchema, sqliteURI(path)+"?"+url.Values{"mode": {"rw"}}.Encode()); err != nil {
		return fmt.Errorf("store: attach stage: %w", err)
	}
	return nil
}

// Exec runs a statement on the staging connection outside any transaction
// (creating the stage's tables).
func (st *Stage) Exec(ctx context.Context, query string, args ...any) error {
	_, err := st.conn.ExecContext(ctx, Rebind(SQLite, query), args...)
	return wrapQuery(ctx, query, err)
}

// Conn is the staging connection: it reads the database and writes the
// stage. Statements on it outside Begin … Commit run each in a transaction
// of their own.
func (st *Stage) Conn() *sql.Conn { return st.conn }

// Begin starts a transaction on the staging connection (BEGIN DEFERRED):
// it reads the database from one snapshot and writes the stage, and it
// holds no lock another writer of the database waits for. A stage is
// filled in many short ones (a chunk of rows each), so that no snapshot of
// the database is held for long: a reader's snapshot keeps the
// checkpointer from restarting the log, which would otherwise grow by
// every other writer's pages for the whole import (416 MB in 6 minutes of
// a loaded benchmark with one snapshot).
func (st *Stage) Begin(ctx context.Context) error {
	_, err := st.conn.ExecContext(ctx, `BEGIN DEFERRED`)
	return err
}

// Commit ends the staging connection's transaction, into the scratch file.
func (st *Stage) Commit(ctx context.Context) error {
	_, err := st.conn.ExecContext(ctx, `COMMIT`)
	return err
}

// Rollback ends the staging connection's transaction, if one is open.
func (st *Stage) Rollback(ctx context.Context) {
	_, _ = st.conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
}

// Run stands in for a transaction of a sheetimport run whose writer
// writes through the staging connection (Conn, Begin, Commit) instead: it
// runs fn with a nil transaction and rolls back what a failure left open.
func (st *Stage) Run(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := fn(nil); err != nil {
		st.Rollback(ctx)
		return err
	}
	return nil
}

// ReserveIDs takes n ids of table (an AUTOINCREMENT key) for the stage's
// new rows in one short write transaction: it moves the table's sequence n
// past the highest id in use, so no other writer can be given them. The
// first is returned; the ids are first … first+n-1. Ids reserved by a stage
// that is never published are simply never used.
func (st *Stage) ReserveIDs(ctx context.Context, table string, n int64) (first int64, err error) {
	err = st.db.InTx(Quiet(ctx), func(tx *sql.Tx) error {
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&last); err != nil {
			return err
		}
		var seq sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = ?`, table).Scan(&seq)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)`, table, last+n)
		case err == nil:
			last = max(last, seq.Int64)
			_, err = tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = ? WHERE name = ?`, last+n, table)
		}
		first = last + 1
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: reserve %d ids of %s: %w", n, table, err)
	}
	return first, nil
}

// Publish runs fn in one write transaction of the database, on the
// transaction pool's connection (so it queues behind the other writers
// like any of them), with the stage attached: fn copies the stage into the
// database. The pre-commit checks of ctx run before the commit, and the
// data generation is bumped after it, as DB.InTx does. The staging
// connection must have no transaction open.
func (st *Stage) Publish(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	err = st.db.withStage(ctx, st.Path, fn)
	if err == nil && !IsQuiet(ctx) {
		st.db.bump(ctx, nil)
	}
	return err
}

// Close ends the staging connection and removes the scratch file.
func (st *Stage) Close() error {
	if st.conn != nil {
		st.conn.Close()
	}
	if st.pool != nil {
		st.pool.Close()
	}
	var err error
	if !st.keep {
		err = removeStageFiles(st.Path)
	}
	if st.lock != nil {
		st.lock.Close()
	}
	return err
}

// removeStageFiles removes a scratch file and its journals.
func removeStageFiles(path string) error {
	var first error
	for _, p := range []string{path, path + "-journal", path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) && first == nil {
			first = err
		}
	}
	return first
}

// RemoveStaleStages removes the scratch files a killed process left next
// to the SQLite database at path (those no live process holds), and
// returns how many it removed. OpenSQLite calls it (through
// removeStaleStages, which also keeps the stages of publishes being
// rolled forward).
func RemoveStaleStages(path string) (int, error) { return removeStaleStages(path, nil) }

// removeStaleStages is RemoveStaleStages keeping the files named in keep
// (base names).
func removeStaleStages(path string, keep map[string]publishState) (int, error) {
	matches, err := filepath.Glob(escapeGlob(path) + stageInfix + "*")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range matches {
		if strings.HasSuffix(m, "-journal") || strings.HasSuffix(m, "-wal") || strings.HasSuffix(m, "-shm") {
			continue
		}
		if _, ok := keep[filepath.Base(m)]; ok { // committed, to be rolled forward
			continue
		}
		f, err := os.OpenFile(m, os.O_RDWR, 0)
		if err != nil {
			continue
		}
		if lockFile(f) != nil { // staged into by a live process
			f.Close()
			continue
		}
		err = removeStageFiles(m)
		f.Close()
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// escapeGlob quotes the pattern characters of a path for filepath.Glob.
func escapeGlob(p string) string {
	return strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`, `\`, `\\`).Replace(p)
}
