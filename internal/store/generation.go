package store

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"
)

// The data generation (issue 18 target 3, read cache). read_generation is a
// one-row table whose counter n goes up by one AFTER every write
// transaction commits (InTx) and after every write statement run outside a
// transaction (Exec with a pool, not a *sql.Tx), on whichever node made it,
// unless the write's context is marked Quiet. A reader that reads
// generation N and then computes therefore sees data at least as new as the
// commit that preceded bump N, and a cached result tagged N stays valid
// while the generation is still N (internal/readcache).
//
// The bump is a separate autocommit statement, not part of the writer's
// transaction: inside it, the row lock would serialise every write
// transaction of every node on PostgreSQL for as long as the longest one.
//
// The default is to bump: a writer nobody thought of invalidates the caches
// (safe); only writes known not to change any figure (sessions, logins,
// rate limits, job heartbeats, audit-only records) say Quiet.

type quietKey struct{}

// Quiet marks ctx's writes as not changing any figure a cache holds: they
// do not bump the data generation.
func Quiet(ctx context.Context) context.Context {
	return context.WithValue(ctx, quietKey{}, true)
}

// IsQuiet reports whether ctx's writes leave the data generation alone.
func IsQuiet(ctx context.Context) bool {
	q, _ := ctx.Value(quietKey{}).(bool)
	return q
}

// Generation identifies the state of the data a cached result was computed
// from: the shared counter (DB) and this process's own count of writes
// (Local, which also invalidates when a bump of the table failed). Two
// generations are the same state only when equal.
type Generation struct {
	DB    int64
	Local uint64
}

// ReadGeneration returns the current data generation, read from the pool a
// report in ctx would read from (the replica when Report would use it, else
// the primary), and the context the computation must then use: when the
// generation came from the primary, the returned context keeps the
// computation on the primary (a replica that became usable meanwhile may be
// behind the generation read). A result computed with the returned context
// reflects at least the data of the returned generation.
func (db *DB) ReadGeneration(ctx context.Context) (Generation, context.Context, error) {
	g := Generation{Local: db.localGen.Load()}
	onReplica := db.Dialect == Postgres && db.replica != nil && db.replica.pick(ctx)
	if onReplica {
		err := db.replica.pool.QueryRowContext(ctx, `SELECT n FROM read_generation WHERE id = 1`).Scan(&g.DB)
		if err == nil {
			return g, ctx, nil
		}
		if ctx.Err() != nil {
			return g, ctx, err
		}
		db.replica.markDown(err)
	}
	if err := db.DB.QueryRowContext(ctx, `SELECT n FROM read_generation WHERE id = 1`).Scan(&g.DB); err != nil {
		return g, ctx, err
	}
	if db.replica != nil {
		ctx = PrimaryOnly(ctx)
	}
	return g, ctx, nil
}

// PrimaryOnly returns ctx with its reads kept on the primary (it undoes
// ReadFromReplica).
func PrimaryOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, readKey{}, primaryOnly{})
}

type primaryOnly struct{}

// BumpGeneration records that data changed: this process's count at once,
// then the shared counter. InTx and Exec call it after their writes; a
// writer outside them (a bulk loader on its own connection) calls it when
// done. A failure is logged, not returned: the write itself has committed,
// and this node's caches are invalidated by the local count anyway.
func (db *DB) BumpGeneration(ctx context.Context) {
	db.bump(ctx, nil)
}

// bump runs the shared counter's UPDATE on q (the pool the write used, so
// that a write on the statement pool never waits on the transaction pool),
// or on the transaction pool when q is nil.
func (db *DB) bump(ctx context.Context, q Querier) {
	db.localGen.Add(1)
	if q == nil {
		q = db.DB
		if db.tx != nil {
			q = db.tx
		}
	}
	// The write has committed: a caller that went away meanwhile must not
	// leave the generation behind.
	ctx = context.WithoutCancel(ctx)
	if _, err := q.ExecContext(ctx, `UPDATE read_generation SET n = n + 1 WHERE id = 1`); err != nil {
		db.bumpErrors.Add(1)
		slog.Default().Warn("store: data generation not bumped; other nodes' read caches may serve older figures until their safety TTL", "err", err)
	}
}

// BumpErrors counts the failed bumps of the shared counter (tests, status).
func (db *DB) BumpErrors() int64 { return db.bumpErrors.Load() }

// isWrite reports whether a statement changes rows (the bump rule of Exec):
// INSERT, UPDATE, DELETE, REPLACE, or a WITH … that does one of them.
func isWrite(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	if len(q) < 6 {
		return false
	}
	switch strings.ToUpper(q[:6]) {
	case "INSERT", "UPDATE", "DELETE", "REPLAC", "UPSERT":
		return true
	}
	if strings.EqualFold(q[:4], "WITH") {
		u := strings.ToUpper(q)
		return strings.Contains(u, "INSERT ") || strings.Contains(u, "UPDATE ") || strings.Contains(u, "DELETE ")
	}
	return false
}

// bumpsAfter reports whether a statement run by Exec on q is a write outside
// a transaction (q is a pool or a connection, not a *sql.Tx or a wrapper of
// one such as StmtCache) that must bump the generation.
func bumpsAfter(ctx context.Context, q Querier, query string) bool {
	switch q.(type) {
	case *DB, *sql.DB, *sql.Conn:
		return !IsQuiet(ctx) && isWrite(query)
	}
	return false
}
