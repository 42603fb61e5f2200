// Package storetest opens a fresh, migrated database for a test: a SQLite file
// in the test's temp folder, or, when LIANGXIN_TEST_POSTGRES holds a
// postgres:// URL, a PostgreSQL database of its own (dropped after).
//
// Migrating 40-odd migrations for every test was most of the suite's set-up
// time, so Open migrates a template once and copies it: on SQLite the migrated
// file is kept in memory (once per test process) and written to each test's
// folder; on PostgreSQL a template database named after the migrations' hash
// is migrated once (for every process and run that share those migrations)
// and each test gets CREATE DATABASE … TEMPLATE of it, its schema renamed to
// a name of its own. Each test still has an isolated database, and Open still
// runs Migrate on it (a no-op when the copy is current).
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"liangxin/internal/store"
)

// EnvPostgres names the variable that switches the suite to PostgreSQL.
const EnvPostgres = "LIANGXIN_TEST_POSTGRES"

// Open returns a migrated database for t.
func Open(t testing.TB) *store.DB {
	t.Helper()
	var db *store.DB
	if url := os.Getenv(EnvPostgres); url != "" {
		db = openPostgresCopy(t, url)
	} else {
		db = openSQLiteCopy(t)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// OpenEmpty returns an unmigrated database for t.
func OpenEmpty(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	if url := os.Getenv(EnvPostgres); url != "" {
		schema := randomName()
		admin, err := store.OpenPostgres(ctx, url, "")
		if err != nil {
			t.Fatalf("postgres: %v", err)
		}
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			t.Fatalf("create schema: %v", err)
		}
		db, err := store.OpenPostgres(ctx, url, schema)
		if err != nil {
			t.Fatalf("postgres: %v", err)
		}
		t.Cleanup(func() {
			db.Close()
			_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			admin.Close()
		})
		return db
	}
	db, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), store.SQLiteFile))
	if err != nil {
		t.Fatalf("sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func randomName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "t_" + hex.EncodeToString(b)
}

// sqliteTemplate is the migrated SQLite file (and its log, if one was left),
// built once per test process.
var sqliteTemplate struct {
	once    sync.Once
	db, wal []byte
	err     error
}

func buildSQLiteTemplate() {
	dir, err := os.MkdirTemp("", "liangxin-storetest-")
	if err != nil {
		sqliteTemplate.err = err
		return
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, store.SQLiteFile)
	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, file)
	if err != nil {
		sqliteTemplate.err = err
		return
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		sqliteTemplate.err = fmt.Errorf("migrate: %w", err)
		return
	}
	// Closing the last connection checkpoints the log into the file.
	if err := db.Close(); err != nil {
		sqliteTemplate.err = err
		return
	}
	if sqliteTemplate.db, err = os.ReadFile(file); err != nil {
		sqliteTemplate.err = err
		return
	}
	if b, err := os.ReadFile(file + "-wal"); err == nil {
		sqliteTemplate.wal = b
	}
}

func openSQLiteCopy(t testing.TB) *store.DB {
	t.Helper()
	sqliteTemplate.once.Do(buildSQLiteTemplate)
	if sqliteTemplate.err != nil {
		t.Fatalf("sqlite template: %v", sqliteTemplate.err)
	}
	file := filepath.Join(t.TempDir(), store.SQLiteFile)
	if err := os.WriteFile(file, sqliteTemplate.db, 0o600); err != nil {
		t.Fatal(err)
	}
	if sqliteTemplate.wal != nil {
		if err := os.WriteFile(file+"-wal", sqliteTemplate.wal, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db, err := store.OpenSQLite(context.Background(), file)
	if err != nil {
		t.Fatalf("sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// templateSchema is the schema the PostgreSQL template is migrated in; each
// copy renames it to a name of its own.
const templateSchema = "lx_template"

// pgTemplate is the name of the template database for the base URL, built
// once per process (and kept between processes and runs: its name carries
// the migrations' hash, so a changed migration makes a new one).
var pgTemplate struct {
	mu    sync.Mutex
	name  string
	err   error
	built bool
}

func migrationsHash() (string, error) {
	ms, err := store.Migrations(store.Postgres)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%d %s\n", m.Version, m.Name)
		for _, s := range m.Statements {
			fmt.Fprintf(h, "%s\n;\n", s)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// withDatabase returns base with its database name replaced.
func withDatabase(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

func ensurePGTemplate(ctx context.Context, base string) (string, error) {
	pgTemplate.mu.Lock()
	defer pgTemplate.mu.Unlock()
	if pgTemplate.built {
		return pgTemplate.name, pgTemplate.err
	}
	pgTemplate.built = true
	pgTemplate.name, pgTemplate.err = buildPGTemplate(ctx, base)
	return pgTemplate.name, pgTemplate.err
}

func buildPGTemplate(ctx context.Context, base string) (string, error) {
	hash, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "lx_tmpl_" + hash
	admin, err := store.OpenPostgres(ctx, base, "")
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	// Test processes run side by side: one builds, the others wait.
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(727199)`); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(727199)`) //nolint:errcheck
	// A template is marked datistemplate only once fully migrated; one left
	// half-built by an interrupted run is dropped and built again.
	var ready bool
	err = conn.QueryRowContext(ctx, `SELECT datistemplate FROM pg_database WHERE datname = $1`, name).Scan(&ready)
	if err == nil && ready {
		return name, nil
	}
	if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return "", err
	}
	turl, err := withDatabase(base, name)
	if err != nil {
		return "", err
	}
	tadmin, err := store.OpenPostgres(ctx, turl, "")
	if err != nil {
		return "", err
	}
	if _, err := tadmin.ExecContext(ctx, `CREATE SCHEMA `+templateSchema); err != nil {
		tadmin.Close()
		return "", err
	}
	tadmin.Close()
	tdb, err := store.OpenPostgres(ctx, turl, templateSchema)
	if err != nil {
		return "", err
	}
	if _, err := tdb.Migrate(ctx); err != nil {
		tdb.Close()
		return "", fmt.Errorf("migrate: %w", err)
	}
	tdb.Close()
	if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+name+` WITH IS_TEMPLATE true`); err != nil {
		return "", err
	}
	return name, nil
}

func openPostgresCopy(t testing.TB, base string) *store.DB {
	t.Helper()
	ctx := context.Background()
	tmpl, err := ensurePGTemplate(ctx, base)
	if err != nil {
		t.Fatalf("postgres template: %v", err)
	}
	name := randomName()
	admin, err := store.OpenPostgres(ctx, base, "")
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+tmpl); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	// A test's commits need not wait for the WAL to reach the disk: the
	// database is dropped at the end of the test and no test crashes the
	// server (the crash test kills the application, whose commits PostgreSQL
	// has made visible either way). Every test commit is still a commit, seen
	// by every other connection; only the flush is deferred, which the
	// suite's thousands of small transactions otherwise waited for one by one.
	if _, err := admin.ExecContext(ctx, `ALTER DATABASE `+name+` SET synchronous_commit = off`); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		admin.Close()
	})
	durl, err := withDatabase(base, name)
	if err != nil {
		t.Fatal(err)
	}
	// The copy's schema gets the database's name, unique like the schemas
	// OpenEmpty makes (the leader lock and backups key on it).
	func() {
		d, err := store.OpenPostgres(ctx, durl, "")
		if err != nil {
			t.Fatalf("postgres: %v", err)
		}
		defer d.Close()
		if _, err := d.ExecContext(ctx, `ALTER SCHEMA `+templateSchema+` RENAME TO `+name); err != nil {
			t.Fatalf("rename schema: %v", err)
		}
	}()
	db, err := store.OpenPostgres(ctx, durl, name)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Reopen opens a second store.DB on db's database (its own pools: another
// app node, or a CLI process next to the server), closed at the end of t.
func Reopen(t testing.TB, db *store.DB) *store.DB {
	t.Helper()
	ctx := context.Background()
	var other *store.DB
	var err error
	if db.Dialect == store.Postgres {
		other, err = store.OpenPostgres(ctx, db.URL, db.Schema)
	} else {
		other, err = store.OpenSQLite(ctx, db.Path)
	}
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}

// EnvLong names the variable that runs, on PostgreSQL too, the long variants
// CI runs on SQLite only (`make test-long` sets it).
const EnvLong = "LIANGXIN_TEST_LONG"

// SQLiteOnlyInCI skips t on the PostgreSQL run unless LIANGXIN_TEST_LONG=1:
// for a long test whose rule the SQLite run of CI checks in full and whose
// database-dependent part another test checks on PostgreSQL (why says which).
// `make test-long` runs these on PostgreSQL.
func SQLiteOnlyInCI(t testing.TB, why string) {
	t.Helper()
	if OnPostgres() && !Long() {
		t.Skip("PostgreSQL run: " + why + " (make test-long runs it here; " + EnvLong + "=1)")
	}
}

// OnPostgres reports the PostgreSQL run (LIANGXIN_TEST_POSTGRES set).
func OnPostgres() bool { return os.Getenv(EnvPostgres) != "" }

// Long reports LIANGXIN_TEST_LONG=1 (make test-long).
func Long() bool { return os.Getenv(EnvLong) == "1" }
