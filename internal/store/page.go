package store

import (
	"context"
	"math"
	"strconv"
	"strings"
)

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

// DefaultTotalCap is how many rows a list counts at most: past it the total
// is a lower bound (Total.Capped), so that a page costs what it returns and
// not what the ledger holds (a province's members list counted 3 million
// rows for every page of 20).
const DefaultTotalCap = 10000

// Total is the number of rows a list matches. When Capped, the count stopped
// at the cap and N (the cap) is a lower bound: there are more than N rows.
type Total struct {
	N      int
	Capped bool
}

// Exact is a total known to the row.
func Exact(n int) Total { return Total{N: n} }

// Ceiling is the most rows the list may hold: N when exact, and no limit
// when capped (walkers such as exports page on until a short page).
func (t Total) Ceiling() int {
	if t.Capped {
		return math.MaxInt
	}
	return t.N
}

// String is the count as a reader sees it: "10000+" when capped.
func (t Total) String() string {
	if t.Capped {
		return strconv.Itoa(t.N) + "+"
	}
	return strconv.Itoa(t.N)
}

// ListQuery is a list's statement: SELECT Cols From WHERE Cond ORDER BY
// Order. From is the whole clause, "FROM x JOIN y …"; CountFrom, when set,
// is the clause the count runs over instead (From without the joins that
// never change the number of rows; it must take From's arguments, so keep
// placeholders out of both). Order should end with a unique column
// so that pages do not overlap. Args are Cond's (and From's) arguments;
// ColArgs those of placeholders in Cols, which the row query binds before
// Args and the count never sees. Cap is the most rows counted (0:
// DefaultTotalCap).
type ListQuery struct {
	Cols, From, CountFrom, Cond string
	Args, ColArgs               []any
	Order                       string
	Cap                         int
}

// ListPage counts the rows of "from WHERE cond", at most DefaultTotalCap,
// and reads one page of "SELECT cols from WHERE cond ORDER BY order" on the
// read-only report path, scanning each row with scan. from is the whole
// clause, "FROM x JOIN y …". The order should end with a unique column so
// that pages do not overlap.
func ListPage[T any](ctx context.Context, db *DB, cols, from, cond string, args []any, order string, p Page, scan func(Scanner) (T, error)) ([]T, Total, error) {
	return List(ctx, db, ListQuery{Cols: cols, From: from, Cond: cond, Args: args, Order: order}, p, scan)
}

// SetTotalCap sets the cap of the lists that name none (ListQuery.Cap 0)
// on this database; n < 1 restores DefaultTotalCap. A hook for tests, which
// check a list past its cap without writing 10,000 rows.
func (db *DB) SetTotalCap(n int) {
	db.totalCap.Store(int64(max(n, 0)))
}

// capOn is the most rows lq counts on db.
func (lq ListQuery) capOn(db *DB) int {
	if lq.Cap > 0 {
		return lq.Cap
	}
	if n := db.totalCap.Load(); n > 0 {
		return int(n)
	}
	return DefaultTotalCap
}

// List is ListPage with the statement as a ListQuery. The count reads at
// most Cap+1 rows ("SELECT COUNT(*) FROM (SELECT 1 … LIMIT cap+1)"): up to
// the cap the total is exact; past it the total is the cap and Capped.
// Pages past the cap are still read (by OFFSET).
func List[T any](ctx context.Context, db *DB, lq ListQuery, p Page, scan func(Scanner) (T, error)) ([]T, Total, error) {
	var out []T
	var total Total
	err := db.Report(ctx, func(q Querier) error {
		var err error
		out, total, err = ListIn(ctx, db, q, lq, p, scan)
		return err
	})
	if out == nil {
		out = []T{}
	}
	return out, total, err
}

// ListIn is List inside a read the caller holds (q, e.g. from db.Report),
// for lists whose rows need more reads in the same snapshot.
func ListIn[T any](ctx context.Context, db *DB, q Querier, lq ListQuery, p Page, scan func(Scanner) (T, error)) ([]T, Total, error) {
	out := []T{}
	total, err := CountIn(ctx, db, q, lq)
	if err != nil || total.N == 0 {
		return out, total, err
	}
	cond := lq.Cond
	if strings.TrimSpace(cond) == "" {
		cond = "1 = 1"
	}
	query, qargs := p.Limit(`SELECT `+lq.Cols+` `+lq.From+` WHERE `+cond+` ORDER BY `+lq.Order, append(append([]any{}, lq.ColArgs...), lq.Args...))
	rows, err := db.Query(ctx, q, query, qargs...)
	if err != nil {
		return out, total, err
	}
	defer rows.Close()
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return out, total, err
		}
		out = append(out, x)
	}
	return out, total, wrapQuery(ctx, query, rows.Err())
}

// CountIn counts the rows of lq (CountFrom, or From, WHERE Cond) up to its
// cap, inside q: the total of a list whose page query is its own (a list
// that picks the page's ids first, say). Cols and Order are not used.
func CountIn(ctx context.Context, db *DB, q Querier, lq ListQuery) (Total, error) {
	capN := lq.capOn(db)
	countFrom := lq.CountFrom
	if countFrom == "" {
		countFrom = lq.From
	}
	cond := lq.Cond
	if strings.TrimSpace(cond) == "" {
		cond = "1 = 1"
	}
	count := `SELECT COUNT(*) FROM (SELECT 1 AS one ` + countFrom + ` WHERE ` + cond + ` LIMIT ?) capped`
	n := 0
	if err := db.QueryRow(ctx, q, count, append(append(make([]any, 0, len(lq.Args)+1), lq.Args...), capN+1)...).Scan(&n); err != nil {
		return Total{}, wrapQuery(ctx, "SELECT COUNT(*) "+countFrom, err)
	}
	return Total{N: min(n, capN), Capped: n > capN}, nil
}
