package store

import (
	"context"
	"sync/atomic"
)

// counting is set once some context asked for its queries to be counted;
// until then the hook below costs one atomic load.
var counting atomic.Bool

type queryCounterKey struct{}

// QueryCounter counts the statements run through DB.Exec, DB.Query and
// DB.QueryRow with a context from CountQueries. Tests use it to show that a
// report runs a fixed number of queries whatever the size of its scope.
type QueryCounter struct{ n atomic.Int64 }

// N is the number of statements counted so far.
func (c *QueryCounter) N() int64 { return c.n.Load() }

// Reset sets the count back to zero.
func (c *QueryCounter) Reset() { c.n.Store(0) }

// CountQueries returns a context whose statements are counted by the
// returned counter (a test hook; nothing is counted without it).
func CountQueries(ctx context.Context) (context.Context, *QueryCounter) {
	c := &QueryCounter{}
	counting.Store(true)
	return context.WithValue(ctx, queryCounterKey{}, c), c
}

// countQuery adds one to the counter of ctx, if any.
func countQuery(ctx context.Context) {
	if !counting.Load() {
		return
	}
	if c, ok := ctx.Value(queryCounterKey{}).(*QueryCounter); ok {
		c.n.Add(1)
	}
}
