package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// SealedColumn is a column holding values sealed with the personal-data key
// (its name ends in _enc) and, when the table has one, the column holding the
// keyed hash of the same value (same prefix, ending in _hash).
type SealedColumn struct {
	Table  string
	Column string
	Hash   string
}

// tableColumns lists every base table of the database (the current schema on
// PostgreSQL) with its columns.
func tableColumns(ctx context.Context, d Dialect, q Querier) (map[string][]string, error) {
	var query string
	switch d {
	case SQLite:
		query = `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY m.name, p.cid`
	case Postgres:
		query = `SELECT c.table_name, c.column_name FROM information_schema.columns c
			JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
			WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
			ORDER BY c.table_name, c.ordinal_position`
	default:
		return nil, fmt.Errorf("unknown dialect %q", d)
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store: list columns: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, err
		}
		out[t] = append(out[t], c)
	}
	return out, rows.Err()
}

// Tables lists the base tables, sorted.
func Tables(ctx context.Context, d Dialect, q Querier) ([]string, error) {
	cols, err := tableColumns(ctx, d, q)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(cols))
	for t := range cols {
		names = append(names, t)
	}
	sort.Strings(names)
	return names, nil
}

// SealedColumns finds every *_enc column of every table, with its *_hash
// partner if any, sorted by table and column. New sealed columns are found
// without being listed here.
func SealedColumns(ctx context.Context, d Dialect, q Querier) ([]SealedColumn, error) {
	cols, err := tableColumns(ctx, d, q)
	if err != nil {
		return nil, err
	}
	var out []SealedColumn
	for t, cs := range cols {
		has := map[string]bool{}
		for _, c := range cs {
			has[c] = true
		}
		for _, c := range cs {
			if prefix, ok := strings.CutSuffix(c, "_enc"); ok && prefix != "" {
				sc := SealedColumn{Table: t, Column: c}
				if has[prefix+"_hash"] {
					sc.Hash = prefix + "_hash"
				}
				out = append(out, sc)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Table != out[j].Table {
			return out[i].Table < out[j].Table
		}
		return out[i].Column < out[j].Column
	})
	return out, nil
}

// TableCounts counts the rows of every base table.
func TableCounts(ctx context.Context, d Dialect, q Querier) (map[string]int64, error) {
	tables, err := Tables(ctx, d, q)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(tables))
	for _, t := range tables {
		var n int64
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+QuoteIdent(t)).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: count %s: %w", t, err)
		}
		out[t] = n
	}
	return out, nil
}

// SampleSealed returns up to limit non-empty values of one sealed column.
func SampleSealed(ctx context.Context, q Querier, c SealedColumn, limit int) ([]string, error) {
	rows, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE %s <> '' LIMIT %d`,
		QuoteIdent(c.Column), QuoteIdent(c.Table), QuoteIdent(c.Column), limit))
	if err != nil {
		return nil, fmt.Errorf("store: read %s.%s: %w", c.Table, c.Column, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// QuoteIdent quotes a table or column name for both dialects.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
