package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

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

// WithoutSecondaryIndexes runs fill with the non-unique, non-primary indexes
// of tables dropped, and builds them again from their saved definitions
// afterwards, all in q's transaction (PostgreSQL only; on SQLite fill just
// runs). For a rebuild that empties tables and writes them anew: inserting
// millions of rows into indexes whose order is not the rows' order touches
// their pages at random, and after every checkpoint each touched page is
// logged whole again (full-page writes), so the WAL grows to many times the
// tables' size; an index built once after the load is written once, in
// order. The tables are locked for the transaction (ACCESS EXCLUSIVE), as
// DROP INDEX does.
func WithoutSecondaryIndexes(ctx context.Context, db *DB, q Querier, tables []string, fill func() error) error {
	if db.Dialect != Postgres {
		return fill()
	}
	in := make([]any, len(tables))
	for i, t := range tables {
		in[i] = t
	}
	rows, err := db.Query(ctx, q, `SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND t.relname IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(tables)), ", ")+`)
		AND NOT x.indisunique AND NOT x.indisprimary ORDER BY 1`, in...)
	if err != nil {
		return fmt.Errorf("store: secondary indexes of %v: %w", tables, err)
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return err
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, n := range names {
		if _, err := db.Exec(ctx, q, `DROP INDEX `+pgx.Identifier{n}.Sanitize()); err != nil {
			return fmt.Errorf("store: drop index %s: %w", n, err)
		}
	}
	if err := fill(); err != nil {
		return err
	}
	for i, def := range defs {
		if _, err := db.Exec(ctx, q, def); err != nil {
			return fmt.Errorf("store: build index %s again: %w", names[i], err)
		}
	}
	return nil
}
