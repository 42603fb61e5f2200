package org

import (
	"context"
	"fmt"
	"strings"
	"time"

	"liangxin/internal/store"
)

// copyOff, set by tests only (SetCopyOff), keeps the new organizations of
// an import on the multi-row INSERT, to compare both paths.
var copyOff bool

// copyCols are the columns copyMany writes: the id, then orgCols.
var copyCols = func() []string {
	cols := []string{"id"}
	for _, c := range strings.Split(orgCols, ",") {
		cols = append(cols, strings.TrimSpace(c))
	}
	return cols
}()

// copyMany is insertMany's PostgreSQL form inside an import's own
// connection (store.InTxConn): the ids are drawn from the table's
// sequence in one query, and the rows written with COPY, which skips the
// parsing and planning of a 6,000-parameter INSERT for every chunk. It
// writes the same values as insertMany (insertArgs) and keeps the same
// promise: ok is false, with nothing written (savepoint), on a unique
// violation, and the caller then names the row with row-by-row inserts.
// done is false when COPY cannot be used here (SQLite, a write outside
// InTxConn), and insertMany then writes the rows itself.
func (s *Service) copyMany(ctx context.Context, tx store.Querier, ps []pendingRow) (ok, done bool, err error) {
	if copyOff || s.DB.Dialect != store.Postgres || !store.CanCopy(ctx) {
		return false, false, nil
	}
	if _, err := s.DB.Exec(ctx, tx, `SAVEPOINT org_bulk_copy`); err != nil {
		return false, true, err
	}
	ids, err := s.nextIDs(ctx, tx, len(ps))
	if err != nil {
		return false, true, err
	}
	now := s.Now()
	rows := make([][]any, len(ps))
	vals := make([]any, 0, len(ps)*(orgColCount+1))
	for k, p := range ps {
		start := len(vals)
		vals = append(vals, ids[k])
		vals = insertArgs(vals, p.o, now)
		rows[k] = vals[start:len(vals):len(vals)]
	}
	if _, err := store.CopyFrom(ctx, "organizations", copyCols, rows); err != nil {
		if !store.IsUniqueViolation(err) {
			return false, true, err
		}
		if _, err := s.DB.Exec(ctx, tx, `ROLLBACK TO SAVEPOINT org_bulk_copy`); err != nil {
			return false, true, err
		}
		return false, true, nil
	}
	if _, err := s.DB.Exec(ctx, tx, `RELEASE SAVEPOINT org_bulk_copy`); err != nil {
		return false, true, err
	}
	t := now.UTC().Truncate(time.Microsecond)
	for k := range ps {
		o := &ps[k].o
		o.ID = ids[k]
		o.CreatedAt, o.UpdatedAt = t, t
	}
	return true, true, nil
}

// nextIDs draws n ids from the sequence of organizations.id.
func (s *Service) nextIDs(ctx context.Context, tx store.Querier, n int) ([]int64, error) {
	rows, err := s.DB.Query(ctx, tx, `SELECT nextval(pg_get_serial_sequence('organizations', 'id')) FROM generate_series(1, ?)`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) != n {
		return nil, fmt.Errorf("org: %d ids drawn for %d rows", len(ids), n)
	}
	return ids, nil
}
