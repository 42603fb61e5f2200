package store

import "context"

// Paging limits shared by every list.
const (
	DefaultPageSize = 20
	MaxPageSize     = 500
)

// Page is one page of a list: Number counts from 1; Size 0 means every row
// (exports and pickers that want the whole list).
type Page struct {
	Number, Size int
}

// PageOf clamps a requested page the way every list does: a number below 1
// is the first page, a size below 1 or above max (MaxPageSize when max is
// 0) is DefaultPageSize.
func PageOf(number, size, max int) Page {
	number, size = ClampPage(number, size, max)
	return Page{Number: number, Size: size}
}

// ClampPage is PageOf for code that keeps the page number and size apart.
func ClampPage(number, size, max int) (int, int) {
	if max <= 0 {
		max = MaxPageSize
	}
	if number < 1 {
		number = 1
	}
	if size < 1 || size > max {
		size = DefaultPageSize
	}
	return number, size
}

// Offset is the number of rows before the page.
func (p Page) Offset() int {
	if p.Number < 1 || p.Size < 1 {
		return 0
	}
	return (p.Number - 1) * p.Size
}

// Limit appends " LIMIT ? OFFSET ?" to query and the two values to a copy of
// args; a page without a size leaves both as they are.
func (p Page) Limit(query string, args []any) (string, []any) {
	if p.Size < 1 {
		return query, args
	}
	return query + ` LIMIT ? OFFSET ?`, append(append(make([]any, 0, len(args)+2), args...), p.Size, p.Offset())
}

// Scanner is a row being read (*sql.Row or *sql.Rows).
type Scanner = interface{ Scan(dest ...any) error }

// ListPage counts the rows of "from WHERE cond" and reads one page of
// "SELECT cols from WHERE cond ORDER BY order" on the read-only report path,
// scanning each row with scan. from is the whole clause, "FROM x JOIN y …".
// The order should end with a unique column so that pages do not overlap.
func ListPage[T any](ctx context.Context, db *DB, cols, from, cond string, args []any, order string, p Page, scan func(Scanner) (T, error)) ([]T, int, error) {
	out := []T{}
	total := 0
	err := db.Report(ctx, func(q Querier) error {
		if err := db.QueryRow(ctx, q, `SELECT COUNT(*) `+from+` WHERE `+cond, args...).Scan(&total); err != nil {
			return wrapQuery(ctx, "SELECT COUNT(*) "+from, err)
		}
		if total == 0 {
			return nil
		}
		query, qargs := p.Limit(`SELECT `+cols+` `+from+` WHERE `+cond+` ORDER BY `+order, args)
		rows, err := db.Query(ctx, q, query, qargs...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			x, err := scan(rows)
			if err != nil {
				return err
			}
			out = append(out, x)
		}
		return wrapQuery(ctx, query, rows.Err())
	})
	return out, total, err
}
