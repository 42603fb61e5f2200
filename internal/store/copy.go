package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// copyConnKey carries, in the context of InTxConn's fn, the connection its
// transaction runs on.
type copyConnKey struct{}

// InTxConn is InTx on a connection taken for the transaction alone, which
// the context given to fn carries, so that CopyFrom can write through the
// transaction with PostgreSQL's COPY (database/sql has no COPY, and a
// *sql.Tx does not give its connection away). On SQLite it is InTx.
func (db *DB) InTxConn(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) (err error) {
	if db.Dialect != Postgres {
		return db.InTx(ctx, func(tx *sql.Tx) error { return fn(ctx, tx) })
	}
	pool := db.DB
	if db.tx != nil {
		pool = db.tx
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	cctx := context.WithValue(ctx, copyConnKey{}, conn)
	if err := commitTx(ctx, tx, func(tx *sql.Tx) error { return fn(cctx, tx) }); err != nil {
		return err
	}
	if !IsQuiet(ctx) {
		db.bump(ctx, nil)
	}
	return nil
}

// CanCopy tells whether ctx carries InTxConn's connection (PostgreSQL).
func CanCopy(ctx context.Context) bool {
	_, ok := ctx.Value(copyConnKey{}).(*sql.Conn)
	return ok
}

// CopyFrom writes rows into table (columns cols) with COPY, inside the
// transaction of InTxConn whose context ctx is. Each row's values are
// in cols' order, as database/sql would take them (nil for NULL). It
// fails when ctx carries no such connection (see CanCopy).
func CopyFrom(ctx context.Context, table string, cols []string, rows [][]any) (int64, error) {
	return CopyFromSource(ctx, table, cols, pgx.CopyFromRows(rows))
}

// CopyFromSource is CopyFrom taking its rows from src, one at a time (so
// that a writer of many rows need not hold them all as values at once).
func CopyFromSource(ctx context.Context, table string, cols []string, src pgx.CopyFromSource) (int64, error) {
	conn, ok := ctx.Value(copyConnKey{}).(*sql.Conn)
	if !ok {
		return 0, errors.New("store: COPY outside InTxConn")
	}
	var n int64
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("store: COPY needs a pgx connection")
		}
		var err error
		n, err = c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, src)
		return err
	})
	return n, err
}
