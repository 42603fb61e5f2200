package store_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"liangxin/internal/store"
	"liangxin/internal/store/storetest"
)

// A rolling upgrade (both databases). The binary's newest migration is L.
// It serves its own version; a newer schema only while every migration
// above L is recorded as keeping the previous release working; it refuses
// to start (Migrate) on a newer schema outside that window; an older schema
// is not ready until migrated.
func TestSchemaCompatibilityWindow(t *testing.T) {
	db := storetest.Open(t)
	latest := store.LatestVersion(db.Dialect)
	if err := db.CheckServes(ctx); err != nil {
		t.Fatalf("own version: %v", err)
	}
	// Migrate recorded every migration's declaration.
	var n int
	if err := db.QueryRow(ctx, db, `SELECT COUNT(*) FROM schema_compat`).Scan(&n); err != nil || n != latest {
		t.Fatalf("schema_compat rows %d %v, want %d", n, err, latest)
	}
	newer := func(v, keep int, record bool) {
		t.Helper()
		exec(t, db, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, v, fmt.Sprintf("future_%d", v), "2027-01-01T00:00:00Z")
		if record {
			exec(t, db, `INSERT INTO schema_compat (version, keeps_previous) VALUES (?, ?)`, v, keep)
		}
	}
	// The next release added a table, declared keeps-previous.
	newer(latest+1, 1, true)
	if err := db.CheckServes(ctx); err != nil {
		t.Fatalf("one compatible newer migration: %v", err)
	}
	if applied, err := db.Migrate(ctx); err != nil || applied != 0 {
		t.Fatalf("start on a compatible newer schema: applied %d, %v", applied, err)
	}
	// The release after renamed a column: not compatible with release L.
	newer(latest+2, 0, true)
	want := fmt.Sprintf("第 %d 号迁移未声明兼容旧版本", latest+2)
	if err := db.CheckServes(ctx); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("incompatible newer migration: %v, want %q", err, want)
	}
	if _, err := db.Migrate(ctx); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("start on an incompatible newer schema: %v, want a refusal naming %q", err, want)
	}
	exec(t, db, `DELETE FROM schema_compat WHERE version = ?`, latest+2)
	// Recorded by nobody (a binary older than the rule): not known compatible.
	if err := db.CheckServes(ctx); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("newer migration with no record: %v", err)
	}
	exec(t, db, `DELETE FROM schema_migrations WHERE version > ?`, latest)
	exec(t, db, `DELETE FROM schema_compat WHERE version > ?`, latest)
	// Older than the binary: not ready until migrated.
	exec(t, db, `DELETE FROM schema_migrations WHERE version = ?`, latest)
	if err := db.CheckServes(ctx); err == nil || !strings.Contains(err.Error(), "尚未迁移") {
		t.Fatalf("older schema: %v", err)
	}
}

// additive matches the statements a keeps-previous migration may hold: new
// tables, indexes and rows, and new columns that are nullable or have a
// default.
var additive = regexp.MustCompile(`(?is)^\s*(CREATE\s+(UNIQUE\s+)?INDEX|CREATE\s+TABLE|INSERT\s+INTO|ALTER\s+TABLE\s+\w+\s+ADD\s+COLUMN\s+(IF\s+NOT\s+EXISTS\s+)?\w+\s+[^;]*)`)

func additiveStatement(stmt string) bool {
	s := strings.TrimSpace(stripComments(stmt))
	if s == "" {
		return true
	}
	if !additive.MatchString(s) {
		return false
	}
	up := strings.ToUpper(s)
	if strings.Contains(up, "ADD COLUMN") && strings.Contains(up, "NOT NULL") && !strings.Contains(up, "DEFAULT") {
		return false // older code's INSERTs would fail
	}
	return true
}

func stripComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// The guard on the declaration: a migration that declares keeps-previous
// holds additive statements only (checked on every migration, both dialects).
func TestKeepsPreviousMigrationsAreAdditive(t *testing.T) {
	for _, c := range []struct {
		stmt string
		ok   bool
	}{
		{"CREATE TABLE x (id INTEGER PRIMARY KEY)", true},
		{"CREATE INDEX x_a ON x(a)", true},
		{"ALTER TABLE x ADD COLUMN note TEXT NOT NULL DEFAULT ''", true},
		{"ALTER TABLE x ADD COLUMN note TEXT", true},
		{"ALTER TABLE x ADD COLUMN note TEXT NOT NULL", false},
		{"ALTER TABLE x RENAME COLUMN a TO b", false},
		{"DROP TABLE x", false},
		{"UPDATE x SET a = 1", false},
	} {
		if got := additiveStatement(c.stmt); got != c.ok {
			t.Errorf("additive(%q) = %v, want %v", c.stmt, got, c.ok)
		}
	}
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		ms, err := store.Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if !m.KeepsPrevious {
				continue
			}
			for _, s := range m.Statements {
				if !additiveStatement(s) {
					t.Errorf("%s migration %04d_%s declares keeps-previous but is not additive: %s", d, m.Version, m.Name, s)
				}
			}
		}
	}
}

// The declaration is a line of its own in the migration file.
func TestKeepsPreviousDeclaration(t *testing.T) {
	for body, want := range map[string]bool{
		"-- 新表\n-- liangxin:keeps-previous\nCREATE TABLE x (id INTEGER);\n": true,
		"  -- liangxin:keeps-previous  \nCREATE TABLE x (id INTEGER);":      true,
		"CREATE TABLE x (id INTEGER); -- liangxin:keeps-previous":           false,
		"-- liangxin:keeps-previous-not\nDROP TABLE x;":                     false,
		"DROP TABLE x;": false,
	} {
		if got := store.DeclaresKeepsPrevious(body); got != want {
			t.Errorf("declared(%q) = %v, want %v", body, got, want)
		}
	}
}
