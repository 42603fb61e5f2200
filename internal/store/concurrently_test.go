package store_test

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// The fixture: a table (an ordinary migration), then a unique index on it
// built by a concurrently migration, numbered after the binary's newest.
const (
	fixtureTable = "-- liangxin:keeps-previous\nCREATE TABLE fixture_codes (id INTEGER PRIMARY KEY, code TEXT NOT NULL);\n"
	fixtureIndex = "-- liangxin:concurrently\n-- 代码唯一\nCREATE UNIQUE INDEX fixture_codes_code ON fixture_codes(code);\n"
)

func fixtureMigrations(t *testing.T, d store.Dialect) (table, index store.Migration) {
	t.Helper()
	latest := store.LatestVersion(d)
	table, err := store.ParseMigration(d, latest+1, "fixture_table", fixtureTable)
	if err != nil {
		t.Fatal(err)
	}
	index, err = store.ParseMigration(d, latest+2, "fixture_index", fixtureIndex)
	if err != nil {
		t.Fatal(err)
	}
	return table, index
}

// The declaration: statements rewritten per dialect, counted as keeping the
// previous release working; anything but CREATE INDEX refused.
func TestConcurrentlyDeclaration(t *testing.T) {
	for d, want := range map[store.Dialect]string{
		store.Postgres: "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS fixture_codes_code ON fixture_codes(code)",
		store.SQLite:   "CREATE UNIQUE INDEX IF NOT EXISTS fixture_codes_code ON fixture_codes(code)",
	} {
		m, err := store.ParseMigration(d, 99, "x", fixtureIndex)
		if err != nil {
			t.Fatal(err)
		}
		if !m.Concurrently || !m.KeepsPrevious || len(m.Statements) != 1 || m.Statements[0] != want ||
			len(m.Indexes) != 1 || m.Indexes[0] != "fixture_codes_code" {
			t.Errorf("%s: %+v, want the statement %q", d, m, want)
		}
		plain, err := store.ParseMigration(d, 99, "x", "-- liangxin:concurrently\ncreate index if not exists a_b on a (b) where b <> '';\n")
		if err != nil || plain.Statements[0] != strings.Replace("CREATE INDEX CONCURRENTLY IF NOT EXISTS a_b on a (b) where b <> ''", " CONCURRENTLY", map[store.Dialect]string{store.Postgres: " CONCURRENTLY", store.SQLite: ""}[d], 1) {
			t.Errorf("%s: %q %v", d, plain.Statements, err)
		}
		for _, bad := range []string{
			"-- liangxin:concurrently\nCREATE INDEX a_b ON a(b);\nALTER TABLE a ADD COLUMN c TEXT;\n",
			"-- liangxin:concurrently\nDROP INDEX a_b;\n",
			"-- liangxin:concurrently\n-- nothing\n",
		} {
			if _, err := store.ParseMigration(d, 99, "x", bad); err == nil {
				t.Errorf("%s: accepted %q", d, bad)
			}
		}
		if m, _ := store.ParseMigration(d, 99, "x", "CREATE INDEX a_b ON a(b); -- liangxin:concurrently\n"); m.Concurrently {
			t.Errorf("%s: a mark that is not a line of its own counted", d)
		}
	}
}

// isPostgres reports whether the suite runs on PostgreSQL.
func isPostgres() bool { return os.Getenv(storetest.EnvPostgres) != "" }

// indexValid reads the index's state from the database's own catalog:
// "valid", "invalid" or "missing".
func indexState(t *testing.T, db *store.DB, name string) (state string, oid int64) {
	t.Helper()
	if db.Dialect == store.SQLite {
		if count(t, db, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?`, name) == 1 {
			return "valid", 0
		}
		return "missing", 0
	}
	var valid bool
	err := db.QueryRow(ctx, db, `SELECT indisvalid AND indisready, indexrelid::oid::bigint FROM pg_index WHERE indexrelid = to_regclass(?)`, name).Scan(&valid, &oid)
	switch {
	case err == sql.ErrNoRows:
		return "missing", 0
	case err != nil:
		t.Fatal(err)
	case valid:
		return "valid", oid
	}
	return "invalid", oid
}

// Both databases: the index exists and is valid after migrate, the
// migration is recorded as keeping the previous release; a build that failed
// on duplicates (PostgreSQL leaves an INVALID index) is rebuilt on the next
// migrate once the data is fixed; an index marked invalid is dropped and
// built again.
func TestConcurrentIndexMigration(t *testing.T) {
	db := storetest.Open(t)
	table, index := fixtureMigrations(t, db.Dialect)
	if n, err := db.MigrateWith(ctx, table); err != nil || n != 1 {
		t.Fatalf("fixture table: %d %v", n, err)
	}
	exec(t, db, `INSERT INTO fixture_codes (id, code) VALUES (1, 'a'), (2, 'a'), (3, 'b')`)

	_, err := db.MigrateWith(ctx, table, index)
	if err == nil || !store.IsUniqueViolation(err) && !strings.Contains(err.Error(), "UNIQUE") && !strings.Contains(err.Error(), "unique") {
		t.Fatalf("build over duplicates: %v, want a uniqueness violation", err)
	}
	if v, _ := db.SchemaVersion(ctx); v != table.Version {
		t.Fatalf("after the failed build the schema is at %d, want %d (not recorded)", v, table.Version)
	}
	wantLeft := "missing"
	if db.Dialect == store.Postgres {
		wantLeft = "invalid"
	}
	if st, _ := indexState(t, db, "fixture_codes_code"); st != wantLeft {
		t.Fatalf("after the failed build the index is %s, want %s", st, wantLeft)
	}

	exec(t, db, `DELETE FROM fixture_codes WHERE id = 2`)
	if n, err := db.MigrateWith(ctx, table, index); err != nil || n != 1 {
		t.Fatalf("after fixing the data: applied %d, %v", n, err)
	}
	st, oid := indexState(t, db, "fixture_codes_code")
	if st != "valid" {
		t.Fatalf("index %s after migrate, want valid", st)
	}
	if _, err := db.Exec(ctx, db, `INSERT INTO fixture_codes (id, code) VALUES (4, 'a')`); err == nil {
		t.Fatal("the unique index let a duplicate in")
	}
	if v, _ := db.SchemaVersion(ctx); v != index.Version {
		t.Fatalf("schema at %d, want %d", v, index.Version)
	}
	if keep := count(t, db, `SELECT keeps_previous FROM schema_compat WHERE version = ?`, index.Version); keep != 1 {
		t.Fatalf("schema_compat keeps_previous %d, want 1", keep)
	}
	if n, err := db.MigrateWith(ctx, table, index); err != nil || n != 0 {
		t.Fatalf("again: applied %d, %v", n, err)
	}

	if db.Dialect != store.Postgres {
		return
	}
	// A leftover marked invalid by hand (as a build killed in its last
	// phase leaves it), the migration not recorded: dropped, built anew.
	exec(t, db, `UPDATE pg_index SET indisvalid = false WHERE indexrelid = to_regclass('fixture_codes_code')`)
	exec(t, db, `DELETE FROM schema_migrations WHERE version = ?`, index.Version)
	exec(t, db, `DELETE FROM schema_compat WHERE version = ?`, index.Version)
	if st, _ := indexState(t, db, "fixture_codes_code"); st != "invalid" {
		t.Fatalf("simulated leftover is %s", st)
	}
	if n, err := db.MigrateWith(ctx, table, index); err != nil || n != 1 {
		t.Fatalf("rebuild: applied %d, %v", n, err)
	}
	st, oid2 := indexState(t, db, "fixture_codes_code")
	if st != "valid" || oid2 == oid {
		t.Fatalf("after the rebuild: %s, oid %d (before %d): want valid and a new index", st, oid2, oid)
	}
}

// activity is one backend of the test's database working on the fixture.
type activity struct {
	pid           int64
	query, waitOn string
}

// buildsOf lists the backends of this database whose statement is an index
// build of the fixture.
func buildsOf(t *testing.T, db *store.DB) []activity {
	t.Helper()
	rows, err := db.Query(ctx, db, `SELECT pid, query, COALESCE(wait_event_type, '') FROM pg_stat_activity
		WHERE datname = current_database() AND state = 'active' AND query LIKE 'CREATE %INDEX %fixture_codes_code%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []activity
	for rows.Next() {
		var a activity
		if err := rows.Scan(&a.pid, &a.query, &a.waitOn); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// waitFor polls cond until it holds, or fails the test when done reports
// first (the migration ended before the state looked for was seen).
func waitFor(t *testing.T, what string, done <-chan error, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case err := <-done:
			t.Fatalf("the migration ended (%v) before %s", err, what)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// PostgreSQL: while a transaction that wrote the table is open, the build
// waits for it — as CREATE INDEX CONCURRENTLY does, outside a transaction
// (PostgreSQL refuses it in one) — and meanwhile another session writes the
// table without waiting (LOCK … NOWAIT fails at once if a lock request
// conflicting with writes is granted or queued, as a plain CREATE INDEX's
// SHARE lock is). A second node starting meanwhile waits for the migration
// lock without deadlocking the build, and applies nothing.
func TestConcurrentIndexDoesNotBlockWrites(t *testing.T) {
	if !isPostgres() {
		t.Skip("concurrent index builds are PostgreSQL's (" + storetest.EnvPostgres + ")")
	}
	db := storetest.Open(t)
	table, index := fixtureMigrations(t, db.Dialect)
	if _, err := db.MigrateWith(ctx, table); err != nil {
		t.Fatal(err)
	}
	exec(t, db, `INSERT INTO fixture_codes (id, code) VALUES (1, 'a'), (2, 'b')`)

	// A transaction that wrote the table stays open.
	held, err := db.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Rollback() //nolint:errcheck
	if _, err := held.ExecContext(ctx, `INSERT INTO fixture_codes (id, code) VALUES (3, 'c')`); err != nil {
		t.Fatal(err)
	}

	tctx, cancel := context.WithTimeout(ctx, 5*time.Minute) // a hang fails, never a speed
	defer cancel()
	first := make(chan error, 1)
	var firstN int
	go func() {
		var err error
		firstN, err = db.MigrateWith(tctx, table, index)
		first <- err
	}()
	var build activity
	waitFor(t, "the build waited for the open writer", first, func() bool {
		for _, a := range buildsOf(t, db) {
			if a.waitOn == "Lock" {
				build = a
				return true
			}
		}
		return false
	})
	if !strings.HasPrefix(build.query, "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS fixture_codes_code") {
		t.Fatalf("the build's statement is %q, want CREATE UNIQUE INDEX CONCURRENTLY …", build.query)
	}

	// Another session writes the table during the build, without waiting.
	w, err := db.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.ExecContext(ctx, `LOCK TABLE fixture_codes IN ROW EXCLUSIVE MODE NOWAIT`); err != nil {
		w.Rollback() //nolint:errcheck
		t.Fatalf("a write during the build would wait: %v", err)
	}
	if _, err := w.ExecContext(ctx, `INSERT INTO fixture_codes (id, code) VALUES (4, 'd')`); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}

	// A second node starts: it asks for the migration lock while the
	// build runs (seen as a second session that tried it).
	other := openNode(t, db, "liangxin-second-node")
	if other.Dialect != store.Postgres {
		t.Fatal("second node is not on PostgreSQL")
	}
	second := make(chan error, 1)
	var secondN int
	go func() {
		var err error
		secondN, err = other.MigrateWith(tctx, table, index)
		second <- err
	}()
	waitFor(t, "the second node asked for the migration lock", first, func() bool {
		select {
		case err := <-second:
			t.Fatalf("the second node ended (%v) while the first held the lock", err)
		default:
		}
		return count(t, db, `SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()
			AND application_name = 'liangxin-second-node' AND query LIKE '%advisory_lock(%'`) > 0
	})

	if err := held.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-first; err != nil {
		t.Fatalf("first node: %v", err)
	}
	if err := <-second; err != nil {
		t.Fatalf("second node: %v", err)
	}
	if firstN != 1 || secondN != 0 {
		t.Fatalf("applied %d and %d, want 1 and 0", firstN, secondN)
	}
	if st, _ := indexState(t, db, "fixture_codes_code"); st != "valid" {
		t.Fatalf("index %s, want valid", st)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM fixture_codes`); n != 4 {
		t.Fatalf("%d rows, want the 4 written before and during the build", n)
	}
}

// openNode opens a second handle on db's database, as another node would,
// its sessions named app in pg_stat_activity.
func openNode(t *testing.T, db *store.DB, app string) *store.DB {
	t.Helper()
	u, err := url.Parse(db.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	other, err := store.OpenPostgres(ctx, u.String(), db.Schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}

// PostgreSQL: a node killed during its build leaves the statement running
// in its backend (PostgreSQL notices a lost client only when it writes to
// it). The next node finds the index invalid while that build runs: it
// waits for it instead of dropping it, and records the migration once the
// build ended valid — the same index, not a second build.
func TestConcurrentIndexWaitsForAnOrphanBuild(t *testing.T) {
	if !isPostgres() {
		t.Skip("concurrent index builds are PostgreSQL's (" + storetest.EnvPostgres + ")")
	}
	db := storetest.Open(t)
	table, index := fixtureMigrations(t, db.Dialect)
	if _, err := db.MigrateWith(ctx, table); err != nil {
		t.Fatal(err)
	}
	exec(t, db, `INSERT INTO fixture_codes (id, code) VALUES (1, 'a'), (2, 'b')`)
	held, err := db.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Rollback() //nolint:errcheck
	if _, err := held.ExecContext(ctx, `INSERT INTO fixture_codes (id, code) VALUES (3, 'c')`); err != nil {
		t.Fatal(err)
	}
	// The orphan: the build of a node that is gone, still waiting.
	orphan := make(chan error, 1)
	go func() {
		_, err := db.DB.ExecContext(ctx, index.Statements[0])
		orphan <- err
	}()
	waitFor(t, "the orphan build waited", orphan, func() bool {
		for _, a := range buildsOf(t, db) {
			if a.waitOn == "Lock" {
				return true
			}
		}
		return false
	})
	st, oid := indexState(t, db, "fixture_codes_code")
	if st != "invalid" {
		t.Fatalf("index during the orphan build: %s", st)
	}
	next := openNode(t, db, "liangxin-next-node")
	tctx, cancel := context.WithTimeout(ctx, 5*time.Minute) // a hang fails, never a speed
	defer cancel()
	done := make(chan error, 1)
	var applied int
	go func() {
		var err error
		applied, err = next.MigrateWith(tctx, table, index)
		done <- err
	}()
	waitFor(t, "the next node looked at the running build", done, func() bool {
		if count(t, db, `SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()
			AND application_name = 'liangxin-next-node' AND query LIKE 'DROP INDEX%'`) > 0 {
			t.Fatal("the next node drops the index of a build still running")
		}
		return count(t, db, `SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()
			AND application_name = 'liangxin-next-node' AND query LIKE '%pg_stat_progress_create_index%'`) > 0
	})
	if err := held.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-orphan; err != nil {
		t.Fatalf("orphan build: %v", err)
	}
	if err := <-done; err != nil || applied != 1 {
		t.Fatalf("next node: applied %d, %v", applied, err)
	}
	st, oid2 := indexState(t, db, "fixture_codes_code")
	if st != "valid" || oid2 != oid {
		t.Fatalf("after: %s, oid %d (the orphan's %d): want the orphan's index, valid", st, oid2, oid)
	}
}
