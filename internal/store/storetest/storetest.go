// Package storetest opens a fresh, migrated database for a test: a SQLite file
// in the test's temp folder, or, when LIANGXIN_TEST_POSTGRES holds a
// postgres:// URL, a new schema in that PostgreSQL database (dropped after).
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"liangxin/internal/store"
)

// EnvPostgres names the variable that switches the suite to PostgreSQL.
const EnvPostgres = "LIANGXIN_TEST_POSTGRES"

// Open returns a migrated database for t.
func Open(t testing.TB) *store.DB {
	t.Helper()
	db := OpenEmpty(t)
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
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		schema := "t_" + hex.EncodeToString(b)
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
