package gen

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"liangxin/internal/store"
)

// loader writes the tables on one connection inside one transaction: COPY on
// PostgreSQL; prepared multi-row INSERTs on SQLite, through a connection of
// its own with the journal and syncing off for the load only.
type loader struct {
	ctx    context.Context
	db     *store.DB
	conn   *sql.Conn
	own    *sql.DB // SQLite: the loading connection's pool
	wasWAL bool
	// journal is the SQLite journal mode during the load.
	journal string
	inTx    bool
	// resume restarts the store's checkpointer paused for the load (SQLite).
	resume func()
}

// saved is what dropSecondary set aside.
type saved struct {
	indexes     []string // CREATE INDEX statements
	constraints [][3]string
}

func inList() string {
	return "('" + strings.Join(tables, "', '") + "')"
}

func openLoader(ctx context.Context, db *store.DB) (*loader, error) {
	l := &loader{ctx: ctx, db: db}
	if db.Dialect == store.Postgres {
		c, err := db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		l.conn = c
		return l, nil
	}
	// Idle connections of the application's pool, and the background
	// checkpointer's, would keep SQLite from leaving WAL mode.
	db.SetMaxIdleConns(0)
	l.resume = db.PauseCheckpoints()
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "foreign_keys(0)"} {
		q.Add("_pragma", p)
	}
	own, err := sql.Open("sqlite", "file:"+(&url.URL{Path: db.Path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		l.resume()
		return nil, err
	}
	own.SetMaxOpenConns(1)
	c, err := own.Conn(ctx)
	if err != nil {
		own.Close()
		l.resume()
		return nil, err
	}
	l.own, l.conn = own, c
	var mode string
	if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		l.close()
		return nil, err
	}
	l.wasWAL = strings.EqualFold(mode, "wal")
	// Leaving WAL needs the only connection to the file: where another one
	// is open (a test's application) the load keeps WAL.
	if err := c.QueryRowContext(ctx, "PRAGMA journal_mode = OFF").Scan(&mode); err == nil {
		l.journal = mode
	} else {
		l.journal = mode + "（" + err.Error() + "）"
	}
	for _, p := range []string{"PRAGMA synchronous = OFF", fmt.Sprintf("PRAGMA cache_size = -%d", loadCacheKiB), "PRAGMA temp_store = MEMORY"} {
		if _, err := c.ExecContext(ctx, p); err != nil {
			l.close()
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	return l, nil
}

// loadCacheKiB is the SQLite page cache of the load's connection. modernc's
// allocator spends about 8 KiB per cached 4 KiB page, so the peak RSS of a
// 1M load grows by about twice the cache: 128 MB cost 475 MB peak, 32 MB
// 286 MB with the same load time, 8 MB 240 MB but three times slower
// (docs/benchmarks.md, h-slots).
const loadCacheKiB = 32768

func (l *loader) begin() error {
	if _, err := l.conn.ExecContext(l.ctx, "BEGIN"); err != nil {
		return fmt.Errorf("BEGIN: %w", err)
	}
	l.inTx = true
	if l.db.Dialect == store.Postgres {
		for _, s := range []string{"SET LOCAL synchronous_commit = off", "SET LOCAL maintenance_work_mem = '256MB'"} {
			if _, err := l.conn.ExecContext(l.ctx, s); err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *loader) commit() error {
	l.inTx = false
	_, err := l.conn.ExecContext(l.ctx, "COMMIT")
	return err
}

func (l *loader) rollback() {
	if l.inTx {
		l.inTx = false
		_, _ = l.conn.ExecContext(context.WithoutCancel(l.ctx), "ROLLBACK")
	}
}

// close ends the load: SQLite returns to its journal mode.
func (l *loader) close() error {
	if l.conn == nil {
		return nil
	}
	l.rollback()
	var err error
	if l.own != nil {
		ctx := context.WithoutCancel(l.ctx)
		mode := "DELETE"
		if l.wasWAL {
			mode = "WAL"
		}
		if !strings.EqualFold(l.journal, mode) {
			_, err = l.conn.ExecContext(ctx, "PRAGMA journal_mode = "+mode)
		}
		if _, e := l.conn.ExecContext(ctx, "PRAGMA synchronous = NORMAL"); err == nil {
			err = e
		}
	}
	if e := l.conn.Close(); err == nil {
		err = e
	}
	l.conn = nil
	if l.own != nil {
		if e := l.own.Close(); err == nil {
			err = e
		}
		l.db.SetMaxIdleConns(2)
		l.resume()
	}
	return err
}

// dropSecondary drops the non-unique indexes of the loaded tables (and on
// PostgreSQL their foreign keys), to be rebuilt once after the load.
func (l *loader) dropSecondary() (saved, error) {
	var s saved
	var q string
	if l.db.Dialect == store.Postgres {
		q = `SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
			JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
			WHERE n.nspname = current_schema() AND t.relname IN ` + inList() + ` AND NOT x.indisunique AND NOT x.indisprimary ORDER BY 1`
	} else {
		q = `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ` + inList() +
			` AND upper(sql) NOT LIKE 'CREATE UNIQUE%' ORDER BY 1`
	}
	var names []string
	rows, err := l.conn.QueryContext(l.ctx, q)
	if err != nil {
		return s, err
	}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return s, err
		}
		names = append(names, name)
		s.indexes = append(s.indexes, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s, err
	}
	if l.db.Dialect == store.Postgres {
		rows, err := l.conn.QueryContext(l.ctx, `SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
			JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
			WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname IN `+inList()+` ORDER BY 1, 2`)
		if err != nil {
			return s, err
		}
		for rows.Next() {
			var c [3]string
			if err := rows.Scan(&c[0], &c[1], &c[2]); err != nil {
				rows.Close()
				return s, err
			}
			s.constraints = append(s.constraints, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return s, err
		}
		for _, c := range s.constraints {
			if _, err := l.conn.ExecContext(l.ctx, fmt.Sprintf(`ALTER TABLE %s DROP CONSTRAINT %s`, c[0], pgx.Identifier{c[1]}.Sanitize())); err != nil {
				return s, err
			}
		}
	}
	for _, n := range names {
		if _, err := l.conn.ExecContext(l.ctx, `DROP INDEX `+pgx.Identifier{n}.Sanitize()); err != nil {
			return s, err
		}
	}
	return s, nil
}

// restore rebuilds what dropSecondary dropped and, on PostgreSQL, moves the
// id sequences past the loaded ids.
func (l *loader) restore(s saved) error {
	for _, def := range s.indexes {
		if _, err := l.conn.ExecContext(l.ctx, def); err != nil {
			return err
		}
	}
	for _, c := range s.constraints {
		if _, err := l.conn.ExecContext(l.ctx, fmt.Sprintf(`ALTER TABLE %s ADD CONSTRAINT %s %s`, c[0], pgx.Identifier{c[1]}.Sanitize(), c[2])); err != nil {
			return err
		}
	}
	if l.db.Dialect == store.Postgres {
		for _, t := range tables {
			if _, err := l.conn.ExecContext(l.ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM %s`, t, t)); err != nil {
				return err
			}
		}
	}
	return nil
}

// load writes one table and returns the number of rows.
func (l *loader) load(t table) (int, error) {
	if l.db.Dialect == store.Postgres {
		var n int64
		err := l.conn.Raw(func(dc any) error {
			pc := dc.(*stdlib.Conn).Conn()
			var err error
			n, err = pc.CopyFrom(l.ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromFunc(t.next))
			return err
		})
		return int(n), err
	}
	batch := min(500, 30000/len(t.cols))
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(t.cols)), ",") + ")"
	stmt := func(n int) string {
		return "INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", n), ",")
	}
	ps, err := l.conn.PrepareContext(l.ctx, stmt(batch))
	if err != nil {
		return 0, err
	}
	defer ps.Close()
	args := make([]any, 0, batch*len(t.cols))
	total := 0
	for {
		args = args[:0]
		n := 0
		for n < batch {
			row, err := t.next()
			if err != nil {
				return total, err
			}
			if row == nil {
				break
			}
			args = append(args, row...)
			n++
		}
		switch {
		case n == batch:
			_, err = ps.ExecContext(l.ctx, args...)
		case n > 0:
			_, err = l.conn.ExecContext(l.ctx, stmt(n), args...)
		}
		if err != nil {
			return total, err
		}
		total += n
		if n < batch {
			return total, nil
		}
	}
}
