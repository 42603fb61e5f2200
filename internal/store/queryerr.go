package store

import (
	"context"
	"strings"
)

// QueryError is a statement that failed, named by what it was doing
// ("insert into organizations", "select from members"), so a failed query
// in a log says which one it was. It wraps the driver's error: errors.Is and
// errors.As (IsUniqueViolation, context.Canceled) see through it.
//
// Name is the domain operation the statement ran under ("member.List"),
// set with WithOp on the context; empty when there was none.
type QueryError struct {
	Name string
	Op   string
	Err  error
}

func (e *QueryError) Error() string {
	if e.Name != "" {
		return e.Name + ": " + e.Op + ": " + e.Err.Error()
	}
	return e.Op + ": " + e.Err.Error()
}

// Unwrap returns the driver's error.
func (e *QueryError) Unwrap() error { return e.Err }

type opKey struct{}

// WithOp names the domain operation ctx runs ("member.List",
// "org.Get"): a statement that fails under it says so first, so a failed
// query in a log reads "member.List: select from members: …". The innermost
// name wins.
func WithOp(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, opKey{}, name)
}

// OpOf is the operation name WithOp put on ctx, or "".
func OpOf(ctx context.Context) string {
	s, _ := ctx.Value(opKey{}).(string)
	return s
}

// wrapQuery names err by the operation on ctx and the statement query; nil
// stays nil, and an error already named is left as it is.
func wrapQuery(ctx context.Context, query string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*QueryError); ok {
		return err
	}
	return &QueryError{Name: OpOf(ctx), Op: Operation(query), Err: err}
}

// Wrap names err (a failed Scan of a QueryRow, say) by the operation on
// ctx and the statement query, the way Exec and Query name theirs. nil and
// an error already named pass unchanged; errors.Is still sees the driver's
// error (sql.ErrNoRows) through it.
func Wrap(ctx context.Context, query string, err error) error {
	return wrapQuery(ctx, query, err)
}

// Operation names what a SQL statement does: its verb and the first table
// it names ("select from organizations", "insert into members",
// "update party_orgs", "delete from audit_log"); a statement it cannot read
// is named by its first word.
func Operation(query string) string {
	f := strings.Fields(query)
	if len(f) == 0 {
		return "sql"
	}
	verb := strings.ToLower(f[0])
	after := func(start int, words ...string) string {
		for i := start; i+1 < len(f); i++ {
			for _, w := range words {
				if strings.EqualFold(f[i], w) {
					return tableName(f[i+1])
				}
			}
		}
		return ""
	}
	var table, prep string
	switch verb {
	case "select", "with":
		table, prep = after(1, "from"), "from"
		verb = "select"
	case "insert":
		table, prep = after(1, "into"), "into"
	case "update":
		table = tableName(f[min(1, len(f)-1)])
	case "delete":
		table, prep = after(1, "from"), "from"
	default:
		return verb
	}
	switch {
	case table == "":
		return verb
	case prep == "":
		return verb + " " + table
	}
	return verb + " " + prep + " " + table
}

// tableName trims what may follow a table name in a statement.
func tableName(w string) string {
	w = strings.TrimLeft(w, "(")
	if i := strings.IndexAny(w, "(),;"); i >= 0 {
		w = w[:i]
	}
	if w == "" || strings.EqualFold(w, "select") {
		return ""
	}
	return strings.ToLower(w)
}
