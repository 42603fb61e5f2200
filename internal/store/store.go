// Package store opens the database (embedded SQLite or PostgreSQL), runs the
// migrations and offers the few helpers every data-access function shares:
// placeholder rebinding, transactions and the time format.
//
// SQL is written once with '?' placeholders; Rebind turns them into $n for
// PostgreSQL. Times are stored as fixed-width UTC text (see TimeFormat) in both
// dialects, so ordering and comparison behave the same everywhere.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names a supported database.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// TimeFormat is how instants are stored: UTC, fixed width, sortable as text.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// DateFormat is how plain dates are stored.
const DateFormat = "2006-01-02"

// DB is an open database. It holds two pools on the same database: the
// embedded one for single statements, and tx for transactions. Code inside a
// transaction may still read through the first (domain services look up
// regions and organizations that way), so transactions can never take every
// connection and starve those reads: the deadlock a single pool allows.
// On SQLite the transaction pool has one connection, which also serialises
// writers in Go instead of in SQLite's busy loop.
type DB struct {
	*sql.DB
	tx *sql.DB
	// ckpt checkpoints the SQLite log in the background (nil on PostgreSQL).
	ckpt    *checkpointer
	Dialect Dialect
	// Path is the SQLite file (empty for PostgreSQL).
	Path string
	// URL is the PostgreSQL connection string (empty for SQLite).
	URL string
	// Schema is the PostgreSQL schema in use when not the default.
	Schema string

	// pgcfg is the parsed PostgreSQL connection configuration (nil on
	// SQLite): dedicated connections (the leader's lock) and the replica
	// pool are made from it.
	pgcfg *pgx.ConnConfig
	// replica serves read-only reports when set (AttachReplica).
	replica *Replica

	// localGen counts this process's figure-changing writes and bumpErrors
	// the failed bumps of the shared data generation (generation.go).
	localGen   atomic.Uint64
	bumpErrors atomic.Int64

	// totalCap is the cap of the lists whose ListQuery names none (0:
	// DefaultTotalCap); tests lower it with SetTotalCap.
	totalCap atomic.Int64
}

// Querier is satisfied by *sql.DB, *sql.Tx and *DB.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// SQLiteFile is the database file name inside the data folder.
const SQLiteFile = "liangxin.db"

// Open opens the database: PostgreSQL when dbURL starts with postgres:// or
// postgresql://, otherwise the embedded SQLite file in dataDir.
func Open(ctx context.Context, dbURL, dataDir string) (*DB, error) {
	if strings.HasPrefix(dbURL, "postgres://") || strings.HasPrefix(dbURL, "postgresql://") {
		return OpenPostgres(ctx, dbURL, "")
	}
	if dbURL != "" {
		return nil, fmt.Errorf("不支持的数据库地址 %q：请使用 postgres://… 或留空使用内置 SQLite", redact(dbURL))
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("创建数据目录 %s 失败：%w", dataDir, err)
	}
	return OpenSQLite(ctx, filepath.Join(dataDir, SQLiteFile))
}

// OpenSQLite opens (creating if needed) a SQLite file tuned for a server:
// WAL, foreign keys, a busy timeout and immediate write transactions; the
// log is checkpointed in the background, never by a committing writer (see
// checkpoint.go).
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	dsn := sqliteDSN(path, writerBusy)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("打开 SQLite 数据库 %s 失败：%w", path, err)
	}
	txdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		db.Close()
		return nil, err
	}
	txdb.SetMaxOpenConns(1)
	// The file holds personal data: readable by the service account only.
	if err := os.Chmod(path, 0o600); err != nil {
		db.Close()
		txdb.Close()
		return nil, err
	}
	ckpt, err := newCheckpointer(sqliteDSN(path, checkpointBusy), path, txdb)
	if err != nil {
		db.Close()
		txdb.Close()
		return nil, err
	}
	ckpt.start()
	// Scratch files of staged writes a killed process left behind.
	// (Not those of publishes being rolled forward: FinishPublishes
	// finishes them once the schema is current. A database without the
	// settings table yet has none.)
	keep, _ := pendingPublishes(ctx, db)
	if n, err := removeStaleStages(path, keep); err != nil {
		slog.Warn("store: remove stale stages", "err", err)
	} else if n > 0 {
		slog.Info("store: removed stale stages", "count", n)
	}
	return &DB{DB: db, tx: txdb, ckpt: ckpt, Dialect: SQLite, Path: path}, nil
}

// sqliteDSN is the connection string of every connection to the file.
func sqliteDSN(path string, busy time.Duration) string {
	q := url.Values{}
	for _, p := range []string{fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()), "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)",
		// Deleted and overwritten content is zeroed, not left in free space
		// (personal data, import reports past their retention).
		"secure_delete(1)",
		// Commits never checkpoint; the background checkpointer does.
		"wal_autocheckpoint(0)",
		fmt.Sprintf("journal_size_limit(%d)", journalSizeLimit)} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return sqliteURI(path) + "?" + q.Encode()
}

// sqliteURI turns a file path into a SQLite URI, escaping '#', '?' and '%'.
func sqliteURI(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath()
}

// OpenPostgres connects to PostgreSQL. A non-empty schema becomes the
// search_path (tests use one schema each).
func OpenPostgres(ctx context.Context, dbURL, schema string) (*DB, error) {
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL 地址无效：%w", err)
	}
	if schema != "" {
		cfg.RuntimeParams["search_path"] = schema
	} else if sp := cfg.RuntimeParams["search_path"]; sp != "" && !strings.Contains(sp, ",") {
		schema = sp
	}
	cfg.RuntimeParams["timezone"] = "UTC"
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("连接 PostgreSQL（%s）失败：%w", redact(dbURL), err)
	}
	txdb := stdlib.OpenDB(*cfg)
	txdb.SetMaxOpenConns(20)
	txdb.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{DB: db, tx: txdb, Dialect: Postgres, URL: libpqURL(dbURL), Schema: schema, pgcfg: cfg}, nil
}

// libpqURL drops query parameters that pgx understands but libpq tools
// (pg_dump, pg_restore) refuse, such as search_path.
func libpqURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := p.Query()
	for _, k := range []string{"search_path", "timezone"} {
		q.Del(k)
	}
	p.RawQuery = q.Encode()
	return p.String()
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "（无法解析）"
	}
	if p.User != nil {
		if _, has := p.User.Password(); has {
			p.User = url.UserPassword(p.User.Username(), "xxxxx")
		}
	}
	return p.String()
}

// Rebind converts '?' placeholders to the dialect's form.
func (db *DB) Rebind(query string) string {
	return Rebind(db.Dialect, query)
}

// Rebind converts '?' placeholders to $1, $2… for PostgreSQL. Question marks
// inside single-quoted literals are left alone.
func Rebind(d Dialect, query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	inQuote := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Exec runs a statement written with '?' placeholders.
// A failure is a *QueryError naming the statement. A write run outside a
// transaction (q a pool) bumps the data generation after it (generation.go)
// unless ctx is Quiet.
func (db *DB) Exec(ctx context.Context, q Querier, query string, args ...any) (sql.Result, error) {
	countQuery(ctx)
	res, err := q.ExecContext(ctx, db.Rebind(query), args...)
	if err == nil && bumpsAfter(ctx, q, query) && changedRows(res) {
		db.bump(ctx, q)
	}
	return res, wrapQuery(ctx, query, err)
}

// changedRows tells whether a write may have changed data: a statement
// that reports no affected row (an UPDATE or DELETE that matched nothing, an
// INSERT … ON CONFLICT DO NOTHING that met a conflict) changed nothing, so
// it need not invalidate the read caches. When the count is unknown, it did.
func changedRows(res sql.Result) bool {
	n, err := res.RowsAffected()
	return err != nil || n != 0
}

// Query runs a query written with '?' placeholders.
// A failure is a *QueryError naming the statement.
func (db *DB) Query(ctx context.Context, q Querier, query string, args ...any) (*sql.Rows, error) {
	countQuery(ctx)
	rows, err := q.QueryContext(ctx, db.Rebind(query), args...)
	return rows, wrapQuery(ctx, query, err)
}

// QueryRow runs a single-row query written with '?' placeholders.
func (db *DB) QueryRow(ctx context.Context, q Querier, query string, args ...any) *sql.Row {
	countQuery(ctx)
	return q.QueryRowContext(ctx, db.Rebind(query), args...)
}

// BeginTx starts a transaction on the transaction pool.
func (db *DB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	if db.tx == nil {
		return db.DB.BeginTx(ctx, opts)
	}
	return db.tx.BeginTx(ctx, opts)
}

// Analyze refreshes the query planner's statistics. On SQLite, which has
// none until ANALYZE runs, it samples at most about 1000 rows of each index
// (analysis_limit), so it stays quick on a large database; migrations and
// large imports call it. On PostgreSQL autovacuum keeps the statistics and
// Analyze does nothing.
func (db *DB) Analyze(ctx context.Context) error {
	if db.Dialect != SQLite {
		return nil
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA analysis_limit = 1000`); err != nil {
		return fmt.Errorf("store: analysis_limit: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("store: analyze: %w", err)
	}
	return nil
}

// Optimize lets SQLite refresh the statistics of the tables that changed a
// lot since they were last analysed (PRAGMA optimize, all tables); the
// server runs it hourly and at Close. Nothing on PostgreSQL.
func (db *DB) Optimize(ctx context.Context) error {
	if db.Dialect != SQLite {
		return nil
	}
	if _, err := db.ExecContext(ctx, `PRAGMA optimize = 0x10002`); err != nil {
		return fmt.Errorf("store: optimize: %w", err)
	}
	return nil
}

// Close closes both pools, on SQLite after a last PRAGMA optimize and
// with the checkpointer stopped first.
func (db *DB) Close() error {
	if db.Dialect == SQLite {
		_ = db.Optimize(context.Background())
	}
	var err error
	if db.ckpt != nil {
		err = db.ckpt.close()
	}
	if db.replica != nil {
		if e := db.replica.pool.Close(); e != nil {
			err = e
		}
	}
	if db.tx != nil {
		if e := db.tx.Close(); e != nil {
			err = e
		}
	}
	if e := db.DB.Close(); e != nil {
		err = e
	}
	return err
}

// InTx runs fn in a transaction, committing when it returns nil. After the
// commit it bumps the data generation (generation.go) unless ctx is Quiet.
func (db *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := commitTx(ctx, tx, fn); err != nil {
		return err
	}
	if !IsQuiet(ctx) {
		db.bump(ctx, nil)
	}
	return nil
}

// commitTx runs fn in tx, then the pre-commit checks of ctx, then commits;
// tx is rolled back when any of them fails or fn panics. Every way of
// running a write transaction (InTx, InTxConn, Stage.Publish) ends here.
func commitTx(ctx context.Context, tx *sql.Tx, fn func(tx *sql.Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = RunPreCommit(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// InTxGet runs fn in a transaction (as InTx) and returns what it made.
func InTxGet[T any](ctx context.Context, db *DB, fn func(tx *sql.Tx) (T, error)) (T, error) {
	var out T
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}

// FormatTime formats an instant for storage.
func FormatTime(t time.Time) string {
	return t.UTC().Format(TimeFormat)
}

// ParseTime parses a stored instant.
func ParseTime(s string) (time.Time, error) {
	return time.Parse(TimeFormat, s)
}

// NullTime converts a nullable stored instant.
func NullTime(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t, err := ParseTime(s.String)
	if err != nil {
		return nil
	}
	return &t
}

// IsUniqueViolation reports whether err is a unique-constraint violation.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// LikeEscape escapes LIKE wildcards in s; use with ESCAPE '\'.
func LikeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// Report runs fn, a large read-only report, with the settings such queries
// need. On PostgreSQL it is a read-only transaction on the statement pool
// (never the transaction pool, which writers need) with plans made for the
// actual arguments every time (a cached generic plan can turn a join over a
// million rows into a nested loop), no JIT and a work_mem that keeps the
// aggregates in memory. On SQLite fn reads through the statement pool.
//
// With a read replica attached (AttachReplica) and a context that allows it
// (ReadFromReplica: the HTTP reads), the transaction runs on the replica
// when it is healthy, within the allowed lag and has replayed the caller's
// last write; otherwise on the primary (see Replica.pick).
func (db *DB) Report(ctx context.Context, fn func(q Querier) error) error {
	if db.Dialect != Postgres {
		return fn(db.DB)
	}
	pool := db.DB
	onReplica := false
	if db.replica != nil {
		onReplica = db.replica.pick(ctx)
		if onReplica {
			pool = db.replica.pool
		}
	}
	tx, err := pool.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil && onReplica && ctx.Err() == nil {
		// The replica went away since the last probe: the read goes to
		// the primary and the replica counts as unreachable until the
		// next probe succeeds.
		db.replica.markDown(err)
		onReplica = false
		tx, err = db.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	}
	if err != nil {
		return err
	}
	if db.replica != nil {
		db.replica.count(onReplica)
	}
	defer func() { _ = tx.Rollback() }()
	for _, set := range []string{"SET LOCAL plan_cache_mode = force_custom_plan", "SET LOCAL jit = off", "SET LOCAL work_mem = '64MB'"} {
		if _, err := tx.ExecContext(ctx, set); err != nil {
			return err
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// PGConfig returns a copy of the PostgreSQL connection configuration (nil
// on SQLite), for connections kept outside the pools such as the leader's
// lock connection.
func (db *DB) PGConfig() *pgx.ConnConfig {
	if db.pgcfg == nil {
		return nil
	}
	return db.pgcfg.Copy()
}
