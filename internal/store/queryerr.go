package store

import (
	"strings"
)

// QueryError is a statement that failed, named by what it was doing
// ("insert into organizations", "select from members"), so a failed query
// in a log says which one it was. It wraps the driver's error: errors.Is and
// errors.As (IsUniqueViolation, context.Canceled) see through it.
type QueryError struct {
	Op  string
	Err error
}

func (e *QueryError) Error() string { return e.Op + ": " + e.Err.Error() }

// Unwrap returns the driver's error.
func (e *QueryError) Unwrap() error { return e.Err }

// wrapQuery names err by the statement query; nil stays nil.
func wrapQuery(query string, err error) error {
	if err == nil {
		return nil
	}
	return &QueryError{Op: Operation(query), Err: err}
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
